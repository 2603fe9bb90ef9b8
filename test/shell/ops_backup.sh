# Backup: pg_dump of a database with a delivery taken in, restored into a
# fresh database with pg_restore, keeps every row of every table of the
# extension (pg_extension_config_dump), the counters behind its identity
# columns, and, once refreshed, the rows of every published view.
. "$(dirname "$0")/tap.bash"
plan 8

src=ops_backup_src
dst=ops_backup_dst
dump=$(mktemp)

for db in "$src" "$dst"; do
    dropdb --if-exists "$db" 2>/dev/null
done
createdb "$src"
q "CREATE EXTENSION mo_usage" -d "$src"
psql -X -q -v ON_ERROR_STOP=1 -d "$src" -f "$MO_ROOT/test/shell/ops_data.sql"
q "SELECT count(*) FROM mo_usage.run_pipeline()" -d "$src" >/dev/null
q "SET mo_usage.k = 5; CALL mo_usage.refresh_published()" -d "$src"

cleanup() {
    dropdb --if-exists "$src"
    dropdb --if-exists "$dst"
    rm -f "$dump"
}
trap cleanup EXIT

# rows DB: each table of the extension with its rows, in a canonical order
# (a partitioned table with the rows of all its partitions)
tables="SELECT string_agg(format(\$\$SELECT %L, count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM %s t\$\$, c, c), ' UNION ALL ' ORDER BY c::text)
        FROM pg_extension e, unnest(e.extconfig::regclass[]) c
        WHERE e.extname = 'mo_usage'
          AND (SELECT relkind IN ('r', 'p') AND NOT relispartition
               FROM pg_class WHERE oid = c)"
rows() {
    q "$(q "$tables" -d "$1") ORDER BY 1" -d "$1"
}
# published DB: every published view's rows, in a canonical order
views="SELECT string_agg(format(\$\$SELECT %L, count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM %s t\$\$, c.oid::regclass, c.oid::regclass), ' UNION ALL ' ORDER BY c.relname)
       FROM pg_class c
       WHERE c.relnamespace = 'mo_pub'::regnamespace AND c.relkind IN ('v', 'm')
         AND c.relname <> 'release'"
published() {
    q "$(q "$views" -d "$1") ORDER BY 1" -d "$1"
}

before=$(rows "$src")
before_pub=$(published "$src")
is "$(grep -c . <<<"$before") $(awk -F'|' '$2 > 0' <<<"$before" | wc -l)" \
   "$(q "SELECT count(*) FROM pg_extension e, unnest(e.extconfig) c
         JOIN pg_class r ON r.oid = c AND r.relkind IN ('r', 'p')
                         AND NOT r.relispartition
         WHERE e.extname = 'mo_usage'" -d "$src") 10" \
   "the extension's tables are listed, 10 of them with rows"

pg_dump -Fc -f "$dump" "$src"
ok $? "pg_dump writes the backup"
createdb "$dst"
pg_restore --exit-on-error -d "$dst" "$dump"
ok $? "pg_restore restores it into a fresh database"

is "$(rows "$dst")" "$before" "every row of every table of the extension is back"

# The published views are made by the extension's install script, over the
# tables as they are then, empty: pg_dump leaves the contents of an
# extension's materialized views out.  The refresh a restore needs uses the
# k of the last release, which the release log keeps.
[ "$(published "$dst")" != "$before_pub" ]
ok $? "until refreshed, the published views are those the install made over empty tables"
k=$(q "SELECT k FROM mo_pub.release ORDER BY released_at DESC LIMIT 1" -d "$dst")
is "$k" 5 "the release log gives the last release's k"
q "SET mo_usage.k = $k; CALL mo_usage.refresh_published()" -d "$dst"
is "$(published "$dst")" "$before_pub" \
   "refreshed with it, every published view has the rows it had"
is "$(q "SELECT release_id FROM mo_micro.release_log ORDER BY release_id" -d "$dst" | tr '\n' ' ')" \
   "1 2 3 " "the release log's numbering goes on after the restore"

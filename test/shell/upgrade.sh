# The upgrade chain: install the oldest release, take a delivery in, update
# through every release to the newest, and compare the result with a fresh
# install of the newest release: same objects, same definitions, same
# comments; and every row taken in before the updates is still there, in
# the tables and in the published views.
. "$(dirname "$0")/tap.bash"

describe='
SELECT pg_describe_object(d.classid, d.objid, 0)
       || coalesce(E"\n" || pg_get_functiondef(p.oid), "")
       || coalesce(E"\n" || pg_get_viewdef(c.oid), "")
       || coalesce(E"\n" || obj_description(d.objid, d.classid::regclass::name), "")
FROM pg_depend d
LEFT JOIN pg_proc p ON d.classid = "pg_proc"::regclass AND p.oid = d.objid
    AND p.prokind IN ("f", "p", "w")
LEFT JOIN pg_class c ON d.classid = "pg_class"::regclass AND c.oid = d.objid
    AND c.relkind IN ("v", "m")
WHERE d.refclassid = "pg_extension"::regclass
  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = "mo_usage")
  AND d.deptype = "e"
ORDER BY 1'
describe=$(printf '%s' "$describe" | tr '"' "'")

# The releases, from the scripts that were built: a full install script for
# the oldest, a delta script for each later one.
extdir=$MO_ROOT/build/stage/usr/share/postgresql/15/extension
oldest=$(ls "$extdir" | sed -n 's/^mo_usage--\([0-9.]*\)\.sql$/\1/p' |
         sort -t. -k1,1n -k2,2n -k3,3n | head -1)
steps=$(ls "$extdir" | sed -n 's/^mo_usage--[0-9.]*--\([0-9.]*\)\.sql$/\1/p' |
        sort -t. -k1,1n -k2,2n -k3,3n)
newest=$(sed -n "s/^default_version = '\(.*\)'/\1/p" "$extdir/mo_usage.control")

plan $(( $(echo "$steps" | grep -c .) + 5 ))

for db in upgrade_chain upgrade_fresh; do
    dropdb --if-exists "$db"
    createdb "$db"
done

q "CREATE EXTENSION mo_usage VERSION '$oldest'" -d upgrade_chain
ok $? "release $oldest installs"

# rows: each table of the extension and each published view with a digest
# of its rows, in a canonical order
rows='
SELECT string_agg(format($$SELECT %L, count(*), md5(coalesce(string_agg(t::text, "|" ORDER BY t::text), "")) FROM %s t$$, c, c), " UNION ALL " ORDER BY c::text)
FROM pg_class r
CROSS JOIN LATERAL (SELECT r.oid::regclass AS c) c
WHERE r.oid IN (SELECT unnest(extconfig) FROM pg_extension WHERE extname = "mo_usage")
      AND r.relkind = "r"
   OR r.relnamespace = "mo_pub"::regnamespace AND r.relkind IN ("v", "m")'
rows=$(printf '%s' "$rows" | tr '"' "'")
psql -X -q -v ON_ERROR_STOP=1 -d upgrade_chain -f "$MO_ROOT/test/shell/ops_data.sql"
q "SELECT count(*) FROM mo_usage.run_pipeline()" -d upgrade_chain >/dev/null
before=$(q "$(q "$rows" -d upgrade_chain) ORDER BY 1" -d upgrade_chain)
is "$(awk -F'|' '$2 > 0' <<<"$before" | grep -c 'mo_pub\.key_figures|9|')" 1 \
   "release $oldest takes a delivery in and publishes it"
for v in $steps; do
    q "ALTER EXTENSION mo_usage UPDATE TO '$v'" -d upgrade_chain
    ok $? "updates to $v"
done
q "CREATE EXTENSION mo_usage" -d upgrade_fresh
ok $? "release $newest installs fresh"

is "$(q "$(q "$rows" -d upgrade_chain) ORDER BY 1" -d upgrade_chain)" "$before" \
   "after the updates every row of the tables and the published views is there"

chain=$(q "$describe" -d upgrade_chain)
fresh=$(q "$describe" -d upgrade_fresh)
[ -n "$fresh" ] || fresh="(no objects: the fresh install failed)"
is "$chain" "$fresh" "updated from $oldest and fresh $newest have the same objects"

dropdb upgrade_chain
dropdb upgrade_fresh

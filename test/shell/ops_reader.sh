# The reporting role, as a BI tool's login role holding it: it reads every
# published table and view, and nothing else.  No microdata, no staging, no
# key or key file, no release log beyond mo_pub.release, no function of the
# extension (the pseudonym functions are tried one by one in
# pseudonym_privacy.sh), no refresh, no writing.
. "$(dirname "$0")/tap.bash"
plan 16

db=ops_reader
reader=ops_test_reader
password=$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')

dropdb --if-exists "$db" 2>/dev/null
createdb "$db"
q "CREATE EXTENSION mo_usage" -d "$db"
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$MO_ROOT/test/shell/ops_data.sql"
q "SELECT count(*) FROM mo_usage.run_pipeline()" -d "$db" >/dev/null
q "CREATE ROLE $reader LOGIN PASSWORD '$password' IN ROLE mo_usage_reader"

cleanup() {
    dropdb --if-exists "$db"
    q "DROP ROLE IF EXISTS $reader" >/dev/null
}
trap cleanup EXIT

# as SQL: what the reader gets for SQL in a new connection, an error as
# "SQLSTATE: message" without the lines that point into the statement
as() {
    PGUSER=$reader PGPASSWORD=$password \
        psql -X -q -A -t -v VERBOSITY=verbose -d "$db" -c "$1" 2>&1 |
        sed -n -e '/^LINE [0-9]*:/,$d' -e 's/^ERROR:  //' -e '/^LOCATION:/d' -e p
}

# each SQL: for each line "name|statement" on stdin, the name and what the
# reader got, one line each
each() {
    local name sql
    while IFS='|' read -r name sql; do
        echo "$name: $(as "$sql" | head -1)"
    done
}

# The published tables: every one reads, with the rows a superuser sees.
published=$(q "SELECT c.oid::regclass, format('SELECT count(*) FROM %s', c.oid::regclass)
               FROM pg_class c
               WHERE c.relnamespace = 'mo_pub'::regnamespace
                 AND c.relkind IN ('r', 'v', 'm')
               ORDER BY 1::text" -d "$db")
n=$(wc -l <<<"$published")
[ "$n" -ge 10 ]
ok $? "mo_pub has tables and views to read: $n"
is "$(each <<<"$published")" \
   "$(while IFS='|' read -r name sql; do echo "$name: $(q "$sql" -d "$db")"; done <<<"$published")" \
   "the reader reads each of them, with the rows a superuser sees"
is "$(as "SELECT value FROM mo_pub.key_figures WHERE measure = 'users'")" 30 \
   "and the figures: 30 users"
is "$(as "SELECT k FROM mo_pub.release")" 10 "and the release: k = 10"

# Microdata and staging: refused by the schema, and with the schema opened
# to the reader, by every table and view itself.
is "$(as "SELECT count(*) FROM mo_micro.visit")" \
   "42501: permission denied for schema mo_micro" "the microdata are refused"
is "$(as "SELECT count(*) FROM mo_staging.portal_log")" \
   "42501: permission denied for schema mo_staging" "staging is refused"
is "$(as "SELECT row_counts FROM mo_pub.release")" \
   '42703: column "row_counts" does not exist' \
   "mo_pub.release shows no more of the release log than when, window, k and base"

q "GRANT USAGE ON SCHEMA mo_micro, mo_staging TO $reader" -d "$db"
hidden=$(q "SELECT c.oid::regclass, format('SELECT * FROM %s LIMIT 1', c.oid::regclass)
            FROM pg_class c
            WHERE c.relnamespace IN ('mo_micro'::regnamespace, 'mo_staging'::regnamespace)
              AND c.relkind IN ('r', 'v', 'm')
            ORDER BY 1::text" -d "$db")
is "$(each <<<"$hidden" | grep -cv ': 42501: permission denied for \(table\|view\) ')" 0 \
   "with the schemas open, each of the $(wc -l <<<"$hidden") tables and views of mo_micro and mo_staging refuses the reader"
is "$(as "SELECT count(*) FROM mo_micro.release_log")" \
   "42501: permission denied for table release_log" "among them the release log"
q "REVOKE USAGE ON SCHEMA mo_micro, mo_staging FROM $reader" -d "$db"

# The key: neither the setting that names the file nor the file.
is "$(as "SHOW mo_usage.key_file")" \
   '42501: must be superuser or have privileges of pg_read_all_settings to examine "mo_usage.key_file"' \
   "the key file's name is refused"
is "$(as "SELECT pg_read_file('$MO_KEY_FILE')")" \
   "42501: permission denied for function pg_read_file" "and so is the file"

# The extension's functions and the refresh: refused by the schema, and the
# steps of the pipeline by themselves too.
is "$(as "SELECT mo_usage.bsn_pseudonym('123456782')")" \
   "42501: permission denied for schema mo_usage" "the pseudonym functions are refused"
is "$(as "CALL mo_usage.refresh_published()")" \
   "42501: permission denied for schema mo_usage" "the refresh is refused"
q "GRANT USAGE ON SCHEMA mo_usage TO $reader" -d "$db"
is "$(as "CALL mo_usage.refresh_published()")
$(as "SELECT mo_usage.run_pipeline()")" \
   "42501: permission denied for procedure refresh_published
42501: permission denied for function run_pipeline" \
   "with the schema open, the refresh and the pipeline refuse it themselves"
q "REVOKE USAGE ON SCHEMA mo_usage FROM $reader" -d "$db"

# Nothing published can be changed.
is "$(as "REFRESH MATERIALIZED VIEW mo_pub.users_by_group")" \
   "42501: must be owner of materialized view users_by_group" \
   "the reader cannot refresh a table itself"
is "$(as "DELETE FROM mo_pub.release"; as "CREATE TABLE mo_pub.mine (i int)")" \
   "42501: permission denied for view release
42501: permission denied for schema mo_pub" \
   "nor change the release log or add to mo_pub"

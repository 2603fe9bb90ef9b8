# A crash in the middle of a refresh: a concurrent refresh (under another k,
# so that the tables would change) is done but not committed, its session
# held open with pg_sleep, when the server's postmaster is killed with
# SIGKILL.  Meanwhile a reader reads the old tables.  After the restart
# (crash recovery) the published views and the release log are as they
# were before that refresh, and the next refresh succeeds.
. "$(dirname "$0")/tap.bash"
plan 9

db=ops_crash
dropdb --if-exists "$db" 2>/dev/null
createdb "$db"
q "CREATE EXTENSION mo_usage" -d "$db"
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$MO_ROOT/test/shell/ops_data.sql"
q "SELECT count(*) FROM mo_usage.run_pipeline()" -d "$db" >/dev/null

# start_server: start the server again, waiting out the killed server's
# last processes, which hold its shared memory until they notice
start_server() {
    for _ in $(seq 40); do
        pg_ctlcluster 15 regress start 2>/dev/null && return 0
        sleep 0.5
    done
    return 1
}
cleanup() {
    q "SELECT 1" >/dev/null 2>&1 || start_server
    dropdb --if-exists "$db"
}
trap cleanup EXIT

# published: a digest of every published view's rows
views="SELECT string_agg(format(\$\$SELECT %L, count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM %s t\$\$, c.oid::regclass, c.oid::regclass), ' UNION ALL ' ORDER BY c.relname)
       FROM pg_class c
       WHERE c.relnamespace = 'mo_pub'::regnamespace AND c.relkind IN ('v', 'm')"
published() {
    q "$(q "$views" -d "$db") ORDER BY 1" -d "$db"
}
before=$(published)

# The refresh, in a transaction held open after it.
psql -X -q -d "$db" >/dev/null 2>&1 <<'SQL' &
SET mo_usage.k = 20;
BEGIN;
CALL mo_usage.refresh_published(true);
SELECT pg_sleep(120);
COMMIT;
SQL
refresher=$!
for _ in $(seq 200); do
    [ "$(q "SELECT count(*) FROM pg_stat_activity
            WHERE datname = '$db' AND query = 'SELECT pg_sleep(120);'
              AND state = 'active'")" -eq 1 ] && break
    sleep 0.1
done
is "$(q "SELECT count(*) FROM pg_stat_activity
         WHERE datname = '$db' AND query = 'SELECT pg_sleep(120);'
           AND backend_xid IS NOT NULL")" 1 \
   "the refresh is done and its transaction open"
is "$(q "SELECT users FROM mo_pub.users_by_sex WHERE sex = 'man'" -d "$db")" 15 \
   "meanwhile a reader reads the old tables (15 men; the refresh's k = 20 suppresses them)"

log_start=$(stat -c %s "$MO_SERVER_LOG")
postmaster=$(head -1 "$(q "SHOW data_directory")/postmaster.pid")
kill -KILL "$postmaster"
ok $? "the postmaster is killed with SIGKILL"
wait "$refresher"
start_server
ok $? "the server starts again"
tail -c +$((log_start + 1)) "$MO_SERVER_LOG" |
    grep -q 'database system was not properly shut down; automatic recovery in progress'
ok $? "after a crash recovery (server log)"

is "$(q "SELECT count(*) FROM mo_micro.release_log" -d "$db")" 1 \
   "the release log is as before the refresh"
is "$(published)" "$before" "and so is every published view"

q "SET mo_usage.k = 20; CALL mo_usage.refresh_published(true)" -d "$db"
ok $? "the next refresh succeeds"
is "$(q "SELECT count(*), max(k) FROM mo_micro.release_log" -d "$db")
$(q "SELECT coalesce(users::text, 'suppressed') FROM mo_pub.users_by_sex WHERE sex = 'man'" -d "$db")" \
   "2|20
suppressed" "and is in the release log and the tables"

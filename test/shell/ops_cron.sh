# The nightly refresh as a real pg_cron job: scheduled from the database
# pg_cron lives in (cron.database_name, here postgres) to run in the test's
# database as a login role holding the loading role, every minute for the
# test's sake.  Its run shows in cron.job_run_details and in the release
# log; a job run as a role that may not refresh fails there with the reason.
# pg_cron 1.4 schedules in whole minutes, so this waits up to 90 s.
. "$(dirname "$0")/tap.bash"
plan 7

db=ops_cron
loader=ops_test_cron_loader
reader=ops_test_cron_reader

dropdb --if-exists "$db" 2>/dev/null
createdb "$db"
q "CREATE EXTENSION mo_usage" -d "$db"
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$MO_ROOT/test/shell/ops_data.sql"
q "SELECT count(*) FROM mo_usage.run_pipeline()" -d "$db" >/dev/null
q "CREATE ROLE $loader LOGIN IN ROLE mo_usage_loader"
q "CREATE ROLE $reader LOGIN IN ROLE mo_usage_reader"

made_cron=$(q "SELECT count(*) = 0 FROM pg_extension WHERE extname = 'pg_cron'" -d postgres)
q "CREATE EXTENSION IF NOT EXISTS pg_cron" -d postgres

cleanup() {
    q "SELECT cron.unschedule(jobid) FROM cron.job
       WHERE jobname IN ('ops_test_refresh', 'ops_test_refused')" -d postgres >/dev/null
    [ "$made_cron" != t ] || q "DROP EXTENSION pg_cron" -d postgres
    dropdb --if-exists "$db"
    q "DROP ROLE IF EXISTS $loader, $reader" >/dev/null
}
trap cleanup EXIT

job=$(q "SELECT cron.schedule_in_database('ops_test_refresh', '* * * * *',
                'CALL mo_usage.refresh_published(true)', '$db', '$loader')" -d postgres)
refused=$(q "SELECT cron.schedule_in_database('ops_test_refused', '* * * * *',
                'CALL mo_usage.refresh_published(true)', '$db', '$reader')" -d postgres)
is "$(q "SELECT database, username, command FROM cron.job WHERE jobid = $job" -d postgres)" \
   "$db|$loader|CALL mo_usage.refresh_published(true)" \
   "the refresh is scheduled in the test's database as the loading role"

# Wait (bounded) for a finished run of each.
for _ in $(seq 180); do
    done=$(q "SELECT count(DISTINCT jobid) FROM cron.job_run_details
              WHERE jobid IN ($job, $refused)
                AND status IN ('succeeded', 'failed')" -d postgres)
    [ "$done" -eq 2 ] && break
    sleep 0.5
done

is "$(q "SELECT status, return_message FROM cron.job_run_details
         WHERE jobid = $job ORDER BY runid LIMIT 1" -d postgres)" \
   "succeeded|CALL" "the job ran and succeeded (cron.job_run_details)"
is "$(q "SELECT count(*), bool_and(concurrent), min(k)
         FROM mo_micro.release_log WHERE refreshed_by = '$loader'" -d "$db")" \
   "1|t|10" "the release log has the job's refresh, concurrent, with k = 10"
# The release is the job's: a new one, after the pipeline's own.
after=$(q "SELECT (SELECT released_at FROM mo_micro.release_log
                   WHERE refreshed_by = '$loader')
                  > (SELECT max(released_at) FROM mo_micro.release_log
                     WHERE refreshed_by <> '$loader')" -d "$db")
is "$after" t "a release after the pipeline's own"
[ "$after" = t ] ||
    q "SELECT released_at, refreshed_by FROM mo_micro.release_log" -d "$db" |
    sed 's/^/# /'
is "$(q "SELECT status, return_message FROM cron.job_run_details
         WHERE jobid = $refused ORDER BY runid LIMIT 1" -d postgres)" \
   "failed|ERROR: permission denied for schema mo_usage" \
   "a job run as the reporting role fails, and says why"

q "SELECT cron.unschedule($job), cron.unschedule($refused)" -d postgres >/dev/null
is "$(q "SELECT count(*) FROM cron.job WHERE jobid IN ($job, $refused)" -d postgres)" 0 \
   "the jobs are unscheduled"
is "$(q "SELECT value FROM mo_pub.key_figures WHERE measure = 'users'" -d "$db")" 30 \
   "the published figures are those of the delivery"

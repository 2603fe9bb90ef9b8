# The pipeline as the loading role's login role: what it says about the
# window it derived, and what it warns of; the statistics of the microdata
# it refreshes (with no warning that it may not).
. "$(dirname "$0")/tap.bash"
plan 5

db=robust_loader
loader=robust_test_loader
password=$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')

dropdb --if-exists "$db" 2>/dev/null
createdb "$db"
q "CREATE EXTENSION mo_usage" -d "$db"
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$MO_ROOT/test/shell/ops_data.sql"
q "CREATE ROLE $loader LOGIN PASSWORD '$password' IN ROLE mo_usage_loader" >/dev/null
q "GRANT CREATE ON DATABASE $db TO $loader" >/dev/null

cleanup() {
    dropdb --if-exists "$db"
    q "DROP ROLE IF EXISTS $loader" >/dev/null
}
trap cleanup EXIT

# One stray line from 1999 beside the Monday of the delivery.
q "INSERT INTO mo_staging.portal_log (line_no, bsn, ts, event, page, channel)
   SELECT 9000, min(bsn), '1999-03-01 12:00 Europe/Amsterdam', 'page', '/', 'web'
   FROM mo_staging.person" -d "$db" >/dev/null

out=$(PGUSER=$loader PGPASSWORD=$password \
      psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$db" \
      -c "SELECT detail FROM mo_usage.run_pipeline() WHERE delivery = 'window'" 2>&1)
is "$out" "WARNING:  the lines of the portal log span 6553 days, from 1999-03-01 to 2017-02-06
DETAIL:  With no window given, the window holds every day of the log.
HINT:  Give run_pipeline the window; lines outside it are then rejected.
1999-03-01 to 2017-02-06, 6553 days in Europe/Amsterdam, from the days of the log" \
   "a window stretched over 18 years by one stray line: a WARNING, and the report says so"

is "$(q "SELECT string_agg(relname, ' ' ORDER BY relname) FROM pg_stat_user_tables
         WHERE schemaname = 'mo_micro' AND last_analyze IS NOT NULL
           AND relid NOT IN (SELECT inhrelid FROM pg_inherits)" -d "$db")" \
   "hit household person person_group source visit" \
   "the loading role's pipeline analysed the six tables it changed"
is "$(q "SELECT count(*) FILTER (WHERE s.last_analyze IS NOT NULL) || ' of ' || count(*)
         FROM pg_inherits i JOIN pg_stat_user_tables s ON s.relid = i.inhrelid
         WHERE i.inhparent = 'mo_micro.hit'::regclass" -d "$db")" \
   "16 of 16" \
   "and every partition of the hits"

is "$(PGUSER=$loader PGPASSWORD=$password \
      psql -X -q -A -t -v VERBOSITY=terse -d "$db" \
      -c "SELECT mo_usage.analyze_microdata('mo_staging.person')" 2>&1)" \
   "ERROR:  only the tables of mo_micro can be analysed here, not mo_staging.person" \
   "its helper analyses no table outside mo_micro"

out=$(PGUSER=$loader PGPASSWORD=$password \
      psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$db" \
      -c "SELECT detail FROM mo_usage.run_pipeline('2017-02-06 00:00 Europe/Amsterdam',
                                                   '2017-02-07 00:00 Europe/Amsterdam')
          WHERE delivery = 'window'" 2>&1)
is "$out" "2017-02-06 to 2017-02-06, 1 days in Europe/Amsterdam, as given" \
   "the window given anew: no WARNING"

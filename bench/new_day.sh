#!/usr/bin/env bash
# bench/new_day.sh [SCALE [WEEKS]]: a new day of log, taken in by continuing
# the stored visits (update_visits) against rebuilding them all
# (rebuild_visits).
#
# Run inside the private server:
#   ./scripts/setup && ./scripts/with-instance bench/new_day.sh 0.05 1
#
# Generates the demo's WEEKS weeks (default 1) at SCALE (default 0.05,
# deterministic), runs the pipeline over all days but the last, takes the
# last day's lines into the hits, and then times, five times each and alternating, each undone
# before the next: bringing the visits up to date by continuing them, and
# rebuilding them.  Prints the median of each and their ratio, after
# checking that both give the same visits.
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-0.05}
weeks=${2:-1}
db=bench_new_day
export PGDATABASE=$db

dropdb --if-exists "$db" 2>/dev/null
createdb "$db"
psql -X -q -c 'CREATE EXTENSION mo_usage'
demo/load "$scale" 2017 "$weeks" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
SET client_min_messages = warning;
SELECT date_trunc('day', max(ts) AT TIME ZONE 'Europe/Amsterdam')
       AT TIME ZONE 'Europe/Amsterdam' AS last_day
FROM mo_staging.portal_log \gset
CREATE TABLE last_day AS SELECT * FROM mo_staging.portal_log
WHERE ts >= :'last_day';
DELETE FROM mo_staging.portal_log WHERE ts >= :'last_day';
CREATE TEMP TABLE first_run AS SELECT * FROM mo_usage.run_pipeline();
INSERT INTO mo_staging.portal_log SELECT * FROM last_day;
CREATE TEMP TABLE second_load AS SELECT * FROM mo_usage.pseudonymise_staging();
VACUUM ANALYZE mo_micro.hit;
VACUUM ANALYZE mo_micro.visit;

SELECT (SELECT count(*) FROM mo_micro.hit) AS hits,
       (SELECT count(*) FROM last_day) AS new_lines,
       (SELECT count(*) FROM mo_micro.visit) AS old_visits;

-- Each run in a subtransaction that is undone, its time in the error.
CREATE TEMP TABLE timing (method text, run integer, seconds float8);
DO $$
DECLARE
    t0      timestamptz;
    method  text;
    took    text;
BEGIN
    FOR run IN 1..5 LOOP
        FOREACH method IN ARRAY ARRAY['continue', 'rebuild'] LOOP
            BEGIN
                t0 := clock_timestamp();
                IF method = 'continue' THEN
                    PERFORM * FROM mo_usage.update_visits(1::smallint);
                ELSE
                    PERFORM mo_usage.rebuild_visits(1::smallint);
                END IF;
                RAISE EXCEPTION '%', extract(epoch FROM clock_timestamp() - t0);
            EXCEPTION WHEN raise_exception THEN
                GET STACKED DIAGNOSTICS took = MESSAGE_TEXT;
            END;
            INSERT INTO timing VALUES (method, run, took::float8);
        END LOOP;
    END LOOP;
END
$$;

-- Both give the same visits.
SELECT * FROM mo_usage.update_visits(1::smallint);
CREATE TEMP TABLE continued AS SELECT * FROM mo_micro.visit;
SELECT mo_usage.rebuild_visits(1::smallint) AS rebuilt_visits;
SELECT (SELECT count(*) FROM (SELECT * FROM continued
                              EXCEPT ALL SELECT * FROM mo_micro.visit) a)
     + (SELECT count(*) FROM (SELECT * FROM mo_micro.visit
                              EXCEPT ALL SELECT * FROM continued) b)
       AS visits_that_differ;

SELECT method, round(percentile_disc(0.5) WITHIN GROUP (ORDER BY seconds)::numeric, 3)
           AS median_seconds,
       string_agg(round(seconds::numeric, 3)::text, ' ' ORDER BY run) AS runs
FROM timing GROUP BY method ORDER BY method;
SELECT round((percentile_disc(0.5) WITHIN GROUP (ORDER BY seconds)
                  FILTER (WHERE method = 'continue')
              / percentile_disc(0.5) WITHIN GROUP (ORDER BY seconds)
                  FILTER (WHERE method = 'rebuild'))::numeric, 2)
           AS continue_over_rebuild
FROM timing;
SQL
dropdb "$db"

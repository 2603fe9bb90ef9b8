-- A new day of log through the pipeline: only the persons with new events
-- (and those whose last visit could go on) are cut again, from that visit;
-- a visit over midnight split over two deliveries becomes one; the result
-- equals a full rebuild, published tables included; a step that fails
-- loses nothing; a late line inside the old window makes a full rebuild.
BEGIN;
CREATE EXTENSION mo_usage;
SET search_path = mo_usage, public;
SET client_min_messages = warning;
SET timezone = 'UTC';
SELECT plan(15);

\ir ../shell/ops_data.sql
CREATE TEMP TABLE who AS
SELECT i, bsn_pseudonym(bsn) AS person, bsn FROM ops_person;

-- Monday, beside the delivery's visits: person 31 logs in at 23:50 (the
-- visit may go on), person 32 logs in at 23:40 and out at 23:45 (it may
-- not), person 33 looks at a page at 23:55 and is not seen again; person
-- 34 looks at two pages, the second at 23:50, and logs in anew at that very
-- instant (a visit that ends when the next, which may go on, begins).
INSERT INTO mo_staging.portal_log (line_no, bsn, ts, event, page, channel)
SELECT 100 + w.i * 10 + e.n, w.bsn, e.ts, e.event, e.page, 'web'
FROM who w
JOIN (VALUES (31, 1, timestamptz '2017-02-06 23:50 Europe/Amsterdam', 'login', '/'),
             (32, 1, '2017-02-06 23:40 Europe/Amsterdam', 'login', '/'),
             (32, 2, '2017-02-06 23:45 Europe/Amsterdam', 'logout', NULL),
             (33, 1, '2017-02-06 23:55 Europe/Amsterdam', 'page', '/help'),
             (34, 1, '2017-02-06 23:45 Europe/Amsterdam', 'page', '/'),
             (34, 2, '2017-02-06 23:50 Europe/Amsterdam', 'page', '/help'),
             (34, 3, '2017-02-06 23:50 Europe/Amsterdam', 'login', '/'))
    e (i, n, ts, event, page) ON e.i = w.i;
CREATE TEMP TABLE monday AS SELECT * FROM run_pipeline();
SELECT ok((SELECT detail LIKE '35 visits rebuilt for 34 persons and channels%'
           FROM monday WHERE step = 'visits'),
          'Monday: the first build cuts every visit');
CREATE TEMP TABLE monday_visit AS
SELECT v.ctid AS at, v.* FROM mo_micro.visit v;
SELECT results_eq(
    $$SELECT w.i, v.pages, v.end_ts - v.start_ts, v.ends_after_window
      FROM mo_micro.visit v JOIN who w USING (person)
      WHERE w.i IN (31, 32, 33) ORDER BY w.i$$,
    $$VALUES (31, 1, interval '0', true), (32, 1, '5 min', false),
             (33, 1, '0', true)$$,
    'Monday: 31 and 33 may go on after the window, 32 logged out');

-- Tuesday: person 31 goes on at 00:10, 32 comes back at 00:05, 34 goes on
-- at 00:05, person 1 comes back at 10:00, person 40 comes for the first
-- time at 11:00.
INSERT INTO mo_staging.portal_log (line_no, bsn, ts, event, page, channel)
SELECT 1000 + w.i * 10 + e.n, w.bsn, e.ts, e.event, e.page, 'web'
FROM who w
JOIN (VALUES (31, 1, timestamptz '2017-02-07 00:10 Europe/Amsterdam', 'page', '/berichtenbox'),
             (32, 1, '2017-02-07 00:05 Europe/Amsterdam', 'page', '/overzicht'),
             (34, 1, '2017-02-07 00:05 Europe/Amsterdam', 'page', '/overzicht'),
             (1, 1, '2017-02-07 10:00 Europe/Amsterdam', 'login', '/'),
             (40, 1, '2017-02-07 11:00 Europe/Amsterdam', 'login', '/'),
             (40, 2, '2017-02-07 11:02 Europe/Amsterdam', 'page', '/inkomen'))
    e (i, n, ts, event, page) ON e.i = w.i;
CREATE TEMP TABLE tuesday AS SELECT * FROM run_pipeline();
SELECT is((SELECT detail FROM tuesday WHERE step = 'visits'),
          '7 visits continued for 6 persons and channels, split after 00:30:00 without an event',
          'Tuesday: seven visits are cut, for the five persons with new events and person 33');
SELECT results_eq(
    $$SELECT w.i, v.visit_no, v.pages, extract(epoch FROM v.end_ts - v.start_ts),
             v.ends_after_window
      FROM mo_micro.visit v JOIN who w USING (person)
      WHERE w.i = 31$$,
    $$VALUES (31, 1, 2, 1200::numeric, false)$$,
    'the visit from 23:50 to 00:10 is one of 1200 s and 2 pages, no visit of 0 s is left');
SELECT results_eq(
    $$SELECT w.i, v.visit_no, v.pages, v.ends_after_window
      FROM mo_micro.visit v JOIN who w USING (person)
      WHERE w.i IN (1, 32, 33, 40) ORDER BY w.i, v.visit_no$$,
    $$VALUES (1, 1, 2, false), (1, 2, 1, false), (32, 1, 1, false),
             (32, 2, 1, false), (33, 1, 1, false), (40, 1, 2, false)$$,
    'new visits follow the old ones; 33''s visit no longer goes on');
SELECT results_eq(
    $$SELECT w.i, v.visit_no, v.start_ts, v.end_ts, v.pages
      FROM mo_micro.visit v JOIN who w USING (person)
      WHERE w.i = 34 ORDER BY v.visit_no$$,
    $$VALUES (34, 1, timestamptz '2017-02-06 23:45 Europe/Amsterdam',
              timestamptz '2017-02-06 23:50 Europe/Amsterdam', 2),
             (34, 2, '2017-02-06 23:50 Europe/Amsterdam',
              '2017-02-07 00:05 Europe/Amsterdam', 2)$$,
    '34''s events of 23:50 stay split as before: the cut began with the visit before');
SELECT results_eq(
    $$SELECT w.i FROM monday_visit m JOIN who w USING (person)
      WHERE NOT EXISTS (SELECT FROM mo_micro.visit v WHERE v.ctid = m.at)
      ORDER BY w.i$$,
    $$VALUES (31), (33), (34), (34)$$,
    'of Monday''s 35 visits only those of 31, 33 and 34 were cut again, the others are untouched');
SELECT is((SELECT window_end FROM mo_micro.visit_build),
          timestamptz '2017-02-08 00:00 Europe/Amsterdam',
          'the build now covers Monday and Tuesday');

-- The same as a full rebuild: visits and every published table.
CREATE TEMP TABLE continued AS SELECT * FROM mo_micro.visit;
CREATE FUNCTION pg_temp.published() RETURNS TABLE (view text, row_ jsonb)
LANGUAGE plpgsql AS $$
DECLARE
    v regclass;
BEGIN
    FOR v IN SELECT c.oid FROM pg_class c
             WHERE c.relnamespace = 'mo_pub'::regnamespace
               AND c.relkind IN ('v', 'm') AND c.relname <> 'release'
    LOOP
        RETURN QUERY EXECUTE format('SELECT %L, to_jsonb(t) FROM %s t', v, v);
    END LOOP;
END
$$;
CREATE TEMP TABLE continued_published AS SELECT * FROM pg_temp.published();
SELECT is(rebuild_visits((SELECT source_id FROM mo_micro.study)), 38::bigint,
          'a full rebuild makes 38 visits');
CALL refresh_published();
SELECT bag_eq('SELECT * FROM mo_micro.visit', 'SELECT * FROM continued',
              'continuing gave the visits of a full rebuild');
SELECT bag_eq('SELECT * FROM pg_temp.published()',
              'SELECT * FROM continued_published',
              'and the published tables of a full rebuild');

-- Wednesday, with a step that fails after staging was taken in (a timeout
-- of 0 s): nothing is lost, and the next run takes the delivery in.
INSERT INTO mo_staging.portal_log (line_no, bsn, ts, event, page, channel)
SELECT 2000 + i, bsn, timestamptz '2017-02-08 09:00 Europe/Amsterdam', 'login', '/', 'web'
FROM who WHERE i BETWEEN 1 AND 5;
SELECT throws_ok($$SELECT * FROM run_pipeline(timeout => '0 s')$$, '22023',
                 'visit timeout must be positive',
                 'a failing step fails the whole run');
SELECT results_eq(
    $$SELECT (SELECT count(*) FROM mo_staging.portal_log),
             (SELECT count(*) FROM mo_micro.hit),
             (SELECT count(*) FROM mo_micro.visit),
             (SELECT count(*) FROM mo_micro.release_log)$$,
    $$VALUES (5::bigint, 73::bigint, 38::bigint, 3::bigint)$$,
    'the delivery is still in staging, the microdata and the release log as before');

-- Thursday brings a late line for Monday too: the visits are rebuilt.
INSERT INTO mo_staging.portal_log (line_no, bsn, ts, event, page, channel)
SELECT 3000 + i, bsn, timestamptz '2017-02-06 15:00 Europe/Amsterdam', 'login', '/', 'web'
FROM who WHERE i = 60;
CREATE TEMP TABLE thursday AS SELECT * FROM run_pipeline();
SELECT is((SELECT detail FROM thursday WHERE step = 'visits'),
          '44 visits rebuilt for 36 persons and channels, split after 00:30:00 without an event',
          'a line inside the old window: every visit is cut again');
SELECT is((SELECT count(*) FROM mo_staging.portal_log), 0::bigint,
          'and staging is empty');

SELECT * FROM finish();
ROLLBACK;

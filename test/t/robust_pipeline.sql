-- What a new user may do wrong with the pipeline: deliver the same lines
-- twice, ask for impossible settings or windows.  Each is refused with a
-- clear error or becomes a counted reject, never a silent change of the
-- figures.
BEGIN;
CREATE EXTENSION mo_usage;
SET search_path = mo_usage, public;
SET client_min_messages = warning;
SET timezone = 'UTC';
SELECT plan(24);

\ir ../shell/ops_data.sql
CREATE TEMP TABLE delivery AS SELECT * FROM mo_staging.portal_log;
CREATE TEMP TABLE first_run AS SELECT * FROM run_pipeline();

-- The same delivery again, with one new line (person 1 at 20:00) given
-- twice: only the new line's first copy is a hit.
INSERT INTO mo_staging.portal_log SELECT * FROM delivery;
INSERT INTO mo_staging.portal_log (line_no, bsn, ts, event, page, channel)
SELECT 5000, bsn, '2017-02-06 20:00 Europe/Amsterdam', 'login', '/', 'web'
FROM ops_person CROSS JOIN generate_series(1, 2) WHERE i = 1;
CREATE TEMP TABLE second_run AS SELECT * FROM run_pipeline();

SELECT is((SELECT count(*) FROM mo_micro.hit), 61::bigint,
          'a delivery taken in twice adds only its one new line as a hit');
SELECT is((SELECT count(*) FROM mo_micro.visit), 31::bigint,
          'the visits are the first run''s 30 and the new line''s one');
SELECT results_eq(
    $$SELECT problem, count(*), min(position), max(position)
      FROM mo_micro.reject GROUP BY problem$$,
    $$VALUES ('duplicate line', 61::bigint, 1::bigint, 5000::bigint)$$,
    'the 60 lines the source had and the repeated line 5000 are rejects');
SELECT is((SELECT detail FROM second_run
           WHERE step = 'reject' AND delivery = 'portal_log'),
          'duplicate line: lines 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 51 more',
          'the report counts them');
SELECT is((SELECT detail FROM second_run
           WHERE step = 'pseudonymise' AND delivery = 'portal_log'),
          '1 lines taken in, 61 rejected',
          'the step says 1 line taken in, 61 rejected');

-- A rounding base larger than k would publish a count of k as 0.
SET mo_usage.rounding_base = 50;
SELECT throws_ok('CALL refresh_published()', '22023',
    'mo_usage.rounding_base (50) must not be larger than mo_usage.k (10)',
    'a rounding base larger than k is refused before anything is refreshed');
SELECT is((SELECT count(*) FROM mo_micro.release_log), 2::bigint,
          'and no release is recorded');
SELECT throws_ok('SELECT k_round(13)', '22023', NULL,
                 'k_round with the settings refuses it too');
SET mo_usage.k = 50;
SELECT is(k_round(50), 50::bigint,
          'a base equal to k is allowed: a count of k stays k');
RESET mo_usage.k;
RESET mo_usage.rounding_base;

-- A web-server log is never loaded into the portal's source, nor into a
-- source without a name.  The checks come before the file is opened.
SELECT throws_ok($$SELECT * FROM load_log('portal', '/nonexistent.log', 'Europe/Amsterdam')$$,
    '22023', 'source "portal" does not hold web-server logs',
    'load_log refuses the portal''s source');
INSERT INTO mo_micro.source (name, time_zone) VALUES ('other', 'UTC');
INSERT INTO mo_micro.hit (source_id, person, ts, seq, event)
SELECT source_id, 1, '2017-02-06', 1, 'P' FROM mo_micro.source WHERE name = 'other';
SELECT throws_ok($$SELECT * FROM load_log('other', '/nonexistent.log', 'UTC')$$,
    '22023', 'source "other" does not hold web-server logs',
    'and a source whose hits it did not load');
SELECT throws_ok($$SELECT * FROM load_log('', '/nonexistent.log', 'UTC')$$,
    '22023', 'the source name must not be empty', 'an empty source name is refused');
SELECT throws_ok($$SELECT * FROM load_log(E' \t', '/nonexistent.log', 'UTC')$$,
    '22023', 'the source name must not be empty', 'so is a blank one');

-- Lines with an infinite time are rejects; a page of 9,600 characters
-- keeps its hit, without a page.
INSERT INTO mo_staging.portal_log (line_no, bsn, ts, event, page, channel)
SELECT n, bsn, t, 'page', p, 'web'
FROM ops_person
CROSS JOIN (VALUES (6000, timestamptz 'infinity', '/'),
                   (6001, '-infinity', '/'),
                   (6002, '2017-02-06 21:00 Europe/Amsterdam',
                    repeat('/x', 4800))) v (n, t, p)
WHERE i = 2;
CREATE TEMP TABLE third_run AS SELECT * FROM run_pipeline();
SELECT is((SELECT detail FROM third_run
           WHERE step = 'pseudonymise' AND delivery = 'portal_log'),
          '1 lines taken in, 2 rejected; 1 without a page (longer than 2000 bytes)',
          'infinite times are rejected, the long page is counted');
-- (the test is one transaction: the report shows the earlier rejects too)
SELECT is((SELECT detail FROM third_run
           WHERE step = 'reject' AND detail LIKE 'invalid time%'),
          'invalid time: lines 6000, 6001', 'the report names the lines');
SELECT is((SELECT page_id FROM mo_micro.hit WHERE seq = 6002), NULL::integer,
          'the long page''s line is a hit without a page');
SELECT is((SELECT window_end FROM mo_micro.study),
          timestamptz '2017-02-06 23:00+00', 'the window stays one day');

-- The window is in the report.
SELECT is((SELECT rows || ' ' || detail FROM first_run WHERE delivery = 'window'),
          '1 2017-02-06 to 2017-02-06, 1 days in Europe/Amsterdam, from the days of the log',
          'the report gives the window derived from the log');

-- Windows: infinite or backwards ones are refused.
SELECT throws_ok($$SELECT * FROM run_pipeline('-infinity', 'infinity')$$,
    '22023', 'the window must be finite', 'an infinite window is refused');
SELECT throws_ok($$SELECT * FROM visits('P 2017-02-06T10:00:00Z 1 -',
                      window_start => '2017-02-07', window_end => '2017-02-05')$$,
    '22023', 'the window must start before it ends',
    'visits() refuses a window that ends before it starts');
SELECT is((SELECT count(*) FROM visits('P 2017-02-06T10:00:00Z 1 -',
               window_start => '2017-02-06', window_end => '2017-02-07')),
          1::bigint, 'and takes one in the right order');

-- A given window: lines outside it are rejects.  Lines 7000 and 7001 fall
-- just before and at the end of Monday, 7002 inside it.
INSERT INTO mo_staging.portal_log (line_no, bsn, ts, event, page, channel)
SELECT n, bsn, t, 'page', '/', 'web'
FROM ops_person
CROSS JOIN (VALUES (7000, timestamptz '2017-02-05 23:59:59 Europe/Amsterdam'),
                   (7001, '2017-02-07 00:00 Europe/Amsterdam'),
                   (7002, '2017-02-06 22:00 Europe/Amsterdam')) v (n, t)
WHERE i = 3;
CREATE TEMP TABLE given_run AS
SELECT * FROM run_pipeline('2017-02-06 00:00 Europe/Amsterdam',
                           '2017-02-07 00:00 Europe/Amsterdam');
SELECT is((SELECT detail FROM given_run WHERE delivery = 'portal_log'
             AND step = 'pseudonymise'),
          '1 lines taken in, 2 rejected', 'lines outside a given window are rejects');
SELECT is((SELECT detail FROM given_run WHERE step = 'reject'
             AND detail LIKE 'outside%'),
          'outside the window: lines 7000, 7001', 'the report names them');
SELECT is((SELECT detail FROM given_run WHERE delivery = 'window'),
          '2017-02-06 to 2017-02-06, 1 days in Europe/Amsterdam, as given',
          'the report says the window was given');

SELECT * FROM finish();
ROLLBACK;

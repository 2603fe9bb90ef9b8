-- Refreshing the published views: the release log, the known figures of a
-- small delivery, k and CONCURRENTLY, keys that are never NULL, and a
-- refresh that fails.
BEGIN;
CREATE EXTENSION mo_usage;
SET search_path = mo_usage, public;
SET client_min_messages = warning;
SET timezone = 'UTC';
SELECT plan(19);

\ir ../shell/ops_data.sql
-- Beside the delivery: a person of unknown birth date, sex, municipality
-- and household (outside the population), visiting by app, and a log line
-- with an invalid BSN.
INSERT INTO mo_staging.person VALUES ('111222333', NULL, NULL, NULL, NULL, NULL);
INSERT INTO mo_staging.portal_log VALUES
    (1001, '111222333', '2017-02-06 12:00+01', 'login', '/', 'app'),
    (1002, '123456781', '2017-02-06 12:00+01', 'login', '/', 'web');
CREATE TEMP TABLE report AS SELECT * FROM run_pipeline();

SELECT is((SELECT count(*) FROM mo_micro.release_log), 1::bigint,
          'the pipeline''s refresh is in the release log');
SELECT results_eq(
    $$SELECT window_start, window_end, k, rounding_base, concurrent,
             refreshed_by = session_user, duration > interval '0'
      FROM mo_micro.release_log$$,
    $$VALUES (timestamptz '2017-02-05 23:00+00', timestamptz '2017-02-06 23:00+00',
              10, 1, false, true, true)$$,
    'it records the window, k, the rounding base, the caller and the duration');
SELECT is((SELECT array_agg(key ORDER BY key)
           FROM mo_micro.release_log, jsonb_object_keys(row_counts) key),
          (SELECT array_agg(relname::text ORDER BY relname) FROM pg_class
           WHERE relnamespace = 'mo_pub'::regnamespace AND relkind = 'm'),
          'it counts the rows of every materialized view');
SELECT is((SELECT (row_counts ->> 'users_by_day')::bigint
                  + (row_counts ->> 'visits_by_hour')::bigint
           FROM mo_micro.release_log),
          (SELECT count(*) FROM mo_pub.users_by_day)
          + (SELECT count(*) FROM mo_pub.visits_by_hour),
          'the counts are the views'' rows: 1 day and 48 hours');
SELECT results_eq(
    'SELECT released_at, window_start, window_end, k, rounding_base FROM mo_pub.release',
    'SELECT released_at, window_start, window_end, k, rounding_base FROM mo_micro.release_log',
    'mo_pub.release shows when, the window, k and the base');

SELECT results_eq(
    'SELECT measure, value FROM mo_pub.key_figures ORDER BY sort_key',
    $$VALUES ('users', 30.0), ('population', 100), ('pct_using', 30.00),
             ('visits', 30), ('visits_per_user', 1.00),
             ('pct_users_one_visit', 100.00), ('mean_visit_seconds', 100.0),
             ('mean_pages_per_visit', 2.00), ('seconds_per_page', 100.0)$$,
    'the key figures of the delivery');
SELECT results_eq(
    'SELECT sex, users, population FROM mo_pub.users_by_sex ORDER BY sort_key',
    $$VALUES ('man', 15::bigint, 50::bigint), ('vrouw', 15, 50), ('totaal', 30, 100)$$,
    'users and population by sex');

-- Every materialized view has a unique index on plain columns, as
-- CONCURRENTLY needs, and no row has a NULL in it.
SELECT is_empty($$
    SELECT c.relname FROM pg_class c
    WHERE c.relnamespace = 'mo_pub'::regnamespace AND c.relkind = 'm'
      AND NOT EXISTS (SELECT FROM pg_index i
                      WHERE i.indrelid = c.oid AND i.indisunique
                        AND i.indexprs IS NULL AND i.indpred IS NULL)$$,
    'every materialized view has a unique index on columns');
CREATE FUNCTION pg_temp.null_keys() RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
    r record;
    n bigint;
BEGIN
    FOR r IN
        SELECT i.indrelid::regclass AS view,
               string_agg(format('%I IS NULL', a.attname), ' OR ') AS test
        FROM pg_index i
        JOIN pg_class c ON c.oid = i.indrelid
        JOIN pg_attribute a ON a.attrelid = i.indrelid
                           AND a.attnum = ANY (i.indkey)
        WHERE c.relnamespace = 'mo_pub'::regnamespace AND c.relkind = 'm'
          AND i.indisunique
        GROUP BY i.indexrelid, i.indrelid
    LOOP
        EXECUTE format('SELECT count(*) FROM %s WHERE %s', r.view, r.test)
            INTO n;
        IF n > 0 THEN
            RETURN NEXT format('%s: %s rows', r.view, n);
        END IF;
    END LOOP;
END
$$;
SELECT is_empty('SELECT * FROM pg_temp.null_keys()',
                'no row of a materialized view has a NULL in its unique key');
SELECT ok((SELECT count(*) > 0 FROM mo_pub.linkage
           WHERE class IN ('niet in register', 'ongeldig of ontbrekend BSN',
                           'in register, leeftijd onbekend')
             AND identifiers IS NULL),
          'unknowns are labelled rows (here suppressed), not NULL keys');

-- What BI tools show: every published table, view and column has a comment.
SELECT is_empty($$
    SELECT c.oid::regclass::text || coalesce('.' || a.attname, '')
    FROM pg_class c
    LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
                            AND NOT a.attisdropped
    WHERE c.relnamespace = 'mo_pub'::regnamespace
      AND c.relkind IN ('r', 'v', 'm')
      AND (obj_description(c.oid, 'pg_class') IS NULL
           OR a.attnum IS NOT NULL AND col_description(c.oid, a.attnum) IS NULL)$$,
    'every published table, view and column has a comment');

-- The caller's k and rounding base; a concurrent refresh gives the rows of
-- a plain one.
SET mo_usage.k = 20;
SET mo_usage.rounding_base = 4;
CALL refresh_published(true);
SELECT results_eq(
    'SELECT sex, users, population FROM mo_pub.users_by_sex ORDER BY sort_key',
    $$VALUES ('man', NULL::bigint, 52::bigint), ('vrouw', NULL, 52), ('totaal', 32, 100)$$,
    'with k = 20 and base 4, 15 users are suppressed and counts rounded');
SELECT results_eq(
    'SELECT k, rounding_base, concurrent FROM mo_micro.release_log ORDER BY release_id',
    $$VALUES (10, 1, false), (20, 4, true)$$,
    'the release log has both refreshes, the second concurrent');
CREATE TEMP TABLE after_concurrent AS
SELECT 'users_by_group' AS v, to_jsonb(u) AS r FROM mo_pub.users_by_group u
UNION ALL SELECT 'visits_by_hour', to_jsonb(h) FROM mo_pub.visits_by_hour h
UNION ALL SELECT 'user_profiles', to_jsonb(p) FROM mo_pub.user_profiles p;
CALL refresh_published(false);
SELECT bag_eq(
    $$SELECT 'users_by_group' AS v, to_jsonb(u) AS r FROM mo_pub.users_by_group u
      UNION ALL SELECT 'visits_by_hour', to_jsonb(h) FROM mo_pub.visits_by_hour h
      UNION ALL SELECT 'user_profiles', to_jsonb(p) FROM mo_pub.user_profiles p$$,
    'SELECT * FROM after_concurrent',
    'a concurrent refresh and a plain one give the same rows');
RESET mo_usage.k;
RESET mo_usage.rounding_base;

-- The loading role may refresh; PUBLIC may not.
SET ROLE mo_usage_loader;
CALL refresh_published();
RESET ROLE;
SELECT is((SELECT count(*) FROM mo_micro.release_log), 4::bigint,
          'the loading role refreshes');
SELECT ok(NOT has_function_privilege('public',
              'mo_usage.refresh_published(boolean)', 'EXECUTE'),
          'PUBLIC may not');

-- A refresh that fails (here: the source's time zone was set to one that
-- does not exist) says which view and why, and leaves the tables and the
-- release log as they were.
UPDATE mo_micro.source SET time_zone = 'Nowhere/Atlantis';
SELECT throws_ok('CALL refresh_published()', '22023',
                 NULL, 'a failing refresh raises the error''s SQLSTATE');
SELECT throws_like('CALL refresh_published()',
                   'could not refresh mo_pub.%: time zone "Nowhere/Atlantis" not recognized',
                   'and names the view and the cause');
SELECT results_eq(
    $$SELECT (SELECT count(*) FROM mo_micro.release_log),
             (SELECT value FROM mo_pub.key_figures WHERE measure = 'users')$$,
    $$VALUES (4::bigint, 30::numeric)$$,
    'the published tables and the release log are as before');

SELECT * FROM finish();
ROLLBACK;

-- Pseudonyms over many rows and in parallel plans, and who may call what.
BEGIN;
CREATE EXTENSION mo_usage;
SELECT plan(14);

-- 20,000 rows: valid BSNs made from 8-digit prefixes and their check digit,
-- with every tenth row missing and every tenth failing the elfproef (check
-- digit off by one, or a prefix that has no check digit at all).
CREATE TABLE pseudonym_rows AS
SELECT i,
       CASE WHEN i % 10 = 0 THEN NULL
            WHEN i % 10 = 5 OR d = 10 THEN (p * 10 + (d + 1) % 10)::text
            ELSE lpad((p * 10 + d)::text, 9, '0') END AS bsn
FROM (SELECT i, p,
             (9 * (p / 10000000 % 10) + 8 * (p / 1000000 % 10)
              + 7 * (p / 100000 % 10) + 6 * (p / 10000 % 10)
              + 5 * (p / 1000 % 10) + 4 * (p / 100 % 10)
              + 3 * (p / 10 % 10) + 2 * (p % 10)) % 11 AS d
      FROM generate_series(1, 20000) i,
           LATERAL (SELECT 10000000 + i * 4409 AS p) AS prefix) AS s;
ALTER TABLE pseudonym_rows ADD serial_v1 bigint, ADD serial_v2 bigint,
    ADD serial_household bigint;

-- The pseudonyms of a serial plan: UPDATE never runs in parallel.
UPDATE pseudonym_rows
SET serial_v1 = mo_usage.bsn_pseudonym(bsn, 'person', 1),
    serial_v2 = mo_usage.bsn_pseudonym(bsn),
    serial_household = mo_usage.bsn_pseudonym(bsn, 'household');
ANALYZE pseudonym_rows;

SELECT results_eq(
    $$SELECT count(*) FILTER (WHERE bsn IS NULL),
             count(*) FILTER (WHERE bsn IS NOT NULL AND serial_v2 IS NULL),
             count(DISTINCT serial_v1), count(DISTINCT serial_v2)
      FROM pseudonym_rows$$,
    $$SELECT count(*) FILTER (WHERE i % 10 = 0),
             count(*) FILTER (WHERE i % 10 <> 0
                                AND NOT mo_usage.bsn_is_valid(bsn)),
             count(*) FILTER (WHERE mo_usage.bsn_is_valid(bsn)),
             count(*) FILTER (WHERE mo_usage.bsn_is_valid(bsn))
      FROM pseudonym_rows$$,
    'missing and invalid BSNs get NULL, every valid one its own pseudonym');

SELECT is((SELECT count(*) FROM pseudonym_rows WHERE i % 10 = 5
           AND mo_usage.bsn_is_valid(bsn)), 0::bigint,
          'the invalid rows of the data are invalid');

SELECT is_empty($$
    SELECT i FROM pseudonym_rows
    WHERE serial_v1 = serial_v2 OR serial_v2 = serial_household
$$, 'no BSN has the same pseudonym under two key versions or in two contexts');

-- The same scan with parallel workers doing all the work.
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_leader_participation = off;

-- Runs the scan in parallel under EXPLAIN ANALYZE and reads from the plan
-- how many workers ran and how many rows broke the condition (the rows
-- Gather returned), so that the count comes from the parallel run itself.
CREATE FUNCTION pg_temp.in_workers(condition text,
    OUT workers int, OUT broken bigint)
LANGUAGE plpgsql AS $$
DECLARE
    plan json;
BEGIN
    EXECUTE 'EXPLAIN (ANALYZE, FORMAT JSON, COSTS OFF, TIMING OFF, SUMMARY OFF)
             SELECT i FROM pseudonym_rows WHERE NOT (' || condition || ')'
        INTO plan;
    workers := plan -> 0 -> 'Plan' ->> 'Workers Launched';
    broken := plan -> 0 -> 'Plan' ->> 'Actual Rows';
END
$$;

CREATE FUNCTION pg_temp.plan_of(condition text)
RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE 'EXPLAIN (COSTS OFF)
        SELECT i FROM pseudonym_rows WHERE NOT (' || condition || ')';
END
$$;

SELECT results_eq(
    $$SELECT * FROM pg_temp.plan_of('serial_v2 IS NOT DISTINCT FROM
                                     mo_usage.bsn_pseudonym(bsn)')$$,
    $$VALUES ('Gather'), ('  Workers Planned: 2'),
             ('  ->  Parallel Seq Scan on pseudonym_rows'),
             ('        Filter: (serial_v2 IS DISTINCT FROM mo_usage.bsn_pseudonym(bsn, ''person''::text, 0))')$$,
    'the workers compute the pseudonyms in the filter of their scan');

SELECT results_eq(
    $$SELECT * FROM pg_temp.in_workers('serial_v2 IS NOT DISTINCT FROM
                                        mo_usage.bsn_pseudonym(bsn)')$$,
    $$VALUES (2, 0::bigint)$$,
    'parallel workers give the pseudonyms of the serial plan');

SELECT results_eq(
    $$SELECT * FROM pg_temp.in_workers('serial_household IS NOT DISTINCT FROM
                                        mo_usage.bsn_pseudonym(bsn, ''household'')')$$,
    $$VALUES (2, 0::bigint)$$,
    'and in another context');

SELECT results_eq(
    $$SELECT * FROM pg_temp.in_workers('serial_v1 IS NOT DISTINCT FROM
        mo_usage.bsn_pseudonym(bsn::bigint, ''person'', 1)')$$,
    $$VALUES (2, 0::bigint)$$,
    'and under an older key version asked for explicitly');

SET LOCAL mo_usage.key_version = 1;
SELECT results_eq(
    $$SELECT * FROM pg_temp.in_workers('serial_v1 IS NOT DISTINCT FROM
                                        mo_usage.bsn_pseudonym(bsn)')$$,
    $$VALUES (2, 0::bigint)$$,
    'and under the key version the setting names, passed to the workers');
RESET mo_usage.key_version;

SELECT results_eq(
    $$SELECT * FROM pg_temp.in_workers('serial_v2 IS NOT DISTINCT FROM
        mo_usage.pseudonym(mo_usage.bsn_normalise(bsn), ''person'')')$$,
    $$VALUES (2, 0::bigint)$$,
    'the generic pseudonym of the normal form, in parallel');

SELECT results_eq(
    $$SELECT * FROM pg_temp.in_workers('NOT mo_usage.bsn_is_valid(bsn)
        OR serial_v2 = mo_usage.bsn_pseudonym_strict(bsn)')$$,
    $$VALUES (2, 0::bigint)$$,
    'the strict pseudonym of valid BSNs, in parallel');

SELECT results_eq(
    $$SELECT * FROM pg_temp.in_workers('serial_v2 IS NULL
        OR serial_v2 = mo_usage.bsn_pseudonym(bsn, ''person'', 1)')$$,
    $$VALUES (2, (SELECT count(*) FROM pseudonym_rows
                  WHERE serial_v2 IS NOT NULL))$$,
    'the count read from the plan sees every row that breaks the condition');

-- Who may call what: the loading role all but the bare HMAC, the reporting
-- role and PUBLIC nothing.
CREATE TEMP VIEW family AS
SELECT p.oid::regprocedure AS function, p.proname
FROM pg_proc p
WHERE p.pronamespace = 'mo_usage'::regnamespace
  AND p.proname IN ('hmac_sha256', 'pseudonym', 'pseudonym_digest',
                    'pseudonym_key_version', 'pseudonym_key_versions',
                    'bsn_is_valid', 'bsn_invalid_reason', 'bsn_normalise',
                    'bsn_pseudonym', 'bsn_pseudonym_strict');

SELECT is((SELECT count(*) FROM family), 15::bigint,
          'the family has 15 functions');

SELECT is_empty($$
    SELECT function FROM family
    WHERE has_function_privilege('mo_usage_loader', function, 'EXECUTE')
          <> (proname <> 'hmac_sha256')
$$, 'the loading role may execute every function but the bare HMAC');

SELECT is_empty($$
    SELECT function FROM family
    WHERE has_function_privilege('mo_usage_reader', function, 'EXECUTE')
       OR has_function_privilege('public', function, 'EXECUTE')
$$, 'the reporting role and PUBLIC may execute none');

SELECT * FROM finish();
ROLLBACK;

-- quantile_bounds() split across processes, partitions and (as Citus does
-- it) across nodes through the text and binary forms of quantile_state:
-- every split gives the boundaries of the whole.
BEGIN;
CREATE EXTENSION mo_usage;
SET search_path = mo_usage, public;
SELECT plan(20);

-- The plan of a query, without costs; and as run, with rows per worker.
\ir lib/plan_of.sql
CREATE FUNCTION pg_temp.analyzed(query text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    plan json;
BEGIN
    EXECUTE 'EXPLAIN (ANALYZE, VERBOSE, COSTS OFF, TIMING OFF, SUMMARY OFF, '
            'FORMAT JSON) ' || query INTO plan;
    RETURN plan::jsonb;
END
$$;

-- 200,000 rows in 40 groups; group 0 has only NULL values, group 1 only
-- zero weights.  Real weights, so that only exact sums agree across plans.
SELECT setseed(0.25);
CREATE TABLE spread (grp int, v float8, w float8)
    WITH (parallel_workers = 2);
INSERT INTO spread
SELECT g % 40, CASE WHEN g % 40 = 0 THEN NULL ELSE round(random() * 5000) END,
       CASE WHEN g % 40 = 1 THEN 0 ELSE random() * 3 END
FROM generate_series(1, 200000) g;
ANALYZE spread;

SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial AS
SELECT grp, quantile_bounds(v, 10) AS b, quantile_bounds(v, w, 10) AS bw
FROM spread GROUP BY grp;
CREATE TEMP TABLE serial_all AS
SELECT quantile_bounds(v, 100) AS b, quantile_bounds(v, w, 100) AS bw
FROM spread;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;

SELECT matches(pg_temp.plan_of('SELECT quantile_bounds(v, 100), quantile_bounds(v, w, 100) FROM spread'),
               'Finalize Aggregate.*Gather.*Partial Aggregate.*Parallel Seq Scan on spread',
               'the plain aggregate runs as a parallel plan');
SELECT results_eq('SELECT quantile_bounds(v, 100), quantile_bounds(v, w, 100) FROM spread',
                  'SELECT b, bw FROM serial_all',
                  'parallel: the same percentiles as serial');

SET enable_hashagg = off;
SELECT matches(pg_temp.plan_of('SELECT grp, quantile_bounds(v, 10), quantile_bounds(v, w, 10) FROM spread GROUP BY grp'),
               'Finalize GroupAggregate.*Gather Merge.*Partial GroupAggregate.*Parallel Seq Scan on spread',
               'the grouped aggregate runs as a parallel plan (sorted)');
SELECT bag_eq('SELECT grp, quantile_bounds(v, 10) AS b, quantile_bounds(v, w, 10) AS bw FROM spread GROUP BY grp',
              'SELECT grp, b, bw FROM serial',
              'parallel, sorted groups: the same deciles as serial');
RESET enable_hashagg;
SET enable_sort = off;
SELECT matches(pg_temp.plan_of('SELECT grp, quantile_bounds(v, 10), quantile_bounds(v, w, 10) FROM spread GROUP BY grp'),
               'Finalize HashAggregate.*Gather.*Partial HashAggregate.*Parallel Seq Scan on spread',
               'the grouped aggregate runs as a parallel plan (hashed)');
SELECT bag_eq('SELECT grp, quantile_bounds(v, 10) AS b, quantile_bounds(v, w, 10) AS bw FROM spread GROUP BY grp',
              'SELECT grp, b, bw FROM serial',
              'parallel, hashed groups: the same deciles as serial');
RESET enable_sort;
SELECT is((SELECT count(*) FROM serial WHERE b IS NULL AND bw IS NULL),
          1::bigint, 'only the group of NULL values has no boundaries');
SELECT is((SELECT count(*) FROM serial WHERE b IS NOT NULL AND bw IS NULL),
          1::bigint, 'the group of zero weights has no weighted boundaries');

-- A table of one block, scanned by two workers without the leader: one
-- worker gets the block, the other no rows, and hands on a NULL state.
CREATE TABLE one_block (v float8) WITH (parallel_workers = 2);
INSERT INTO one_block SELECT (g * 37) % 200 FROM generate_series(1, 200) g;
ANALYZE one_block;
SET parallel_leader_participation = off;
SET parallel_tuple_cost = 0.1;
SELECT matches(pg_temp.plan_of('SELECT quantile_bounds(v, 10) FROM one_block'),
               'Finalize Aggregate.*Gather.*Partial Aggregate.*Parallel Seq Scan on one_block',
               'one block: a parallel plan');
SELECT is((SELECT array_agg((w ->> 'Actual Rows')::int
                            ORDER BY (w ->> 'Actual Rows')::int)
           FROM jsonb_path_query(pg_temp.analyzed('SELECT quantile_bounds(v, 10) FROM one_block'),
                                 'strict $.**?(@."Node Type" == "Seq Scan").Workers[*]') w),
          '{0,200}'::int[], 'one block: one worker scanned it, the other saw no rows');
SELECT is((SELECT quantile_bounds(v, 10) FROM one_block),
          '{19,39,59,79,99,119,139,159,179}'::float8[],
          'one block: the deciles of 0..199');
RESET ALL;
SET search_path = mo_usage, public;

-- Partitionwise aggregation: partial states handed on inside one process.
CREATE TABLE parts (grp int, v float8, w float8) PARTITION BY RANGE (v);
CREATE TABLE parts_low PARTITION OF parts FOR VALUES FROM (MINVALUE) TO (1000);
CREATE TABLE parts_mid PARTITION OF parts FOR VALUES FROM (1000) TO (3000);
CREATE TABLE parts_high PARTITION OF parts FOR VALUES FROM (3000) TO (MAXVALUE);
INSERT INTO parts SELECT * FROM spread WHERE v IS NOT NULL;
ANALYZE parts;
SET enable_partitionwise_aggregate = on;
SET max_parallel_workers_per_gather = 0;
SELECT matches(pg_temp.plan_of('SELECT grp, quantile_bounds(v, w, 10) FROM parts GROUP BY grp'),
               'Finalize (Hash|Group)Aggregate.*Append.*Partial (Hash|Group)Aggregate.*parts_low.*Partial (Hash|Group)Aggregate.*parts_mid',
               'partitionwise: a partial aggregate per partition');
SELECT bag_eq('SELECT grp, quantile_bounds(v, w, 10) FROM parts GROUP BY grp',
              'SELECT grp, bw FROM serial WHERE grp <> 0',
              'partitionwise: the same deciles as one aggregate');
RESET enable_partitionwise_aggregate;

-- As Citus splits it: a state per shard, sent on as text, merged by the
-- combine function and finished by the final function.
CREATE AGGREGATE pg_temp.collect(float8, float8, integer) (
    SFUNC = quantile_state_add, STYPE = quantile_state);
CREATE AGGREGATE pg_temp.merge(quantile_state) (
    SFUNC = quantile_state_merge, STYPE = quantile_state,
    FINALFUNC = quantile_state_bounds);
CREATE TEMP TABLE shard_states AS
SELECT grp % 4 AS shard, pg_temp.collect(v, w, 100)::text AS state
FROM spread GROUP BY grp % 4;
SELECT is((SELECT pg_temp.merge(state::quantile_state) FROM shard_states),
          (SELECT bw FROM serial_all),
          'states passed on as text and merged: the same percentiles');

-- The binary form reads back what was sent; malformed input is refused.
-- Files go to the server's data directory.
CREATE FUNCTION pg_temp.copy_binary(what text, direction text, file text)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('COPY %s %s %L (FORMAT binary)', what, direction,
                   current_setting('data_directory') || '/' || file);
END
$$;
CREATE TEMP TABLE states_back (s quantile_state);
SELECT pg_temp.copy_binary('(SELECT state::quantile_state FROM shard_states)',
                           'TO', 'quantile_states.bin');
SELECT pg_temp.copy_binary('states_back', 'FROM', 'quantile_states.bin');
SELECT set_eq('SELECT s::text FROM states_back',
              'SELECT state FROM shard_states',
              'binary send and receive: the same states');
-- Raw bytes, written as a bytea column, read back as a state: its text.
CREATE FUNCTION pg_temp.read_binary(bytes bytea) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_temp.copy_binary(format('(VALUES (%L::bytea))', bytes),
                                'TO', 'quantile_crafted.bin');
    TRUNCATE states_back;
    PERFORM pg_temp.copy_binary('states_back', 'FROM', 'quantile_crafted.bin');
    RETURN (SELECT s::text FROM states_back);
END
$$;
SELECT is(pg_temp.read_binary('\x0000000200000001000000000000000140080000000000003fe0000000000000'),
          'groups=2 values={3} weights={0.5}',
          'binary receive: a state written byte by byte');
-- Flags 2: the items carry counts (here 3 twice).
SELECT is(pg_temp.read_binary('\x0000000200000002000000000000000140080000000000004000000000000000'),
          'groups=2 values={3} counts={2}',
          'binary receive: a state with counts');
SELECT throws_ok(format('SELECT pg_temp.read_binary(%L)', bytes), code, message, description)
FROM (VALUES
    ('\x00000002000000070000000000000000'::bytea, '22P03', 'invalid external quantile_state',
     'binary state with unknown flags'),
    ('\x0000000200000000000000000000ffff', '22P03', 'invalid external quantile_state',
     'binary state with more values than bytes'),
    ('\x0000000200000002000000000000000140080000000000003ff8000000000000', '22023',
     'counts in a quantile_state must be whole numbers from 1 to 2^53',
     'binary state with a count of 1.5'))
    AS bad (bytes, code, message, description);

SELECT * FROM finish();
ROLLBACK;

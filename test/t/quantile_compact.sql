-- Compaction of quantile states: a state of 1024 items or more that is
-- written as text or binary, or with weights handed on to a parallel
-- leader, is sorted by value, and equal values are summed into one item
-- where the sum is exact, if that at least halves its items.  Known forms,
-- the exact boundaries through every path, and the checks of counts read
-- from outside.
BEGIN;
CREATE EXTENSION mo_usage;
SET search_path = mo_usage, public;
SELECT plan(39);

-- The state itself, as text.
CREATE AGGREGATE pg_temp.state_of(float8, integer) (
    SFUNC = quantile_state_add, STYPE = quantile_state);
CREATE AGGREGATE pg_temp.state_of(float8, float8, integer) (
    SFUNC = quantile_state_add, STYPE = quantile_state);
CREATE AGGREGATE pg_temp.merge(quantile_state) (
    SFUNC = quantile_state_merge, STYPE = quantile_state,
    FINALFUNC = quantile_state_bounds);
CREATE AGGREGATE pg_temp.merged(quantile_state) (
    SFUNC = quantile_state_merge, STYPE = quantile_state);

-- Forms.
SELECT is((SELECT pg_temp.state_of(x % 3, 4)::text
           FROM generate_series(1, 3000) x),
          'groups=4 values={0,1,2} counts={1000,1000,1000}',
          'many rows of few values: one item per value, with its count');
SELECT is((SELECT quantile_state_bounds(pg_temp.state_of(x % 3, 4))
           FROM generate_series(1, 3000) x),
          '{0,1,2}'::float8[],
          'and its boundaries: positions 750, 1500 and 2250');
SELECT is((SELECT left(pg_temp.state_of(x % 3, 4)::text, 30)
           FROM generate_series(1, 1023) x),
          'groups=4 values={1,2,0,1,2,0,1',
          'a state of fewer than 1024 items stays as the rows came');
SELECT is((SELECT pg_temp.state_of(x, 4)::text
           FROM generate_series(2000, 1, -1) x),
          (SELECT 'groups=4 values={' || string_agg(x::text, ',' ORDER BY x DESC) || '}'
           FROM generate_series(1, 2000) x),
          'distinct values: left as they came, since compacting would not halve them');
SELECT is((SELECT pg_temp.state_of(x % 1000, 4)::text
           FROM generate_series(2000, 1, -1) x),
          (SELECT 'groups=4 values={' || string_agg(x::text, ',' ORDER BY x) || '} counts={'
                  || string_agg('2', ',') || '}'
           FROM generate_series(0, 999) x),
          'each value twice: compacted, sorted, counted');
SELECT is((SELECT pg_temp.state_of(CASE x % 7 WHEN 0 THEN -1 WHEN 1 THEN '-0'
                                              WHEN 2 THEN 0 WHEN 3 THEN 'NaN'
                                              WHEN 4 THEN 'Infinity'
                                              WHEN 5 THEN '-Infinity' ELSE 2.5 END, 4)::text
           FROM generate_series(1, 1400) x),
          'groups=4 values={-Infinity,-1,0,2.5,Infinity,NaN} counts={200,200,400,200,200,200}',
          'sorted as float8 sorts: -0 is 0, NaN last');
SELECT is((SELECT pg_temp.state_of(x % 2, 0.5, 2)::text
           FROM generate_series(1, 2000) x),
          'groups=2 values={0,1} weights={500,500}',
          'weights of equal values summed');

-- A sum that would round is not made: value 2 keeps its weight 1500 and
-- its weight 2^-60 as two items, and the small one then tips the median
-- over to it (1500 of 3000 + 2^-60 does not reach half).
CREATE TEMP TABLE tip AS
SELECT x AS i, CASE WHEN x <= 1500 THEN 1 ELSE 2 END::float8 AS v,
       CASE x WHEN 1501 THEN 1500 WHEN 1502 THEN 2 ^ -60 ELSE 1 END::float8 AS w
FROM generate_series(1, 1502) x;
SELECT is((SELECT pg_temp.state_of(v, w, 2 ORDER BY i)::text FROM tip),
          'groups=2 values={1,2,2} weights={1500,1500,8.673617379884035e-19}',
          'weights that cannot be summed exactly stay items of their own');
SELECT is((SELECT pg_temp.state_of(v, w, 2 ORDER BY i)::text::quantile_state::text FROM tip),
          'groups=2 values={1,2,2} weights={1500,1500,8.673617379884035e-19}',
          'and the text reads back as the same text');
SELECT is((SELECT quantile_bounds(v, w, 2) FROM tip), '{2}'::float8[],
          'and counts in full: the median is 2');
SELECT is((SELECT quantile_bounds(v, w, 2) FROM tip WHERE i <= 1501),
          '{1}'::float8[], 'without it, 1');
SELECT is((SELECT quantile_state_bounds(pg_temp.state_of(v, w, 2 ORDER BY i)::text::quantile_state)
           FROM tip),
          '{2}'::float8[], 'the same from the state as text');

-- States stored compacted and merged again are compacted again when
-- written: four groups of 8,000 rows of 600 values, weight 1.5, stored
-- (each compacted to 600 items) and merged give one item per value,
-- weighing 6 times its rows in a group; and the text reads back as itself.
CREATE TEMP TABLE parts AS
SELECT g, pg_temp.state_of((x % 600)::float8, 1.5, 10) AS st
FROM generate_series(1, 4) g, generate_series(1, 8000) x GROUP BY g;
CREATE TEMP TABLE merged_text AS SELECT pg_temp.merged(st)::text AS t FROM parts;
SELECT is((SELECT t FROM merged_text),
          (SELECT 'groups=10 values={' || string_agg(v::text, ',' ORDER BY v)
                  || '} weights={' || string_agg((6 * n)::text, ',' ORDER BY v) || '}'
           FROM (SELECT x % 600 AS v, count(*) AS n FROM generate_series(1, 8000) x
                 GROUP BY 1) c),
          'stored states merged: written compacted, one item per value');
SELECT is((SELECT t::quantile_state::text FROM merged_text), (SELECT t FROM merged_text),
          'and its text reads back as the same text');

-- A window aggregate's state, reordered in place by the final function,
-- takes more rows: each frame has the boundaries of its own rows.
CREATE TEMP TABLE grow AS
SELECT x AS i, (x % 5)::float8 AS v, (1 + x % 3)::float8 AS w
FROM generate_series(1, 3000) x;
SELECT is((SELECT count(*) FROM (
    SELECT i, quantile_bounds(v, w, 7) OVER (ORDER BY i) AS b FROM grow) f
    WHERE i IN (1100, 1500, 2222, 3000)
      AND b IS NOT DISTINCT FROM (SELECT quantile_bounds(g.v, g.w, 7)
                                  FROM grow g WHERE g.i <= f.i)),
          4::bigint, 'a growing frame: the boundaries of its rows each time');

-- Parallel plans hand on states (those with weights compacted): the same
-- boundaries as serial, and, unweighted, as percentile_disc.
SELECT setseed(0.75);
CREATE TABLE ties (grp int, v float8, w float8, iw int)
    WITH (parallel_workers = 2);
INSERT INTO ties
SELECT g % 3, round(random() * 50), random() * 3, (random() * 4)::int
FROM generate_series(1, 300000) g;
INSERT INTO ties VALUES (0, 'NaN', 1, 1), (1, '-Infinity', 2, 2);
ANALYZE ties;

SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial AS
SELECT quantile_bounds(v, 20) AS b, quantile_bounds(v, w, 20) AS bw,
       quantile_bounds(v, iw, 20) AS bi,
       percentile_disc((SELECT array_agg(k / 20.0) FROM generate_series(1, 19) k))
           WITHIN GROUP (ORDER BY v) AS p
FROM ties;
SELECT is((SELECT b FROM serial), (SELECT p FROM serial),
          'serial: equals percentile_disc');
CREATE TEMP TABLE repeated AS
SELECT quantile_bounds(v, 20) AS b FROM ties, generate_series(1, iw);

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
\ir lib/plan_of.sql
SELECT matches(pg_temp.plan_of('SELECT quantile_bounds(v, 20) FROM ties'),
               'Finalize Aggregate.*Gather.*Partial Aggregate.*Parallel Seq Scan on ties',
               'the aggregate runs in parallel');
SELECT is((SELECT quantile_bounds(v, 20) FROM ties), (SELECT b FROM serial),
          'parallel, unweighted: the same boundaries');
SELECT is((SELECT quantile_bounds(v, w, 20) FROM ties), (SELECT bw FROM serial),
          'parallel, real weights: the same boundaries');
SELECT is((SELECT quantile_bounds(v, iw, 20) FROM ties), (SELECT bi FROM serial),
          'parallel, integer weights: the same boundaries');
SELECT is((SELECT bi FROM serial), (SELECT b FROM repeated),
          'integer weights: as rows repeated weight times');
SELECT is((SELECT quantile_bounds(v, iw / 4.0, 20) FROM ties),
          (SELECT b FROM repeated),
          'parallel, weights in quarters: as rows repeated 4 times the weight');
RESET max_parallel_workers_per_gather;

-- Counts read from outside: whole numbers from 1 to 2^53, one per value.
SELECT is(quantile_state_bounds('groups=3 values={6,5} counts={1,2}'),
          '{5,5}'::float8[], 'counts in text: 5, 5, 6 in three groups');
SELECT is((SELECT pg_temp.merge(s::quantile_state)
           FROM (VALUES ('groups=3 values={5,6} counts={2,1}'),
                        ('groups=3 values={7}')) x (s)),
          '{5,6}'::float8[], 'a state with counts merged with one without');
-- Refused: numbers that are no count (22023), and text that is malformed
-- (22P02).
SELECT throws_ok(format('SELECT %L::quantile_state', input), code,
                 CASE code WHEN '22023' THEN
                     'counts in a quantile_state must be whole numbers from 1 to 2^53' END,
                 description)
FROM (VALUES
    ('groups=2 values={1} counts={0}', '22023', 'a count of 0'),
    ('groups=2 values={1} counts={1.5}', '22023', 'a count that is not whole'),
    ('groups=2 values={1} counts={1e300}', '22023', 'a count beyond 2^53'),
    ('groups=2 values={1} counts={9007199254740993}', '22023',
     'a count of 2^53 + 1, which float8 would round to 2^53'),
    ('groups=2 values={1} counts={-1}', '22023', 'a negative count'),
    ('groups=2 values={1,2} counts={1}', '22P02', 'fewer counts than values'),
    ('groups=2 values={1} counts={1', '22P02', 'counts without their closing brace: malformed'),
    ('groups=2 values={1,2} counts={1,}', '22P02', 'a missing count: malformed'),
    ('groups=2 values={1} counts={x}', '22P02', 'a count that is no number: malformed'))
    AS bad (input, code, description);
SELECT is('groups=2 values={1} counts={9007199254740992}'::quantile_state::text,
          'groups=2 values={1} counts={9007199254740992}',
          'counts are written in digits, and read back');

-- Counts are summed only where the sum is exact: 2^53 - 1 and 2 make
-- 2^53 + 1, which float8 rounds, so value 2 keeps two items.  The total
-- is 2^54 + 1023 and value 1 reaches 2^53 + 511, short of half: the
-- median is 2, whether the final function or the merge compacts.
CREATE TEMP TABLE huge AS
SELECT ('groups=2 values={' || repeat('-1,', 511) || '1,2,2' || repeat(',3', 511)
        || '} counts={' || repeat('1,', 511)
        || '9007199254740992,9007199254740991,2' || repeat(',1', 511) || '}')::quantile_state
       AS st;
SELECT is((SELECT quantile_state_bounds(st) FROM huge), '{2}'::float8[],
          'counts near 2^53: the median of the state as read');
SELECT is((SELECT pg_temp.merged(st)::text FROM huge),
          'groups=2 values={-1,1,2,2,3} counts={511,9007199254740992,9007199254740991,2,511}',
          'compacted: value 2 keeps its two counts');
SELECT is((SELECT quantile_state_bounds(pg_temp.merged(st)::text::quantile_state) FROM huge),
          '{2}'::float8[], 'and the median is still 2');

-- A state with weights and rows without, or the other way round.
CREATE AGGREGATE pg_temp.onto_weighted(float8, integer) (
    SFUNC = quantile_state_add, STYPE = quantile_state,
    FINALFUNC = quantile_state_bounds, INITCOND = 'groups=2 values={1} weights={2}');
CREATE AGGREGATE pg_temp.onto_counted(float8, float8, integer) (
    SFUNC = quantile_state_add, STYPE = quantile_state,
    FINALFUNC = quantile_state_bounds, INITCOND = 'groups=2 values={1} counts={2}');
SELECT throws_ok($$SELECT pg_temp.onto_weighted(x, 2) FROM generate_series(1, 3) x$$,
                 '22023', 'cannot add unweighted rows to a weighted quantile_state',
                 'rows without weights onto a state with weights');
SELECT throws_ok($$SELECT pg_temp.onto_counted(x, 1, 2) FROM generate_series(1, 3) x$$,
                 '22023', 'cannot add weighted rows to an unweighted quantile_state',
                 'rows with weights onto a state of counts');

SELECT * FROM finish();
ROLLBACK;

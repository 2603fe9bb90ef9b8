-- Quantile groups: quantile_bounds() and quantile_group(), with known
-- answers, edge cases and every error message.
CREATE EXTENSION mo_usage;
SET search_path = mo_usage, public;

CREATE TEMP TABLE ten (v float8);
INSERT INTO ten VALUES (2761), (708), (1460), (717), (2469), (769), (1400),
    (1022), (1108), (1097);

-- Ten values, in any order: decile boundary k is the k-th smallest value.
SELECT quantile_bounds(v, 10) FROM ten;
-- ... and each value is alone in its decile group.
SELECT v, quantile_group(v, (SELECT quantile_bounds(v, 10) FROM ten)) AS g
FROM ten ORDER BY v;
-- Unweighted, it is percentile_disc at k/n.
SELECT percentile_disc(array[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
       WITHIN GROUP (ORDER BY v) FROM ten;

-- 0,0,0,1,1,1,2,3,4,5 in five groups: boundary k is the value at position
-- 2k.  The 0s share group 1, the 1s share group 2, group 3 stays empty.
CREATE TEMP TABLE ties (v float8);
INSERT INTO ties VALUES (0), (0), (0), (1), (1), (1), (2), (3), (4), (5);
SELECT quantile_bounds(v, 5) FROM ties;
SELECT v, count(*), min(g) AS g, max(g) AS g_max
FROM (SELECT v, quantile_group(v, (SELECT quantile_bounds(v, 5) FROM ties)) g
      FROM ties) t
GROUP BY v ORDER BY v;
-- ntile, by contrast, splits the ties: the second 0 and the 1s straddle.
SELECT v, min(nt), max(nt)
FROM (SELECT v, ntile(5) OVER (ORDER BY v) nt FROM ties) t
GROUP BY v ORDER BY v;

-- Ten copies of 7: every boundary is 7, and all ten share group 1.
SELECT quantile_bounds(7, 10) FROM generate_series(1, 10);
SELECT quantile_group(7, (SELECT quantile_bounds(7, 10)
                          FROM generate_series(1, 10)));

-- A count that n does not divide: 1..7 in 3 groups, positions 3 and 5.
SELECT quantile_bounds(g, 3) FROM generate_series(1, 7) g;
-- One value: every boundary is that value.
SELECT quantile_bounds(-2.5, 4);
-- Fewer values than groups: positions ceil(3k/10) = 1,1,1,2,2,2,3,3,3.
SELECT quantile_bounds(v, 10) FROM unnest('{30,10,20}'::float8[]) v;
-- Integers and numerics arrive through the implicit cast to float8.
SELECT quantile_bounds(g, 4) FROM generate_series(-3, 4) g;
SELECT quantile_bounds(v, 2) FROM unnest('{1.25,-7.5,3}'::numeric[]) v;

-- Percentiles are exact: of 1..25, percentile 28 is at position
-- ceil(28 * 25 / 100) = 7.  percentile_disc(0.28) computes 0.28 * 25 in
-- floating point (7.000000000000001) and answers 8.
SELECT (quantile_bounds(g, 100))[28] AS p28,
       percentile_disc(0.28) WITHIN GROUP (ORDER BY g) AS percentile_disc
FROM generate_series(1, 25) g;

-- NULL values are skipped; no values at all give NULL, without error.
SELECT quantile_bounds(v, 2) FROM unnest('{NULL,4,NULL,2,6}'::float8[]) v;
SELECT quantile_bounds(v, 2) IS NULL AS all_null
FROM unnest('{NULL,NULL}'::float8[]) v;
SELECT quantile_bounds(v, 2) IS NULL AS empty FROM ten WHERE false;
-- A group without values gives NULL and leaves the other groups alone.
SELECT k, quantile_bounds(v, 2)
FROM (VALUES ('a', 1), ('a', 3), ('b', NULL), ('c', 5), ('c', 9), ('c', 7))
     x(k, v)
GROUP BY k ORDER BY k;

-- Order as PostgreSQL orders float8: -0 is 0 (and shown as 0), infinities
-- are numbers, NaN is above them all.
SELECT quantile_bounds(v, 6)
FROM unnest('{NaN,1,-0,Infinity,-Infinity,NaN}'::float8[]) v;
SELECT percentile_disc(array[1/6.0, 2/6.0, 3/6.0, 4/6.0, 5/6.0])
       WITHIN GROUP (ORDER BY v)
FROM unnest('{NaN,1,-0,Infinity,-Infinity,NaN}'::float8[]) v;

-- Weights, worked by hand.  Values 10, 20, 30, 40 weigh 1, 3, 4, 2 (total
-- 10); cumulative 1, 4, 8, 10.  Quartile 1 needs 2.5: 20.  Quartile 2
-- needs 5: 30.  Quartile 3 needs 7.5: 30.
SELECT quantile_bounds(v, w, 4)
FROM (VALUES (30, 4), (10, 1), (40, 2), (20, 3)) x(v, w);
-- Reaching the share exactly is enough: cumulative 4 of 8 is the median.
SELECT quantile_bounds(v, w, 2)
FROM (VALUES (1, 1.5), (2, 2.5), (3, 4)) x(v, w);
-- Zero weights, NULL weights and NULL values leave the row out.
SELECT quantile_bounds(v, w, 4)
FROM (VALUES (30, 4), (10, 1), (40, 2), (20, 3), (5, 0), (50, 0),
             (25, NULL), (NULL, 7)) x(v, w);
-- All weights zero: no rows, NULL.
SELECT quantile_bounds(v, 0, 4) IS NULL AS all_zero FROM ten;
-- Sums are exact: a weight of 5e-324 (the smallest float8) on 3 tips the
-- median of 1 and 2, weighing 1 each, over to 2 (a rounded sum would not).
SELECT quantile_bounds(v, w, 2)
FROM (VALUES (1, 1), (2, 1), (3, 5e-324)) x(v, w);
-- Ten weights of 0.1 (a total that float8 addition gets wrong) split
-- exactly like ten rows.
SELECT quantile_bounds(g, 0.1, 10) FROM generate_series(1, 10) g;
-- Weights from 1e-300 to 1e300.
SELECT quantile_bounds(v, w, 3)
FROM (VALUES (1, 1e300), (2, 1e-300), (3, 1e300), (4, 1e-300)) x(v, w);

-- quantile_group: 1 + the number of boundaries below the value.
SELECT v, quantile_group(v, '{10,20,20,30}') AS g
FROM unnest('{-Infinity,5,10,10.5,20,25,30,31,Infinity,NaN}'::float8[]) v;
-- NaN boundaries hold NaN values; numbers stay below them.
SELECT v, quantile_group(v, '{1,NaN}') AS g
FROM unnest('{0,1,2,Infinity,NaN}'::float8[]) v;
-- No boundaries: one group.
SELECT quantile_group(5, '{}');
-- NULL value or boundaries: not classified.
SELECT quantile_group(NULL, '{1,2}') IS NULL AS null_value,
       quantile_group(1, NULL) IS NULL AS null_bounds;
-- Boundaries that change from row to row are each read afresh.
SELECT v, b, quantile_group(v, b) AS g
FROM (VALUES (5, '{1,9}'::float8[]), (5, '{6,9}'), (5, '{1,2}'),
             (5, '{1,9}')) x(v, b);

-- As a window aggregate over a growing frame: the final function leaves
-- the state fit for more rows.
SELECT v, quantile_bounds(v, 2) OVER (ORDER BY v DESC ROWS UNBOUNDED PRECEDING)
FROM unnest('{5,1,4,2,3}'::float8[]) v;

-- Errors.
SELECT quantile_bounds(v, 1) FROM ten;
SELECT quantile_bounds(v, 100000001) FROM ten;
SELECT quantile_bounds(v, NULL) FROM ten;
SELECT quantile_bounds(v, NULL) FROM unnest('{NULL}'::float8[]) v;
SELECT quantile_bounds(v, (v > 1000)::int + 2) FROM ten;
SELECT quantile_bounds(v, -1, 10) FROM ten;
SELECT quantile_bounds(v, 'NaN', 10) FROM ten;
SELECT quantile_bounds(v, 'Infinity', 10) FROM ten;
SELECT quantile_bounds(v, '-Infinity', 10) FROM ten;
SELECT quantile_group(1, '{3,2}');
SELECT quantile_group(1, '{NaN,2}');
SELECT quantile_group(1, '{{1,2},{3,4}}');
SELECT quantile_group(1, '{1,NULL}');
SELECT quantile_state_add(NULL, 1, 10);
SELECT quantile_state_merge(NULL, NULL);

-- The state type: text that reads back bit-identical (the shortest exact
-- form, whatever extra_float_digits says), -0 and NaN normalised.
SELECT 'groups=10 values={0.30000000000000004,5e-324,-0,nan,-inf}'::quantile_state;
SET extra_float_digits = -15;
SELECT 'groups=3 values={0.30000000000000004} weights={0.1}'::quantile_state;
RESET extra_float_digits;
SELECT ' groups=2  values={ 3 , 1.5 }  weights={2,0.5} '::quantile_state;
SELECT 'groups=2 values={}'::quantile_state;
-- The final function reads a stored state, and leaves it as it was.
CREATE TEMP TABLE stored (s quantile_state);
INSERT INTO stored VALUES ('groups=4 values={40,10,30,20} weights={2,1,4,3}');
SELECT quantile_state_bounds(s), s FROM stored;
SELECT quantile_state_bounds('groups=4 values={}') IS NULL AS no_values;
-- Malformed states.
SELECT ''::quantile_state;
SELECT 'groups=1 values={1}'::quantile_state;
SELECT 'groups=x values={1}'::quantile_state;
SELECT 'groups=2 values={1,}'::quantile_state;
SELECT 'groups=2 values={1;2}'::quantile_state;
SELECT 'groups=2 values={1} weights={1,2}'::quantile_state;
SELECT 'groups=2 values={1} weights={0}'::quantile_state;
SELECT 'groups=2 values={1} weights={-1}'::quantile_state;
SELECT 'groups=2 values={1} extra'::quantile_state;
SELECT 'groups=2 values={1} weights={1} extra'::quantile_state;

-- Parallel query uses the combine function: the plan, and the same
-- boundaries as the serial plan.
CREATE TABLE public.spread AS
SELECT g, (g * 7919) % 10007 AS v, g % 3 AS w
FROM generate_series(1, 100000) g;
ALTER TABLE public.spread SET (parallel_workers = 2);
ANALYZE public.spread;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial AS
SELECT quantile_bounds(v, 10) AS b, quantile_bounds(v, w, 10) AS bw
FROM public.spread;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF)
SELECT quantile_bounds(v, 10), quantile_bounds(v, w, 10) FROM public.spread;
SELECT quantile_bounds(v, 10) AS b, quantile_bounds(v, w, 10) AS bw
FROM public.spread;
SELECT (SELECT b FROM serial) = quantile_bounds(v, 10) AS same,
       (SELECT bw FROM serial) = quantile_bounds(v, w, 10) AS same_weighted
FROM public.spread;

-- A table of one block: one worker scans it, the other sees no rows and
-- hands on a NULL state.
CREATE TABLE public.one_block AS
SELECT (g * 37) % 200 AS v FROM generate_series(1, 200) g;
ALTER TABLE public.one_block SET (parallel_workers = 2);
ANALYZE public.one_block;
SELECT pg_relation_size('public.one_block') AS bytes;
SET parallel_leader_participation = off;
SET parallel_tuple_cost = 0.1;
EXPLAIN (COSTS OFF) SELECT quantile_bounds(v, 10) FROM public.one_block;
SELECT quantile_bounds(v, 10) FROM public.one_block;
DROP TABLE public.spread, public.one_block, stored;
RESET ALL;

DROP EXTENSION mo_usage;
DROP SCHEMA mo_usage;

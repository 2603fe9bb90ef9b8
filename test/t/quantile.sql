-- quantile_bounds() and quantile_group() against references, on many
-- random sets (fixed seed): percentile_disc, the exact position, rows
-- repeated as often as their weight, and the definition itself.
BEGIN;
CREATE EXTENSION mo_usage;
SET search_path = mo_usage, public;
SELECT plan(32);

SELECT setseed(0.5);

-- 600 sets of 1 to 300 values: few distinct values (many ties), integers
-- with negatives, and fractions; n from 2 to 10, and from 11 to 150.
CREATE TEMP TABLE sets AS
SELECT s, 2 + (random() * 8)::int AS n, 11 + (random() * 139)::int AS big_n,
       1 + (random() * 299)::int AS size
FROM generate_series(1, 600) s;
CREATE TEMP TABLE vals AS
SELECT s, CASE s % 3
              WHEN 0 THEN round(random() * 4)
              WHEN 1 THEN round((random() - 0.3) * 1000)
              ELSE (random() - 0.5) * 1e6
          END::float8 AS v,
       (random() * 5)::int AS w, (random() * 12)::int AS quarters,
       CASE WHEN random() < 0.1 THEN 0 ELSE random() ^ 4 * 1e3 END AS rw
FROM sets, generate_series(1, size);
CREATE TEMP TABLE ranked AS
SELECT s, v, row_number() OVER (PARTITION BY s ORDER BY v) AS pos,
       count(*) OVER (PARTITION BY s) AS cnt
FROM vals;

-- Unweighted: percentile_disc at the fractions k/n (which, for n up to 10
-- and these counts, floating point gets exactly right).
SELECT is((SELECT count(*) FROM (
    SELECT s.s, quantile_bounds(v.v, s.n) AS q,
           percentile_disc((SELECT array_agg(k::float8 / s.n)
                            FROM generate_series(1, s.n - 1) k))
               WITHIN GROUP (ORDER BY v.v) AS p
    FROM sets s JOIN vals v USING (s)
    GROUP BY s.s, s.n) x
    WHERE q IS NOT DISTINCT FROM p),
    600::bigint, 'n = 2..10: equals percentile_disc(array[1/n .. (n-1)/n])');

-- Any n: the value at position ceil(k * N / n).
CREATE TEMP TABLE exact_position AS
SELECT s.s, array_agg(r.v ORDER BY k) AS p
FROM sets s, generate_series(1, s.big_n - 1) k, ranked r
WHERE r.s = s.s AND r.pos = (k * r.cnt + s.big_n - 1) / s.big_n
GROUP BY s.s;
SELECT is((SELECT count(*) FROM (
    SELECT s.s, quantile_bounds(v.v, s.big_n) AS q
    FROM sets s JOIN vals v USING (s) GROUP BY s.s) x
    JOIN exact_position e USING (s)
    WHERE q IS NOT DISTINCT FROM e.p),
    600::bigint, 'n = 11..150: the value at position ceil(k * N / n)');

-- Integer weights: as if each row came weight times (weight 0: not at all).
SELECT is((SELECT count(*) FROM (
    SELECT s.s, quantile_bounds(v.v, v.w, s.big_n) AS q
    FROM sets s JOIN vals v USING (s) GROUP BY s.s) weighted
    FULL JOIN (
    SELECT s.s, quantile_bounds(v.v, s.big_n) AS q
    FROM sets s JOIN vals v USING (s), generate_series(1, v.w)
    GROUP BY s.s) repeated USING (s)
    WHERE weighted.q IS NOT DISTINCT FROM repeated.q),
    600::bigint, 'integer weights: the same as rows repeated weight times');

-- Weights in quarters: the same as rows repeated 4 * weight times.
SELECT is((SELECT count(*) FROM (
    SELECT s.s, quantile_bounds(v.v, v.quarters / 4.0, s.n) AS q
    FROM sets s JOIN vals v USING (s) GROUP BY s.s) weighted
    FULL JOIN (
    SELECT s.s, quantile_bounds(v.v, s.n) AS q
    FROM sets s JOIN vals v USING (s), generate_series(1, v.quarters)
    GROUP BY s.s) repeated USING (s)
    WHERE weighted.q IS NOT DISTINCT FROM repeated.q),
    600::bigint, 'weights in quarters: the same as rows repeated');

-- Real weights: exact sums, so the order of the rows never matters, and
-- scaling every weight by a power of two changes nothing.
SELECT is((SELECT count(*) FROM (
    SELECT s.s, quantile_bounds(v, rw, s.n ORDER BY v, rw) AS a,
           quantile_bounds(v, rw, s.n ORDER BY v DESC, rw DESC) AS b,
           quantile_bounds(v, rw, s.n ORDER BY rw, v) AS c
    FROM sets s JOIN vals USING (s) GROUP BY s.s) x
    WHERE a IS NOT DISTINCT FROM b AND a IS NOT DISTINCT FROM c),
    600::bigint, 'real weights: the order of the rows does not matter');
SELECT is((SELECT count(*) FROM (
    SELECT s.s, quantile_bounds(v, rw, s.n) AS a,
           quantile_bounds(v, rw * 2 ^ -40, s.n) AS b,
           quantile_bounds(v, rw * 2 ^ 60, s.n) AS c
    FROM sets s JOIN vals USING (s) GROUP BY s.s) x
    WHERE a IS NOT DISTINCT FROM b AND a IS NOT DISTINCT FROM c),
    600::bigint, 'real weights: scaling by a power of two does not matter');

-- The definition, checked with the groups: at boundary k the weight of the
-- values not above it reaches k/n of the total, the weight below it does
-- not (compared exactly for integer weights).
CREATE TEMP TABLE grouped AS
SELECT v.s, s.n, v.v, v.w, b.b, quantile_group(v.v, b.b) AS g
FROM vals v JOIN sets s USING (s)
JOIN (SELECT s, quantile_bounds(v, w, n) AS b
      FROM vals JOIN sets USING (s) GROUP BY s) b USING (s);
SELECT is((SELECT count(*) FROM (
    SELECT s, k,
           s.n * sum(w) FILTER (WHERE v <= b[k]) >= k * sum(w) AS reaches,
           s.n * coalesce(sum(w) FILTER (WHERE v < b[k]), 0) < k * sum(w)
               AS not_before
    FROM grouped s, generate_series(1, s.n - 1) k
    WHERE b IS NOT NULL
    GROUP BY s, s.n, k) x
    WHERE NOT (reaches AND not_before)),
    0::bigint, 'boundary k: the smallest value reaching k/n of the weight');
SELECT is((SELECT count(*) FROM grouped WHERE b IS NULL),
          (SELECT count(*) FROM vals v WHERE NOT EXISTS (
               SELECT FROM vals x WHERE x.s = v.s AND x.w > 0)),
          'only sets without weight have no boundaries');

-- Groups: within 1..n, non-decreasing in the value, the same for equal
-- values, and group k holds the values above boundary k-1 up to boundary k.
SELECT is((SELECT count(*) FROM grouped
           WHERE b IS NOT NULL AND g NOT BETWEEN 1 AND n),
          0::bigint, 'groups are numbered 1 to n');
SELECT is((SELECT count(*) FROM (
    SELECT g < lag(g) OVER (PARTITION BY s ORDER BY v, g) AS down
    FROM grouped WHERE b IS NOT NULL) x WHERE down),
    0::bigint, 'groups never decrease as the value grows');
SELECT is((SELECT count(*) FROM (
    SELECT s, v FROM grouped WHERE b IS NOT NULL
    GROUP BY s, v HAVING count(DISTINCT g) > 1) x),
    0::bigint, 'equal values share a group');
SELECT is((SELECT count(*) FROM grouped
           WHERE b IS NOT NULL
             AND NOT ((g = 1 OR v > b[g - 1]) AND (g = n OR v <= b[g]))),
          0::bigint, 'group k holds the values in (boundary k-1, boundary k]');

-- The income convention at a larger scale: 20,000 households of 1 to 6
-- persons, incomes rounded to 100 euros (so households tie), deciles of
-- persons.  Each decile holds a tenth of the persons, give or take the
-- persons of the households that share its boundary income.
CREATE TEMP TABLE households AS
SELECT h, 1 + (random() * 5)::int AS persons,
       round(exp(10.3 + 0.55 * sqrt(-2 * ln(1 - random()))
                 * cos(2 * pi() * random())) / 100) * 100 AS income
FROM generate_series(1, 20000) h;
CREATE TEMP TABLE income_bounds AS
SELECT quantile_bounds(income, persons, 10) AS b FROM households;
CREATE TEMP TABLE deciles AS
SELECT h.*, quantile_group(income, b) AS decile
FROM households h, income_bounds;
SELECT is((SELECT count(*) FROM (
    SELECT k,
           10 * sum(persons) FILTER (WHERE income <= b[k])
               >= k * sum(persons) AS reaches,
           10 * coalesce(sum(persons) FILTER (WHERE income < b[k]), 0)
               < k * sum(persons) AS not_before
    FROM households, income_bounds, generate_series(1, 9) k
    GROUP BY k) x
    WHERE NOT (reaches AND not_before)),
    0::bigint,
    'income deciles: boundary k is the first income reaching k tenths of the persons');
SELECT is((SELECT count(*) FROM (
    SELECT decile, sum(persons) AS persons FROM deciles GROUP BY decile) d
    WHERE abs(persons - (SELECT sum(persons) FROM households) / 10.0)
          > (SELECT max(at_boundary) FROM (
                 SELECT sum(persons) AS at_boundary
                 FROM households, income_bounds
                 WHERE income = ANY (b) GROUP BY income) y)),
    0::bigint,
    'income deciles: a tenth of the persons each, give or take the persons at one boundary income');
SELECT is((SELECT count(DISTINCT decile) FROM deciles), 10::bigint,
          'income deciles: all ten are used');

-- Every error has its SQLSTATE.
SELECT throws_ok($$SELECT quantile_bounds(1, 1)$$, '22023', NULL,
                 'n < 2: invalid_parameter_value');
SELECT throws_ok($$SELECT quantile_bounds(1, NULL)$$, '22004', NULL,
                 'n NULL: null_value_not_allowed');
SELECT throws_ok($$SELECT quantile_bounds(v, v::int) FROM (VALUES (2), (3)) x(v)$$,
                 '22023', NULL, 'n changing between rows: invalid_parameter_value');
SELECT throws_ok($$SELECT quantile_bounds(1, -0.5, 2)$$, '22023', NULL,
                 'negative weight: invalid_parameter_value');
SELECT throws_ok($$SELECT quantile_bounds(1, 'NaN', 2)$$, '22023', NULL,
                 'NaN weight: invalid_parameter_value');
SELECT throws_ok($$SELECT quantile_bounds(1, 'Infinity', 2)$$, '22023', NULL,
                 'infinite weight: invalid_parameter_value');
SELECT throws_ok($$SELECT quantile_group(1, '{2,1}')$$, '22023', NULL,
                 'unsorted boundaries: invalid_parameter_value');
SELECT throws_ok($$SELECT quantile_group(1, '{1,NULL}')$$, '22004', NULL,
                 'NULL boundary: null_value_not_allowed');
SELECT throws_ok($$SELECT quantile_group(1, '{{1},{2}}')$$, '2202E', NULL,
                 'boundaries of two dimensions: array_subscript_error');
SELECT throws_ok($$SELECT 'groups=2 values={x}'::quantile_state$$, '22P02',
                 NULL, 'malformed state: invalid_text_representation');
SELECT throws_ok($$SELECT 'groups=2 values={1} weights={0}'::quantile_state$$,
                 '22023', NULL, 'state with a zero weight: invalid_parameter_value');
SELECT throws_ok($$SELECT quantile_state_add(NULL, 1, 2)$$, '0A000', NULL,
                 'transition function outside an aggregate: feature_not_supported');
SELECT throws_ok($$SELECT quantile_state_merge(NULL, NULL)$$, '0A000', NULL,
                 'combine function outside an aggregate: feature_not_supported');
SELECT throws_ok($$SELECT quantile_bounds(1, 100000001)$$, '22023', NULL,
                 'n above 100,000,000: invalid_parameter_value');
SELECT throws_ok($$SELECT 'groups=2 values={1} weights={Infinity}'::quantile_state$$,
                 '22023', NULL, 'state with an infinite weight: invalid_parameter_value');

-- A large n: a million groups of two values, 1 and 2.  Boundary k is 1
-- while k / 1,000,000 of the weight is at most the 1's half: up to k =
-- 500,000 (exactly half reaches it), then 2.
SELECT is((SELECT array[array_length(b, 1), b[1], b[500000], b[500001], b[999999]]
           FROM (SELECT quantile_bounds(v, 1000000) AS b
                 FROM (VALUES (2::float8), (1)) x(v)) q),
          '{999999,1,1,2,2}'::float8[], 'n = 1,000,000: 999,999 boundaries, exact');

-- An aggregate someone makes of the transition function with an initial
-- state read from text: the state is copied, not written into.  1 .. 200
-- and the initial 5 are 201 values; boundaries at positions 67 and 134 of
-- 1, 2, 3, 4, 5, 5, 6, ...: 66 and 133.
CREATE AGGREGATE pg_temp.bounds_with_5(float8, integer) (
    SFUNC = mo_usage.quantile_state_add,
    STYPE = mo_usage.quantile_state,
    INITCOND = 'groups=3 values={5}',
    FINALFUNC = mo_usage.quantile_state_bounds);
SELECT is((SELECT pg_temp.bounds_with_5(v, 3) FROM generate_series(1, 200) v),
          '{66,133}'::float8[], 'an initial state from text is copied, then added to');

SELECT * FROM finish();
ROLLBACK;

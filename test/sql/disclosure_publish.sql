-- Published counts: k_suppress, k_round and k_share.
CREATE EXTENSION mo_usage;
SET search_path = mo_usage, public;

-- k_suppress: the count when it reaches k, NULL below.
SELECT n, k_suppress(n) AS setting_10, k_suppress(n, 3) AS k_3,
       k_suppress(n, NULL) AS null_k
FROM (VALUES (0::bigint), (2), (3), (9), (10), (11), (NULL)) v(n);
SET mo_usage.k = 3;
SELECT k_suppress(2) AS k_2, k_suppress(3) AS k_3;
RESET mo_usage.k;
SELECT k_suppress(count(*)) AS rows_10, k_suppress(count(*), 11) AS rows_11
FROM generate_series(1, 10);
SELECT k_suppress(-1);
SELECT k_suppress(5, 0);
SELECT k_suppress(5, 1000001);

-- k_round: halves go up (15 -> 20, 25 -> 30, 45 -> 50 at base 10), where
-- rounding through a float would send 25 and 45 to the even neighbour.
SELECT n, k_round(n, 10) AS base_10, k_round(n, 5) AS base_5,
       k_round(n, 3) AS base_3, k_round(n, 1) AS base_1,
       round(n::float8 / 10) * 10 AS float_base_10
FROM (VALUES (0::bigint), (4), (5), (12), (13), (14), (15), (25), (45),
             (44), (95), (100)) v(n);
SELECT k_round(NULL, 10) AS null_count, k_round(12, NULL) AS null_base;
SELECT k_round(9223372036854775800, 1) AS largest,
       k_round(9223372036854775804, 10) AS rounded_down;

-- Without a base, mo_usage.rounding_base (0 or 1: no rounding).
SHOW mo_usage.rounding_base;
SELECT k_round(13) AS default_base;
SET mo_usage.rounding_base = 5;
SELECT k_round(12) AS base_5_down, k_round(13) AS base_5_up;
SET mo_usage.rounding_base = 0;
SELECT k_round(13) AS base_0;
RESET mo_usage.rounding_base;
SET mo_usage.rounding_base = -1;

-- Rounding errors.
SELECT k_round(15, 0);
SELECT k_round(15, -10);
SELECT k_round(-15, 10);
SELECT k_round(9223372036854775805, 10);

-- k_share: percentages of published counts, halves up.
SELECT part, whole, k_share(part, whole) AS one_decimal,
       k_share(part, whole, 0) AS whole_percent,
       k_share(part, whole, 2) AS two_decimals
FROM (VALUES (1::bigint, 3::bigint), (2, 3), (1, 8), (1, 200), (1, 400),
             (0, 10), (10, 10), (30, 20), (1, 6)) v(part, whole);
SELECT k_share(1, 3, 15) AS most_decimals,
       k_share(9223372036854775807, 1, 0) AS largest;

-- A suppressed (NULL) numerator or denominator suppresses the share.
SELECT k_share(NULL, 100) AS null_part, k_share(10, NULL) AS null_whole,
       k_share(10, 100, NULL) AS null_decimals;
SELECT k_share(k_persons(x) FILTER (WHERE x <= 9), k_persons(x)) AS nine_of_all,
       k_share(k_persons(x) FILTER (WHERE x <= 10), k_persons(x)) AS ten_of_all
FROM generate_series(1, 1000) x;

-- Share errors.
SELECT k_share(1, 0);
SELECT k_share(-1, 10);
SELECT k_share(1, -10);
SELECT k_share(1, 10, -1);
SELECT k_share(1, 10, 16);

DROP EXTENSION mo_usage;
DROP SCHEMA mo_usage;

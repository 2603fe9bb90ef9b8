-- Primary and secondary suppression of one-way and two-way tables: every
-- cell's status, worked out by hand in the comments.
CREATE EXTENSION mo_usage;
SET search_path = mo_usage, public;

-- One-way, cells 40, 12, 3, 25 and their total 80, at k = 10.  The 3 is
-- below k (primary); alone on its line it would be 80 - 40 - 12 - 25, so the
-- smallest other cell, the 12, goes too (secondary).
SELECT * FROM suppress_one_way('{a,b,c,d}', '{40,12,3,25}', 10);

-- The same with the total given, as GROUP BY ROLLUP gives it (NULL label).
SELECT * FROM suppress_one_way('{a,b,c,d,NULL}', '{40,12,3,25,80}', 10);

-- From a query: age groups of persons, the total from ROLLUP.
CREATE TABLE person (person bigint, age_group text);
INSERT INTO person
SELECT i, CASE WHEN i <= 40 THEN '25-35' WHEN i <= 52 THEN '35-45'
               WHEN i <= 55 THEN '45-55' ELSE '55-65' END
FROM generate_series(1, 80) i;
SELECT s.*
FROM (SELECT array_agg(age_group ORDER BY age_group) AS labels,
             array_agg(n ORDER BY age_group) AS counts
      FROM (SELECT age_group, count(*) AS n FROM person
            GROUP BY ROLLUP (age_group)) c) t,
     suppress_one_way(t.labels, t.counts, 10) s;

-- Nothing below k: nothing suppressed, no notice.
SELECT * FROM suppress_one_way('{a,b}', '{10,11}', 10);

-- Ties go to the cell that comes first: the first 12 here, the second when
-- the order is reversed.
SELECT * FROM suppress_one_way('{a,b,c,d}', '{40,12,3,12}', 10);
SELECT * FROM suppress_one_way('{d,c,b,a}', '{12,3,12,40}', 10);

-- The total below k: everything is primary.
SELECT * FROM suppress_one_way('{a,b,c}', '{2,3,4}', 10);

-- Two cells below k: they protect each other, nothing more is needed.
SELECT * FROM suppress_one_way('{a,b,c}', '{50,3,4}', 10);

-- A count of exactly k is published, k - 1 is not; k from mo_usage.k.
SET mo_usage.k = 5;
SELECT * FROM suppress_one_way('{a,b,c}', '{5,4,30}');
SELECT * FROM suppress_one_way('{a,b,c}', '{5,4,30}', NULL);
RESET mo_usage.k;

-- A single cell: it and its total are the same number.
SELECT * FROM suppress_one_way('{a}', '{3}', 10);
SELECT * FROM suppress_one_way('{a}', '{30}', 10);

-- Empty tables give no rows (array_agg gives NULL over no rows).
SELECT * FROM suppress_one_way('{}', '{}');
SELECT * FROM suppress_one_way(NULL, NULL);
SELECT * FROM suppress_two_way('{}', '{}', '{}');
SELECT * FROM suppress_two_way(NULL, NULL, NULL);

-- Two-way, a cascade across rows and columns:
--
--          c1   c2   c3 | total
--    r1     2   50   60 |  112
--    r2    40   15   70 |  125
--    r3    80   90   12 |  182
--    total 122 155  142 |  419
--
-- The 2 is primary, alone on row r1 and column c1.  The smallest cell on
-- either line is r2c1 = 40, which leaves r2 with one; then r2c2 = 15, which
-- leaves c2 with one; then r1c2 = 50 settles r1 and c2 together.  The 12 is
-- above k and stays.
SELECT * FROM suppress_two_way(
    '{r1,r1,r1,r2,r2,r2,r3,r3,r3}', '{c1,c2,c3,c1,c2,c3,c1,c2,c3}',
    '{2,50,60,40,15,70,80,90,12}', 10);

-- Totals take part: column c1 and its total are below k (primary).  Row r1
-- then needs r1c2 = 20, column c2 then r2c2 = 25, and the total row, with
-- only the total of c1 suppressed, the total of c2 = 45.
--
--          c1   c2   c3 | total
--    r1     3   20   30 |   53
--    r2     4   25   50 |   79
--    total  7   45   80 |  132
SELECT * FROM suppress_two_way(
    '{r1,r1,r1,r2,r2,r2}', '{c1,c2,c3,c1,c2,c3}', '{3,20,30,4,25,50}', 10);

-- Two groups of suppressed cells joined by one cell: every line has two
-- suppressed cells or more, yet r1c3 = 2 could be worked out:
--
--          c1   c2   c3   c4 | total
--    r1     3    4    2   30 |   39
--    r2     5    6   20   11 |   42
--    r3    25   40    7    8 |   80
--    r4    50   60    9    1 |  120
--    total 83  110   38   50 |  281
--
-- (r1 + r2 - c1 - c2, each a line's total minus its published cells.)
SELECT (39 - 30) + (42 - 20 - 11) - (83 - 25 - 50) - (110 - 40 - 60)
    AS r1c3_worked_out;
-- So the smallest cell that puts r1c3 on a cycle of suppressed cells is
-- suppressed too: r2c4 = 11 (the others: r1c4 30, r2c3 20, r3c1 25,
-- r3c2 40, r4c1 50, r4c2 60).
SELECT * FROM suppress_two_way(
    '{r1,r1,r1,r1,r2,r2,r2,r2,r3,r3,r3,r3,r4,r4,r4,r4}',
    '{c1,c2,c3,c4,c1,c2,c3,c4,c1,c2,c3,c4,c1,c2,c3,c4}',
    '{3,4,2,30,5,6,20,11,25,40,7,8,50,60,9,1}', 10);

-- Totals given, as GROUP BY CUBE gives them.  Persons may be in more than
-- one cell of a day-by-channel table, so the totals are not the sums; the
-- given ones are published as given.
SELECT * FROM suppress_two_way(
    '{mon,mon,tue,tue,NULL,NULL,mon,tue,NULL}',
    '{web,app,web,app,web,app,NULL,NULL,NULL}',
    '{30,12,25,4,50,15,40,27,58}', 10);

-- Missing cells count 0 and are suppressed as below k; missing totals are
-- the sums of their lines.
SELECT * FROM suppress_two_way('{r1,r2}', '{c1,c2}', '{30,40}', 10);

-- Nothing below k: nothing suppressed.
SELECT * FROM suppress_two_way('{r1,r1,r2,r2}', '{c1,c2,c1,c2}',
                               '{10,20,30,40}', 10);

-- One row: each column total equals its cell, and protects it alike.
SELECT * FROM suppress_two_way('{r1,r1,r1}', '{c1,c2,c3}', '{3,20,30}', 10);

-- Errors.
SELECT * FROM suppress_one_way('{a,b}', '{1}');
SELECT * FROM suppress_one_way('{a,b}', NULL);
SELECT * FROM suppress_two_way('{a,b}', '{a}', '{1,2}');
SELECT * FROM suppress_one_way('{{a},{b}}', '{{1},{2}}');
SELECT * FROM suppress_one_way('{a,b}', '{1,NULL}');
SELECT * FROM suppress_one_way('{a,b}', '{1,-2}');
SELECT * FROM suppress_one_way('{a,a}', '{1,2}');
SELECT * FROM suppress_one_way('{NULL,NULL}', '{1,2}');
SELECT * FROM suppress_two_way('{r1,r1}', '{c1,c1}', '{1,2}');
SELECT * FROM suppress_two_way('{NULL,NULL}', '{c1,c1}', '{1,2}');
SELECT * FROM suppress_one_way('{a,b}', '{1,2}', 0);
SELECT * FROM suppress_two_way('{a}', '{b}', '{1}', 1000001);
SELECT * FROM suppress_one_way('{a,b}',
    '{9223372036854775807,1}');
SELECT * FROM suppress_two_way(
    array_cat(array_fill('r'::text, '{12000}'), array(SELECT i::text FROM generate_series(1, 12000) i)),
    array_cat(array(SELECT i::text FROM generate_series(1, 12000) i), array_fill('c'::text, '{12000}')),
    array_fill(1::bigint, '{24000}'));

DROP TABLE person;
DROP EXTENSION mo_usage;
DROP SCHEMA mo_usage;

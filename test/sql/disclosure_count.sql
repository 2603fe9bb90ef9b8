-- k-anonymous counts of distinct persons: the person set type, the
-- aggregates k_persons, distinct_persons and person_set_agg, and their
-- parallel plans.
CREATE EXTENSION mo_usage;
SET search_path = mo_usage, public;

-- The text form: persons in ascending order, each once, k first if any.
SELECT '{}'::person_set AS empty,
       '{3,1,2,2}'::person_set AS sorted,
       '{0}'::person_set AS zero,
       '{-9223372036854775808,9223372036854775807}'::person_set AS extremes,
       '  k = 5 { 7 , -7 } '::person_set AS spaced,
       'k=1000000 {}'::person_set AS largest_k;

-- Text round trip of a set large enough to have grown many times.
SELECT s::text::person_set::text = s::text AS round_trip,
       length(s::text) AS length
FROM (SELECT person_set_agg(x * 7919) AS s
      FROM generate_series(-50000, 50000) x) t;

-- Bad text forms.
SELECT ''::person_set;
SELECT '{'::person_set;
SELECT '{1,}'::person_set;
SELECT '{,1}'::person_set;
SELECT '{a}'::person_set;
SELECT '{1} x'::person_set;
SELECT '1,2'::person_set;
SELECT 'k {}'::person_set;
SELECT 'k= {}'::person_set;
SELECT 'k=0 {}'::person_set;
SELECT 'k=1000001 {}'::person_set;
SELECT '{9223372036854775808}'::person_set;

-- Binary round trip through COPY, and crafted binary forms: k (int4), the
-- number of persons (int8), the persons (int8).
CREATE TABLE sets (s person_set);
INSERT INTO sets VALUES ('{}'), ('{0,5,-5}'), ('k=3 {1,2}');
\copy sets TO 'build/regress/person_set.bin' WITH (FORMAT binary)
CREATE TABLE sets_back (s person_set);
\copy sets_back FROM 'build/regress/person_set.bin' WITH (FORMAT binary)
SELECT s FROM sets_back;
CREATE TABLE crafted (b bytea);
INSERT INTO crafted VALUES
    (decode('00000000' || '0000000000000002' || '0000000000000001' || '0000000000000002', 'hex'));
\copy crafted TO 'build/regress/person_set.bin' WITH (FORMAT binary)
\copy sets_back FROM 'build/regress/person_set.bin' WITH (FORMAT binary)
SELECT s FROM sets_back;
TRUNCATE crafted;
INSERT INTO crafted VALUES
    (decode('00000000' || '0000000000000002' || '0000000000000001' || '0000000000000001', 'hex'));
\copy crafted TO 'build/regress/person_set.bin' WITH (FORMAT binary)
\copy sets_back FROM 'build/regress/person_set.bin' WITH (FORMAT binary)
TRUNCATE crafted;
INSERT INTO crafted VALUES (decode('00000000' || '0000000000000002' || '0000000000000001', 'hex'));
\copy crafted TO 'build/regress/person_set.bin' WITH (FORMAT binary)
\copy sets_back FROM 'build/regress/person_set.bin' WITH (FORMAT binary)
TRUNCATE crafted;
INSERT INTO crafted VALUES (decode('00000000' || 'ffffffffffffffff', 'hex'));
\copy crafted TO 'build/regress/person_set.bin' WITH (FORMAT binary)
\copy sets_back FROM 'build/regress/person_set.bin' WITH (FORMAT binary)
TRUNCATE crafted;
INSERT INTO crafted VALUES (decode('00000000' || '0000000000000000', 'hex'));
\copy crafted TO 'build/regress/person_set.bin' WITH (FORMAT binary)
\copy sets_back FROM 'build/regress/person_set.bin' WITH (FORMAT binary)
TRUNCATE crafted;
INSERT INTO crafted VALUES (decode('00000000' || '0000000000000001' || '0000000000000009' || '00', 'hex'));
\copy crafted TO 'build/regress/person_set.bin' WITH (FORMAT binary)
\copy sets_back FROM 'build/regress/person_set.bin' WITH (FORMAT binary)
DROP TABLE sets, sets_back, crafted;

-- Persons p1 (Monday and Tuesday) and p2 (Monday): 2 distinct persons in
-- the week, so at k = 3 the weekly cell is suppressed; the sum of the daily
-- counts would say 3.
CREATE TABLE hits (person bigint, day date);
INSERT INTO hits VALUES
    (1, '2017-02-06'), (1, '2017-02-07'), (2, '2017-02-06');
SELECT distinct_persons(person) AS persons,
       k_persons(person, 3) AS published_k3,
       k_persons(person, 2) AS published_k2
FROM hits;
SELECT sum(n) AS sum_of_days
FROM (SELECT day, distinct_persons(person) AS n FROM hits GROUP BY day) d;

-- NULL is not a person; 0 is one.
SELECT distinct_persons(p) AS persons, k_persons(p, 2) AS published
FROM (VALUES (NULL::bigint), (NULL), (0), (0), (5)) v(p);
SELECT distinct_persons(p) AS persons, k_persons(p, 1) AS published
FROM (VALUES (NULL::bigint), (NULL)) v(p);

-- Empty input: no persons, and 0 is below every k.
SELECT distinct_persons(p) AS persons, k_persons(p) AS published,
       k_persons(p, 1) AS published_k1, person_set_agg(p) AS set
FROM (SELECT 1::bigint WHERE false) v(p);

-- Boundaries: a count of exactly k is published, k - 1 is not; k comes
-- from mo_usage.k unless the aggregate is given one (NULL: the setting).
SHOW mo_usage.k;
SELECT n, k_persons(x) AS setting_10, k_persons(x, 5) AS k_5,
       k_persons(x, NULL) AS null_k
FROM generate_series(4, 11) n, generate_series(1, n) x
GROUP BY n ORDER BY n;
SET mo_usage.k = 5;
SELECT n, k_persons(x) AS setting_5
FROM generate_series(4, 6) n, generate_series(1, n) x
GROUP BY n ORDER BY n;
RESET mo_usage.k;
SELECT k_persons(x, 1) AS k_1, k_persons(x, 1000000) AS k_max
FROM generate_series(1, 3) x;

-- Bad k.
SELECT k_persons(x, 0) FROM generate_series(1, 3) x;
SELECT k_persons(x, -1) FROM generate_series(1, 3) x;
SELECT k_persons(x, 1000001) FROM generate_series(1, 3) x;
SELECT k_persons(x, x::integer) FROM generate_series(1, 3) x;

-- The building blocks refuse to run outside an aggregate.
SELECT person_set_add('{}', 1);
SELECT person_set_add('{}', 1, 5);
SELECT person_set_union('{}', '{}');
SELECT person_set_k_count('{1}');
SELECT person_set_count('{1}');

-- Membership.
SELECT '{1,2,3}'::person_set @> 2 AS has_2,
       '{1,2,3}'::person_set @> 4 AS has_4,
       '{0}'::person_set @> 0 AS has_0,
       '{}'::person_set @> 0 AS empty_has_0,
       '{1}'::person_set @> NULL AS has_null;

-- Many persons, many groups: every answer checked against count(DISTINCT).
CREATE TABLE visits AS
SELECT (hashint4(i) & 1023)::bigint * 1000003 AS person,
       i % 7 AS day,
       CASE WHEN i % 11 = 0 THEN NULL ELSE i % 3 END AS channel
FROM generate_series(1, 60000) i;
INSERT INTO visits VALUES (NULL, 1, 1), (NULL, 2, NULL);
ANALYZE visits;
SELECT count(*) AS cells,
       count(*) FILTER (WHERE mine = theirs) AS equal
FROM (SELECT day, channel, distinct_persons(person) AS mine,
             count(DISTINCT person) AS theirs
      FROM visits GROUP BY day, channel) c;

-- The planner's estimate for @>: a set known when planning keeps its share
-- of the column's distinct persons (3 of 1024 here, of 60002 rows); a set
-- computed by a subquery, a default share (5 %).
CREATE FUNCTION pg_temp.plan_rows(query text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    plan json;
BEGIN
    EXECUTE 'EXPLAIN (FORMAT JSON) ' || query INTO plan;
    RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::bigint;
END
$$;
SELECT pg_temp.plan_rows($$SELECT * FROM visits
    WHERE '{0,1000003,2000006}'::mo_usage.person_set OPERATOR(mo_usage.@>) person$$)
    AS three_persons,
       pg_temp.plan_rows($$SELECT * FROM visits
    WHERE (SELECT mo_usage.person_set_agg(person) FROM visits WHERE day = 1)
          OPERATOR(mo_usage.@>) person$$) AS subquery_set;

-- Parallel plans: partial aggregates in the workers, combined in the leader,
-- with the same answers as the serial plan.
CREATE TABLE serial AS
SELECT day, distinct_persons(person) AS persons, k_persons(person, 150) AS published
FROM visits GROUP BY day;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF)
SELECT day, distinct_persons(person), k_persons(person, 150)
FROM visits GROUP BY day;
SELECT count(*) AS days, count(*) FILTER (WHERE s.persons = p.persons
    AND s.published IS NOT DISTINCT FROM p.published) AS equal
FROM serial s
JOIN (SELECT day, distinct_persons(person) AS persons,
             k_persons(person, 150) AS published
      FROM visits GROUP BY day) p USING (day);
RESET enable_hashagg;
SET enable_sort = off;
EXPLAIN (COSTS OFF)
SELECT day, distinct_persons(person) FROM visits GROUP BY day;
SELECT count(*) AS days, count(*) FILTER (WHERE s.persons = p.persons) AS equal
FROM serial s
JOIN (SELECT day, distinct_persons(person) AS persons
      FROM visits GROUP BY day) p USING (day);
RESET enable_sort;

-- The whole table at once, a person seen by both workers counted once.
EXPLAIN (COSTS OFF)
SELECT distinct_persons(person), k_persons(person) FROM visits;
SELECT distinct_persons(person) AS persons, k_persons(person) AS published,
       (SELECT count(DISTINCT person) FROM visits) AS expected
FROM visits;

-- A table of one page: one worker reads it, the other sees no rows and
-- hands over an empty set.
CREATE TABLE tiny AS SELECT x::bigint AS person FROM generate_series(1, 200) x;
ALTER TABLE tiny SET (parallel_workers = 2);
ANALYZE tiny;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT distinct_persons(person) FROM tiny;
SELECT pg_relation_size('tiny') = current_setting('block_size')::integer
    AS one_page;
SELECT distinct_persons(person) AS persons, k_persons(person) AS published,
       k_persons(person, 201) AS published_k201,
       person_set_agg(person)::text = (SELECT person_set_agg(x)::text
                                       FROM generate_series(1, 200) x) AS same_set
FROM tiny;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

-- Window aggregates work too.
SELECT x, distinct_persons(x % 3) OVER (ORDER BY x) AS persons_so_far
FROM generate_series(1, 5) x;

DROP TABLE hits, visits, serial, tiny;
DROP EXTENSION mo_usage;
DROP SCHEMA mo_usage;

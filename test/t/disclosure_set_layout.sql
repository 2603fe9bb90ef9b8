-- The two layouts of a person set: uniform persons (pseudonyms) keep their
-- slots in ascending order; persons that pile up in a few slots make the
-- set lay itself out by hash part-way through.  Either way a set must hold
-- exactly its persons, whatever order they come in and are probed in, and
-- read, combine and round-trip alike.
BEGIN;
CREATE EXTENSION mo_usage;
SET search_path = mo_usage, public;
SELECT plan(18);

-- 300,000 pseudonym-like persons (64-bit hashes, either sign), the extremes
-- and 0 among them; 100,000 others that are not in the set.
CREATE TEMP TABLE member AS
SELECT DISTINCT hashtextextended('member ' || g, 7) AS person
FROM generate_series(1, 300000) g
UNION SELECT -9223372036854775808 UNION SELECT 9223372036854775807 UNION SELECT 0;
CREATE TEMP TABLE other AS
SELECT hashtextextended('other ' || g, 7) AS person FROM generate_series(1, 100000) g
EXCEPT SELECT person FROM member;
-- Persons that pile up: 150,000 pseudonym-like ones, then 150,000 small
-- sequential numbers; and persons of half the range only (never negative).
CREATE TEMP TABLE piled AS
SELECT person FROM member WHERE person <> 0 LIMIT 150000;
INSERT INTO piled SELECT g FROM generate_series(1, 150000) g;
CREATE TEMP TABLE half AS
SELECT DISTINCT abs(hashtextextended('half ' || g, 7) >> 1) AS person
FROM generate_series(1, 200000) g;
ANALYZE member, other, piled, half;

CREATE TEMP TABLE sets AS
SELECT 'random order' AS name,
       (SELECT person_set_agg(person ORDER BY hashint8(person)) FROM member) AS s
UNION ALL
SELECT 'ascending', (SELECT person_set_agg(person ORDER BY person) FROM member)
UNION ALL
SELECT 'descending', (SELECT person_set_agg(person ORDER BY person DESC) FROM member)
UNION ALL
SELECT 'piled', (SELECT person_set_agg(person) FROM piled)
UNION ALL
SELECT 'half', (SELECT person_set_agg(person ORDER BY person) FROM half);

SELECT results_eq(
    $$SELECT name, count(*) FROM sets, member
      WHERE name IN ('random order', 'ascending', 'descending')
        AND s OPERATOR(@>) member.person GROUP BY name ORDER BY name$$,
    $$VALUES ('ascending', 300003::bigint), ('descending', 300003::bigint),
             ('random order', 300003::bigint)$$,
    'a set of pseudonyms holds every one of them, in whatever order they came');

SELECT is((SELECT count(*) FROM sets, other
           WHERE name IN ('random order', 'ascending', 'descending')
             AND s OPERATOR(@>) other.person),
          0::bigint,
          'and none of the others');

SELECT is((SELECT count(DISTINCT s::text) FROM sets
           WHERE name IN ('random order', 'ascending', 'descending')),
          1::bigint,
          'the three read alike');

SELECT is((SELECT s::text FROM sets WHERE name = 'ascending'),
          (SELECT '{' || string_agg(person::text, ',' ORDER BY person) || '}' FROM member),
          'as the persons in ascending order');

SELECT is((SELECT s::text::person_set::text FROM sets WHERE name = 'random order'),
          (SELECT s::text FROM sets WHERE name = 'random order'),
          'and read back from text as the same set');

-- Probed in ascending order (a table in person order), in descending and
-- in no order at all (OFFSET 0 keeps the probes above the sort).
CREATE TEMP TABLE probe AS SELECT person FROM member UNION ALL SELECT person FROM other;
SELECT results_eq(
    $$SELECT (SELECT count(*) FROM (SELECT person FROM probe ORDER BY 1 OFFSET 0) t
              WHERE (SELECT s FROM sets WHERE name = 'random order') OPERATOR(@>) t.person),
             (SELECT count(*) FROM (SELECT person FROM probe ORDER BY 1 DESC OFFSET 0) t
              WHERE (SELECT s FROM sets WHERE name = 'random order') OPERATOR(@>) t.person),
             (SELECT count(*) FROM (SELECT person FROM probe ORDER BY hashint8(person) OFFSET 0) t
              WHERE (SELECT s FROM sets WHERE name = 'random order') OPERATOR(@>) t.person)$$,
    $$VALUES (300003::bigint, 300003::bigint, 300003::bigint)$$,
    'probes in ascending, descending and random order find the same persons');

SELECT is((SELECT count(*) FROM sets, piled WHERE name = 'piled' AND s OPERATOR(@>) piled.person),
          300000::bigint,
          'a set whose persons pile up part-way holds all 300,000');

SELECT is((SELECT count(*) FROM sets, generate_series(150001, 160000) g
           WHERE name = 'piled' AND s OPERATOR(@>) g)
          + (SELECT count(*) FROM sets, other WHERE name = 'piled' AND s OPERATOR(@>) other.person),
          0::bigint,
          'and no one else');

SELECT is((SELECT s::text FROM sets WHERE name = 'piled'),
          (SELECT '{' || string_agg(person::text, ',' ORDER BY person) || '}' FROM piled),
          'it reads as its persons in ascending order');

SELECT is((SELECT count(*) FROM sets, half WHERE name = 'half' AND s OPERATOR(@>) half.person)
          - (SELECT count(*) FROM sets, other WHERE name = 'half' AND s OPERATOR(@>) other.person),
          (SELECT count(*) FROM half),
          'a set of persons of half the range holds them all and no one else');

-- Parallel workers each build a set of their part, the leader unites
-- them: sets in order, and sets that went over to a hash, united either way.
CREATE TABLE public.layout_persons (person bigint) WITH (parallel_workers = 2);
INSERT INTO public.layout_persons
SELECT person FROM member UNION ALL SELECT person FROM piled UNION ALL SELECT person FROM half;
ANALYZE public.layout_persons;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;

CREATE FUNCTION pg_temp.workers(query text) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    plan json;
BEGIN
    EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF, FORMAT JSON) ' || query
        INTO plan;
    RETURN (jsonb_path_query_first(plan::jsonb, 'strict $.**."Workers Launched"'))::int;
END
$$;

SELECT ok(pg_temp.workers('SELECT person_set_agg(person) FROM public.layout_persons') > 0,
          'the set of every person is built by parallel workers');

SELECT is((SELECT person_set_agg(person)::text FROM public.layout_persons),
          (SELECT '{' || string_agg(person::text, ',' ORDER BY person) || '}'
           FROM (SELECT DISTINCT person FROM public.layout_persons) d),
          'united from the workers, the set holds each person once');

-- The combine function itself, as an aggregate over sets: two sets of 90 %
-- of the persons each, then a set in order and one laid out by hash.
CREATE AGGREGATE pg_temp.united(person_set) (
    SFUNC = mo_usage.person_set_union, STYPE = mo_usage.person_set, INITCOND = '{}');
CREATE TEMP TABLE tenths AS
SELECT person_set_agg(person) FILTER (WHERE abs(person % 10) <> 0) AS a,
       person_set_agg(person) FILTER (WHERE abs(person % 10) <> 1) AS b
FROM member;

SELECT is((SELECT pg_column_size(pg_temp.united(s ORDER BY n))
           FROM tenths, LATERAL (VALUES (1, a), (2, b)) v(n, s)),
          (SELECT pg_column_size(person_set_agg(person)) FROM member),
          'two sets that share most persons unite into no more room than their '
          'union built at once');

SELECT is((SELECT pg_temp.united(s ORDER BY n)::text
           FROM tenths, LATERAL (VALUES (1, a), (2, b)) v(n, s)),
          (SELECT s::text FROM sets WHERE name = 'random order'),
          'and hold the persons of both');

SELECT is((SELECT pg_temp.united(s ORDER BY name)::text FROM sets
           WHERE name IN ('piled', 'random order')),
          (SELECT '{' || string_agg(person::text, ',' ORDER BY person) || '}'
           FROM (SELECT person FROM piled UNION SELECT person FROM member) u),
          'a set laid out by hash and one in order unite into the persons of both');

-- A value that is not as long as its slots (another layout, damage) is
-- refused, not read past its end: made here from the bytes of a bytea,
-- taken as they are by the built-in function that joins two byteas.
CREATE FUNCTION pg_temp.as_set(bytea, bytea) RETURNS mo_usage.person_set
    LANGUAGE internal IMMUTABLE STRICT AS 'byteacat';
CREATE TEMP TABLE damaged AS
SELECT 'short' AS name, substr(person_set_send('{1,2,3}'), 1, 0) AS b
UNION ALL
-- what follows the length of a set of 16 slots (k 0, 16 slots, no 0, in
-- order, 3 persons, no puts, no steps), with 8 of its 16 slots
SELECT 'cut', decode('00000000' || '10000000' || '00000000' || '0300000000000000'
                     || repeat('00', 16) || repeat('00', 64), 'hex');
SELECT throws_ok($$SELECT person_set_contains(pg_temp.as_set(b, ''), 1) FROM damaged WHERE name = 'cut'$$,
                 'XX001', 'invalid "person_set" value',
                 'a set shorter than its slots is refused by @>');
SELECT throws_ok($$SELECT pg_temp.as_set(b, '')::text FROM damaged WHERE name = 'cut'$$,
                 'XX001', 'invalid "person_set" value',
                 'and when shown');
SELECT throws_ok($$SELECT person_set_contains(pg_temp.as_set(b, ''), 1) FROM damaged WHERE name = 'short'$$,
                 'XX001', 'invalid "person_set" value',
                 'an empty value is refused');

SELECT * FROM finish();
ROLLBACK;

-- Person sets stored in a table and probed with @> row by row: a set
-- large enough to be stored out of line is fetched once per call site and
-- kept; the answers must be those of the sets, also when one call site
-- probes several stored sets in turn, more of them than it keeps, or a
-- stored set and one that is not.
BEGIN;
CREATE EXTENSION mo_usage;
SET search_path = mo_usage, public;
SELECT plan(6);

CREATE TEMP TABLE stored (name text, s person_set);
INSERT INTO stored
SELECT 'odd', person_set_agg(g) FROM generate_series(1, 99999, 2) g
UNION ALL
SELECT 'three', person_set_agg(g) FROM generate_series(3, 150000, 3) g;
INSERT INTO stored
SELECT 'every ' || k, person_set_agg(g)
FROM generate_series(2, 6) k, generate_series(k, 60000, k) g
GROUP BY k;

SELECT ok((SELECT count(*) FROM pg_class c, pg_class t
           WHERE c.oid = 'pg_temp.stored'::regclass AND t.oid = c.reltoastrelid) = 1
          AND (SELECT min(pg_column_size(s)) FROM stored) > 8000,
          'the sets are stored out of line');

SELECT results_eq(
    $$SELECT name, count(*) FROM stored, generate_series(1, 200000) g
      WHERE name IN ('odd', 'three') AND s OPERATOR(@>) g GROUP BY name ORDER BY name$$,
    $$VALUES ('odd', 50000::bigint), ('three', 50000::bigint)$$,
    'each stored set probed for every row holds its 50,000 persons');

SELECT is((SELECT count(*)
           FROM generate_series(1, 200000) g,
                (SELECT s FROM stored WHERE name = 'odd') a,
                (SELECT s FROM stored WHERE name = 'three') b
           WHERE a.s OPERATOR(@>) g AND b.s OPERATOR(@>) g),
          16667::bigint,
          'two call sites, two sets: the odd multiples of 3 up to 99,999');

SELECT is((SELECT sum(n)
           FROM generate_series(1, 200000) g,
                LATERAL (SELECT count(*) AS n FROM stored
                         WHERE name IN ('odd', 'three') AND s OPERATOR(@>) g) x),
          100000::numeric,
          'one call site probing two stored sets in turn, row by row');

SELECT is((SELECT sum(n)
           FROM generate_series(1, 300) g,
                LATERAL (SELECT count(*) AS n FROM stored
                         WHERE name LIKE 'every %' AND s OPERATOR(@>) g) x),
          435::numeric,
          'one call site probing five stored sets in turn, more than it keeps');

SELECT is((SELECT sum(n)
           FROM generate_series(1, 200000) g,
                LATERAL (SELECT count(*) AS n
                         FROM (SELECT s FROM stored WHERE name = 'odd'
                               UNION ALL
                               SELECT person_set_agg(x) FROM generate_series(2, 4, 2) x) t
                         WHERE s OPERATOR(@>) g) x),
          50002::numeric,
          'one call site probing a stored set and a small one in turn');

SELECT * FROM finish();
ROLLBACK;

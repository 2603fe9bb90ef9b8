-- A register delivery with values no group knows: a birth date after the
-- window's first day, unknown sex and background codes, a municipality
-- code not delivered, incomes that are not a number or too large (also in
-- rows rejected for their household number, which are not counted), and
-- incomes with more decimals than a cent.  Each is counted in the
-- pipeline's report; none gives a negative age or a NaN income.
BEGIN;
CREATE EXTENSION mo_usage;
SET search_path = mo_usage, public;
SET client_min_messages = warning;
SET timezone = 'UTC';
SELECT plan(12);

\ir ../shell/ops_data.sql
\ir lib/plan_of.sql
-- Four more persons, with valid BSNs of another range.
CREATE TEMP TABLE odd_person AS
SELECT row_number() OVER (ORDER BY n)::integer AS i, n::text || d9 AS bsn
FROM generate_series(20000000, 20000100) n
CROSS JOIN LATERAL (SELECT sum((10 - j) * substr(n::text, j, 1)::integer) % 11
                    FROM generate_series(1, 8) j) c (d9)
WHERE d9 < 10
ORDER BY n
LIMIT 4;
INSERT INTO mo_staging.household VALUES
    ('HNAN', 'private', 'NaN', false),
    ('HBIG', 'private', 1e15, false),
    ('HINF', 'private', '-Infinity', false),
    ('HTINY', 'private', 1e-400, false),
    ('HCENT', 'private', 123456789012.34, false),
    ('HFINE', 'private', 21250.1234567, false),
    ('HEDGE', 'private', 999999999999999.9999999, false),
    ('HNAN', 'private', 'Infinity', false),
    (NULL, 'private', 'NaN', false);
INSERT INTO mo_staging.person
SELECT bsn, CASE i WHEN 1 THEN date '2017-03-01' ELSE date '1980-05-05' END,
       CASE i WHEN 2 THEN 'X' ELSE 'F' END,
       CASE i WHEN 3 THEN 'martian' ELSE 'Dutch' END,
       'HNAN', CASE i WHEN 4 THEN 'GM9999' ELSE 'GM0001' END
FROM odd_person;
CREATE TEMP TABLE report AS SELECT * FROM run_pipeline();

SELECT results_eq(
    $$SELECT o.i, g.age, g.age_group, g.in_population, g.sex,
             g.migration_background, g.municipality
      FROM odd_person o
      JOIN mo_micro.person_group g ON g.person = bsn_pseudonym(o.bsn)
      ORDER BY o.i$$,
    $$VALUES (1, NULL::integer, 'onbekend', false, 'vrouw',
              'Nederlandse achtergrond', 'GM0001'),
             (2, 36, '35 tot 45 jaar', true, 'onbekend',
              'Nederlandse achtergrond', 'GM0001'),
             (3, 36, '35 tot 45 jaar', true, 'vrouw', 'onbekend', 'GM0001'),
             (4, 36, '35 tot 45 jaar', true, 'vrouw',
              'Nederlandse achtergrond', 'GM9999')$$,
    'a birth after the first day has no age (onbekend, outside the population); unknown codes are onbekend');
SELECT is((SELECT count(*) FROM mo_micro.person_group WHERE age < 0),
          0::bigint, 'no negative age');
SELECT is((SELECT rows || ' ' || detail FROM report
           WHERE step = 'derive' AND detail LIKE 'values no group knows%'),
          '4 values no group knows, counted as onbekend: birth date after 2017-02-06 1, sex 1, migration background 1, municipality code not in mo_micro.municipality 1 (kept as its code)',
          'the report counts each');
SELECT results_eq(
    $$SELECT id, h.std_income::text FROM mo_micro.household h
      JOIN (VALUES ('HNAN'), ('HBIG'), ('HINF'), ('HTINY'), ('HCENT'), ('HFINE'),
                   ('HEDGE')) i (id)
        ON h.household = pseudonym(i.id, 'household')
      ORDER BY id$$,
    $$VALUES ('HBIG', NULL), ('HCENT', '123456789012.34'), ('HEDGE', NULL),
             ('HFINE', '21250.123457'), ('HINF', NULL), ('HNAN', NULL), ('HTINY', '0')$$,
    'incomes not a number or of 10^15 and more (once rounded) are unknown, others kept to the millionth');
SELECT is((SELECT detail FROM report
           WHERE step = 'pseudonymise' AND delivery = 'household'),
          '107 households taken in, 2 rejected; 4 with an income that is not a number below 10^15, taken as unknown',
          'and counted in the report, among the households taken in only');
SELECT is((SELECT decile FROM mo_micro.household
           WHERE household = pseudonym('HCENT', 'household')),
          10::smallint, 'the largest income kept is in the highest decile');
SELECT is((SELECT income_decile FROM mo_micro.person_group g
           JOIN odd_person o ON g.person = bsn_pseudonym(o.bsn) WHERE o.i = 2),
          'niet ingedeeld', 'its persons are not classified by income');

-- Every class of the published tables has a row; one without persons is
-- a suppressed 0, never missing.
SELECT results_eq(
    $$SELECT visits_class, users FROM mo_pub.visits_per_user ORDER BY sort_key$$,
    $$VALUES ('1 bezoek', 30::bigint), ('2 bezoeken', NULL), ('3 bezoeken', NULL),
             ('4 bezoeken', NULL), ('5 tot 10 bezoeken', NULL),
             ('10 bezoeken of meer', NULL), ('totaal', 30)$$,
    'visits_per_user has every class, 10 bezoeken of meer too');
SELECT results_eq(
    $$SELECT class, identifiers FROM mo_pub.linkage ORDER BY sort_key$$,
    $$VALUES ('in register, 14 jaar of ouder', 30::bigint),
             ('in register, jonger dan 14 jaar', NULL),
             ('in register, leeftijd onbekend', NULL),
             ('niet in register', NULL), ('ongeldig of ontbrekend BSN', NULL),
             ('totaal', 30)$$,
    'linkage has every class, those without identifiers too');
SET mo_usage.k = 1000;
CALL refresh_published();
SELECT results_eq(
    $$SELECT measure, value FROM mo_pub.key_figures ORDER BY sort_key$$,
    $$VALUES ('users', NULL::numeric), ('population', NULL), ('pct_using', NULL),
             ('visits', NULL), ('visits_per_user', NULL),
             ('pct_users_one_visit', NULL), ('mean_visit_seconds', NULL),
             ('mean_pages_per_visit', NULL), ('seconds_per_page', NULL)$$,
    'key_figures has its rows, suppressed, when the population is below k');
RESET mo_usage.k;
TRUNCATE mo_micro.person_group;
CALL refresh_published();
SELECT is((SELECT count(*) FILTER (WHERE value IS NULL) || ' of ' || count(*)
           FROM mo_pub.key_figures),
          '9 of 9', 'and with no population at all, 9 rows, all suppressed');

-- The rule for incomes is written once, and inlined where it is used.
SELECT matches(pg_temp.plan_of(
                   'SELECT 1 FROM mo_staging.household WHERE income_as_stored(std_income) > 0'),
               'Filter: \(CASE WHEN', 'income_as_stored() is inlined into the query');

SELECT * FROM finish();
ROLLBACK;

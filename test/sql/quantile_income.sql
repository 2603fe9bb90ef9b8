-- The income convention on a small hand-made register: decile boundaries
-- of standardised household income over private households with a known
-- income, weighted by the persons in each household; every person inherits
-- the household's decile; persons without one are "not classified".
CREATE EXTENSION mo_usage;
SET search_path = mo_usage, public;

INSERT INTO mo_staging.household (household_id, kind, std_income) VALUES
    ('h01', 'private', 9000),   ('h02', 'private', 12000),
    ('h03', 'private', 15000),  ('h04', 'private', 18000),
    ('h05', 'private', 21000),  ('h06', 'private', 24000),
    ('h07', 'private', 27000),  ('h08', 'private', 30000),
    ('h09', 'private', 36000),  ('h10', 'private', 45000),
    ('h11', 'private', 60000),  ('h12', 'private', 90000),
    -- income unknown: its persons are not classified
    ('h13', 'private', NULL),
    -- a care home: not a private household
    ('h14', 'institutional', 20000),
    -- a private household nobody lives in: weighs nothing
    ('h15', 'private', 50000);

-- Persons per household: h01 1, h02 2, h03 1, h04 3, h05 1, h06 2, h07 4,
-- h08 1, h09 2, h10 1, h11 1, h12 1 (20 persons with a known income),
-- h13 2, h14 3; one person without a household and one whose household is
-- not in the register.
INSERT INTO mo_staging.person (bsn, household_id)
SELECT 'p' || lpad(row_number() OVER ()::text, 2, '0'), h
FROM unnest(array['h01', 'h02', 'h02', 'h03', 'h04', 'h04', 'h04', 'h05',
                  'h06', 'h06', 'h07', 'h07', 'h07', 'h07', 'h08', 'h09',
                  'h09', 'h10', 'h11', 'h12', 'h13', 'h13', 'h14', 'h14',
                  'h14', NULL, 'h99']) h;

-- Cumulative persons by income: 9000 1, 12000 3, 15000 4, 18000 7,
-- 21000 8, 24000 10, 27000 14, 30000 15, 36000 17, 45000 18, 60000 19,
-- 90000 20.  Boundary k is the first income at which 2k persons are
-- reached: 12000, 15000, 18000, 21000, 24000, 27000, 27000 (14 >= 14),
-- 36000, 45000.
CREATE TEMP VIEW income_deciles AS
WITH members AS (
    SELECT household_id, count(*) AS persons
    FROM mo_staging.person
    GROUP BY household_id
),
known AS (
    SELECT household_id, std_income
    FROM mo_staging.household
    WHERE kind = 'private' AND std_income IS NOT NULL
)
SELECT p.bsn, p.household_id, k.std_income,
       quantile_group(k.std_income,
                      (SELECT quantile_bounds(k.std_income, m.persons, 10)
                       FROM known k JOIN members m USING (household_id)))
           AS decile
FROM mo_staging.person p
LEFT JOIN known k USING (household_id);

CREATE TEMP TABLE income_bounds AS
SELECT quantile_bounds(h.std_income, m.persons, 10) AS b
FROM mo_staging.household h
JOIN (SELECT household_id, count(*) AS persons
      FROM mo_staging.person GROUP BY household_id) m USING (household_id)
WHERE h.kind = 'private' AND h.std_income IS NOT NULL;
SELECT b FROM income_bounds;

-- Every person of a household is in its decile; decile 7 is empty, as
-- household h07 (4 persons at 27000) reaches both 12 and 14 persons.
SELECT household_id, std_income, count(*) AS persons,
       min(decile) AS decile, max(decile) = min(decile) AS one_decile
FROM income_deciles
GROUP BY household_id, std_income
ORDER BY std_income NULLS LAST, household_id NULLS LAST;

-- The published shape: persons per decile, empty deciles shown as such,
-- the persons not classified kept in the table.
SELECT coalesce(d.g::text, 'not classified') AS decile,
       count(i.bsn) AS persons
FROM (SELECT generate_series(1, 10) AS g UNION ALL SELECT NULL) d
LEFT JOIN income_deciles i ON i.decile IS NOT DISTINCT FROM d.g
GROUP BY d.g ORDER BY d.g NULLS LAST;

-- The definition: with each boundary the persons reach k tenths of the
-- 20, without it they do not.
SELECT k, b[k] AS boundary,
       count(*) FILTER (WHERE i.std_income < b[k]) AS below,
       count(*) FILTER (WHERE i.std_income <= b[k]) AS up_to,
       2 * k AS needed
FROM generate_series(1, 9) k, income_bounds, income_deciles i
WHERE i.decile IS NOT NULL
GROUP BY k, b[k] ORDER BY k;

DROP VIEW income_deciles;
DROP TABLE income_bounds;
DELETE FROM mo_staging.person;
DELETE FROM mo_staging.household;
DROP EXTENSION mo_usage;
DROP SCHEMA mo_usage;

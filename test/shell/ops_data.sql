-- The operations tests' delivery, loaded into mo_staging (not a test of its
-- own).  100 persons with valid BSNs, each alone in a private household of
-- municipality GM0001: the odd ones men, the even ones women; persons 1 to
-- 50 born on 1 January 1990 (27 on Monday 6 February 2017), the others on
-- 1 January 1960 (57).  Persons 1 to 30 visit the website on that Monday:
-- a login at 10:00 + i minutes (Amsterdam) and a page 100 s later.  So,
-- with k = 10 and no rounding: 30 users (15 men, 15 women) of a population
-- of 100, 30 visits of 100 s and 2 pages each.  The temporary table
-- ops_person (i, bsn) stays for the test to use.
CREATE TEMP TABLE ops_person AS
SELECT row_number() OVER (ORDER BY n)::integer AS i, n::text || d9 AS bsn
FROM generate_series(10000000, 10000200) n
CROSS JOIN LATERAL (SELECT sum((10 - j) * substr(n::text, j, 1)::integer) % 11
                    FROM generate_series(1, 8) j) c (d9)
WHERE d9 < 10
ORDER BY n
LIMIT 100;

INSERT INTO mo_staging.municipality VALUES ('GM0001', 'Testdorp');
INSERT INTO mo_staging.household
SELECT 'H' || i, 'private', 10000 + 500 * i, i <= 10 FROM ops_person;
INSERT INTO mo_staging.person
SELECT bsn,
       CASE WHEN i <= 50 THEN date '1990-01-01' ELSE date '1960-01-01' END,
       CASE WHEN i % 2 = 1 THEN 'M' ELSE 'F' END,
       'Dutch', 'H' || i, 'GM0001'
FROM ops_person;
INSERT INTO mo_staging.portal_log (line_no, bsn, ts, event, page, channel)
SELECT 2 * i - 2 + e, bsn,
       timestamptz '2017-02-06 10:00 Europe/Amsterdam'
           + i * interval '1 minute' + (e - 1) * interval '100 s',
       CASE e WHEN 1 THEN 'login' ELSE 'page' END,
       CASE e WHEN 1 THEN '/' ELSE '/berichtenbox' END,
       'web'
FROM ops_person CROSS JOIN generate_series(1, 2) e
WHERE i <= 30;

-- The conventions of the analysis: age in completed years on the first
-- day of the window (29 February included), and hours of the day in
-- Europe/Amsterdam on the days the clocks change, whatever the session's
-- TimeZone.  Through the pipeline's own steps: a register delivery
-- pseudonymised and grouped, hits cut into visits.
BEGIN;
CREATE EXTENSION mo_usage;
SET search_path = mo_usage, public;
SET client_min_messages = warning;
SET timezone = 'America/New_York';
SELECT plan(25);

-- Ages, as the function counts them.
SELECT is(age_in_years('2006-03-01', '2024-02-29'), 17,
          'born 2006-03-01 is 17 on 2024-02-29');
SELECT is(age_in_years('2016-02-29', '2017-02-28'), 0,
          'born 2016-02-29 is 0 on 2017-02-28');
SELECT is(age_in_years('2016-02-29', '2017-03-01'), 1,
          'born 2016-02-29 is 1 on 2017-03-01');
SELECT is(age_in_years('2016-02-29', '2020-02-29'), 4,
          'born 2016-02-29 is 4 on 2020-02-29');
SELECT is(age_in_years('2000-02-07', '2014-02-06'), 13,
          'the day before the 14th birthday: 13');
SELECT is(age_in_years('2000-02-06', '2014-02-06'), 14,
          'on the 14th birthday: 14');
SELECT is(age_in_years('2017-06-01', '2017-02-06'), -1,
          'born after the day: a negative age');
SELECT is(age_in_years(NULL, '2017-02-06'), NULL::integer,
          'an unknown birth date: no age');

-- Age bands at every bound: a band's lower bound belongs to it.
SELECT is(array_agg(age_group(a) ORDER BY a),
          '{jonger dan 14 jaar,jonger dan 14 jaar,14 tot 25 jaar,14 tot 25 jaar,14 tot 25 jaar,25 tot 35 jaar,25 tot 35 jaar,35 tot 45 jaar,65 tot 75 jaar,75 jaar of ouder,75 jaar of ouder}',
          'age bands of -1, 13, 14, 17, 24, 25, 34, 35, 74, 75, 120')
FROM unnest('{-1,13,14,17,24,25,34,35,74,75,120}'::int[]) a;
SELECT is(array_agg(age_group(a, true) ORDER BY a),
          '{jonger dan 14 jaar,14 tot 18 jaar,14 tot 18 jaar,18 tot 25 jaar,18 tot 25 jaar,25 tot 35 jaar}',
          'with detail: 13, 14, 17, 18, 24, 25')
FROM unnest('{13,14,17,18,24,25}'::int[]) a;
SELECT is(ARRAY[age_group(NULL), age_group(NULL, true), age_group(17, NULL)],
          '{onbekend,onbekend,14 tot 25 jaar}',
          'no age: onbekend; detail NULL counts as false');
SELECT is((SELECT count(*) FROM generate_series(-1, 130) a
           WHERE NOT age_group(a) = ANY (category_labels('age_group'))
              OR NOT age_group(a, true) = ANY (category_labels('age_group_detail'))),
          0::bigint,
          'every band of every age is a label the published tables know');

-- The same through the pipeline: a register of three persons, grouped on
-- the first day of a window that starts on 29 February 2024, then of
-- windows starting on 28 February and 1 March 2017.
CREATE TEMP TABLE bsn AS
SELECT row_number() OVER () AS n, b
FROM (SELECT g::text AS b FROM generate_series(111222333, 111232333) g
      WHERE bsn_is_valid(g::text) LIMIT 3) v;
INSERT INTO mo_staging.person (bsn, birth_date, sex)
SELECT b, CASE n WHEN 1 THEN date '2006-03-01' WHEN 2 THEN date '2016-02-29'
                 ELSE date '1950-01-01' END, 'F'
FROM bsn;
SELECT lives_ok($$
    SELECT * FROM pseudonymise_staging('2024-02-29 00:00 Europe/Amsterdam',
                                       '2024-03-01 00:00 Europe/Amsterdam')
$$, 'a register delivery is pseudonymised with a window of its own');
SELECT lives_ok('SELECT * FROM derive_groups()', 'groups derived');

CREATE TEMP TABLE who AS
SELECT n, bsn_pseudonym(b) AS person FROM bsn;
SELECT results_eq($$
    SELECT g.age, g.in_population, g.age_group
    FROM mo_micro.person_group g JOIN who USING (person) ORDER BY who.n
$$, $$ VALUES (17, true, '14 tot 25 jaar'), (8, false, 'jonger dan 14 jaar'),
              (74, true, '65 tot 75 jaar') $$,
   'ages on 2024-02-29: 17 (born 2006-03-01), 8 (born 2016-02-29), 74');

UPDATE mo_micro.source SET window_start = '2017-02-28 00:00 Europe/Amsterdam',
                           window_end = '2017-03-07 00:00 Europe/Amsterdam';
SELECT lives_ok('SELECT * FROM derive_groups()', 'groups derived again');
SELECT is((SELECT g.age FROM mo_micro.person_group g JOIN who USING (person)
           WHERE who.n = 2), 0,
          'born 2016-02-29: 0 on the first day of a window from 2017-02-28');
UPDATE mo_micro.source SET window_start = '2017-03-01 00:00 Europe/Amsterdam';
SELECT lives_ok('SELECT * FROM derive_groups()', 'and again');
SELECT is((SELECT g.age FROM mo_micro.person_group g JOIN who USING (person)
           WHERE who.n = 2), 1,
          'born 2016-02-29: 1 on the first day of a window from 2017-03-01');

-- Hours.  On 2024-10-27 the clocks go back at 01:00 UTC: 00:40 UTC is
-- 02:40 summer time and 01:40 UTC is 02:40 winter time, both hour 2.  On
-- 2024-03-31 they go forward at 01:00 UTC, from 02:00 to 03:00.
SELECT is(local_hour('2024-10-27 00:40+00', 'Europe/Amsterdam'), 2,
          '2024-10-27 00:40 UTC is hour 2 in Amsterdam');
SELECT is(local_hour('2024-10-27 01:40+00', 'Europe/Amsterdam'), 2,
          '2024-10-27 01:40 UTC is hour 2 in Amsterdam as well');
SELECT is(local_hour('2024-03-31 01:00+00', 'Europe/Amsterdam'), 3,
          '2024-03-31 01:00 UTC is hour 3 in Amsterdam');
SELECT is((SELECT array_agg(DISTINCT local_hour(t, 'Europe/Amsterdam'))
           FROM generate_series(timestamptz '2024-03-30 23:00+00',
                                '2024-03-31 21:59+00', '1 minute') t),
          ARRAY[0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
                19, 20, 21, 22, 23],
          '2024-03-31 has 23 hours in Amsterdam, and no hour 2');

-- The same through the visits the published views count, with the
-- session in New York: one visit starting at each of those times.
UPDATE mo_micro.source SET window_start = '2024-03-30 00:00+00',
                           window_end = '2024-10-28 00:00+00';
INSERT INTO mo_micro.hit (source_id, person, ts, seq, event, page_id)
SELECT s.source_id, v.person, v.ts, v.seq, 'L', NULL
FROM mo_micro.study s,
     (VALUES (1, timestamptz '2024-10-27 00:40+00', 1),
             (2, '2024-10-27 01:40+00', 2),
             (3, '2024-03-31 00:59+00', 3),
             (4, '2024-03-31 01:00+00', 4)) v (person, ts, seq);
SELECT lives_ok('SELECT * FROM build_visits()', 'visits built');
SELECT results_eq($$
    SELECT person, local_date, local_hour FROM mo_micro.study_visit
    ORDER BY person
$$, $$ VALUES (1::bigint, date '2024-10-27', 2), (2, '2024-10-27', 2),
              (3, '2024-03-31', 1), (4, '2024-03-31', 3) $$,
   'study_visit: hours 2 and 2 on 2024-10-27, 1 and 3 on 2024-03-31, in New York''s session');

SELECT * FROM finish();
ROLLBACK;

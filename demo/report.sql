-- demo/report.sql: the study's figures as the published views give them,
-- each beside its published value.
--
--   psql -v study=DIR -v scale=S [-v out=DIR] -f demo/report.sql
--
-- DIR holds published-figures.csv; S is the scale of the demo week (the
-- published count of users is 1.3 million at scale 1).  Every measured
-- value is read from the views of mo_pub, as the reporting role sees them,
-- never from the microdata: the report checks the pipeline and the views.
-- Prints one row a figure (published, measured, the tolerance, whether it
-- is met) and a count of the figures met; with out, also writes the data
-- of the study's three figures there, for demo/figures.gp.
--
-- Tolerances: users by age group within 0.5 percentage points of figure 1,
-- the population within 0.1; share using per decile group within 1 point
-- of figure 2; mean time per visit per age group within 5 % of figure 3;
-- users within 2 % of 1.3 million x scale; 78 +- 1 % of users with one
-- visit; a mean visit of 180 to 200 s; 12 +- 0.5 pages per visit.  The
-- statements of the text are rules: Tuesday has the most users and Sunday
-- the fewest; weekend visits start mostly (50 % or more) between 09:00 and
-- 15:00, weekday visits less so (under 50 %) with 20 % or more from 18:00;
-- men's visits last longer than women's; women, persons with a
-- non-western migration background and persons below the social minimum
-- use the portal less than their counterparts.

\set ON_ERROR_STOP on
\set QUIET on
\if :{?study}
\else
\echo 'report.sql: set study to the directory of published-figures.csv'
SELECT 1 / 0 AS study_is_not_set;
\endif
\if :{?scale}
\else
\set scale 1
\endif

SET client_min_messages = warning;

-- The published figures, and the table of results (fig_pub, fig_result).
\ir figures-begin.sql

-- Figure 1: users and population by age group.
INSERT INTO fig_result (figure, grp, measure, measured, tolerance)
SELECT 'fig1', age_group, 'share_of_users', share_of_users, 0.5
FROM mo_pub.users_by_age_group
WHERE age_group IN (SELECT grp FROM fig_pub WHERE figure = 'fig1')
ORDER BY sort_key;

INSERT INTO fig_result (figure, grp, measure, measured, tolerance)
SELECT 'fig1', age_group, 'share_of_population', share_of_population, 0.1
FROM mo_pub.users_by_age_group
WHERE age_group IN (SELECT grp FROM fig_pub WHERE figure = 'fig1')
ORDER BY sort_key;

-- Figure 2: percent using by income decile group.
INSERT INTO fig_result (figure, grp, measure, measured, tolerance)
SELECT 'fig2', income_decile, 'pct_using', pct_using, 1
FROM mo_pub.users_by_income_decile
WHERE income_decile IN (SELECT grp FROM fig_pub WHERE figure = 'fig2')
ORDER BY sort_key;

-- Figure 3: mean time per visit by age group.
INSERT INTO fig_result (figure, grp, measure, measured, tolerance)
SELECT 'fig3', v.age_group, 'mean_visit_seconds', v.mean_visit_seconds,
       0.05 * p.value::numeric
FROM mo_pub.visits_by_age_group v
JOIN fig_pub p ON p.figure = 'fig3' AND p.grp = v.age_group
ORDER BY v.sort_key;

-- The text: users at scale 1, one visit, time and pages per visit.
INSERT INTO fig_result (figure, grp, measure, measured, tolerance, shown)
SELECT 'text', 'all', 'unique_users_week', round(value / :scale),
       0.02 * 1300000,
       format('%s at scale %s: %s', value, :scale, round(value / :scale))
FROM mo_pub.key_figures WHERE measure = 'users';

INSERT INTO fig_result (figure, grp, measure, measured, tolerance)
SELECT 'text', 'all', 'pct_users_one_visit', value, 1
FROM mo_pub.key_figures WHERE measure = 'pct_users_one_visit';

INSERT INTO fig_result (figure, grp, measure, measured, ok)
SELECT 'text', 'all', 'mean_visit_seconds', value, value BETWEEN 180 AND 200
FROM mo_pub.key_figures WHERE measure = 'mean_visit_seconds';

INSERT INTO fig_result (figure, grp, measure, measured, tolerance)
SELECT 'text', 'all', 'mean_pages_per_visit', value, 0.5
FROM mo_pub.key_figures WHERE measure = 'mean_pages_per_visit';

-- Users by day of the week: Tuesday the most, Sunday the fewest.
INSERT INTO fig_result (figure, grp, measure, shown, ok)
SELECT 'text', 'weekday', 'most_users',
       string_agg(weekday || ' ' || coalesce(users::text, 'suppressed'), ', '
                  ORDER BY day),
       (array_agg(isodow ORDER BY users DESC NULLS LAST))[1] = 2
       AND (array_agg(isodow ORDER BY users NULLS LAST))[1] = 7
FROM mo_pub.users_by_day;

-- Hours: the share of the visits of each kind of day that start between
-- 09:00 and 15:00, and from 18:00.
INSERT INTO fig_result (figure, grp, measure, shown, ok)
SELECT 'text', 'weekend', 'login_hours',
       format('visits starting 09-15: weekend %s %%, weekday %s %%; '
              'from 18: weekday %s %%, weekend %s %%',
              we915, wd915, wd18, we18),
       we915 >= 50 AND wd915 < 50 AND wd18 >= 20
FROM (SELECT sum(share_of_visits) FILTER (WHERE day_kind = 'weekend'
                                          AND hour BETWEEN 9 AND 14) AS we915,
             sum(share_of_visits) FILTER (WHERE day_kind = 'weekdag'
                                          AND hour BETWEEN 9 AND 14) AS wd915,
             sum(share_of_visits) FILTER (WHERE day_kind = 'weekdag'
                                          AND hour >= 18) AS wd18,
             sum(share_of_visits) FILTER (WHERE day_kind = 'weekend'
                                          AND hour >= 18) AS we18
      FROM mo_pub.visits_by_hour) h;

INSERT INTO fig_result (figure, grp, measure, shown, ok)
SELECT 'text', 'sex', 'mean_visit_seconds',
       format('men %s s, women %s s', m, f), m > f
FROM (SELECT max(mean_visit_seconds) FILTER (WHERE sex = 'man') AS m,
             max(mean_visit_seconds) FILTER (WHERE sex = 'vrouw') AS f
      FROM mo_pub.visits_by_sex) s;

INSERT INTO fig_result (figure, grp, measure, shown, ok)
SELECT 'text', 'period', 'observation_week',
       min(day) || '/' || max(day),
       min(day) = '2017-02-06' AND max(day) = '2017-02-12'
FROM mo_pub.users_by_day;

-- Who use the portal less than their counterparts (percent using).
INSERT INTO fig_result (figure, grp, measure, claim, shown, ok)
SELECT 'text', c.grp, 'pct_using', c.a || ' < ' || c.b,
       format('%s %s %%, %s %s %%', c.a, pa, c.b, pb), pa < pb
FROM (VALUES
        ('sex', 'women', 'men', 'sex', 'vrouw', 'man'),
        ('migration background', 'non-western', 'Dutch',
         'migration_background', 'niet-westerse migratieachtergrond',
         'Nederlandse achtergrond'),
        ('migration background', 'non-western', 'western',
         'migration_background', 'niet-westerse migratieachtergrond',
         'westerse migratieachtergrond'),
        ('social minimum', 'below', 'not below', 'social_minimum',
         'onder sociaal minimum', 'niet onder sociaal minimum'))
     AS c (grp, a, b, dimension, ca, cb),
     LATERAL (SELECT max(u.pct_using) FILTER (WHERE u.category = c.ca) AS pa,
                     max(u.pct_using) FILTER (WHERE u.category = c.cb) AS pb
              FROM mo_pub.users_by_group u
              WHERE u.dimension = c.dimension) s;

\echo
\echo 'The study''s figures from the published views (mo_pub), beside the published values:'
\set slack 1
\set missing suppressed
\ir figures-verdict.sql

-- The data of the three figures, published beside measured, for gnuplot.
\if :{?out}
\set f1 :out '/fig1.dat'
\set f2 :out '/fig2.dat'
\set f3 :out '/fig3.dat'
\pset format unaligned
\pset fieldsep '\t'
\pset tuples_only on
\o :f1
SELECT '"' || regexp_replace(regexp_replace(r.grp, ' jaar of ouder$', '+'),
                             ' jaar$', '') || '"',
       max(p.value::numeric) FILTER (WHERE r.measure = 'share_of_users'),
       coalesce(max(r.measured) FILTER (WHERE r.measure = 'share_of_users')::text, 'NaN'),
       max(p.value::numeric) FILTER (WHERE r.measure = 'share_of_population'),
       coalesce(max(r.measured) FILTER (WHERE r.measure = 'share_of_population')::text, 'NaN')
FROM fig_verdict r JOIN fig_pub p USING (figure, grp, measure)
WHERE r.figure = 'fig1'
GROUP BY r.grp ORDER BY min(r.sort);
\o :f2
SELECT '"' || regexp_replace(r.grp, '^([0-9]+)e.*$', '\1') || '"', p.value,
       coalesce(r.measured::text, 'NaN')
FROM fig_verdict r JOIN fig_pub p USING (figure, grp, measure)
WHERE r.figure = 'fig2' ORDER BY r.sort;
\o :f3
SELECT '"' || regexp_replace(regexp_replace(r.grp, ' jaar of ouder$', '+'),
                             ' jaar$', '') || '"',
       p.value, coalesce(r.measured::text, 'NaN')
FROM fig_verdict r JOIN fig_pub p USING (figure, grp, measure)
WHERE r.figure = 'fig3' ORDER BY r.sort;
\o
\endif

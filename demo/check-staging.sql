-- demo/check-staging.sql: the study's figures computed from the staging
-- tables by their definitions, each beside its published value.
--
--   psql -v study=DIR [-v slack=F] -f demo/check-staging.sql
--
-- DIR holds published-figures.csv.  Prints one row a figure: published,
-- measured, the tolerance and whether the measured value is within it;
-- the last row counts the figures within tolerance.  slack (default 1)
-- widens every numeric tolerance F times, for runs at scales so small that
-- a band holds a handful of users.
--
-- Plain SQL only, no mo_usage function: it checks the delivery the demo
-- generator writes, independently of the pipeline.  Definitions:
--   window      [2017-02-06 00:00, 2017-02-13 00:00) Europe/Amsterdam
--   age         completed years on 2017-02-06; population: aged 14 or more
--   identifier  a BSN of 8 or 9 digits (8 are left-padded with 0) that
--               passes the elfproef; a register's BSNs are unique
--   user        a person of the population with a login or page event in
--               the window
--   decile      boundaries of standardised income over private households
--               with a known income, weighted by their persons (all ages);
--               boundary k is the smallest income whose running weight
--               reaches k/10 of the total; a person is in group
--               1 + (number of boundaries below the household's income);
--               institutional households and unknown incomes: no group
--   visit       a person's events on one channel, ordered by time and line
--               number, split at a login, after a logout and after a gap of
--               more than 30 minutes; duration last - first event; pages:
--               logins and page events; figures over visits starting in
--               the window
--   day, hour   local time in Europe/Amsterdam, whatever the TimeZone
--
-- Every figure comes from one pass over the log (visits) and one over the
-- register (persons with their groups); users per day and login hours are
-- read off the visits: a visit's page events span its days without a gap
-- of a day, and a login is always the first event of its visit.

\set ON_ERROR_STOP on
\set QUIET on
\if :{?study}
\else
\echo 'check-staging.sql: set study to the directory of published-figures.csv'
SELECT 1 / 0 AS study_is_not_set;
\endif
\if :{?slack}
\else
\set slack 1
\endif

SET client_min_messages = warning;
SET work_mem = '512MB';

-- The published figures, and the table of results (fig_pub, fig_result).
\ir figures-begin.sql

\set ws '''2017-02-06 00:00 Europe/Amsterdam''::timestamptz'
\set we '''2017-02-13 00:00 Europe/Amsterdam''::timestamptz'
\set day0 '''2017-02-06''::date'

-- Persons: the BSN as a number, the age on the window's first day.
CREATE TEMP TABLE ck_person AS
SELECT CASE WHEN p.bsn ~ '^[0-9]{8,9}$' THEN p.bsn::bigint END AS id,
       date_part('year', age(:day0, p.birth_date))::int AS age,
       p.sex, p.migration_background AS mig, p.household_id
FROM mo_staging.person p;
ANALYZE ck_person;

-- Households: their persons (all ages), the boundaries, the groups.
CREATE TEMP TABLE ck_household AS
SELECT h.household_id, h.kind, h.std_income, h.below_social_minimum,
       coalesce(s.n, 0) AS size
FROM mo_staging.household h
LEFT JOIN (SELECT household_id, count(*) AS n FROM ck_person
           GROUP BY household_id) s USING (household_id);
ANALYZE ck_household;

CREATE TEMP TABLE ck_bound AS
WITH w AS (
    SELECT std_income AS x, sum(size) AS n
    FROM ck_household
    WHERE kind = 'private' AND std_income IS NOT NULL
    GROUP BY std_income
), c AS (
    SELECT x, sum(n) OVER (ORDER BY x) AS cum, sum(n) OVER () AS total
    FROM w
)
SELECT array_agg(bound ORDER BY k) AS b
FROM (SELECT k, min(x) AS bound
      FROM c, generate_series(1, 9) AS k
      WHERE 10 * cum >= k * total
      GROUP BY k) q;

-- The population, with the groups of every figure.
CREATE TEMP TABLE ck_pop AS
SELECT p.id, p.sex, p.mig, h.below_social_minimum AS below_min,
       CASE WHEN p.age < 25 THEN '14 tot 25 jaar'
            WHEN p.age >= 75 THEN '75 jaar of ouder'
            ELSE ((p.age + 5) / 10 * 10 - 5) || ' tot '
                 || ((p.age + 5) / 10 * 10 + 5) || ' jaar'
       END AS band,
       CASE WHEN p.age < 18 THEN '14 tot 18 jaar'
            WHEN p.age < 25 THEN '18 tot 25 jaar'
       END AS young,
       CASE WHEN h.kind = 'private' AND h.std_income IS NOT NULL THEN
           1 + (h.std_income > b[1])::int + (h.std_income > b[2])::int
             + (h.std_income > b[3])::int + (h.std_income > b[4])::int
             + (h.std_income > b[5])::int + (h.std_income > b[6])::int
             + (h.std_income > b[7])::int + (h.std_income > b[8])::int
             + (h.std_income > b[9])::int
       END AS decile
FROM ck_person p
LEFT JOIN ck_household h USING (household_id)
CROSS JOIN ck_bound
WHERE p.age >= 14;
ANALYZE ck_pop;

-- Identifiers in the log: valid or not, in the register, in the
-- population.
CREATE TEMP TABLE ck_id AS
WITH ids AS (
    SELECT l.bsn COLLATE "C" AS raw, count(*) AS lines
    FROM mo_staging.portal_log l
    WHERE l.ts >= :ws AND l.ts < :we
    GROUP BY 1
), checked AS (
    SELECT raw, lines,
           CASE WHEN raw ~ '^[0-9]{8,9}$' THEN
               (9 * substr(lpad(raw, 9, '0'), 1, 1)::int
              + 8 * substr(lpad(raw, 9, '0'), 2, 1)::int
              + 7 * substr(lpad(raw, 9, '0'), 3, 1)::int
              + 6 * substr(lpad(raw, 9, '0'), 4, 1)::int
              + 5 * substr(lpad(raw, 9, '0'), 5, 1)::int
              + 4 * substr(lpad(raw, 9, '0'), 6, 1)::int
              + 3 * substr(lpad(raw, 9, '0'), 7, 1)::int
              + 2 * substr(lpad(raw, 9, '0'), 8, 1)::int
              -     substr(lpad(raw, 9, '0'), 9, 1)::int) % 11 = 0
           ELSE false END AS valid
    FROM ids
)
SELECT c.raw, c.lines, c.valid, r.id, r.id IS NOT NULL AS linked,
       p.id IS NOT NULL AS in_pop
FROM checked c
LEFT JOIN ck_person r
    ON r.id = CASE WHEN c.valid THEN c.raw::bigint END
LEFT JOIN ck_pop p ON p.id = r.id;
ANALYZE ck_id;

-- Visits of the population, by the 30-minute rule.
CREATE TEMP TABLE ck_visit AS
WITH ev AS (
    SELECT i.id, l.channel, l.ts, l.line_no, l.event
    FROM mo_staging.portal_log l
    JOIN ck_id i ON i.raw = l.bsn AND i.in_pop
    WHERE l.ts >= :ws AND l.ts < :we
), marked AS (
    SELECT ev.*,
           CASE WHEN lag(ts) OVER w IS NULL
                  OR event = 'login'
                  OR lag(event) OVER w = 'logout'
                  OR ts - lag(ts) OVER w > interval '30 minutes'
                THEN 1 ELSE 0 END AS starts
    FROM ev
    WINDOW w AS (PARTITION BY id, channel ORDER BY ts, line_no)
), numbered AS (
    SELECT marked.*,
           sum(starts) OVER (PARTITION BY id, channel ORDER BY ts, line_no
                             ROWS UNBOUNDED PRECEDING) AS visit_no
    FROM marked
)
SELECT id, channel, min(ts) AS start_ts, max(ts) AS end_ts,
       extract(epoch FROM max(ts) - min(ts)) AS seconds,
       count(*) FILTER (WHERE event IN ('login', 'page')) AS pages,
       bool_or(event = 'login') AS login,
       bool_or(event = 'logout') AS logout,
       min(ts) FILTER (WHERE event IN ('login', 'page')) AS first_page,
       max(ts) FILTER (WHERE event IN ('login', 'page')) AS last_page
FROM numbered
GROUP BY id, channel, visit_no;

-- Users: persons of the population with a login or page event.
CREATE TEMP TABLE ck_user AS
SELECT id, count(*) AS visits
FROM ck_visit
WHERE pages > 0
GROUP BY id;

-- Persons and users by each group at once.
CREATE TEMP TABLE ck_group AS
SELECT band, decile, sex, mig, below_min,
       GROUPING(band, decile, sex, mig, below_min) AS grouping,
       count(*) AS persons, count(u.id) AS users,
       count(*) FILTER (WHERE u.visits = 1) AS one_visit
FROM ck_pop p
LEFT JOIN ck_user u USING (id)
GROUP BY GROUPING SETS ((band), (decile), (sex), (mig), (below_min), ());

-- Visits starting in the window, with the groups of their person.
CREATE TEMP TABLE ck_pv AS
SELECT v.*, p.band, p.young, p.sex
FROM ck_visit v
JOIN ck_pop p USING (id)
WHERE v.start_ts >= :ws AND v.start_ts < :we;

INSERT INTO fig_result (figure, grp, measure, measured, tolerance)
SELECT 'fig1', band, 'share_of_users',
       round(100.0 * users / sum(users) OVER (), 2), 0.5
FROM ck_group WHERE band IS NOT NULL ORDER BY band;

INSERT INTO fig_result (figure, grp, measure, measured, tolerance)
SELECT 'fig1', band, 'share_of_population',
       round(100.0 * persons / sum(persons) OVER (), 2), 0.1
FROM ck_group WHERE band IS NOT NULL ORDER BY band;

INSERT INTO fig_result (figure, grp, measure, measured, tolerance)
SELECT 'fig2', pub.grp, 'pct_using', round(100.0 * g.users / g.persons, 2), 1
FROM ck_group g
JOIN fig_pub pub ON pub.figure = 'fig2'
    AND substring(pub.grp FROM '^[0-9]+')::int = g.decile
ORDER BY g.decile;

INSERT INTO fig_result (figure, grp, measure, measured, tolerance)
SELECT 'fig3', g, 'mean_visit_seconds', round(avg(seconds), 1),
       0.05 * (SELECT value::numeric FROM fig_pub
               WHERE figure = 'fig3' AND grp = g)
FROM (SELECT coalesce(young, band) AS g, seconds FROM ck_pv) v
GROUP BY g ORDER BY g;

-- Users per 1.0 scale (the register's persons / 17,081,507).
INSERT INTO fig_result (figure, grp, measure, measured, tolerance, shown)
SELECT 'text', 'all', 'unique_users_week', round(g.users / s.scale),
       0.02 * 1300000,
       format('%s at scale %s: %s', g.users, round(s.scale, 4),
              round(g.users / s.scale))
FROM ck_group g,
     (SELECT count(*) / 17081507.0 AS scale FROM ck_person) s
WHERE g.grouping = 31;

INSERT INTO fig_result (figure, grp, measure, measured, tolerance)
SELECT 'text', 'all', 'pct_users_one_visit',
       round(100.0 * one_visit / users, 2), 1
FROM ck_group WHERE grouping = 31;

INSERT INTO fig_result (figure, grp, measure, measured, ok)
SELECT 'text', 'all', 'mean_visit_seconds', round(avg(seconds), 1),
       avg(seconds) BETWEEN 180 AND 200
FROM ck_pv;

INSERT INTO fig_result (figure, grp, measure, measured, tolerance)
SELECT 'text', 'all', 'mean_pages_per_visit', round(avg(pages), 2), 0.5
FROM ck_pv;

INSERT INTO fig_result (figure, grp, measure, shown, ok)
SELECT 'text', 'weekday', 'most_users',
       string_agg(to_char(day, 'FMday') || ' ' || users, ', ' ORDER BY day),
       (array_agg(to_char(day, 'FMday') ORDER BY users DESC))[1] = 'tuesday'
       AND (array_agg(to_char(day, 'FMday') ORDER BY users))[1] = 'sunday'
FROM (SELECT d.day, count(DISTINCT v.id) AS users
      FROM ck_visit v
      CROSS JOIN LATERAL generate_series(
          (v.first_page AT TIME ZONE 'Europe/Amsterdam')::date,
          (v.last_page AT TIME ZONE 'Europe/Amsterdam')::date,
          interval '1 day') AS d(day)
      WHERE v.pages > 0
      GROUP BY d.day) d;

-- Login hours: weekend logins mostly 09:00-15:00, weekday ones spread
-- over the day and the evening (the rule: weekend 09-15 at least 50 %,
-- weekday 09-15 under 50 % and weekday 18-24 at least 20 %).
INSERT INTO fig_result (figure, grp, measure, shown, ok)
SELECT 'text', 'weekend', 'login_hours',
       format('weekend 09-15 %s %%, weekday 09-15 %s %%, '
              'weekday 18-24 %s %%',
              round(we915, 1), round(wd915, 1), round(wd1824, 1)),
       we915 >= 50 AND wd915 < 50 AND wd1824 >= 20
FROM (SELECT 100.0 * avg((h BETWEEN 9 AND 14)::int) FILTER (WHERE weekend)
                 AS we915,
             100.0 * avg((h BETWEEN 9 AND 14)::int)
                 FILTER (WHERE NOT weekend) AS wd915,
             100.0 * avg((h >= 18)::int) FILTER (WHERE NOT weekend) AS wd1824
      FROM (SELECT extract(hour FROM start_ts AT TIME ZONE 'Europe/Amsterdam')
                       AS h,
                   extract(isodow FROM start_ts AT TIME ZONE
                           'Europe/Amsterdam') >= 6 AS weekend
            FROM ck_visit
            WHERE login) x) s;

INSERT INTO fig_result (figure, grp, measure, shown, ok)
SELECT 'text', 'sex', 'mean_visit_seconds',
       format('men %s s, women %s s', round(m, 1), round(f, 1)), m > f
FROM (SELECT avg(seconds) FILTER (WHERE sex = 'M') AS m,
             avg(seconds) FILTER (WHERE sex = 'F') AS f
      FROM ck_pv) s;

INSERT INTO fig_result (figure, grp, measure, shown, ok)
SELECT 'text', 'period', 'observation_week',
       first_day || '/' || last_day,
       first_day = :day0 AND last_day = :day0 + 6
FROM (SELECT (min(start_ts) AT TIME ZONE 'Europe/Amsterdam')::date
                 AS first_day,
             (max(end_ts) AT TIME ZONE 'Europe/Amsterdam')::date AS last_day
      FROM ck_visit) v;

-- The study's text: who use the portal less than their counterparts
-- (percent of persons aged 14 or more who are users).
INSERT INTO fig_result (figure, grp, measure, claim, shown, ok)
SELECT 'text', c.grp, 'pct_using', c.a || ' < ' || c.b,
       format('%s %s %%, %s %s %%', c.a, round(pa, 2), c.b, round(pb, 2)),
       pa < pb
FROM (VALUES ('sex', 'women', 'men', 'F', 'M'),
             ('migration background', 'non-western', 'Dutch',
              'non-western', 'Dutch'),
             ('migration background', 'non-western', 'western',
              'non-western', 'western'),
             ('social minimum', 'below', 'not below', 'true', 'false'))
     AS c(grp, a, b, va, vb),
     LATERAL (SELECT 100.0 * sum(users) FILTER (WHERE v = c.va)
                         / sum(persons) FILTER (WHERE v = c.va) AS pa,
                     100.0 * sum(users) FILTER (WHERE v = c.vb)
                         / sum(persons) FILTER (WHERE v = c.vb) AS pb
              FROM (SELECT coalesce(sex, mig, below_min::text) AS v,
                           persons, users
                    FROM ck_group
                    WHERE CASE c.grp WHEN 'sex' THEN sex IS NOT NULL
                                     WHEN 'social minimum'
                                         THEN below_min IS NOT NULL
                                     ELSE mig IS NOT NULL END) g) s;

-- What else the delivery holds, for the linkage report (no tolerance).
INSERT INTO fig_result (figure, grp, measure, shown)
SELECT 'delivery', 'log', 'lines',
       format('%s lines: %s with an invalid BSN (%s %%), %s with a valid BSN '
              'outside the register (%s %%), %s with 8 digits',
              sum(lines),
              sum(lines) FILTER (WHERE NOT valid),
              round(100.0 * sum(lines) FILTER (WHERE NOT valid)
                    / sum(lines), 3),
              sum(lines) FILTER (WHERE valid AND NOT linked),
              round(100.0 * sum(lines) FILTER (WHERE valid AND NOT linked)
                    / sum(lines), 3),
              sum(lines) FILTER (WHERE length(raw) = 8))
FROM ck_id;

INSERT INTO fig_result (figure, grp, measure, shown)
SELECT 'delivery', 'visits', 'channel and logout',
       format('%s visits: %s %% on the app, %s %% end with a logout, '
              '%s %% of one page',
              count(*),
              round(100.0 * avg((channel = 'app')::int), 1),
              round(100.0 * avg(logout::int), 1),
              round(100.0 * avg((pages = 1)::int), 1))
FROM ck_pv;

\set missing ''
\ir figures-verdict.sql

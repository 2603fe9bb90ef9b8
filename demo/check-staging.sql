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
--   user        a person of the population with a login or page event in
--               the window, linked by BSN (8 digits are left-padded with 0;
--               a BSN must pass the elfproef)
--   decile      boundaries of standardised income over private households
--               with a known income, weighted by their persons (all ages);
--               boundary k is the smallest income whose running weight
--               reaches k/10 of the total; a person is in group
--               1 + (number of boundaries below the household's income);
--               institutional households and unknown incomes: none
--   visit       a person's events on one channel, ordered by time and line
--               number, split at a login, after a logout and after a gap of
--               more than 30 minutes; duration last - first event; pages:
--               logins and page events
--   day, hour   local time in Europe/Amsterdam

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
SET work_mem = '256MB';

-- The published figures.
\set pubfile :study '/published-figures.csv'
\set pubtext `cat :'pubfile'`
CREATE TEMP TABLE ck_pub AS
SELECT f[1] AS figure, f[2] AS grp, f[3] AS measure, f[4] AS value
FROM regexp_split_to_table(:'pubtext', E'\n') WITH ORDINALITY AS l(line, n),
     regexp_match(line, '^([^,]*),([^,]*),([^,]*),([^,]*),') AS f
WHERE n > 1;

CREATE TEMP TABLE ck_window AS
SELECT timestamptz '2017-02-06 00:00 Europe/Amsterdam' AS ws,
       timestamptz '2017-02-13 00:00 Europe/Amsterdam' AS we,
       date '2017-02-06' AS day0;

-- Households: persons of all ages, and the decile group.
CREATE TEMP TABLE ck_household AS
SELECT h.household_id, h.kind, h.std_income, h.below_social_minimum,
       coalesce(s.n, 0) AS size
FROM mo_staging.household h
LEFT JOIN (SELECT household_id, count(*) AS n FROM mo_staging.person
           GROUP BY household_id) s USING (household_id);

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

CREATE TEMP TABLE ck_decile AS
SELECT h.household_id, h.below_social_minimum,
       CASE WHEN h.kind = 'private' AND h.std_income IS NOT NULL THEN
           1 + (h.std_income > b[1])::int + (h.std_income > b[2])::int
             + (h.std_income > b[3])::int + (h.std_income > b[4])::int
             + (h.std_income > b[5])::int + (h.std_income > b[6])::int
             + (h.std_income > b[7])::int + (h.std_income > b[8])::int
             + (h.std_income > b[9])::int
       END AS decile
FROM ck_household h, ck_bound;

-- The population: persons aged 14 or more on the window's first day.
CREATE TEMP TABLE ck_person AS
SELECT lpad(p.bsn, 9, '0') AS bsn, a.age, p.sex,
       p.migration_background AS mig, d.decile,
       d.below_social_minimum AS below_min,
       CASE WHEN a.age < 25 THEN '14 tot 25 jaar'
            WHEN a.age >= 75 THEN '75 jaar of ouder'
            ELSE ((a.age + 5) / 10 * 10 - 5) || ' tot '
                 || ((a.age + 5) / 10 * 10 + 5) || ' jaar'
       END AS band,
       CASE WHEN a.age < 18 THEN '14 tot 18 jaar'
            WHEN a.age < 25 THEN '18 tot 25 jaar'
       END AS young
FROM mo_staging.person p
CROSS JOIN ck_window w
CROSS JOIN LATERAL (SELECT date_part('year', age(w.day0, p.birth_date))::int
                    AS age) a
LEFT JOIN ck_decile d USING (household_id)
WHERE a.age >= 14;
CREATE INDEX ON ck_person (bsn);
ANALYZE ck_person;

-- Identifiers in the log: valid or not, in the register or not.
CREATE TEMP TABLE ck_id AS
WITH ids AS (
    SELECT l.bsn AS raw, count(*) AS lines
    FROM mo_staging.portal_log l, ck_window w
    WHERE l.ts >= w.ws AND l.ts < w.we
    GROUP BY l.bsn
), checked AS (
    SELECT raw, lines, lpad(raw, 9, '0') AS b,
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
SELECT c.raw, c.lines, c.valid,
       CASE WHEN c.valid THEN c.b END AS bsn,
       c.valid AND r.bsn IS NOT NULL AS linked
FROM checked c
LEFT JOIN (SELECT lpad(bsn, 9, '0') AS bsn FROM mo_staging.person) r
    ON c.valid AND r.bsn = c.b;
ANALYZE ck_id;

-- Visits of the population's persons, by the 30-minute rule.
CREATE TEMP TABLE ck_visit AS
WITH ev AS (
    SELECT i.bsn, l.channel, l.ts, l.line_no, l.event
    FROM mo_staging.portal_log l
    JOIN ck_id i ON i.raw = l.bsn AND i.linked
    CROSS JOIN ck_window w
    WHERE l.ts >= w.ws AND l.ts < w.we
), marked AS (
    SELECT ev.*,
           CASE WHEN lag(ts) OVER w IS NULL
                  OR event = 'login'
                  OR lag(event) OVER w = 'logout'
                  OR ts - lag(ts) OVER w > interval '30 minutes'
                THEN 1 ELSE 0 END AS starts
    FROM ev
    WINDOW w AS (PARTITION BY bsn, channel ORDER BY ts, line_no)
), numbered AS (
    SELECT marked.*,
           sum(starts) OVER (PARTITION BY bsn, channel ORDER BY ts, line_no
                             ROWS UNBOUNDED PRECEDING) AS visit_no
    FROM marked
)
SELECT bsn, channel, visit_no, min(ts) AS start_ts,
       extract(epoch FROM max(ts) - min(ts)) AS seconds,
       count(*) FILTER (WHERE event IN ('login', 'page')) AS pages,
       bool_or(event IN ('login', 'page')) AS counts,
       bool_or(event = 'logout') AS logout
FROM numbered
GROUP BY bsn, channel, visit_no;

CREATE TEMP TABLE ck_user AS
SELECT p.*, v.visits
FROM ck_person p
JOIN (SELECT bsn, count(*) AS visits FROM ck_visit WHERE counts
      GROUP BY bsn) v USING (bsn);

CREATE TEMP TABLE ck_pv AS
SELECT v.*, p.band, p.young, p.sex
FROM ck_visit v
JOIN ck_person p USING (bsn)
CROSS JOIN ck_window w
WHERE v.start_ts >= w.ws AND v.start_ts < w.we;

-- Figures: (figure, group, measure) as published, measured, tolerance.
CREATE TEMP TABLE ck_result (
    sort      serial,
    figure    text,
    grp       text,
    measure   text,
    measured  numeric,
    tolerance numeric,      -- absolute; NULL: see the text rule
    shown     text,         -- the measured value, when not a number
    ok        boolean       -- for text rules
);

INSERT INTO ck_result (figure, grp, measure, measured, tolerance)
SELECT 'fig1', band, 'share_of_users',
       round(100.0 * count(*) / sum(count(*)) OVER (), 2), 0.5
FROM ck_user GROUP BY band ORDER BY band;

INSERT INTO ck_result (figure, grp, measure, measured, tolerance)
SELECT 'fig1', band, 'share_of_population',
       round(100.0 * count(*) / sum(count(*)) OVER (), 2), 0.1
FROM ck_person GROUP BY band ORDER BY band;

INSERT INTO ck_result (figure, grp, measure, measured, tolerance)
SELECT 'fig2', pub.grp, 'pct_using', round(m.pct, 2), 1
FROM (SELECT p.decile, 100.0 * count(u.bsn) / count(*) AS pct
      FROM ck_person p LEFT JOIN ck_user u USING (bsn)
      WHERE p.decile IS NOT NULL
      GROUP BY p.decile) m
JOIN ck_pub pub ON pub.figure = 'fig2'
    AND substring(pub.grp FROM '^[0-9]+')::int = m.decile
ORDER BY m.decile;

INSERT INTO ck_result (figure, grp, measure, measured, tolerance)
SELECT 'fig3', g, 'mean_visit_seconds', round(avg(seconds), 1),
       0.05 * (SELECT value::numeric FROM ck_pub
               WHERE figure = 'fig3' AND grp = g)
FROM (SELECT coalesce(young, band) AS g, seconds FROM ck_pv) v
GROUP BY g ORDER BY g;

-- Users at the scale of the register (persons / 17,081,507), per 1.0.
INSERT INTO ck_result (figure, grp, measure, measured, tolerance, shown)
SELECT 'text', 'all', 'unique_users_week', round(count(*) / scale),
       0.02 * 1300000,
       format('%s at scale %s: %s', count(*), round(scale, 4),
              round(count(*) / scale))
FROM ck_user,
     (SELECT count(*) / 17081507.0 AS scale FROM mo_staging.person) s
GROUP BY scale;

INSERT INTO ck_result (figure, grp, measure, measured, tolerance)
SELECT 'text', 'all', 'pct_users_one_visit',
       round(100.0 * count(*) FILTER (WHERE visits = 1) / count(*), 2), 1
FROM ck_user;

INSERT INTO ck_result (figure, grp, measure, measured, ok)
SELECT 'text', 'all', 'mean_visit_seconds', round(avg(seconds), 1),
       avg(seconds) BETWEEN 180 AND 200
FROM ck_pv;

INSERT INTO ck_result (figure, grp, measure, measured, tolerance)
SELECT 'text', 'all', 'mean_pages_per_visit', round(avg(pages), 2), 0.5
FROM ck_pv;

INSERT INTO ck_result (figure, grp, measure, shown, ok)
SELECT 'text', 'weekday', 'most_users',
       string_agg(to_char(day, 'FMday') || ' ' || users, ', ' ORDER BY day),
       (array_agg(to_char(day, 'FMday') ORDER BY users DESC))[1] = 'tuesday'
       AND (array_agg(to_char(day, 'FMday') ORDER BY users))[1] = 'sunday'
FROM (SELECT (l.ts AT TIME ZONE 'Europe/Amsterdam')::date AS day,
             count(DISTINCT i.bsn) AS users
      FROM mo_staging.portal_log l
      JOIN ck_id i ON i.raw = l.bsn AND i.linked
      JOIN ck_person p ON p.bsn = i.bsn
      CROSS JOIN ck_window w
      WHERE l.ts >= w.ws AND l.ts < w.we AND l.event IN ('login', 'page')
      GROUP BY 1) d;

-- Login hours: weekend logins mostly 09:00-15:00, weekday ones spread
-- over the day and the evening (rule: weekend 09-15 at least 50 %, weekday
-- 09-15 below 50 % and weekday 18-24 at least 20 %).
INSERT INTO ck_result (figure, grp, measure, shown, ok)
SELECT 'text', 'weekend', 'login_hours',
       format('weekend 09-15 %s %%, weekday 09-15 %s %%, weekday 18-24 %s %%',
              round(we915, 1), round(wd915, 1), round(wd1824, 1)),
       we915 >= 50 AND wd915 < 50 AND wd1824 >= 20
FROM (SELECT 100.0 * avg((h BETWEEN 9 AND 14)::int) FILTER (WHERE weekend)
                 AS we915,
             100.0 * avg((h BETWEEN 9 AND 14)::int) FILTER (WHERE NOT weekend)
                 AS wd915,
             100.0 * avg((h >= 18)::int) FILTER (WHERE NOT weekend) AS wd1824
      FROM (SELECT extract(hour FROM l.ts AT TIME ZONE 'Europe/Amsterdam')
                       AS h,
                   extract(isodow FROM l.ts AT TIME ZONE 'Europe/Amsterdam')
                       >= 6 AS weekend
            FROM mo_staging.portal_log l
            JOIN ck_id i ON i.raw = l.bsn AND i.linked
            JOIN ck_person p ON p.bsn = i.bsn
            CROSS JOIN ck_window w
            WHERE l.ts >= w.ws AND l.ts < w.we AND l.event = 'login') x) s;

INSERT INTO ck_result (figure, grp, measure, shown, ok)
SELECT 'text', 'sex', 'mean_visit_seconds',
       format('men %s s, women %s s', round(m, 1), round(f, 1)), m > f
FROM (SELECT avg(seconds) FILTER (WHERE sex = 'M') AS m,
             avg(seconds) FILTER (WHERE sex = 'F') AS f
      FROM ck_pv) s;

INSERT INTO ck_result (figure, grp, measure, shown, ok)
SELECT 'text', 'period', 'observation_week',
       (min(l.ts) AT TIME ZONE 'Europe/Amsterdam')::date || '/'
       || (max(l.ts) AT TIME ZONE 'Europe/Amsterdam')::date,
       (min(l.ts) AT TIME ZONE 'Europe/Amsterdam')::date = w.day0
       AND (max(l.ts) AT TIME ZONE 'Europe/Amsterdam')::date = w.day0 + 6
FROM mo_staging.portal_log l, ck_window w
WHERE l.ts >= w.ws AND l.ts < w.we
GROUP BY w.day0;

-- The study's text: groups that use the portal less than their
-- counterparts (percent of persons aged 14+ who are users).
INSERT INTO ck_result (figure, grp, measure, shown, ok)
SELECT 'text', grp, 'pct_using',
       format('%s %s %% against %s %s %%', a, round(pa, 2), b, round(pb, 2)),
       pa < pb
FROM (SELECT 'women' AS a, 'men' AS b,
             100.0 * count(u.bsn) FILTER (WHERE p.sex = 'F')
                 / count(*) FILTER (WHERE p.sex = 'F') AS pa,
             100.0 * count(u.bsn) FILTER (WHERE p.sex = 'M')
                 / count(*) FILTER (WHERE p.sex = 'M') AS pb,
             'sex' AS grp
      FROM ck_person p LEFT JOIN ck_user u USING (bsn)
      UNION ALL
      SELECT 'non-western', 'Dutch',
             100.0 * count(u.bsn) FILTER (WHERE p.mig = 'non-western')
                 / count(*) FILTER (WHERE p.mig = 'non-western'),
             100.0 * count(u.bsn) FILTER (WHERE p.mig = 'Dutch')
                 / count(*) FILTER (WHERE p.mig = 'Dutch'),
             'migration background'
      FROM ck_person p LEFT JOIN ck_user u USING (bsn)
      UNION ALL
      SELECT 'non-western', 'western',
             100.0 * count(u.bsn) FILTER (WHERE p.mig = 'non-western')
                 / count(*) FILTER (WHERE p.mig = 'non-western'),
             100.0 * count(u.bsn) FILTER (WHERE p.mig = 'western')
                 / count(*) FILTER (WHERE p.mig = 'western'),
             'migration background'
      FROM ck_person p LEFT JOIN ck_user u USING (bsn)
      UNION ALL
      SELECT 'below the social minimum', 'not below',
             100.0 * count(u.bsn) FILTER (WHERE p.below_min)
                 / count(*) FILTER (WHERE p.below_min),
             100.0 * count(u.bsn) FILTER (WHERE NOT p.below_min)
                 / count(*) FILTER (WHERE NOT p.below_min),
             'social minimum'
      FROM ck_person p LEFT JOIN ck_user u USING (bsn)) c;

-- What the delivery holds besides: for the linkage report (no tolerance).
INSERT INTO ck_result (figure, grp, measure, shown)
SELECT 'delivery', 'log', 'lines',
       format('%s lines: %s with an invalid BSN (%s %%), %s with a valid BSN '
              'outside the register (%s %%), %s with 8 digits',
              sum(lines),
              sum(lines) FILTER (WHERE NOT valid),
              round(100.0 * sum(lines) FILTER (WHERE NOT valid) / sum(lines), 3),
              sum(lines) FILTER (WHERE valid AND NOT linked),
              round(100.0 * sum(lines) FILTER (WHERE valid AND NOT linked)
                    / sum(lines), 3),
              sum(lines) FILTER (WHERE length(raw) = 8))
FROM ck_id;

INSERT INTO ck_result (figure, grp, measure, shown)
SELECT 'delivery', 'visits', 'channel and logout',
       format('%s visits: %s %% on the app, %s %% end with a logout, '
              '%s %% of one page',
              count(*),
              round(100.0 * avg((channel = 'app')::int), 1),
              round(100.0 * avg(logout::int), 1),
              round(100.0 * avg((pages = 1)::int), 1))
FROM ck_pv;

\pset null ''
\pset footer off
SELECT r.figure, r.grp AS "group", r.measure,
       p.value AS published,
       coalesce(r.shown, r.measured::text) AS measured,
       CASE WHEN r.tolerance IS NOT NULL
            THEN '+- ' || round(r.tolerance * :slack, 2)
            WHEN r.figure = 'text' AND r.measure = 'mean_visit_seconds'
                 AND r.grp = 'all' THEN '180 .. 200'
       END AS tolerance,
       CASE WHEN r.figure = 'delivery' THEN ''
            WHEN coalesce(CASE WHEN r.tolerance IS NOT NULL
                               THEN abs(r.measured - p.value::numeric)
                                    <= r.tolerance * :slack
                          END, r.ok) THEN 'yes'
            ELSE 'NO'
       END AS within
FROM ck_result r
LEFT JOIN ck_pub p USING (figure, grp, measure)
ORDER BY r.sort;

SELECT format('%s of %s figures within tolerance', count(*) FILTER (WHERE ok),
              count(*)) AS summary
FROM (SELECT coalesce(CASE WHEN r.tolerance IS NOT NULL
                           THEN abs(r.measured - p.value::numeric)
                                <= r.tolerance * :slack
                      END, r.ok, false) AS ok
      FROM ck_result r
      LEFT JOIN ck_pub p USING (figure, grp, measure)
      WHERE r.figure <> 'delivery') s;

-- test/shell/analysis_second_way.sql: every published view of mo_pub
-- computed a second way, in plain SQL over the microdata (hits, persons,
-- households, rejects), without any function of the extension, and
-- compared with what the views hold.  Run by analysis_views.sh after the
-- pipeline ran with mo_usage.k = 1 and no rounding, so that the only
-- suppressed cells are those with no persons (and the cells hidden to
-- protect them).
--
-- Prints one line a view: view|cells compared|cells suppressed|cells that
-- differ (a value that is not the plain one, or a row that one side has
-- and the other has not), and a line zero|N with the number of published
-- counts that are 0 (there must be none: an empty cell is NULL).
\set ON_ERROR_STOP on
\set QUIET on
SET client_min_messages = warning;
SET search_path = pg_temp, pg_catalog;

-- The window and its zone.
CREATE TEMP TABLE x_src AS
SELECT source_id, time_zone AS tz, window_start AS ws, window_end AS we,
       (window_start AT TIME ZONE time_zone)::date AS day0
FROM mo_micro.source WHERE name = 'portal';

-- Households: their persons, the decile boundaries (the smallest income
-- whose running weight of persons reaches k tenths), the groups.
CREATE TEMP TABLE x_hh AS
SELECT h.household, h.kind, h.std_income, h.below_social_minimum,
       count(p.person) AS size
FROM mo_micro.household h
LEFT JOIN mo_micro.person p ON p.household = h.household
GROUP BY h.household;

CREATE TEMP TABLE x_bound AS
WITH w AS (
    SELECT std_income AS x, sum(size) AS n FROM x_hh
    WHERE kind = 'private' AND std_income IS NOT NULL GROUP BY std_income
), c AS (
    SELECT x, sum(n) OVER (ORDER BY x) AS cum, sum(n) OVER () AS total FROM w
)
SELECT k, min(x) AS bound
FROM c, generate_series(1, 9) AS k
WHERE 10 * cum >= k * total
GROUP BY k;

CREATE TEMP TABLE x_decile AS
SELECT h.household,
       1 + (SELECT count(*) FROM x_bound b WHERE h.std_income > b.bound)
           AS decile
FROM x_hh h
WHERE h.kind = 'private' AND h.std_income IS NOT NULL;

-- Persons with their age on the first day and their groups.
CREATE TEMP TABLE x_person AS
SELECT p.person, a.age, coalesce(a.age >= 14, false) AS in_pop,
       CASE WHEN a.age IS NULL THEN 'onbekend'
            WHEN a.age < 14 THEN 'jonger dan 14 jaar'
            WHEN a.age < 25 THEN '14 tot 25 jaar'
            WHEN a.age < 35 THEN '25 tot 35 jaar'
            WHEN a.age < 45 THEN '35 tot 45 jaar'
            WHEN a.age < 55 THEN '45 tot 55 jaar'
            WHEN a.age < 65 THEN '55 tot 65 jaar'
            WHEN a.age < 75 THEN '65 tot 75 jaar'
            ELSE '75 jaar of ouder' END AS age_group,
       CASE WHEN a.age >= 14 AND a.age < 18 THEN '14 tot 18 jaar'
            WHEN a.age >= 18 AND a.age < 25 THEN '18 tot 25 jaar' END
           AS young,
       CASE p.sex WHEN 'M' THEN 'man' WHEN 'F' THEN 'vrouw'
                  ELSE 'onbekend' END AS sex,
       CASE p.migration_background
           WHEN 'Dutch' THEN 'Nederlandse achtergrond'
           WHEN 'western' THEN 'westerse migratieachtergrond'
           WHEN 'non-western' THEN 'niet-westerse migratieachtergrond'
           ELSE 'onbekend' END AS migration_background,
       CASE WHEN d.decile IS NULL THEN 'niet ingedeeld'
            WHEN d.decile = 1 THEN '1e decielgroep (laagste inkomen)'
            WHEN d.decile = 10 THEN '10e decielgroep (hoogste inkomen)'
            ELSE d.decile || 'e decielgroep' END AS income_decile,
       CASE WHEN h.kind IS DISTINCT FROM 'private'
                 OR h.below_social_minimum IS NULL THEN 'niet ingedeeld'
            WHEN h.below_social_minimum THEN 'onder sociaal minimum'
            ELSE 'niet onder sociaal minimum' END AS social_minimum,
       coalesce(p.municipality, 'onbekend') AS municipality
FROM mo_micro.person p
CROSS JOIN x_src s
LEFT JOIN x_hh h ON h.household = p.household
LEFT JOIN x_decile d ON d.household = p.household
CROSS JOIN LATERAL (
    SELECT date_part('year', age(s.day0, p.birth_date))::integer AS age) a;

CREATE TEMP TABLE x_cat AS
SELECT person, in_pop, d.dimension, d.category
FROM x_person
CROSS JOIN LATERAL (VALUES
    ('age_group', age_group),
    ('age_group_detail', coalesce(young, age_group)),
    ('sex', sex),
    ('migration_background', migration_background),
    ('income_decile', income_decile),
    ('social_minimum', social_minimum),
    ('municipality', municipality)) d (dimension, category);

-- Visits: a person's events on one channel in order of time and seq, a
-- new one at a login, after a logout and after more than 30 minutes; a
-- logout that would start one is part of none.
CREATE TEMP TABLE x_visit AS
WITH ev AS (
    SELECT h.person, h.channel, h.ts, h.seq, h.event,
           CASE WHEN lag(h.ts) OVER w IS NULL OR h.event = 'L'
                     OR lag(h.event) OVER w = 'O'
                     OR h.ts - lag(h.ts) OVER w > interval '30 minutes'
                THEN 1 ELSE 0 END AS starts
    FROM mo_micro.hit h JOIN x_src s ON s.source_id = h.source_id
    WHERE h.event <> 'T'
    WINDOW w AS (PARTITION BY h.person, h.channel ORDER BY h.ts, h.seq)
), numbered AS (
    SELECT ev.*, sum(starts) OVER (PARTITION BY person, channel
                                   ORDER BY ts, seq ROWS UNBOUNDED PRECEDING)
                     AS n
    FROM ev
)
SELECT person, channel, min(ts) AS start_ts,
       extract(epoch FROM max(ts) - min(ts))::double precision AS seconds,
       count(*) FILTER (WHERE event <> 'O') AS pages
FROM numbered
GROUP BY person, channel, n
HAVING count(*) FILTER (WHERE event <> 'O') > 0;

-- The visits the tables count: of the population, starting in the window.
CREATE TEMP TABLE x_pv AS
SELECT v.*, (v.start_ts AT TIME ZONE s.tz)::date AS day,
       extract(hour FROM v.start_ts AT TIME ZONE s.tz)::integer AS hour,
       extract(isodow FROM v.start_ts AT TIME ZONE s.tz)::integer AS isodow,
       count(*) OVER (PARTITION BY v.person) AS person_visits,
       count(*) OVER (PARTITION BY v.person, v.channel) AS channel_visits
FROM x_visit v
CROSS JOIN x_src s
JOIN x_person p ON p.person = v.person AND p.in_pop
WHERE v.start_ts >= s.ws AND v.start_ts < s.we;

-- Expected and published rows, keyed by view and row, as JSON objects of
-- their columns, so that every column of a view is compared.
CREATE TEMP TABLE x_expect (view text, key text, r jsonb);
CREATE TEMP TABLE x_got (view text, key text, r jsonb);

-- users_by_group: users and population of every group, with the total.
CREATE TEMP TABLE x_ug AS
WITH u AS (SELECT DISTINCT person FROM x_pv),
c AS (
    SELECT c.dimension, c.category, count(u.person) AS users,
           count(*) AS population
    FROM x_cat c LEFT JOIN u ON u.person = c.person
    WHERE c.in_pop
    GROUP BY c.dimension, c.category
    UNION ALL
    SELECT d.dimension, 'totaal', (SELECT count(*) FROM u),
           (SELECT count(*) FROM x_person WHERE in_pop)
    FROM (SELECT DISTINCT dimension FROM x_cat) d
)
SELECT c.*, round(100.0 * users / population, 2) AS pct_using,
       round(100.0 * users / sum(users) FILTER (WHERE category = 'totaal')
                                 OVER (PARTITION BY dimension), 2)
           AS share_of_users,
       round(100.0 * population
             / sum(population) FILTER (WHERE category = 'totaal')
                   OVER (PARTITION BY dimension), 2) AS share_of_population
FROM c;
INSERT INTO x_expect
SELECT 'users_by_group', dimension || '/' || category, to_jsonb(t) FROM x_ug t;
INSERT INTO x_got
SELECT 'users_by_group', dimension || '/' || category, to_jsonb(t)
FROM mo_pub.users_by_group t;

-- users_by_municipality: the same for municipalities, with their names.
INSERT INTO x_expect
SELECT 'users_by_municipality', t.category,
       jsonb_build_object('users', t.users, 'population', t.population,
                          'pct_using', t.pct_using,
                          'share_of_users', t.share_of_users,
                          'share_of_population', t.share_of_population,
                          'municipality', coalesce(m.name, t.category))
FROM x_ug t LEFT JOIN mo_micro.municipality m ON m.code = t.category
WHERE t.dimension = 'municipality';
INSERT INTO x_got
SELECT 'users_by_municipality', municipality_code, to_jsonb(t)
FROM mo_pub.users_by_municipality t;

-- visits_by_group: the visits of every group and channel, with the total.
CREATE TEMP TABLE x_vg AS
WITH c AS (
    SELECT c.dimension, c.category, v.person, v.seconds, v.pages,
           v.person_visits AS n
    FROM x_pv v JOIN x_cat c ON c.person = v.person
    UNION ALL
    SELECT 'channel', CASE v.channel WHEN 'A' THEN 'app' ELSE 'web' END,
           v.person, v.seconds, v.pages, v.channel_visits
    FROM x_pv v
    UNION ALL
    SELECT d.dimension, 'totaal', v.person, v.seconds, v.pages,
           v.person_visits
    FROM x_pv v
    CROSS JOIN (SELECT DISTINCT dimension FROM x_cat
                UNION SELECT 'channel') d
)
SELECT dimension, category, count(DISTINCT person) AS users,
       count(*) AS visits,
       round(count(*)::numeric / count(DISTINCT person), 2)
           AS visits_per_user,
       round(100.0 * count(DISTINCT person) FILTER (WHERE n = 1)
             / count(DISTINCT person), 2) AS pct_one_visit,
       round((sum(seconds) / count(*))::numeric, 1) AS mean_visit_seconds,
       round(sum(pages)::numeric / count(*), 2) AS mean_pages_per_visit,
       round((sum(seconds) FILTER (WHERE pages >= 2)
              / sum(pages - 1) FILTER (WHERE pages >= 2))::numeric, 1)
           AS seconds_per_page
FROM c
GROUP BY dimension, category;
INSERT INTO x_expect
SELECT 'visits_by_group', dimension || '/' || category, to_jsonb(t)
FROM x_vg t;
INSERT INTO x_got
SELECT 'visits_by_group', dimension || '/' || category, to_jsonb(t)
FROM mo_pub.visits_by_group t;

-- visits_per_user: users by their number of visits.
INSERT INTO x_expect
SELECT 'visits_per_user', cls,
       jsonb_build_object('users', n,
                          'share_of_users',
                          round(100.0 * n / (SELECT count(DISTINCT person)
                                             FROM x_pv), 2))
FROM (SELECT coalesce(l.cls, 'totaal') AS cls, count(u.person) AS n
      FROM (SELECT person,
                   CASE WHEN count(*) >= 10 THEN '10 bezoeken of meer'
                        WHEN count(*) >= 5 THEN '5 tot 10 bezoeken'
                        WHEN count(*) = 1 THEN '1 bezoek'
                        ELSE count(*) || ' bezoeken' END AS cls
            FROM x_pv GROUP BY person) u
      -- every class has a row (when there are users), those without too
      RIGHT JOIN unnest('{1 bezoek,2 bezoeken,3 bezoeken,4 bezoeken,5 tot 10 bezoeken,10 bezoeken of meer}'::text[])
          l (cls) ON l.cls = u.cls
      WHERE EXISTS (SELECT FROM x_pv)
      GROUP BY ROLLUP (l.cls)) t;
INSERT INTO x_got
SELECT 'visits_per_user', visits_class, to_jsonb(t)
FROM mo_pub.visits_per_user t;

-- visits_by_pages: visits by their number of pages.
INSERT INTO x_expect
SELECT 'visits_by_pages', coalesce(cls, 'totaal'),
       jsonb_build_object('users', count(DISTINCT person),
                          'visits', count(*),
                          'share_of_visits',
                          round(100.0 * count(*) / (SELECT count(*) FROM x_pv),
                                2),
                          'mean_visit_seconds',
                          round((sum(seconds) / count(*))::numeric, 1))
FROM (SELECT person, seconds,
             CASE WHEN pages >= 30 THEN '30 pagina''s of meer'
                  WHEN pages >= 20 THEN '20 tot 30 pagina''s'
                  WHEN pages >= 15 THEN '15 tot 20 pagina''s'
                  WHEN pages >= 10 THEN '10 tot 15 pagina''s'
                  WHEN pages >= 5 THEN '5 tot 10 pagina''s'
                  WHEN pages >= 2 THEN '2 tot 5 pagina''s'
                  ELSE '1 pagina' END AS cls
      FROM x_pv) v
GROUP BY ROLLUP (cls);
INSERT INTO x_got
SELECT 'visits_by_pages', pages_class, to_jsonb(t)
FROM mo_pub.visits_by_pages t;

-- users_by_day: every day of the window.
INSERT INTO x_expect
SELECT 'users_by_day', d.day::date::text,
       jsonb_build_object('users', count(DISTINCT v.person),
                          'visits', count(v.person),
                          'share_of_visits',
                          round(100.0 * count(v.person)
                                / (SELECT count(*) FROM x_pv), 2),
                          'isodow', extract(isodow FROM d.day))
FROM x_src s
CROSS JOIN generate_series(s.day0, (s.we AT TIME ZONE s.tz)::date - 1,
                           interval '1 day') d (day)
LEFT JOIN x_pv v ON v.day = d.day::date
GROUP BY d.day;
INSERT INTO x_got
SELECT 'users_by_day', day::text, to_jsonb(t) FROM mo_pub.users_by_day t;

-- visits_by_hour: weekdays and weekend days by the hour visits start.
INSERT INTO x_expect
SELECT 'visits_by_hour', k.kind || '/' || h.hour,
       jsonb_build_object('users', count(DISTINCT v.person),
                          'visits', count(v.person),
                          'share_of_visits',
                          round(100.0 * count(v.person)
                                / (SELECT count(*) FROM x_pv w
                                   WHERE (w.isodow >= 6) = (k.kind = 'weekend')),
                                2))
FROM (VALUES ('weekdag'), ('weekend')) k (kind)
CROSS JOIN generate_series(0, 23) h (hour)
LEFT JOIN x_pv v ON v.hour = h.hour AND (v.isodow >= 6) = (k.kind = 'weekend')
GROUP BY k.kind, h.hour;
INSERT INTO x_got
SELECT 'visits_by_hour', day_kind || '/' || hour, to_jsonb(t)
FROM mo_pub.visits_by_hour t;

-- user_profiles: users by group and profile, with the totals.
CREATE TEMP TABLE x_profile AS
SELECT person,
       CASE WHEN count(*) * 7 >= 2 * ((SELECT (we AT TIME ZONE tz)::date - day0
                                       FROM x_src))
            THEN 'frequent' ELSE 'sporadisch' END
       || CASE WHEN avg(seconds) >= 300 THEN ' en lang' ELSE ' en kort' END
           AS profile
FROM x_pv GROUP BY person;
-- Every category of a dimension against every profile the dimension has,
-- an empty cell too (published as suppressed), with the totals.
CREATE TEMP TABLE x_pc AS
SELECT c.dimension, c.category, p.profile, p.person
FROM x_profile p JOIN x_cat c ON c.person = p.person;
INSERT INTO x_expect
SELECT 'user_profiles', dimension || '/' || category || '/' || profile,
       jsonb_build_object('users', users,
                          'share_of_users',
                          round(100.0 * users
                                / sum(users) FILTER (WHERE profile = 'totaal')
                                      OVER (PARTITION BY dimension, category),
                                2))
FROM (SELECT g.dimension, g.category, g.profile, count(x.person) AS users
      FROM (SELECT DISTINCT dimension, category FROM x_pc) g1
      JOIN (SELECT DISTINCT dimension, profile FROM x_pc) g2 USING (dimension)
      CROSS JOIN LATERAL (SELECT g1.dimension, g1.category, g2.profile) g
      LEFT JOIN x_pc x ON x.dimension = g.dimension
                      AND x.category = g.category AND x.profile = g.profile
      GROUP BY g.dimension, g.category, g.profile
      UNION ALL
      SELECT dimension, coalesce(category, 'totaal'),
             coalesce(profile, 'totaal'), count(*)
      FROM x_pc
      GROUP BY dimension, CUBE (category, profile)
      HAVING GROUPING(category, profile) > 0) t;
INSERT INTO x_got
SELECT 'user_profiles', dimension || '/' || category || '/' || profile,
       to_jsonb(t)
FROM mo_pub.user_profiles t;

-- linkage: the log's identifiers by whether they are in the register.
INSERT INTO x_expect
SELECT 'linkage', coalesce(class, 'totaal'),
       jsonb_build_object('identifiers', sum(identifiers),
                          'lines', sum(lines))
FROM (SELECT CASE WHEN p.person IS NULL THEN 'niet in register'
                  WHEN p.in_pop THEN 'in register, 14 jaar of ouder'
                  WHEN p.age IS NULL THEN 'in register, leeftijd onbekend'
                  ELSE 'in register, jonger dan 14 jaar' END AS class,
             count(*) AS identifiers, sum(h.lines) AS lines
      FROM (SELECT person, count(*) AS lines FROM mo_micro.hit h
            JOIN x_src s ON s.source_id = h.source_id GROUP BY person) h
      LEFT JOIN x_person p ON p.person = h.person
      GROUP BY 1
      UNION ALL
      SELECT 'ongeldig of ontbrekend BSN', count(DISTINCT identifier),
             count(*)
      FROM mo_micro.reject r JOIN x_src s ON s.source_id = r.source_id
      WHERE r.delivery = 'portal_log'
        AND r.problem IN ('invalid identifier', 'missing identifier')
      -- every class has a row, those without identifiers too
      UNION ALL
      SELECT unnest('{"in register, 14 jaar of ouder","in register, jonger dan 14 jaar","in register, leeftijd onbekend",niet in register,ongeldig of ontbrekend BSN}'::text[]),
             0, 0) c
GROUP BY ROLLUP (class);
INSERT INTO x_got
SELECT 'linkage', class, to_jsonb(t) FROM mo_pub.linkage t;

-- The views over the tables above: the figures by group and the key
-- figures of the text, against the same plain numbers.
INSERT INTO x_expect
SELECT v.view, t.category, to_jsonb(t) - 'dimension' - 'category'
FROM x_ug t
JOIN (VALUES ('users_by_age_group', 'age_group'), ('users_by_sex', 'sex'),
             ('users_by_migration_background', 'migration_background'),
             ('users_by_income_decile', 'income_decile'),
             ('users_by_social_minimum', 'social_minimum')) v (view, dimension)
    ON v.dimension = t.dimension
UNION ALL
SELECT v.view, t.category, to_jsonb(t) - 'dimension' - 'category'
FROM x_vg t
JOIN (VALUES ('visits_by_age_group', 'age_group_detail'),
             ('visits_by_sex', 'sex'), ('visits_by_channel', 'channel'))
    v (view, dimension) ON v.dimension = t.dimension;
INSERT INTO x_got
SELECT 'users_by_age_group', age_group, to_jsonb(t) FROM mo_pub.users_by_age_group t
UNION ALL SELECT 'users_by_sex', sex, to_jsonb(t) FROM mo_pub.users_by_sex t
UNION ALL SELECT 'users_by_migration_background', migration_background, to_jsonb(t)
          FROM mo_pub.users_by_migration_background t
UNION ALL SELECT 'users_by_income_decile', income_decile, to_jsonb(t)
          FROM mo_pub.users_by_income_decile t
UNION ALL SELECT 'users_by_social_minimum', social_minimum, to_jsonb(t)
          FROM mo_pub.users_by_social_minimum t
UNION ALL SELECT 'visits_by_age_group', age_group, to_jsonb(t)
          FROM mo_pub.visits_by_age_group t
UNION ALL SELECT 'visits_by_sex', sex, to_jsonb(t) FROM mo_pub.visits_by_sex t
UNION ALL SELECT 'visits_by_channel', channel, to_jsonb(t)
          FROM mo_pub.visits_by_channel t;

INSERT INTO x_expect
SELECT 'key_figures', m.measure, jsonb_build_object('value', m.value)
FROM x_ug u
JOIN x_vg v ON v.dimension = u.dimension AND v.category = u.category
CROSS JOIN LATERAL (VALUES
    ('users', u.users::numeric), ('population', u.population),
    ('pct_using', u.pct_using), ('visits', v.visits),
    ('visits_per_user', v.visits_per_user),
    ('pct_users_one_visit', v.pct_one_visit),
    ('mean_visit_seconds', v.mean_visit_seconds),
    ('mean_pages_per_visit', v.mean_pages_per_visit),
    ('seconds_per_page', v.seconds_per_page)) m (measure, value)
WHERE u.dimension = 'age_group' AND u.category = 'totaal';
INSERT INTO x_got
SELECT 'key_figures', measure, to_jsonb(t) FROM mo_pub.key_figures t;

-- The comparison: every column of every published row against the plain
-- value; labels and order keys are the rows' keys, not compared.
CREATE TEMP TABLE x_cmp AS
WITH g AS (
    SELECT x.view, x.key, e.key AS col, e.value FROM x_got x, jsonb_each(x.r) e
), x AS (
    SELECT x.view, x.key, e.key AS col, e.value FROM x_expect x, jsonb_each(x.r) e
), c AS (
    SELECT coalesce(g.view, x.view) AS view, coalesce(g.key, x.key) AS key,
           coalesce(g.col, x.col) AS col, g.value AS got, x.value AS expected
    FROM g FULL JOIN x ON x.view = g.view AND x.key = g.key AND x.col = g.col
)
SELECT c.*,
       CASE WHEN got IS NULL OR expected IS NULL THEN 'differs'
            WHEN got = expected THEN 'same'
            WHEN jsonb_typeof(got) = 'number'
                 AND jsonb_typeof(expected) = 'number'
                 AND got::text::numeric = expected::text::numeric THEN 'same'
            WHEN jsonb_typeof(got) = 'null' THEN 'suppressed'
            ELSE 'differs' END AS status
FROM c
WHERE col NOT IN ('dimension', 'category', 'sort_key', 'day', 'weekday',
                  'day_kind', 'hour', 'visits_class', 'pages_class',
                  'profile', 'class', 'municipality_code', 'age_group',
                  'sex', 'channel', 'income_decile', 'social_minimum',
                  'migration_background', 'measure', 'unit');

\pset format unaligned
\pset tuples_only on
\pset fieldsep '|'
SELECT view, count(*) FILTER (WHERE status = 'same'),
       count(*) FILTER (WHERE status = 'suppressed'),
       count(*) FILTER (WHERE status = 'differs')
FROM x_cmp GROUP BY view ORDER BY view;

-- Disclosure control: no published count of persons is 0 or below k
-- (there must be none: such a cell is NULL).
SELECT 'zero', count(*) FROM x_cmp
WHERE col IN ('users', 'population', 'identifiers') AND got = '0';
SELECT 'below_k', count(*) FROM x_cmp
WHERE col IN ('users', 'population', 'identifiers')
  AND jsonb_typeof(got) = 'number' AND got::text::numeric < :k;
SELECT 'suppressed_below_k', count(*) FROM x_cmp
WHERE col IN ('users', 'population', 'identifiers')
  AND jsonb_typeof(got) = 'null' AND expected::text::numeric < :k;

-- Nor can a hidden count be read off the measures of its row: where the
-- users (identifiers) of a row are hidden, so is everything computed from
-- them.
SELECT 'leak', count(*) FROM x_got x, jsonb_each(x.r) e
WHERE coalesce(x.r -> 'users', x.r -> 'identifiers') = 'null'
  AND e.key IN ('pct_using', 'share_of_users', 'visits', 'visits_per_user',
                'pct_one_visit', 'mean_visit_seconds', 'mean_pages_per_visit',
                'seconds_per_page', 'share_of_visits', 'lines')
  AND jsonb_typeof(e.value) <> 'null';

-- Differences, for the test's diagnostics.
\o /dev/stderr
SELECT '# differs: ' || view || ' ' || key || ' ' || col || ' got '
       || coalesce(got::text, 'no row') || ' expected '
       || coalesce(expected::text, 'no row')
FROM x_cmp WHERE status = 'differs'
ORDER BY view, key, col LIMIT 20;
\o

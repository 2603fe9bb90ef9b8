-- Part: the published tables.
--
-- Materialized views in mo_pub answer the study: who uses the portal
-- against the population, how long and how often, on which days and at
-- which hours.  They are computed at refresh (refresh_published) from the
-- microdata of the portal source and its window (mo_micro.study), and are
-- what the reporting role may read.
--
-- Disclosure control, the same everywhere:
--   - a count of persons is published only when it reaches mo_usage.k, and
--     a one- or two-way table is secondarily suppressed so that no
--     suppressed count can be worked out from its line's published cells
--     and total (suppress_one_way, suppress_two_way); published counts are
--     rounded with k_round (mo_usage.rounding_base);
--   - a share is NULL when its part or its whole is;
--   - a mean, and every other measure of a row, is NULL when the row's
--     count of persons is.
-- Groups without a value get a label (onbekend, niet ingedeeld), never
-- NULL; each table's total is the row labelled totaal.
--
-- The population is the register's persons aged 14 or more on the first
-- day of the window; its users are those of them with a visit that starts
-- in the window.

-- Each person once per dimension the tables count by.
CREATE VIEW mo_micro.person_category AS
SELECT g.person, g.in_population, d.dimension, d.category
FROM mo_micro.person_group g
CROSS JOIN LATERAL (VALUES
    ('age_group', g.age_group),
    ('age_group_detail', g.age_group_detail),
    ('sex', g.sex),
    ('migration_background', g.migration_background),
    ('income_decile', g.income_decile),
    ('social_minimum', g.social_minimum),
    ('municipality', g.municipality)) d (dimension, category);
COMMENT ON VIEW mo_micro.person_category IS
    'each register person once per dimension (age_group, age_group_detail, sex, migration_background, income_decile, social_minimum, municipality) with the category the person falls in';

-- The visits of the population.
CREATE VIEW mo_micro.population_visit AS
SELECT v.*
FROM mo_micro.study_visit v
JOIN mo_micro.person_group g ON g.person = v.person
WHERE g.in_population;
COMMENT ON VIEW mo_micro.population_visit IS
    'the visits of mo_micro.study_visit made by persons of the population (in the register, aged 14 or more)';

GRANT SELECT ON mo_micro.person_category, mo_micro.population_visit
    TO mo_usage_loader;

-- The place of a category among its dimension's: the listed order, then by
-- label; the total last.
CREATE FUNCTION mo_usage.category_position(dimension text, category text)
RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = mo_usage, pg_catalog
RETURN CASE WHEN category = 'totaal' THEN 1000000
            ELSE coalesce(array_position(category_labels(dimension),
                                         category), 1000) END;
COMMENT ON FUNCTION mo_usage.category_position(text, text) IS
    'order key of a category within its dimension: its place in category_labels, 1000 for unlisted ones (then ordered by label), the total last';

GRANT EXECUTE ON FUNCTION mo_usage.category_position(text, text)
    TO mo_usage_loader;

-- Users and population by group (figures 1 and 2).
CREATE MATERIALIZED VIEW mo_pub.users_by_group AS
WITH usr AS (
    SELECT DISTINCT v.person FROM mo_micro.study_visit v
), combination AS (
    -- the population counted once by all its groups together, then spread
    -- over the dimensions as mo_micro.person_category does person by
    -- person: a person is in one combination and once in each dimension,
    -- so the sums count every person once
    SELECT g.age_group, g.age_group_detail, g.sex, g.migration_background,
           g.income_decile, g.social_minimum, g.municipality,
           count(u.person) AS users, count(*) AS population
    FROM mo_micro.person_group g
    LEFT JOIN usr u ON u.person = g.person
    WHERE g.in_population
    GROUP BY g.age_group, g.age_group_detail, g.sex, g.migration_background,
             g.income_decile, g.social_minimum, g.municipality
), cell AS (
    SELECT d.dimension, d.category, sum(c.users)::bigint AS users,
           sum(c.population)::bigint AS population
    FROM combination c
    CROSS JOIN LATERAL (VALUES
        ('age_group', c.age_group),
        ('age_group_detail', c.age_group_detail),
        ('sex', c.sex),
        ('migration_background', c.migration_background),
        ('income_decile', c.income_decile),
        ('social_minimum', c.social_minimum),
        ('municipality', c.municipality)) d (dimension, category)
    GROUP BY d.dimension, d.category
), tab AS (
    SELECT dimension, array_agg(category ORDER BY category) AS labels,
           array_agg(users ORDER BY category) AS users,
           array_agg(population ORDER BY category) AS population
    FROM cell GROUP BY dimension
), sup AS MATERIALIZED (
    SELECT t.dimension, s.label, s.count AS users, NULL::bigint AS population
    FROM tab t CROSS JOIN LATERAL mo_usage.suppress_one_way(t.labels, t.users) s
    UNION ALL
    SELECT t.dimension, s.label, NULL, s.count
    FROM tab t
    CROSS JOIN LATERAL mo_usage.suppress_one_way(t.labels, t.population) s
), pub AS (
    SELECT dimension, coalesce(label, 'totaal') AS category,
           mo_usage.k_round(max(users)) AS users,
           mo_usage.k_round(max(population)) AS population
    FROM sup
    GROUP BY dimension, label
)
SELECT dimension, category,
       row_number() OVER (PARTITION BY dimension
                          ORDER BY mo_usage.category_position(dimension, category),
                                   category)::integer AS sort_key,
       users, population,
       mo_usage.k_share(users, population, 2) AS pct_using,
       mo_usage.k_share(users, max(users) FILTER (WHERE category = 'totaal')
                               OVER (PARTITION BY dimension), 2)
           AS share_of_users,
       mo_usage.k_share(population,
                        max(population) FILTER (WHERE category = 'totaal')
                        OVER (PARTITION BY dimension), 2)
           AS share_of_population
FROM pub;
CREATE UNIQUE INDEX ON mo_pub.users_by_group (dimension, category);
COMMENT ON MATERIALIZED VIEW mo_pub.users_by_group IS
    'users and population by age group, sex, migration background, income decile, social minimum and municipality: counts, share using, shares of all users and of the population';

-- Visits by group (figure 3, time per page, visits per user).
CREATE MATERIALIZED VIEW mo_pub.visits_by_group AS
WITH v AS (
    SELECT v.person, v.channel, v.seconds, v.pages,
           count(*) OVER (PARTITION BY v.person) AS person_visits,
           count(*) OVER (PARTITION BY v.person, v.channel) AS channel_visits
    FROM mo_micro.population_visit v
), counted AS (
    -- each visit once in every dimension, and once as the total
    SELECT c.dimension, c.category, v.person, v.seconds, v.pages,
           v.person_visits AS visits_in_cell
    FROM v JOIN mo_micro.person_category c ON c.person = v.person
    UNION ALL
    SELECT 'channel', CASE v.channel WHEN 'A' THEN 'app' ELSE 'web' END,
           v.person, v.seconds, v.pages, v.channel_visits
    FROM v
    UNION ALL
    SELECT NULL, NULL, v.person, v.seconds, v.pages, v.person_visits
    FROM v
), cell AS (
    SELECT dimension, category,
           mo_usage.distinct_persons(person) AS users,
           count(*) AS visits,
           sum(seconds) AS seconds,
           sum(pages) AS pages,
           mo_usage.k_persons(person) FILTER (WHERE visits_in_cell = 1)
               AS one_visit_users,
           mo_usage.k_persons(person) FILTER (WHERE pages >= 2)
               AS multi_page_users,
           sum(seconds) FILTER (WHERE pages >= 2) AS multi_page_seconds,
           sum(pages - 1) FILTER (WHERE pages >= 2) AS transitions
    FROM counted
    GROUP BY dimension, category
), dim AS (
    -- a dimension's cells and the total, which is the same for all
    SELECT d.dimension, c.category, c.users, c.visits, c.seconds, c.pages,
           c.one_visit_users, c.multi_page_users, c.multi_page_seconds,
           c.transitions
    FROM (SELECT DISTINCT dimension FROM cell WHERE dimension IS NOT NULL) d
    JOIN cell c ON c.dimension = d.dimension OR c.dimension IS NULL
), sup AS MATERIALIZED (
    SELECT t.dimension, s.label, s.count
    FROM (SELECT dimension, array_agg(category ORDER BY category) AS labels,
                 array_agg(users ORDER BY category) AS users
          FROM dim GROUP BY dimension) t
    CROSS JOIN LATERAL mo_usage.suppress_one_way(t.labels, t.users) s
), pub AS (
    SELECT d.dimension, coalesce(d.category, 'totaal') AS category,
           mo_usage.k_round(s.count) AS users, d.users AS persons, d.visits,
           d.seconds, d.pages, d.one_visit_users, d.multi_page_users,
           d.multi_page_seconds, d.transitions
    FROM sup s
    JOIN dim d ON d.dimension = s.dimension
              AND d.category IS NOT DISTINCT FROM s.label
)
SELECT dimension, category,
       row_number() OVER (PARTITION BY dimension
                          ORDER BY mo_usage.category_position(dimension, category),
                                   category)::integer AS sort_key,
       users,
       CASE WHEN users IS NOT NULL THEN visits END AS visits,
       CASE WHEN users IS NOT NULL
            THEN round(visits::numeric / persons, 2) END AS visits_per_user,
       mo_usage.k_share(mo_usage.k_round(one_visit_users), users, 2)
           AS pct_one_visit,
       CASE WHEN users IS NOT NULL
            THEN round((seconds / visits)::numeric, 1) END
           AS mean_visit_seconds,
       CASE WHEN users IS NOT NULL
            THEN round(pages::numeric / visits, 2) END
           AS mean_pages_per_visit,
       CASE WHEN users IS NOT NULL AND multi_page_users IS NOT NULL
            THEN round((multi_page_seconds / transitions)::numeric, 1) END
           AS seconds_per_page
FROM pub;
CREATE UNIQUE INDEX ON mo_pub.visits_by_group (dimension, category);
COMMENT ON MATERIALIZED VIEW mo_pub.visits_by_group IS
    'visits of the population by age group (with 14 tot 18 and 18 tot 25 apart), sex, migration background, income decile, social minimum and channel: users, visits per user, share with one visit, mean time per visit, pages per visit, time per page';

-- Users by their number of visits in the window.
CREATE MATERIALIZED VIEW mo_pub.visits_per_user AS
WITH cell AS (
    SELECT CASE WHEN u.visits >= 10 THEN '10 bezoeken of meer'
                WHEN u.visits >= 5 THEN '5 tot 10 bezoeken'
                WHEN u.visits = 1 THEN '1 bezoek'
                ELSE u.visits || ' bezoeken' END AS visits_class,
           mo_usage.distinct_persons(u.person) AS users
    FROM (SELECT v.person, count(*) AS visits
          FROM mo_micro.population_visit v
          GROUP BY v.person) u
    GROUP BY 1
), pub AS (
    SELECT coalesce(s.label, 'totaal') AS visits_class,
           mo_usage.k_round(s.count) AS users
    -- every class has a row; one without users is a suppressed 0
    FROM (SELECT array_agg(l.label ORDER BY l.label) AS labels,
                 array_agg(coalesce(c.users, 0) ORDER BY l.label) AS users
          FROM unnest(mo_usage.category_labels('visits_per_user')) l (label)
          LEFT JOIN cell c ON c.visits_class = l.label
          HAVING count(c.visits_class) > 0) t
    CROSS JOIN LATERAL mo_usage.suppress_one_way(t.labels, t.users) s
)
SELECT visits_class,
       row_number() OVER (ORDER BY mo_usage.category_position(
                              'visits_per_user', visits_class))::integer
           AS sort_key,
       users,
       mo_usage.k_share(users, max(users) FILTER (WHERE visits_class = 'totaal')
                               OVER (), 2) AS share_of_users
FROM pub;
CREATE UNIQUE INDEX ON mo_pub.visits_per_user (visits_class);
COMMENT ON MATERIALIZED VIEW mo_pub.visits_per_user IS
    'users by their number of visits in the window (1, 2, 3, 4, 5 tot 10, 10 of meer): counts and shares of all users';

-- Visits by their number of pages.
CREATE MATERIALIZED VIEW mo_pub.visits_by_pages AS
WITH cell AS (
    SELECT pages_class, mo_usage.distinct_persons(person) AS users,
           count(*) AS visits, sum(seconds) AS seconds
    FROM (SELECT v.person, v.seconds,
                 CASE WHEN v.pages >= 30 THEN '30 pagina''s of meer'
                      WHEN v.pages >= 20 THEN '20 tot 30 pagina''s'
                      WHEN v.pages >= 15 THEN '15 tot 20 pagina''s'
                      WHEN v.pages >= 10 THEN '10 tot 15 pagina''s'
                      WHEN v.pages >= 5 THEN '5 tot 10 pagina''s'
                      WHEN v.pages >= 2 THEN '2 tot 5 pagina''s'
                      ELSE '1 pagina' END AS pages_class
          FROM mo_micro.population_visit v) v
    GROUP BY GROUPING SETS ((pages_class), ())
), sup AS MATERIALIZED (
    -- a person's visits may fall in several classes: the true total goes in
    SELECT s.label, s.count
    FROM (SELECT array_agg(pages_class ORDER BY pages_class) AS labels,
                 array_agg(users ORDER BY pages_class) AS users
          FROM cell HAVING count(*) > 1) t
    CROSS JOIN LATERAL mo_usage.suppress_one_way(t.labels, t.users) s
), pub AS (
    SELECT coalesce(s.label, 'totaal') AS pages_class,
           mo_usage.k_round(s.count) AS users, c.visits, c.seconds
    FROM sup s
    JOIN cell c ON c.pages_class IS NOT DISTINCT FROM s.label
)
SELECT pages_class,
       row_number() OVER (ORDER BY mo_usage.category_position(
                              'pages_per_visit', pages_class))::integer
           AS sort_key,
       users,
       CASE WHEN users IS NOT NULL THEN visits END AS visits,
       CASE WHEN users IS NOT NULL THEN
           mo_usage.k_share(visits, max(visits) FILTER (
                                WHERE pages_class = 'totaal') OVER (), 2)
       END AS share_of_visits,
       CASE WHEN users IS NOT NULL
            THEN round((seconds / visits)::numeric, 1) END
           AS mean_visit_seconds
FROM pub;
CREATE UNIQUE INDEX ON mo_pub.visits_by_pages (pages_class);
COMMENT ON MATERIALIZED VIEW mo_pub.visits_by_pages IS
    'visits by their number of pages (1, 2 tot 5, ..., 30 of meer): visits, their users, share of all visits, mean time per visit';

-- Users and visits by day of the window.
CREATE MATERIALIZED VIEW mo_pub.users_by_day AS
WITH cell AS (
    SELECT v.local_date AS day, mo_usage.distinct_persons(v.person) AS users,
           count(*) AS visits
    FROM mo_micro.population_visit v
    GROUP BY GROUPING SETS ((v.local_date), ())
), grid AS (
    -- every day of the window, the total last
    SELECT d.day::date AS day, coalesce(c.users, 0) AS users,
           coalesce(c.visits, 0) AS visits
    FROM mo_micro.study w
    CROSS JOIN generate_series(w.first_day, w.last_day, interval '1 day') d (day)
    LEFT JOIN cell c ON c.day = d.day
    UNION ALL
    SELECT c.day, c.users, c.visits FROM cell c WHERE c.day IS NULL
), sup AS MATERIALIZED (
    SELECT s.label::date AS day, s.count
    FROM (SELECT array_agg(day::text ORDER BY day) AS labels,
                 array_agg(users ORDER BY day) AS users
          FROM grid) t
    CROSS JOIN LATERAL mo_usage.suppress_one_way(t.labels, t.users) s
), pub AS (
    SELECT s.day, mo_usage.k_round(s.count) AS users, g.visits,
           max(g.visits) FILTER (WHERE s.day IS NULL) OVER () AS all_visits
    FROM sup s
    JOIN grid g ON g.day IS NOT DISTINCT FROM s.day
)
SELECT day,
       extract(isodow FROM day)::integer AS isodow,
       (mo_usage.category_labels('weekday'))[extract(isodow FROM day)]
           AS weekday,
       CASE WHEN extract(isodow FROM day) >= 6 THEN 'weekend'
            ELSE 'weekdag' END AS day_kind,
       users,
       CASE WHEN users IS NOT NULL THEN visits END AS visits,
       CASE WHEN users IS NOT NULL
            THEN mo_usage.k_share(visits, all_visits, 2) END
           AS share_of_visits
FROM pub
WHERE day IS NOT NULL;
CREATE UNIQUE INDEX ON mo_pub.users_by_day (day);
COMMENT ON MATERIALIZED VIEW mo_pub.users_by_day IS
    'users and visits on each day of the window (local days of the source''s time zone), with weekday and weekday/weekend';

-- Visits by hour of the day, weekdays against weekend days.
CREATE MATERIALIZED VIEW mo_pub.visits_by_hour AS
WITH cell AS (
    SELECT day_kind, hour, mo_usage.distinct_persons(person) AS users,
           count(*) AS visits
    FROM (SELECT v.person, v.local_hour AS hour,
                 CASE WHEN v.isodow >= 6 THEN 'weekend' ELSE 'weekdag' END
                     AS day_kind
          FROM mo_micro.population_visit v) v
    GROUP BY GROUPING SETS ((day_kind, hour), (day_kind), (hour), ())
), grid AS (
    -- all 48 cells and the totals that exist
    SELECT k.day_kind, h.hour, coalesce(c.users, 0) AS users,
           coalesce(c.visits, 0) AS visits
    FROM mo_micro.study w
    CROSS JOIN (VALUES ('weekdag'), ('weekend')) k (day_kind)
    CROSS JOIN generate_series(0, 23) h (hour)
    LEFT JOIN cell c ON c.day_kind = k.day_kind AND c.hour = h.hour
    UNION ALL
    SELECT c.day_kind, c.hour, c.users, c.visits
    FROM cell c WHERE c.day_kind IS NULL OR c.hour IS NULL
), sup AS MATERIALIZED (
    SELECT s.row_label AS day_kind, s.col_label::integer AS hour, s.count
    FROM (SELECT array_agg(day_kind ORDER BY day_kind, hour) AS rows,
                 array_agg(hour::text ORDER BY day_kind, hour) AS cols,
                 array_agg(users ORDER BY day_kind, hour) AS users
          FROM grid) t
    CROSS JOIN LATERAL mo_usage.suppress_two_way(t.rows, t.cols, t.users) s
), pub AS (
    SELECT s.day_kind, s.hour, mo_usage.k_round(s.count) AS users, g.visits,
           max(g.visits) FILTER (WHERE s.hour IS NULL)
               OVER (PARTITION BY s.day_kind) AS day_kind_visits
    FROM sup s
    JOIN grid g ON g.day_kind IS NOT DISTINCT FROM s.day_kind
               AND g.hour IS NOT DISTINCT FROM s.hour
)
SELECT day_kind, hour, users,
       CASE WHEN users IS NOT NULL THEN visits END AS visits,
       CASE WHEN users IS NOT NULL
            THEN mo_usage.k_share(visits, day_kind_visits, 2) END
           AS share_of_visits
FROM pub
WHERE day_kind IS NOT NULL AND hour IS NOT NULL;
CREATE UNIQUE INDEX ON mo_pub.visits_by_hour (day_kind, hour);
COMMENT ON MATERIALIZED VIEW mo_pub.visits_by_hour IS
    'visits by the local hour they start in, on weekdays (Monday to Friday) and weekend days: visits, their users, share of the day kind''s visits';

-- User profiles: frequent against sporadic users, long against short
-- visits.  Frequent: at least two visits per seven days of the window;
-- long: visits that last five minutes or more on average.
CREATE MATERIALIZED VIEW mo_pub.user_profiles AS
WITH profile AS (
    SELECT u.person,
           CASE WHEN u.visits * 7 >= 2 * w.days THEN 'frequent'
                ELSE 'sporadisch' END
           || CASE WHEN u.mean_seconds >= 300 THEN ' en lang'
                   ELSE ' en kort' END AS profile
    FROM (SELECT v.person, count(*) AS visits, avg(v.seconds) AS mean_seconds
          FROM mo_micro.population_visit v
          GROUP BY v.person) u
    CROSS JOIN mo_micro.study w
), cell AS (
    SELECT c.dimension, c.category, p.profile,
           mo_usage.distinct_persons(p.person) AS users
    FROM profile p
    JOIN mo_micro.person_category c ON c.person = p.person
    GROUP BY c.dimension, c.category, p.profile
), pub AS (
    SELECT t.dimension, coalesce(s.row_label, 'totaal') AS category,
           coalesce(s.col_label, 'totaal') AS profile,
           mo_usage.k_round(s.count) AS users
    FROM (SELECT dimension, array_agg(category ORDER BY category, profile) AS categories,
                 array_agg(profile ORDER BY category, profile) AS profiles,
                 array_agg(users ORDER BY category, profile) AS users
          FROM cell GROUP BY dimension) t
    CROSS JOIN LATERAL mo_usage.suppress_two_way(t.categories, t.profiles,
                                                 t.users) s
)
SELECT dimension, category, profile,
       row_number() OVER (PARTITION BY dimension
                          ORDER BY mo_usage.category_position(dimension, category),
                                   category,
                                   mo_usage.category_position('profile', profile))::integer
           AS sort_key,
       users,
       mo_usage.k_share(users, max(users) FILTER (WHERE profile = 'totaal')
                               OVER (PARTITION BY dimension, category), 2)
           AS share_of_users
FROM pub;
CREATE UNIQUE INDEX ON mo_pub.user_profiles (dimension, category, profile);
COMMENT ON MATERIALIZED VIEW mo_pub.user_profiles IS
    'users by group and profile: frequent (two or more visits per seven days) or sporadic, with long (five minutes or more on average) or short visits';

-- The linkage of the log to the register.
CREATE MATERIALIZED VIEW mo_pub.linkage AS
WITH r AS (
    -- every class has a row; one without identifiers is a suppressed 0
    SELECT * FROM mo_usage.linkage_report()
), pub AS (
    SELECT coalesce(s.label, 'totaal') AS class,
           mo_usage.k_round(s.count) AS identifiers
    FROM (SELECT array_agg(class ORDER BY class) AS labels,
                 array_agg(identifiers ORDER BY class) AS counts
          FROM r HAVING sum(identifiers) > 0) t
    CROSS JOIN LATERAL mo_usage.suppress_one_way(t.labels, t.counts) s
)
SELECT p.class,
       row_number() OVER (ORDER BY mo_usage.category_position('linkage',
                                                              p.class))::integer
           AS sort_key,
       p.identifiers,
       CASE WHEN p.identifiers IS NOT NULL
            THEN coalesce(r.lines, (SELECT sum(lines) FROM r))::bigint END
           AS lines
FROM pub p
LEFT JOIN r ON r.class = p.class;
CREATE UNIQUE INDEX ON mo_pub.linkage (class);
COMMENT ON MATERIALIZED VIEW mo_pub.linkage IS
    'the portal log''s identifiers and lines by whether they link to the register: in it (aged 14 or more, younger, age unknown), not in it, invalid or missing BSN';

-- Users per municipality, with the municipality's name.
CREATE MATERIALIZED VIEW mo_pub.users_by_municipality AS
SELECT u.category AS municipality_code,
       coalesce(m.name, u.category) AS municipality,
       u.sort_key, u.users, u.population, u.pct_using, u.share_of_users,
       u.share_of_population
FROM mo_pub.users_by_group u
LEFT JOIN mo_micro.municipality m ON m.code = u.category
WHERE u.dimension = 'municipality';
CREATE UNIQUE INDEX ON mo_pub.users_by_municipality (municipality_code);
COMMENT ON MATERIALIZED VIEW mo_pub.users_by_municipality IS
    'users and population per municipality of address: counts, share using, shares of all users and of the population';

-- The study's figures, one view each, over the tables above.
CREATE VIEW mo_pub.users_by_age_group AS
SELECT category AS age_group, sort_key, users, population, pct_using,
       share_of_users, share_of_population
FROM mo_pub.users_by_group WHERE dimension = 'age_group';
COMMENT ON VIEW mo_pub.users_by_age_group IS
    'figure 1: users against the population by age group (14 tot 25 jaar ... 75 jaar of ouder)';

CREATE VIEW mo_pub.users_by_sex AS
SELECT category AS sex, sort_key, users, population, pct_using,
       share_of_users, share_of_population
FROM mo_pub.users_by_group WHERE dimension = 'sex';
COMMENT ON VIEW mo_pub.users_by_sex IS
    'users against the population by sex';

CREATE VIEW mo_pub.users_by_migration_background AS
SELECT category AS migration_background, sort_key, users, population,
       pct_using, share_of_users, share_of_population
FROM mo_pub.users_by_group WHERE dimension = 'migration_background';
COMMENT ON VIEW mo_pub.users_by_migration_background IS
    'users against the population by migration background';

CREATE VIEW mo_pub.users_by_income_decile AS
SELECT category AS income_decile, sort_key, users, population, pct_using,
       share_of_users, share_of_population
FROM mo_pub.users_by_group WHERE dimension = 'income_decile';
COMMENT ON VIEW mo_pub.users_by_income_decile IS
    'figure 2: share of persons using the portal by household-income decile group';

CREATE VIEW mo_pub.users_by_social_minimum AS
SELECT category AS social_minimum, sort_key, users, population, pct_using,
       share_of_users, share_of_population
FROM mo_pub.users_by_group WHERE dimension = 'social_minimum';
COMMENT ON VIEW mo_pub.users_by_social_minimum IS
    'share of persons using the portal below and above the social minimum';

CREATE VIEW mo_pub.visits_by_age_group AS
SELECT category AS age_group, sort_key, users, visits, visits_per_user,
       pct_one_visit, mean_visit_seconds, mean_pages_per_visit,
       seconds_per_page
FROM mo_pub.visits_by_group WHERE dimension = 'age_group_detail';
COMMENT ON VIEW mo_pub.visits_by_age_group IS
    'figure 3: mean time per visit by age group (14 tot 18 and 18 tot 25 apart), with time per page and pages per visit';

CREATE VIEW mo_pub.visits_by_sex AS
SELECT category AS sex, sort_key, users, visits, visits_per_user,
       pct_one_visit, mean_visit_seconds, mean_pages_per_visit,
       seconds_per_page
FROM mo_pub.visits_by_group WHERE dimension = 'sex';
COMMENT ON VIEW mo_pub.visits_by_sex IS
    'mean time per visit, pages per visit and time per page of men and women';

CREATE VIEW mo_pub.visits_by_channel AS
SELECT category AS channel, sort_key, users, visits, visits_per_user,
       pct_one_visit, mean_visit_seconds, mean_pages_per_visit,
       seconds_per_page
FROM mo_pub.visits_by_group WHERE dimension = 'channel';
COMMENT ON VIEW mo_pub.visits_by_channel IS
    'visits on the website against the app: users, visits, time and pages per visit';

-- The figures of the study's text, one row each.
CREATE VIEW mo_pub.key_figures AS
SELECT m.sort_key, m.measure, m.value, m.unit
-- every measure has its row, suppressed (NULL) when the tables have none
FROM (VALUES ('age_group', 'totaal')) t (dimension, category)
LEFT JOIN mo_pub.users_by_group u
    ON u.dimension = t.dimension AND u.category = t.category
LEFT JOIN mo_pub.visits_by_group v
    ON v.dimension = t.dimension AND v.category = t.category
CROSS JOIN LATERAL (VALUES
    (1, 'users', u.users::numeric, 'persons'),
    (2, 'population', u.population, 'persons'),
    (3, 'pct_using', u.pct_using, 'percent'),
    (4, 'visits', v.visits, 'visits'),
    (5, 'visits_per_user', v.visits_per_user, 'visits'),
    (6, 'pct_users_one_visit', v.pct_one_visit, 'percent'),
    (7, 'mean_visit_seconds', v.mean_visit_seconds, 'seconds'),
    (8, 'mean_pages_per_visit', v.mean_pages_per_visit, 'pages'),
    (9, 'seconds_per_page', v.seconds_per_page, 'seconds'))
    m (sort_key, measure, value, unit);
COMMENT ON VIEW mo_pub.key_figures IS
    'the figures of the study''s text for the whole population: users, share using, visits per user, share with one visit, time and pages per visit';

-- Column comments, which BI tools show.  A column means the same in every
-- published view, but where a view names it otherwise.
DO $$
DECLARE
    c record;
BEGIN
    FOR c IN
        WITH dict (view, col, text) AS (VALUES
            (NULL, 'dimension', 'what the rows are grouped by: age_group, age_group_detail (14 tot 18 and 18 tot 25 apart), sex, migration_background, income_decile, social_minimum, municipality or channel'),
            (NULL, 'category', 'the group within the dimension; totaal for all groups together'),
            (NULL, 'sort_key', 'order of the rows within the table (or the dimension), the total last'),
            (NULL, 'users', 'persons of the population with a visit in the row, each counted once; NULL: suppressed (fewer than mo_usage.k, or to protect another suppressed count)'),
            ('user_profiles', 'users', 'users of the group with the profile, each counted once; NULL: suppressed (fewer than mo_usage.k, or to protect another suppressed count)'),
            (NULL, 'population', 'persons of the register aged 14 or more on the first day of the window in the group; NULL: suppressed'),
            (NULL, 'pct_using', 'users as a percentage of the population of the group; NULL when either is suppressed'),
            (NULL, 'share_of_users', 'users of the row as a percentage of all users of the table; NULL when either is suppressed'),
            ('user_profiles', 'share_of_users', 'users with the profile as a percentage of the group''s users; NULL when either is suppressed'),
            (NULL, 'share_of_population', 'population of the row as a percentage of the whole population; NULL when either is suppressed'),
            (NULL, 'visits', 'visits starting in the window that fall in the row; NULL when the row''s users are suppressed'),
            (NULL, 'visits_per_user', 'visits divided by users: the mean number of visits of a user in the window'),
            (NULL, 'pct_one_visit', 'users with exactly one visit in the window (of the row) as a percentage of the row''s users; NULL when either count is suppressed'),
            (NULL, 'mean_visit_seconds', 'mean time per visit in seconds: time from the first to the last event of a visit (0 for a visit of one page), averaged over the visits'),
            (NULL, 'mean_pages_per_visit', 'mean number of pages (logins and page views) per visit'),
            (NULL, 'seconds_per_page', 'time per page in seconds: total time of the visits with two or more pages divided by their page transitions (pages - 1); NULL when fewer than mo_usage.k persons made such visits'),
            (NULL, 'visits_class', 'number of visits of a user in the window: 1, 2, 3, 4, 5 tot 10, 10 or more'),
            (NULL, 'pages_class', 'number of pages of a visit: 1, 2 tot 5, 5 tot 10, 10 tot 15, 15 tot 20, 20 tot 30, 30 or more'),
            (NULL, 'share_of_visits', 'visits of the row as a percentage of all visits of the table'),
            ('visits_by_hour', 'share_of_visits', 'visits of the hour as a percentage of all visits on the same kind of day (weekdag or weekend)'),
            (NULL, 'day', 'the calendar day in the source''s time zone (Europe/Amsterdam)'),
            (NULL, 'isodow', 'day of the week: 1 Monday ... 7 Sunday'),
            (NULL, 'weekday', 'name of the day of the week (maandag ... zondag)'),
            (NULL, 'day_kind', 'weekdag (Monday to Friday) or weekend (Saturday and Sunday)'),
            (NULL, 'hour', 'the hour of the clock in which visits start (0-23), in the source''s time zone'),
            (NULL, 'profile', 'frequent (two or more visits per seven days of the window) or sporadisch, with lang (mean visit of five minutes or more) or kort visits; totaal for all'),
            (NULL, 'class', 'how the log''s identifiers link to the register'),
            (NULL, 'identifiers', 'distinct identifiers (persons) in the portal log in the class; NULL: suppressed'),
            (NULL, 'lines', 'lines of the portal log in the class; NULL when the identifiers are suppressed'),
            (NULL, 'municipality_code', 'municipality code of the address (GMnnnn), onbekend or totaal'),
            (NULL, 'municipality', 'name of the municipality'),
            (NULL, 'age_group', 'age in completed years on the first day of the window, in the study''s bands; totaal for all'),
            (NULL, 'sex', 'man, vrouw or onbekend; totaal for all'),
            (NULL, 'migration_background', 'Nederlandse achtergrond, westerse or niet-westerse migratieachtergrond, onbekend; totaal for all'),
            (NULL, 'income_decile', 'decile group of standardised household income over private households with a known income, weighted by persons; niet ingedeeld for other persons; totaal for all'),
            (NULL, 'social_minimum', 'whether the private household''s income is below the social minimum; niet ingedeeld when unknown or not private; totaal for all'),
            (NULL, 'channel', 'web (the website) or app; totaal for both'),
            (NULL, 'measure', 'name of the figure'),
            (NULL, 'value', 'the figure; NULL when suppressed'),
            (NULL, 'unit', 'unit of the figure')
        )
        SELECT r.oid::regclass AS rel, a.attname,
               coalesce(own.text, any_view.text) AS text
        FROM pg_class r
        JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0
        LEFT JOIN dict own ON own.view = r.relname AND own.col = a.attname
        LEFT JOIN dict any_view ON any_view.view IS NULL
                               AND any_view.col = a.attname
        WHERE r.relnamespace = 'mo_pub'::regnamespace
          AND r.relkind IN ('v', 'm')
    LOOP
        IF c.text IS NULL THEN
            RAISE EXCEPTION 'column %.% has no description', c.rel, c.attname;
        END IF;
        EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', c.rel, c.attname,
                       c.text);
    END LOOP;
END
$$;

GRANT SELECT ON ALL TABLES IN SCHEMA mo_pub
    TO mo_usage_reader, mo_usage_loader;

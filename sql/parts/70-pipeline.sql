-- Part: the pipeline, from staging to microdata.
--
-- A delivery arrives in mo_staging with its identifiers.  The pipeline
--
--   1. pseudonymises it into mo_micro (pseudonymise_staging): BSNs and
--      household numbers become keyed pseudonyms; a row whose identifier
--      cannot be pseudonymised is kept as a reject with its position and
--      the reason, never dropped unseen; staging is emptied in the same
--      transaction;
--   2. derives each person's groups (derive_groups): persons per household,
--      the income decile of each household, and per person the age on the
--      first day of the window and the labels the published tables group by;
--   3. builds the visits (build_visits);
--   4. refreshes the published views (refresh_published, next part).
--
-- run_pipeline() runs the four in one transaction.  The portal log always
-- becomes the source named 'portal'; later deliveries of it add hits and
-- widen its window, a later register delivery replaces the register.

-- The register, keyed by pseudonym.
CREATE TABLE mo_micro.municipality (
    code        text PRIMARY KEY,
    name        text NOT NULL
);
COMMENT ON TABLE mo_micro.municipality IS
    'municipality codes (GMnnnn) and names';

CREATE TABLE mo_micro.household (
    household            bigint PRIMARY KEY,
    kind                 text NOT NULL,
    std_income           double precision,
    below_social_minimum boolean,
    persons              integer NOT NULL DEFAULT 0,
    decile               smallint CHECK (decile BETWEEN 1 AND 10),
    key_version          integer NOT NULL
);
COMMENT ON TABLE mo_micro.household IS
    'households of the register, keyed by the pseudonym of the household number';
COMMENT ON COLUMN mo_micro.household.household IS
    'pseudonym of the household number (context ''household'')';
COMMENT ON COLUMN mo_micro.household.kind IS
    'private, institutional, or unknown when the delivery left it empty';
COMMENT ON COLUMN mo_micro.household.std_income IS
    'standardised disposable household income in euros a year, rounded to the millionth, in the type the decile functions compute with (double precision, 15 significant digits: an amount in cents below 10^13 reads back as delivered); NULL when unknown or not a number below 10^15';
COMMENT ON COLUMN mo_micro.household.below_social_minimum IS
    'household income below the social minimum; NULL when unknown';
COMMENT ON COLUMN mo_micro.household.persons IS
    'persons of the register in the household, of every age (derive_groups)';
COMMENT ON COLUMN mo_micro.household.decile IS
    'income decile group 1 (lowest) to 10 over private households with a known income, weighted by persons; NULL: not classified';
COMMENT ON COLUMN mo_micro.household.key_version IS
    'version of the key the pseudonym was made with';

CREATE TABLE mo_micro.person (
    person               bigint PRIMARY KEY,
    household            bigint,
    birth_date           date,
    sex                  text,
    migration_background text,
    municipality         text,
    key_version          integer NOT NULL
);
COMMENT ON TABLE mo_micro.person IS
    'persons of the register, keyed by the pseudonym of their BSN';
COMMENT ON COLUMN mo_micro.person.person IS
    'pseudonym of the BSN (context ''person''), the same as in mo_micro.hit';
COMMENT ON COLUMN mo_micro.person.household IS
    'pseudonym of the household the person belongs to; NULL when the delivery gave none';
COMMENT ON COLUMN mo_micro.person.sex IS 'M (man) or F (woman), as delivered';
COMMENT ON COLUMN mo_micro.person.migration_background IS
    'Dutch, western or non-western, as delivered';
COMMENT ON COLUMN mo_micro.person.municipality IS
    'municipality code of the address (GMnnnn), as delivered';
COMMENT ON COLUMN mo_micro.person.key_version IS
    'version of the key the pseudonym was made with';

-- Rows of a delivery that could not be taken in.
CREATE TABLE mo_micro.reject (
    delivery    text NOT NULL,
    loaded_at   timestamptz NOT NULL,
    position    bigint NOT NULL,
    problem     text NOT NULL,
    detail      text,
    identifier  bigint,
    source_id   smallint
);
COMMENT ON TABLE mo_micro.reject IS
    'rows of a delivery that were not taken in, with their position and the reason; never the identifier itself';
COMMENT ON COLUMN mo_micro.reject.delivery IS
    'the staging table the row came from: portal_log, person or household';
COMMENT ON COLUMN mo_micro.reject.loaded_at IS
    'when the delivery was pseudonymised (the transaction''s start)';
COMMENT ON COLUMN mo_micro.reject.position IS
    'line_no for the portal log; for the register, the row''s place in the delivery, from 1';
COMMENT ON COLUMN mo_micro.reject.problem IS
    'invalid identifier, missing identifier, duplicate identifier, duplicate line (a line number the source already has or the delivery repeats), unknown event, invalid time (infinite), outside the window or unknown channel';
COMMENT ON COLUMN mo_micro.reject.detail IS
    'why the identifier is invalid, in words that do not quote it';
COMMENT ON COLUMN mo_micro.reject.identifier IS
    'pseudonym of the identifier as delivered (context ''rejected''), to count distinct identifiers; NULL when missing';
COMMENT ON COLUMN mo_micro.reject.source_id IS
    'the source the portal log''s lines were meant for';

-- Each register person's groups on the first day of the portal window.
CREATE TABLE mo_micro.person_group (
    person               bigint PRIMARY KEY,
    age                  integer,
    in_population        boolean NOT NULL,
    age_group            text NOT NULL,
    age_group_detail     text NOT NULL,
    sex                  text NOT NULL,
    migration_background text NOT NULL,
    income_decile        text NOT NULL,
    social_minimum       text NOT NULL,
    municipality         text NOT NULL
);
COMMENT ON TABLE mo_micro.person_group IS
    'each register person''s age on the first day of the portal window and the groups the published tables count by (derive_groups)';
COMMENT ON COLUMN mo_micro.person_group.age IS
    'age in completed years on the first day of the window; NULL when the birth date is unknown';
COMMENT ON COLUMN mo_micro.person_group.in_population IS
    'aged 14 or more on the first day of the window: the population of the published tables';
COMMENT ON COLUMN mo_micro.person_group.age_group IS
    'the study''s bands: 14 tot 25 jaar, 25 tot 35 jaar, ..., 75 jaar of ouder';
COMMENT ON COLUMN mo_micro.person_group.age_group_detail IS
    'the same bands with 14 tot 18 jaar and 18 tot 25 jaar apart';
COMMENT ON COLUMN mo_micro.person_group.income_decile IS
    'the household''s income decile group, or niet ingedeeld';
COMMENT ON COLUMN mo_micro.person_group.municipality IS
    'municipality code, or onbekend';

SELECT pg_catalog.pg_extension_config_dump('mo_micro.municipality', '');
SELECT pg_catalog.pg_extension_config_dump('mo_micro.household', '');
SELECT pg_catalog.pg_extension_config_dump('mo_micro.person', '');
SELECT pg_catalog.pg_extension_config_dump('mo_micro.reject', '');
SELECT pg_catalog.pg_extension_config_dump('mo_micro.person_group', '');

GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE
    ON mo_micro.municipality, mo_micro.household, mo_micro.person,
       mo_micro.reject, mo_micro.person_group
    TO mo_usage_loader;

-- The conventions.  Ages are completed years: the difference of the years,
-- less one while the birthday (month and day) is still to come, so that a
-- person born on 29 February has a birthday on 1 March in other years, as
-- PostgreSQL's age() counts it.  The arithmetic is on the dates' fields
-- alone (age() works on timestamptz, which depends on the session's
-- TimeZone), so that the function is truly immutable and the planner
-- inlines it into the queries over millions of persons.  Hours and days
-- are read in the source's time zone, never in the session's.
--
-- The fields are read with date_part(), whose double precision holds
-- these small integers exactly and costs a fraction of extract()'s
-- numeric, once a row over millions.
--
-- These four have SQL-standard bodies, whose names are bound when the
-- function is created, so they need no fixed search_path; they have none
-- because a function with a SET clause is never inlined, and called once a
-- row they would cost more than all the rest of the pipeline's queries.

CREATE FUNCTION mo_usage.age_in_years(birth_date date, on_date date)
RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN date_part('year', on_date)::integer
       - date_part('year', birth_date)::integer
       - CASE WHEN date_part('month', on_date)::integer * 100
                   + date_part('day', on_date)::integer
                 < date_part('month', birth_date)::integer * 100
                   + date_part('day', birth_date)::integer
              THEN 1 ELSE 0 END;
COMMENT ON FUNCTION mo_usage.age_in_years(date, date) IS
    'age in completed years on on_date of a person born on birth_date';

-- The labels of each dimension, in the order the published tables show
-- them.  Municipalities are labelled by their code and ordered by it.
CREATE FUNCTION mo_usage.category_labels(dimension text)
RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = mo_usage, pg_catalog
RETURN CASE dimension
    WHEN 'age_group' THEN
        '{14 tot 25 jaar,25 tot 35 jaar,35 tot 45 jaar,45 tot 55 jaar,55 tot 65 jaar,65 tot 75 jaar,75 jaar of ouder,jonger dan 14 jaar,onbekend}'::text[]
    WHEN 'age_group_detail' THEN
        '{14 tot 18 jaar,18 tot 25 jaar,25 tot 35 jaar,35 tot 45 jaar,45 tot 55 jaar,55 tot 65 jaar,65 tot 75 jaar,75 jaar of ouder,jonger dan 14 jaar,onbekend}'
    WHEN 'sex' THEN '{man,vrouw,onbekend}'
    WHEN 'migration_background' THEN
        '{Nederlandse achtergrond,westerse migratieachtergrond,niet-westerse migratieachtergrond,onbekend}'
    WHEN 'income_decile' THEN
        '{1e decielgroep (laagste inkomen),2e decielgroep,3e decielgroep,4e decielgroep,5e decielgroep,6e decielgroep,7e decielgroep,8e decielgroep,9e decielgroep,10e decielgroep (hoogste inkomen),niet ingedeeld}'
    WHEN 'social_minimum' THEN
        '{onder sociaal minimum,niet onder sociaal minimum,niet ingedeeld}'
    WHEN 'channel' THEN '{web,app}'
    WHEN 'weekday' THEN
        '{maandag,dinsdag,woensdag,donderdag,vrijdag,zaterdag,zondag}'
    WHEN 'visits_per_user' THEN
        '{1 bezoek,2 bezoeken,3 bezoeken,4 bezoeken,5 tot 10 bezoeken,10 bezoeken of meer}'
    WHEN 'pages_per_visit' THEN
        '{1 pagina,2 tot 5 pagina''s,5 tot 10 pagina''s,10 tot 15 pagina''s,15 tot 20 pagina''s,20 tot 30 pagina''s,30 pagina''s of meer}'
    WHEN 'profile' THEN
        '{frequent en lang,frequent en kort,sporadisch en lang,sporadisch en kort}'
    WHEN 'linkage' THEN
        '{"in register, 14 jaar of ouder","in register, jonger dan 14 jaar","in register, leeftijd onbekend",niet in register,ongeldig of ontbrekend BSN}'
END;
COMMENT ON FUNCTION mo_usage.category_labels(text) IS
    'the labels of a dimension in their published order (age_group, age_group_detail, sex, migration_background, income_decile, social_minimum, channel, weekday, visits_per_user, pages_per_visit, profile, linkage); NULL for others';

-- In C (src/groups.c): it is asked for once per register person, and an
-- SQL CASE over an argument read several times would not be inlined.
CREATE FUNCTION mo_usage.age_group(age integer, detail boolean DEFAULT false)
RETURNS text
LANGUAGE c IMMUTABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'mo_age_group';
COMMENT ON FUNCTION mo_usage.age_group(integer, boolean) IS
    'the study''s age band of an age in years (14 tot 25 jaar ... 75 jaar of ouder); with detail, 14 tot 18 and 18 tot 25 apart; onbekend for NULL';

CREATE FUNCTION mo_usage.local_date(ts timestamptz, time_zone text)
RETURNS date
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN (ts AT TIME ZONE time_zone)::date;
COMMENT ON FUNCTION mo_usage.local_date(timestamptz, text) IS
    'the calendar day of ts in time_zone, whatever the session''s TimeZone';

CREATE FUNCTION mo_usage.local_hour(ts timestamptz, time_zone text)
RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN date_part('hour', ts AT TIME ZONE time_zone)::integer;
COMMENT ON FUNCTION mo_usage.local_hour(timestamptz, text) IS
    'the hour of the clock (0-23) at ts in time_zone, whatever the session''s TimeZone';

-- An income as mo_micro.household stores it: rounded to the millionth, in
-- double precision, the type the decile functions take; 15 significant
-- digits keep an amount in cents below 10^13 as delivered.  NaN, the
-- infinities and amounts of 10^15 and more are unknown.  Not STRICT, so
-- that it is inlined (NULL gives NULL all the same).
CREATE FUNCTION mo_usage.income_as_stored(income numeric)
RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN abs(round(income, 6)) < 1e15
            THEN round(income, 6)::double precision END;
COMMENT ON FUNCTION mo_usage.income_as_stored(numeric) IS
    'a delivered income as mo_micro.household stores it: rounded to the millionth, as double precision; NULL when not a number below 10^15';

GRANT EXECUTE ON FUNCTION
    mo_usage.age_in_years(date, date),
    mo_usage.category_labels(text),
    mo_usage.income_as_stored(numeric),
    mo_usage.age_group(integer, boolean),
    mo_usage.local_date(timestamptz, text),
    mo_usage.local_hour(timestamptz, text)
TO mo_usage_loader;

-- The portal source and its window, as the published views read them.
CREATE VIEW mo_micro.study AS
SELECT s.source_id, s.time_zone, s.window_start, s.window_end,
       mo_usage.local_date(s.window_start, s.time_zone) AS first_day,
       mo_usage.local_date(s.window_end - interval '1 microsecond',
                           s.time_zone) AS last_day,
       mo_usage.local_date(s.window_end - interval '1 microsecond',
                           s.time_zone)
       - mo_usage.local_date(s.window_start, s.time_zone) + 1 AS days,
       s.key_version
FROM mo_micro.source s
WHERE s.name = 'portal';
COMMENT ON VIEW mo_micro.study IS
    'the portal source, whose window the published views describe, with its first and last local day';

-- The visits the published views count: those of the portal that start in
-- its window, with their local day and hour.
CREATE VIEW mo_micro.study_visit AS
SELECT v.person, v.channel, v.visit_no, v.start_ts,
       extract(epoch FROM v.end_ts - v.start_ts)::double precision AS seconds,
       v.pages,
       mo_usage.local_date(v.start_ts, w.time_zone) AS local_date,
       mo_usage.local_hour(v.start_ts, w.time_zone) AS local_hour,
       date_part('isodow', v.start_ts AT TIME ZONE w.time_zone)::integer
           AS isodow
FROM mo_micro.study w
JOIN mo_micro.visit v ON v.source_id = w.source_id
-- The window as a CASE: written as two comparisons with another table's
-- columns, the planner takes it to keep a ninth of the visits, where it
-- keeps nearly all, and then plans the published views' joins and
-- aggregates for a few rows; a CASE it takes to keep half.
WHERE CASE WHEN v.start_ts >= w.window_start
           THEN v.start_ts < w.window_end END;
COMMENT ON VIEW mo_micro.study_visit IS
    'visits of the portal source that start in its window, with duration in seconds and local day, weekday (ISO, 1 = Monday) and hour';

GRANT SELECT ON mo_micro.study, mo_micro.study_visit TO mo_usage_loader;

-- Step 1, for each staging table: take its rows into mo_micro under the
-- key version kv; keep those that cannot be taken in as rejects.  A row's
-- position in a register table is its place in physical order, which is
-- the order of the delivery for a table filled by COPY.  The positions
-- need a sort, so they are worked out only when something was rejected.
-- The register's rows go in sorted by pseudonym: the primary key then
-- grows at its right edge, page after page, instead of taking each row in
-- at a random leaf, which on millions of rows means reading and writing
-- back far more index pages than the buffer cache holds.

CREATE FUNCTION mo_usage.take_households(kv integer)
RETURNS TABLE (rows bigint, detail text)
LANGUAGE plpgsql
SET search_path = mo_usage, pg_catalog
AS $$
DECLARE
    delivered   bigint;
    taken       bigint;
    delivered_nan bigint;
BEGIN
    -- A household number delivered twice keeps its first row.
    BEGIN
        INSERT INTO mo_micro.household
            (household, kind, std_income, below_social_minimum, key_version)
        SELECT pseudonym(h.household_id, 'household', kv),
               coalesce(h.kind, 'unknown'),
               income_as_stored(h.std_income),
               h.below_social_minimum, kv
        FROM mo_staging.household h
        WHERE h.household_id IS NOT NULL
        ORDER BY 1;
    EXCEPTION WHEN unique_violation THEN
        INSERT INTO mo_micro.household
            (household, kind, std_income, below_social_minimum, key_version)
        SELECT DISTINCT ON (1) pseudonym(h.household_id, 'household', kv),
               coalesce(h.kind, 'unknown'),
               income_as_stored(h.std_income),
               h.below_social_minimum, kv
        FROM mo_staging.household h
        WHERE h.household_id IS NOT NULL
        ORDER BY 1, h.ctid;
    END;
    GET DIAGNOSTICS taken = ROW_COUNT;
    SELECT count(*) INTO delivered FROM mo_staging.household;

    IF taken < delivered THEN
        INSERT INTO mo_micro.reject
            (delivery, loaded_at, position, problem, identifier)
        SELECT 'household', now(), h.position,
               CASE WHEN h.household_id IS NULL THEN 'missing identifier'
                    ELSE 'duplicate identifier' END,
               pseudonym(h.household_id, 'rejected', kv)
        FROM (SELECT household_id,
                     row_number() OVER (ORDER BY ctid) AS position,
                     row_number() OVER (PARTITION BY household_id
                                        ORDER BY ctid) AS nth
              FROM mo_staging.household) h
        WHERE h.household_id IS NULL OR h.nth > 1;
    END IF;

    -- An income delivered that cannot be stored is unknown, and counted
    -- among the households taken in (the first row of each household
    -- number).
    IF taken < delivered THEN
        SELECT count(*) INTO delivered_nan
        FROM (SELECT std_income,
                     row_number() OVER (PARTITION BY household_id
                                        ORDER BY ctid) AS nth
              FROM mo_staging.household
              WHERE household_id IS NOT NULL) h
        WHERE h.nth = 1 AND h.std_income IS NOT NULL
          AND income_as_stored(h.std_income) IS NULL;
    ELSE
        SELECT count(*) INTO delivered_nan FROM mo_staging.household h
        WHERE h.std_income IS NOT NULL
          AND income_as_stored(h.std_income) IS NULL;
    END IF;

    RETURN QUERY SELECT taken,
        format('%s households taken in, %s rejected', taken,
               delivered - taken)
        || CASE WHEN delivered_nan > 0
                THEN format('; %s with an income that is not a number below 10^15, taken as unknown',
                            delivered_nan)
                ELSE '' END;
END
$$;
COMMENT ON FUNCTION mo_usage.take_households(integer) IS
    'adds mo_staging.household to mo_micro.household under key version kv, rejects rows without a household number or with one already taken; returns the count';

CREATE FUNCTION mo_usage.take_persons(kv integer)
RETURNS TABLE (rows bigint, detail text)
LANGUAGE plpgsql
SET search_path = mo_usage, pg_catalog
AS $$
DECLARE
    delivered   bigint;
    taken       bigint;
BEGIN
    -- A BSN delivered twice (also as 8 and as 9 digits) keeps its first row.
    BEGIN
        INSERT INTO mo_micro.person
            (person, household, birth_date, sex, migration_background,
             municipality, key_version)
        SELECT bsn_pseudonym(p.bsn, 'person', kv),
               pseudonym(p.household_id, 'household', kv),
               p.birth_date, p.sex, p.migration_background, p.municipality,
               kv
        FROM mo_staging.person p
        WHERE bsn_is_valid(p.bsn)
        ORDER BY 1;
    EXCEPTION WHEN unique_violation THEN
        INSERT INTO mo_micro.person
            (person, household, birth_date, sex, migration_background,
             municipality, key_version)
        SELECT DISTINCT ON (1) bsn_pseudonym(p.bsn, 'person', kv),
               pseudonym(p.household_id, 'household', kv),
               p.birth_date, p.sex, p.migration_background, p.municipality,
               kv
        FROM mo_staging.person p
        WHERE bsn_is_valid(p.bsn)
        ORDER BY 1, p.ctid;
    END;
    GET DIAGNOSTICS taken = ROW_COUNT;
    SELECT count(*) INTO delivered FROM mo_staging.person;

    IF taken < delivered THEN
        INSERT INTO mo_micro.reject
            (delivery, loaded_at, position, problem, detail, identifier)
        SELECT 'person', now(), p.position,
               CASE WHEN p.bsn IS NULL THEN 'missing identifier'
                    WHEN p.nth IS NULL THEN 'invalid identifier'
                    ELSE 'duplicate identifier' END,
               bsn_invalid_reason(p.bsn),
               pseudonym(p.bsn, 'rejected', kv)
        FROM (SELECT bsn,
                     row_number() OVER (ORDER BY ctid) AS position,
                     CASE WHEN bsn_is_valid(bsn) THEN
                         row_number() OVER (PARTITION BY bsn_normalise(bsn)
                                            ORDER BY ctid)
                     END AS nth
              FROM mo_staging.person) p
        WHERE p.nth IS DISTINCT FROM 1;
    END IF;

    RETURN QUERY SELECT taken,
        format('%s persons taken in, %s rejected', taken, delivered - taken);
END
$$;
COMMENT ON FUNCTION mo_usage.take_persons(integer) IS
    'adds mo_staging.person to mo_micro.person under key version kv, rejects rows with a missing, invalid or repeated BSN; returns the count';

CREATE FUNCTION mo_usage.take_log(source smallint, kv integer)
RETURNS TABLE (rows bigint, detail text)
LANGUAGE plpgsql
SET search_path = mo_usage, pg_catalog
AS $$
DECLARE
    taken       bigint;
    rejected    bigint;
    long_paths  bigint;
    max_path    constant integer := 2000;
    w_start     timestamptz;
    w_end       timestamptz;
BEGIN
    -- Lines outside the source's window are rejects, not hits.
    SELECT s.window_start, s.window_end INTO w_start, w_end
    FROM mo_micro.source s WHERE s.source_id = source;

    -- A line whose number the source already has (as a hit or a reject),
    -- or that came earlier in this delivery, was delivered before: it is
    -- a reject, never a second hit.  The hits are found by their index on
    -- (source_id, seq); repeats within the delivery are looked for only
    -- among the line numbers that occur more than once.
    CREATE TEMP TABLE IF NOT EXISTS mo_repeated_line (at tid PRIMARY KEY)
        ON COMMIT DROP;
    TRUNCATE mo_repeated_line;
    INSERT INTO mo_repeated_line
    SELECT l.ctid FROM mo_staging.portal_log l
    WHERE EXISTS (SELECT FROM mo_micro.hit h
                  WHERE h.source_id = source AND h.seq = l.line_no)
       OR EXISTS (SELECT FROM mo_micro.reject r
                  WHERE r.source_id = source AND r.delivery = 'portal_log'
                    AND r.position = l.line_no)
    UNION
    SELECT d.ctid
    FROM (SELECT l.ctid, row_number() OVER (PARTITION BY l.line_no
                                            ORDER BY l.ctid) AS nth
          FROM mo_staging.portal_log l
          WHERE l.line_no IN (SELECT l2.line_no FROM mo_staging.portal_log l2
                              GROUP BY l2.line_no
                              HAVING count(*) > 1)) d
    WHERE d.nth > 1;

    -- A path longer than the page table's index takes is no page anyone
    -- follows: its hit is kept without a page, and counted.
    INSERT INTO mo_micro.page (path)
    SELECT DISTINCT l.page FROM mo_staging.portal_log l
    WHERE l.page IS NOT NULL AND octet_length(l.page) <= max_path
    ON CONFLICT (path) DO NOTHING;

    -- A log without a channel column is the website's.
    INSERT INTO mo_micro.hit
        (source_id, person, ts, seq, event, page_id, channel)
    SELECT source, bsn_pseudonym(l.bsn, 'person', kv), l.ts, l.line_no,
           CASE l.event WHEN 'login' THEN 'L' WHEN 'page' THEN 'P'
                        ELSE 'O' END,
           pg.page_id,
           CASE WHEN l.channel = 'app' THEN 'A' ELSE 'W' END
    FROM mo_staging.portal_log l
    LEFT JOIN mo_micro.page pg ON pg.path = l.page
    WHERE bsn_is_valid(l.bsn)
      AND l.event IN ('login', 'page', 'logout')
      AND coalesce(l.channel, 'web') IN ('web', 'app')
      AND isfinite(l.ts)
      AND coalesce(l.ts >= w_start AND l.ts < w_end, true)
      AND NOT EXISTS (SELECT FROM mo_repeated_line d WHERE d.at = l.ctid);
    GET DIAGNOSTICS taken = ROW_COUNT;

    INSERT INTO mo_micro.reject
        (delivery, loaded_at, position, problem, detail, identifier,
         source_id)
    SELECT 'portal_log', now(), l.line_no,
           CASE WHEN d.at IS NOT NULL THEN 'duplicate line'
                WHEN l.bsn IS NULL THEN 'missing identifier'
                WHEN NOT bsn_is_valid(l.bsn) THEN 'invalid identifier'
                WHEN l.event NOT IN ('login', 'page', 'logout')
                    THEN 'unknown event'
                WHEN NOT isfinite(l.ts) THEN 'invalid time'
                WHEN NOT coalesce(l.ts >= w_start AND l.ts < w_end, true)
                    THEN 'outside the window'
                ELSE 'unknown channel' END,
           CASE WHEN d.at IS NULL THEN bsn_invalid_reason(l.bsn) END,
           pseudonym(l.bsn, 'rejected', kv),
           source
    FROM mo_staging.portal_log l
    LEFT JOIN mo_repeated_line d ON d.at = l.ctid
    WHERE d.at IS NOT NULL
       OR NOT (coalesce(bsn_is_valid(l.bsn), false)
               AND l.event IN ('login', 'page', 'logout')
               AND coalesce(l.channel, 'web') IN ('web', 'app')
               AND isfinite(l.ts)
               AND coalesce(l.ts >= w_start AND l.ts < w_end, true));
    GET DIAGNOSTICS rejected = ROW_COUNT;

    SELECT count(*) INTO long_paths
    FROM mo_staging.portal_log l
    WHERE octet_length(l.page) > max_path
      AND bsn_is_valid(l.bsn)
      AND l.event IN ('login', 'page', 'logout')
      AND coalesce(l.channel, 'web') IN ('web', 'app')
      AND isfinite(l.ts)
      AND coalesce(l.ts >= w_start AND l.ts < w_end, true)
      AND NOT EXISTS (SELECT FROM mo_repeated_line d WHERE d.at = l.ctid);
    IF long_paths > 0 THEN
        RAISE NOTICE 'lines of the portal log with a page longer than % bytes, taken in without a page: %',
                     max_path, long_paths;
    END IF;

    RETURN QUERY SELECT taken,
        format('%s lines taken in, %s rejected', taken, rejected)
        || CASE WHEN long_paths > 0
                THEN format('; %s without a page (longer than %s bytes)',
                            long_paths, max_path)
                ELSE '' END;
END
$$;
COMMENT ON FUNCTION mo_usage.take_log(smallint, integer) IS
    'adds mo_staging.portal_log to the hits of source under key version kv, rejects lines with a missing or invalid BSN, an unknown event or channel, or a line number the source already has; returns the count';

-- Step 1: pseudonymise staging.
--
-- Everything in staging is taken in one go, under a lock that keeps new
-- rows out until the tables are emptied.  A BSN becomes its pseudonym
-- under the key version of the data already there (or the current one);
-- the register and the log use the same, so that they join.
CREATE FUNCTION mo_usage.pseudonymise_staging(
    window_start timestamptz DEFAULT NULL,
    window_end timestamptz DEFAULT NULL,
    time_zone text DEFAULT NULL)
RETURNS TABLE (step text, delivery text, rows bigint, detail text)
LANGUAGE plpgsql
SET search_path = mo_usage, pg_catalog
AS $$
DECLARE
    kv          integer;
    src         smallint;
    zone        text;
    n           bigint;
    log_first   timestamptz;
    log_last    timestamptz;
BEGIN
    IF NOT isfinite(window_start) OR NOT isfinite(window_end) THEN
        RAISE EXCEPTION 'the window must be finite'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Give the first and the end instant of the window, or NULL for the days of the log.';
    END IF;

    LOCK TABLE mo_staging.portal_log, mo_staging.person,
               mo_staging.household, mo_staging.municipality
        IN ACCESS EXCLUSIVE MODE;

    -- One key version for all microdata.
    SELECT min(k), max(k) INTO kv, n
    FROM (SELECT key_version AS k FROM mo_micro.source
          WHERE name = 'portal' AND key_version IS NOT NULL
          UNION ALL
          (SELECT key_version FROM mo_micro.person LIMIT 1)
          UNION ALL
          (SELECT key_version FROM mo_micro.household LIMIT 1)) v;
    IF kv <> n THEN
        RAISE EXCEPTION 'the microdata were pseudonymised with key versions % and %', kv, n
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Empty mo_micro and pseudonymise every delivery again with one key.';
    END IF;
    kv := coalesce(kv, pseudonym_key_version());

    -- Municipalities: names by code, a later delivery wins.
    INSERT INTO mo_micro.municipality AS m (code, name)
    SELECT DISTINCT ON (code) code, coalesce(name, code)
    FROM mo_staging.municipality
    WHERE code IS NOT NULL
    ORDER BY code
    ON CONFLICT (code) DO UPDATE SET name = excluded.name;
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n > 0 THEN
        RETURN QUERY SELECT 'pseudonymise', 'municipality', n,
                            'municipalities added or renamed';
    END IF;

    -- Households: a delivery replaces the register's households.
    IF EXISTS (SELECT FROM mo_staging.household) THEN
        TRUNCATE mo_micro.household;
        RETURN QUERY
        SELECT 'pseudonymise', 'household', r.rows, r.detail
        FROM take_households(kv) r;
    END IF;

    -- Persons: a delivery replaces the register's persons.
    IF EXISTS (SELECT FROM mo_staging.person) THEN
        TRUNCATE mo_micro.person;
        RETURN QUERY
        SELECT 'pseudonymise', 'person', r.rows, r.detail
        FROM take_persons(kv) r;
    END IF;

    -- The portal log: its hits are added to the source 'portal', whose
    -- window grows to hold the delivery's days unless one is given (lines
    -- with an infinite time are rejects, and widen nothing).
    SELECT min(l.ts), max(l.ts) INTO log_first, log_last
    FROM mo_staging.portal_log l
    WHERE isfinite(l.ts);
    IF log_first IS NOT NULL OR window_start IS NOT NULL
       OR window_end IS NOT NULL OR time_zone IS NOT NULL THEN
        zone := coalesce($3, (SELECT s.time_zone FROM mo_micro.source s
                              WHERE s.name = 'portal'), 'Europe/Amsterdam');
        PERFORM now() AT TIME ZONE zone;    -- an unknown zone is an error

        INSERT INTO mo_micro.source AS s
            (name, description, time_zone, window_start, window_end,
             key_version)
        VALUES ('portal', 'the portal''s access log (mo_staging.portal_log)',
                zone,
                coalesce($1, date_trunc('day', log_first AT TIME ZONE zone)
                             AT TIME ZONE zone),
                coalesce($2, (date_trunc('day', log_last AT TIME ZONE zone)
                              + interval '1 day') AT TIME ZONE zone),
                kv)
        ON CONFLICT (name) DO UPDATE SET
            time_zone = excluded.time_zone,
            window_start = coalesce($1, least(s.window_start,
                                               excluded.window_start)),
            window_end = coalesce($2, greatest(s.window_end,
                                               excluded.window_end)),
            key_version = excluded.key_version
        RETURNING s.source_id INTO src;

        IF EXISTS (SELECT FROM mo_micro.source s
                   WHERE s.source_id = src
                     AND NOT s.window_start < s.window_end) THEN
            RAISE EXCEPTION 'the window must start before it ends'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;

        -- The window every figure is about, and whether it was given.  A
        -- delivery whose lines span more than a month, with no window
        -- given, most likely holds stray lines that stretch it.
        RETURN QUERY
        SELECT 'pseudonymise', 'window', w.days::bigint,
               format('%s to %s, %s days in %s, %s', w.first_day, w.last_day,
                      w.days, w.time_zone,
                      CASE WHEN $1 IS NULL AND $2 IS NULL
                           THEN 'from the days of the log'
                           WHEN $1 IS NULL OR $2 IS NULL
                           THEN 'partly given, partly from the days of the log'
                           ELSE 'as given' END)
        FROM mo_micro.study w;
        IF $1 IS NULL AND $2 IS NULL
           AND log_last - log_first > interval '31 days' THEN
            RAISE WARNING 'the lines of the portal log span % days, from % to %',
                mo_usage.local_date(log_last, zone)
                - mo_usage.local_date(log_first, zone) + 1,
                mo_usage.local_date(log_first, zone),
                mo_usage.local_date(log_last, zone)
                USING DETAIL = 'With no window given, the window holds every day of the log.',
                      HINT = 'Give run_pipeline the window; lines outside it are then rejected.';
        END IF;
    END IF;

    -- A delivery whose lines all have an infinite time is all rejects.
    IF EXISTS (SELECT FROM mo_staging.portal_log) THEN
        src := coalesce(src, (SELECT s.source_id FROM mo_micro.source s
                              WHERE s.name = 'portal'));
        RETURN QUERY
        SELECT 'pseudonymise', 'portal_log', r.rows, r.detail
        FROM take_log(src, kv) r;
    END IF;

    -- Report the rejects of this delivery, by problem, with positions.
    RETURN QUERY
    SELECT 'reject', r.delivery, count(*),
           r.problem || coalesce(' (' || r.detail || ')', '') || ': '
           || CASE WHEN r.delivery = 'portal_log' THEN 'line' ELSE 'row' END
           || CASE WHEN count(*) > 1 THEN 's ' ELSE ' ' END
           || array_to_string((array_agg(r.position ORDER BY r.position))[1:10],
                              ', ')
           || CASE WHEN count(*) > 10
                   THEN format(' and %s more', count(*) - 10) ELSE '' END
    FROM mo_micro.reject r
    WHERE r.loaded_at = now()
    GROUP BY r.delivery, r.problem, r.detail
    ORDER BY r.delivery, r.problem, r.detail;
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n > 0 THEN
        RAISE NOTICE 'some rows of the delivery were rejected'
            USING HINT = 'See the rows of step "reject", or mo_micro.reject.';
    END IF;

    TRUNCATE mo_staging.portal_log, mo_staging.person, mo_staging.household,
             mo_staging.municipality;
END
$$;
COMMENT ON FUNCTION mo_usage.pseudonymise_staging(timestamptz, timestamptz, text) IS
    'moves every staging table into mo_micro under pseudonyms, keeps what cannot be taken in as rejects, empties staging; the window and zone of the portal source default to the days of its log';

-- Step 2: derive each person's groups.
--
-- Deciles as CBS draws them: boundaries of standardised household income
-- over private households with a known income, each weighted by its
-- persons (of every age), so that each group holds a tenth of the persons;
-- every person inherits the household's group, and persons of other
-- households are "niet ingedeeld".  The social minimum is classified over
-- the same households.
CREATE FUNCTION mo_usage.derive_groups()
RETURNS TABLE (step text, delivery text, rows bigint, detail text)
LANGUAGE plpgsql
SET search_path = mo_usage, pg_catalog
SET work_mem = '256MB'
AS $$
DECLARE
    first_day   date;
    bounds      double precision[];
    n           bigint;
BEGIN
    SELECT w.first_day INTO first_day FROM mo_micro.study w;
    IF first_day IS NULL THEN
        RAISE EXCEPTION 'the portal source has no window'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Pseudonymise a delivery of the portal log, or give the window, first.';
    END IF;

    -- Each household with its persons, counted afresh, in a table of the
    -- transaction's own; the boundaries over them; then the households
    -- written anew, in the order of their key, with both.  (An UPDATE of
    -- every row would take each new row version into the key at a random
    -- place, and leave the old ones to check at every insert.)
    CREATE TEMP TABLE mo_household_persons ON COMMIT DROP AS
    SELECT h.*, coalesce(c.n, 0) AS counted
    FROM mo_micro.household h
    LEFT JOIN (SELECT p.household, count(*) AS n
               FROM mo_micro.person p
               WHERE p.household IS NOT NULL
               GROUP BY p.household) c ON c.household = h.household;

    SELECT quantile_bounds(h.std_income,
                           h.counted::double precision, 10)
    INTO bounds
    FROM pg_temp.mo_household_persons h
    WHERE h.kind = 'private' AND h.std_income IS NOT NULL;

    TRUNCATE mo_micro.household;
    INSERT INTO mo_micro.household
        (household, kind, std_income, below_social_minimum, persons, decile,
         key_version)
    SELECT h.household, h.kind, h.std_income, h.below_social_minimum,
           h.counted,
           CASE WHEN h.kind = 'private' THEN
               quantile_group(h.std_income, bounds)
           END,
           h.key_version
    FROM pg_temp.mo_household_persons h
    ORDER BY h.household;
    DROP TABLE pg_temp.mo_household_persons;

    RETURN QUERY SELECT 'derive', 'household', count(*),
        format('deciles over %s private households with a known income; boundaries %s',
               count(*),
               coalesce(nullif(array_to_string(bounds, ', '), ''), 'none'))
    FROM mo_micro.household h
    WHERE h.decile IS NOT NULL;

    TRUNCATE mo_micro.person_group;
    INSERT INTO mo_micro.person_group
    SELECT p.person, p.age, coalesce(p.age >= 14, false),
           age_group(p.age), age_group(p.age, true),
           CASE p.sex WHEN 'M' THEN 'man' WHEN 'F' THEN 'vrouw'
                      ELSE 'onbekend' END,
           CASE p.migration_background
               WHEN 'Dutch' THEN 'Nederlandse achtergrond'
               WHEN 'western' THEN 'westerse migratieachtergrond'
               WHEN 'non-western' THEN 'niet-westerse migratieachtergrond'
               ELSE 'onbekend' END,
           coalesce((category_labels('income_decile'))[h.decile],
                    'niet ingedeeld'),
           CASE WHEN h.kind IS DISTINCT FROM 'private'
                     OR h.below_social_minimum IS NULL THEN 'niet ingedeeld'
                WHEN h.below_social_minimum THEN 'onder sociaal minimum'
                ELSE 'niet onder sociaal minimum' END,
           coalesce(p.municipality, 'onbekend')
    -- OFFSET 0 keeps the age a column of its own, computed once a row for
    -- its three uses; a birth date after the first day gives no age:
    -- onbekend, counted
    FROM (SELECT p.*,
                 CASE WHEN p.birth_date <= first_day
                      THEN age_in_years(p.birth_date, first_day) END AS age
          FROM mo_micro.person p OFFSET 0) p
    LEFT JOIN mo_micro.household h ON h.household = p.household;
    GET DIAGNOSTICS n = ROW_COUNT;

    RETURN QUERY SELECT 'derive', 'person', n,
        format('%s persons, %s of them aged 14 or more on %s', n,
               count(*), first_day)
    FROM mo_micro.person_group g
    WHERE g.in_population;

    -- What the register gave that no group knows: counted, never silent.
    RETURN QUERY
    SELECT 'derive', 'person', u.n,
           format('values no group knows, counted as onbekend: %s',
                  array_to_string(ARRAY[
                      CASE WHEN u.born_later > 0 THEN format(
                          'birth date after %s %s', first_day, u.born_later) END,
                      CASE WHEN u.sex > 0 THEN format('sex %s', u.sex) END,
                      CASE WHEN u.background > 0 THEN format(
                          'migration background %s', u.background) END,
                      CASE WHEN u.municipality > 0 THEN format(
                          'municipality code not in mo_micro.municipality %s (kept as its code)',
                          u.municipality) END], ', '))
    FROM (SELECT count(*) FILTER (WHERE p.birth_date > first_day
                                  OR p.sex NOT IN ('M', 'F')
                                  OR p.migration_background
                                     NOT IN ('Dutch', 'western', 'non-western')
                                  OR m.code IS NULL
                                     AND p.municipality IS NOT NULL) AS n,
                 count(*) FILTER (WHERE p.birth_date > first_day) AS born_later,
                 count(*) FILTER (WHERE p.sex NOT IN ('M', 'F')) AS sex,
                 count(*) FILTER (WHERE p.migration_background
                                  NOT IN ('Dutch', 'western', 'non-western'))
                     AS background,
                 count(*) FILTER (WHERE p.municipality IS NOT NULL
                                  AND m.code IS NULL) AS municipality
          FROM mo_micro.person p
          LEFT JOIN mo_micro.municipality m ON m.code = p.municipality) u
    WHERE u.n > 0;
END
$$;
COMMENT ON FUNCTION mo_usage.derive_groups() IS
    'counts the persons of each household, draws the income deciles and fills mo_micro.person_group for the portal window''s first day';

-- Step 3: the visits of the portal source, by the visit family's rules.
CREATE FUNCTION mo_usage.build_visits(timeout interval DEFAULT '30 minutes')
RETURNS TABLE (step text, delivery text, rows bigint, detail text)
LANGUAGE plpgsql
SET search_path = mo_usage, pg_catalog
AS $$
DECLARE
    src     smallint;
BEGIN
    SELECT w.source_id INTO src FROM mo_micro.study w;
    IF src IS NULL THEN
        RAISE EXCEPTION 'the portal source does not exist'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Pseudonymise a delivery of the portal log first.';
    END IF;
    -- Only the visits that new hits can change are cut again, when the
    -- last build allows it (update_visits, in the operations part).
    RETURN QUERY SELECT 'visits', 'portal_log', u.visits,
        format('%s visits %s for %s persons and channels, split after %s without an event',
               u.visits, u.method, u.trails, timeout)
    FROM update_visits(src, timeout) u;
END
$$;
COMMENT ON FUNCTION mo_usage.build_visits(interval) IS
    'brings the visits of the portal source up to date with its hits, splitting after timeout without an event: continues the stored visits when only later days came in, rebuilds them otherwise';

-- The linkage report: the log's identifiers by whether they link to the
-- register.  Persons outside the register are kept as their own class.
CREATE FUNCTION mo_usage.linkage_report()
RETURNS TABLE (class text, sort_key integer, identifiers bigint,
               lines bigint)
LANGUAGE sql STABLE
SET search_path = mo_usage, pg_catalog
SET enable_partitionwise_aggregate = on
BEGIN ATOMIC
    SELECT c.class, c.sort_key::integer, coalesce(n.identifiers, 0),
           coalesce(n.lines, 0)
    FROM unnest(category_labels('linkage'))
        WITH ORDINALITY AS c (class, sort_key)
    LEFT JOIN (
        SELECT CASE WHEN g.person IS NULL THEN 'niet in register'
                    WHEN g.in_population THEN 'in register, 14 jaar of ouder'
                    WHEN g.age IS NULL THEN 'in register, leeftijd onbekend'
                    ELSE 'in register, jonger dan 14 jaar' END AS class,
               count(*) AS identifiers, sum(h.lines)::bigint AS lines
        FROM (SELECT h.person, count(*) AS lines
              FROM mo_micro.hit h
              JOIN mo_micro.study w ON w.source_id = h.source_id
              GROUP BY h.person) h
        LEFT JOIN mo_micro.person_group g ON g.person = h.person
        GROUP BY 1
        UNION ALL
        SELECT 'ongeldig of ontbrekend BSN', count(DISTINCT r.identifier),
               count(*)
        FROM mo_micro.reject r
        JOIN mo_micro.study w ON w.source_id = r.source_id
        WHERE r.delivery = 'portal_log'
          AND r.problem IN ('invalid identifier', 'missing identifier')
        HAVING count(*) > 0) n ON n.class = c.class
    ORDER BY c.sort_key;
END;
COMMENT ON FUNCTION mo_usage.linkage_report() IS
    'the portal log''s distinct identifiers and lines by class: in the register (aged 14 or more, younger, age unknown), not in the register, invalid or missing BSN; unsuppressed, for the loading role';

-- All steps in one transaction.  The steps that sort and hash millions of
-- rows (derive_groups, the visits, the refresh) run with work_mem = 256MB,
-- whatever the session's, and the session's setting is back when they
-- return: with less, the person counts, the hit trails and the published
-- views' aggregates spill to disk.
CREATE FUNCTION mo_usage.run_pipeline(
    window_start timestamptz DEFAULT NULL,
    window_end timestamptz DEFAULT NULL,
    time_zone text DEFAULT NULL,
    timeout interval DEFAULT '30 minutes')
RETURNS TABLE (step text, delivery text, rows bigint, detail text)
LANGUAGE plpgsql
SET search_path = mo_usage, pg_catalog
SET work_mem = '256MB'
AS $$
BEGIN
    RETURN QUERY SELECT * FROM pseudonymise_staging($1, $2, $3);
    PERFORM analyze_microdata('mo_micro.source', 'mo_micro.person',
                              'mo_micro.household', 'mo_micro.hit');
    RETURN QUERY SELECT * FROM derive_groups();
    RETURN QUERY SELECT * FROM build_visits($4);
    PERFORM analyze_microdata('mo_micro.person_group', 'mo_micro.visit');
    CALL refresh_published();
    RETURN QUERY SELECT 'refresh', 'mo_pub', count(*),
                        'materialized views refreshed'
    FROM pg_class c
    WHERE c.relnamespace = 'mo_pub'::regnamespace AND c.relkind = 'm';
    RETURN QUERY SELECT 'link', 'portal_log', r.identifiers,
                        format('%s: %s lines', r.class, r.lines)
    FROM linkage_report() r;
END
$$;
COMMENT ON FUNCTION mo_usage.run_pipeline(timestamptz, timestamptz, text, interval) IS
    'the whole pipeline in one transaction: pseudonymise staging, derive groups, build visits, refresh the published views; returns a report of each step and the linkage';

-- The steps change microdata: the loading role's, not everyone's.
REVOKE EXECUTE ON FUNCTION
    mo_usage.take_households(integer),
    mo_usage.take_persons(integer),
    mo_usage.take_log(smallint, integer),
    mo_usage.pseudonymise_staging(timestamptz, timestamptz, text),
    mo_usage.derive_groups(),
    mo_usage.build_visits(interval),
    mo_usage.linkage_report(),
    mo_usage.run_pipeline(timestamptz, timestamptz, text, interval)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    mo_usage.take_households(integer),
    mo_usage.take_persons(integer),
    mo_usage.take_log(smallint, integer),
    mo_usage.pseudonymise_staging(timestamptz, timestamptz, text),
    mo_usage.derive_groups(),
    mo_usage.build_visits(interval),
    mo_usage.linkage_report(),
    mo_usage.run_pipeline(timestamptz, timestamptz, text, interval)
TO mo_usage_loader;

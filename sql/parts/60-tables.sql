-- Part: the tables of the pipeline.
--
-- Staging holds deliveries as they arrive, identifiers included; the
-- pipeline pseudonymises them into mo_micro and empties staging.  Every
-- table is marked with pg_extension_config_dump, so that pg_dump keeps its
-- rows although the table belongs to the extension.

-- Staging: the portal's access log, one row per logged event.
CREATE TABLE mo_staging.portal_log (
    line_no     bigint NOT NULL,
    bsn         text,
    ts          timestamptz NOT NULL,
    event       text NOT NULL,
    page        text,
    channel     text
);
COMMENT ON TABLE mo_staging.portal_log IS
    'portal access log as delivered: one row per event, identified by BSN';
COMMENT ON COLUMN mo_staging.portal_log.line_no IS
    'position in the delivery; orders events with equal times';
COMMENT ON COLUMN mo_staging.portal_log.bsn IS
    'citizen service number as delivered (8 or 9 digits), not yet checked';
COMMENT ON COLUMN mo_staging.portal_log.event IS
    'login (starts a visit), page (a page view) or logout (ends a visit)';
COMMENT ON COLUMN mo_staging.portal_log.channel IS
    'web (the website) or app (the mobile app)';

-- Staging: the person register on the first day of the observation window.
CREATE TABLE mo_staging.person (
    bsn                  text,
    birth_date           date,
    sex                  text,
    migration_background text,
    household_id         text,
    municipality         text
);
COMMENT ON TABLE mo_staging.person IS
    'person register extract as delivered, identified by BSN';
COMMENT ON COLUMN mo_staging.person.sex IS 'M (man) or F (woman)';
COMMENT ON COLUMN mo_staging.person.migration_background IS
    'Dutch, western or non-western (CBS classification of 2017)';
COMMENT ON COLUMN mo_staging.person.household_id IS
    'the household the person belongs to, as the register numbers it';
COMMENT ON COLUMN mo_staging.person.municipality IS
    'municipality code of the address (GMnnnn)';

-- Staging: the household register with income.
CREATE TABLE mo_staging.household (
    household_id         text,
    kind                 text,
    std_income           numeric,
    below_social_minimum boolean
);
COMMENT ON TABLE mo_staging.household IS
    'household register extract as delivered, with income';
COMMENT ON COLUMN mo_staging.household.kind IS
    'private or institutional (care homes, prisons and the like)';
COMMENT ON COLUMN mo_staging.household.std_income IS
    'standardised disposable household income in euros a year; NULL when unknown';
COMMENT ON COLUMN mo_staging.household.below_social_minimum IS
    'household income below the social minimum; NULL when unknown';

-- Staging: municipality names.
CREATE TABLE mo_staging.municipality (
    code        text,
    name        text
);
COMMENT ON TABLE mo_staging.municipality IS
    'municipality codes and names';

SELECT pg_catalog.pg_extension_config_dump('mo_staging.portal_log', '');
SELECT pg_catalog.pg_extension_config_dump('mo_staging.person', '');
SELECT pg_catalog.pg_extension_config_dump('mo_staging.household', '');
SELECT pg_catalog.pg_extension_config_dump('mo_staging.municipality', '');

GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE
    ON ALL TABLES IN SCHEMA mo_staging TO mo_usage_loader;

-- mo_usage install script, release 0.1.0
--
-- Assembled by the Makefile from sql/parts/*.sql in name order.  Each part
-- holds one feature family.  This part: the schemas and the roles.

\echo Use "CREATE EXTENSION mo_usage" to load this file. \quit

-- The schemas.  The extension's own schema, mo_usage, holds the functions,
-- aggregates and types.  The data live in three more, one per stage of the
-- pipeline, so that privileges can follow the stages:
--
--   mo_staging    raw deliveries, still holding identifiers such as BSN;
--                 emptied once pseudonymised
--   mo_micro      microdata keyed by pseudonym only
--   mo_pub        the published, disclosure-controlled tables and views

CREATE SCHEMA mo_staging;
CREATE SCHEMA mo_micro;
CREATE SCHEMA mo_pub;

COMMENT ON SCHEMA mo_usage IS
    'mo_usage functions, aggregates and types';
COMMENT ON SCHEMA mo_staging IS
    'raw deliveries with identifiers, readable by the loading role only; emptied once pseudonymised';
COMMENT ON SCHEMA mo_micro IS
    'microdata keyed by pseudonym: hits, visits, persons, households';
COMMENT ON SCHEMA mo_pub IS
    'published tables: k-anonymous, the only schema the reporting role can read';

-- The roles.  Two group roles carry the privileges; an administrator grants
-- them to login roles (GRANT mo_usage_reader TO powerbi).  Roles belong to
-- the cluster, not to one database, so they are created only when missing
-- and are not dropped with the extension.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mo_usage_loader') THEN
        CREATE ROLE mo_usage_loader NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mo_usage_reader') THEN
        CREATE ROLE mo_usage_reader NOLOGIN;
    END IF;
END
$$;

-- Nothing of the extension is open to PUBLIC; each part grants what its
-- objects need to these two roles.
REVOKE ALL ON SCHEMA mo_usage, mo_staging, mo_micro, mo_pub FROM PUBLIC;
GRANT USAGE ON SCHEMA mo_usage, mo_staging, mo_micro TO mo_usage_loader;
GRANT USAGE ON SCHEMA mo_pub TO mo_usage_reader, mo_usage_loader;

-- The extension installs with CREATE EXTENSION and lays out its schemas.
CREATE EXTENSION mo_usage;

SELECT extname, extversion, nspname AS schema
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE extname = 'mo_usage';

-- The four schemas of the pipeline, each with a comment.
SELECT nspname, obj_description(oid, 'pg_namespace') IS NOT NULL AS commented
FROM pg_namespace
WHERE nspname IN ('mo_usage', 'mo_staging', 'mo_micro', 'mo_pub')
ORDER BY nspname;

-- Nothing of the extension is open to PUBLIC.
SELECT nspname, has_schema_privilege('public', oid, 'USAGE') AS public_usage
FROM pg_namespace
WHERE nspname IN ('mo_usage', 'mo_staging', 'mo_micro', 'mo_pub')
ORDER BY nspname;

-- The group roles exist.
SELECT rolname, rolcanlogin FROM pg_roles
WHERE rolname IN ('mo_usage_loader', 'mo_usage_reader') ORDER BY rolname;

-- The prefix mo_usage is reserved once the module is loaded.
SHOW mo_usage.k;
SET mo_usage.k_threshold = 5;
SET mo_usage.k = 0;
SET mo_usage.k = 5;
SHOW mo_usage.k;
RESET mo_usage.k;

-- Dropping the extension takes its data schemas along; the extension's own
-- schema stays, as PostgreSQL leaves a schema named in the control file.
DROP EXTENSION mo_usage;
SELECT count(*) AS schemas_left FROM pg_namespace
WHERE nspname IN ('mo_staging', 'mo_micro', 'mo_pub');
DROP SCHEMA mo_usage;

-- Catalog hygiene that holds for every object the extension installs, now
-- and in every later release: comments, dump marks, privileges, labels.
BEGIN;
CREATE EXTENSION mo_usage;
SELECT plan(5);

CREATE TEMP VIEW member AS
SELECT d.classid, d.objid, pg_describe_object(d.classid, d.objid, 0) AS what
FROM pg_depend d
WHERE d.refclassid = 'pg_extension'::regclass
  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'mo_usage')
  AND d.deptype = 'e';

SELECT is_empty($$
    SELECT what FROM member m
    LEFT JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
    WHERE m.classid IN ('pg_proc'::regclass, 'pg_type'::regclass,
                        'pg_class'::regclass, 'pg_namespace'::regclass)
      AND coalesce(c.relkind NOT IN ('i', 'S'), true)
      AND obj_description(m.objid, m.classid::regclass::name) IS NULL
$$, 'every function, aggregate, type, table, view and schema has a comment');

SELECT is_empty($$
    SELECT what FROM member m
    JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
    WHERE c.relkind IN ('r', 'p')
      AND c.oid <> ALL (coalesce((SELECT extconfig FROM pg_extension
                                  WHERE extname = 'mo_usage'), '{}'))
$$, 'every table is marked so that pg_dump keeps its rows');

SELECT is_empty($$
    SELECT what FROM member m
    JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
    WHERE has_function_privilege('public', p.oid, 'EXECUTE')
      AND p.pronamespace = 'mo_usage'::regnamespace
      AND p.proname ~ 'pseudonym|hmac|key'
$$, 'no pseudonym or key function is executable by PUBLIC');

SELECT is_empty($$
    SELECT what FROM member m
    JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
    JOIN pg_language l ON l.oid = p.prolang
    WHERE l.lanname = 'c' AND p.proparallel <> 's'
      AND p.proname NOT LIKE '%\_file%' AND p.proname NOT LIKE 'load\_%'
$$, 'every C function is PARALLEL SAFE, but for those that read files');

SELECT is_empty($$
    SELECT what FROM member m
    JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
    JOIN pg_language l ON l.oid = p.prolang
    WHERE l.lanname IN ('sql', 'plpgsql')
      AND p.prosqlbody IS NULL
      AND NOT coalesce(p.proconfig::text[] @> '{search_path=mo_usage, pg_catalog}'
                       OR p.proconfig::text[] @> '{"search_path=mo_usage, pg_catalog"}'
                       OR EXISTS (SELECT FROM unnest(p.proconfig) s
                                  WHERE s LIKE 'search\_path=%'), false)
$$, 'every SQL and PL/pgSQL function has a fixed search_path or a body bound at creation');

SELECT * FROM finish();
ROLLBACK;

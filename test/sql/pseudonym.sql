-- Keyed pseudonyms under the key file of the test server, which holds key
-- versions 1 and 2 with fresh random keys on every run: the tests compare
-- pseudonyms with each other and with the HMAC of the same bytes under the
-- key read from the file, never with fixed values.
CREATE EXTENSION mo_usage;

-- The keys, for the cross-checks below only; a superuser may read them.
CREATE TEMP TABLE key_file AS
SELECT split_part(line, ' ', 1)::int AS version,
       decode(split_part(line, ' ', 2), 'hex') AS key
FROM regexp_split_to_table(pg_read_file(current_setting('mo_usage.key_file')),
                           E'\n') AS line
WHERE line ~ '^[0-9]+ ';
SELECT version, length(key) AS bytes FROM key_file ORDER BY version;

-- The digest is HMAC-SHA-256(key, context || 0x00 || identifier as UTF-8).
SELECT v AS version, context, left(id, 16) AS id,
       mo_usage.pseudonym_digest(id, context, v)
       = mo_usage.hmac_sha256(convert_to(context, 'UTF8') || '\x00'::bytea
                              || convert_to(id, 'UTF8'), key) AS as_defined
FROM key_file k(v, key),
     (VALUES ('person', '123456782'),
             ('household', '123456782'),
             ('host', 'café.example.nl'),
             ('user_id', ''),
             ('a', repeat('x', 1000))) AS t(context, id)
ORDER BY 1, 2, 3;

-- The pseudonym is the digest's first 8 bytes, big-endian, as a bigint.
SELECT id, mo_usage.pseudonym(id, 'person')
           = ('x' || encode(substr(mo_usage.pseudonym_digest(id, 'person'),
                                   1, 8), 'hex'))::bit(64)::bigint AS first_8_bytes,
       length(mo_usage.pseudonym_digest(id, 'person')) AS digest_bytes
FROM (VALUES ('123456782'), ('111222333'), ('')) AS t(id);

-- New pseudonyms use mo_usage.key_version; 0, the default, means the highest
-- version in the key file.
SHOW mo_usage.key_version;
SELECT mo_usage.pseudonym_key_version();
SELECT version, is_current, key_check = encode(substr(
           mo_usage.hmac_sha256('', k.key), 1, 8), 'hex') AS key_check_as_defined
FROM mo_usage.pseudonym_key_versions() JOIN key_file k USING (version)
ORDER BY version;
SELECT mo_usage.pseudonym('123456782', 'person')
       = mo_usage.pseudonym('123456782', 'person', 2) AS default_is_2,
       mo_usage.pseudonym('123456782', 'person', 0)
       = mo_usage.pseudonym('123456782', 'person', 2) AS zero_is_2;
SET mo_usage.key_version = 1;
SELECT mo_usage.pseudonym_key_version();
SELECT version, is_current FROM mo_usage.pseudonym_key_versions();
SELECT mo_usage.pseudonym('123456782', 'person')
       = mo_usage.pseudonym('123456782', 'person', 1) AS default_is_1,
       mo_usage.bsn_pseudonym('123456782')
       = mo_usage.pseudonym('123456782', 'person', 1) AS bsn_default_is_1;
RESET mo_usage.key_version;

-- Two key versions give unrelated pseudonyms; so do two contexts.
SELECT mo_usage.pseudonym('123456782', 'person', 1)
       <> mo_usage.pseudonym('123456782', 'person', 2) AS versions_differ,
       mo_usage.pseudonym('123456782', 'person')
       <> mo_usage.pseudonym('123456782', 'household') AS contexts_differ;

-- A BSN's pseudonym is the pseudonym of its 9-digit form in its context
-- ('person' unless given), whether it came as text or as a number.
SELECT bsn, mo_usage.bsn_pseudonym(bsn)
            = mo_usage.pseudonym(mo_usage.bsn_normalise(bsn), 'person') AS lenient,
       mo_usage.bsn_pseudonym_strict(bsn)
            = mo_usage.pseudonym(mo_usage.bsn_normalise(bsn), 'person') AS strict,
       mo_usage.bsn_pseudonym(bsn, 'household', 1)
            = mo_usage.pseudonym(mo_usage.bsn_normalise(bsn), 'household', 1) AS household_v1
FROM (VALUES ('123456782'), (' 111222333 '), ('12345672')) AS t(bsn);
SELECT mo_usage.bsn_pseudonym(12345672) = mo_usage.bsn_pseudonym('012345672') AS lenient,
       mo_usage.bsn_pseudonym_strict(12345672, 'person', 1)
       = mo_usage.bsn_pseudonym('012345672', 'person', 1) AS strict;

-- An invalid BSN gets no pseudonym: NULL from the lenient functions, an
-- error from the strict ones, which gives the reason and never the value.
SELECT mo_usage.bsn_pseudonym('123456781') IS NULL AS elfproef,
       mo_usage.bsn_pseudonym('187318') IS NULL AS short,
       mo_usage.bsn_pseudonym('000000000') IS NULL AS zeros,
       mo_usage.bsn_pseudonym(187318) IS NULL AS short_number;
SELECT mo_usage.bsn_pseudonym_strict('123456781');
SELECT mo_usage.bsn_pseudonym_strict('0187318');
SELECT mo_usage.bsn_pseudonym_strict('1');
SELECT mo_usage.bsn_pseudonym_strict('000000000');
SELECT mo_usage.bsn_pseudonym_strict('12345678a');
SELECT mo_usage.bsn_pseudonym_strict(' ');
SELECT mo_usage.bsn_pseudonym_strict(-123456782);

-- NULL in, NULL out, in every argument.
SELECT mo_usage.pseudonym(NULL, 'person') IS NULL AS id,
       mo_usage.pseudonym('1', NULL) IS NULL AS context,
       mo_usage.pseudonym('1', 'person', NULL) IS NULL AS version,
       mo_usage.pseudonym_digest(NULL, 'person') IS NULL AS digest,
       mo_usage.bsn_pseudonym(NULL::text) IS NULL AS bsn,
       mo_usage.bsn_pseudonym_strict(NULL::bigint) IS NULL AS bsn_strict;

-- A context is a lower-case word, starting with a letter, of at most 63
-- bytes.  A bad one is not quoted back: it may be an identifier given in the
-- wrong place.
SELECT mo_usage.pseudonym('1', 'x') IS NOT NULL AS one_letter,
       mo_usage.pseudonym('1', 'a' || repeat('b_9', 20) || 'cd') IS NOT NULL AS longest;
SELECT mo_usage.pseudonym('1', '');
SELECT mo_usage.pseudonym('1', 'Person');
SELECT mo_usage.pseudonym('1', '9person');
SELECT mo_usage.pseudonym('1', '_person');
SELECT mo_usage.pseudonym('1', 'per son');
SELECT mo_usage.pseudonym('1', 'persoon-nummer');
SELECT mo_usage.pseudonym('1', 'a' || repeat('b_9', 21));
SELECT mo_usage.pseudonym('person', '123456782');
SELECT mo_usage.bsn_pseudonym('123456782', 'Household');

-- Key versions that are not in the file.
SELECT mo_usage.pseudonym('1', 'person', 3);
SELECT mo_usage.pseudonym_digest('1', 'person', -1);
SELECT mo_usage.bsn_pseudonym('123456782', 'person', 2147483647);
SET mo_usage.key_version = 7;
SELECT mo_usage.pseudonym('1', 'person');
SELECT mo_usage.pseudonym_key_version();
SELECT version, is_current FROM mo_usage.pseudonym_key_versions();
SELECT mo_usage.pseudonym('1', 'person', 1) IS NOT NULL AS explicit_version_works;
RESET mo_usage.key_version;
SET mo_usage.key_version = -1;

-- One statement, one key: a call site keyed for one version follows the
-- version argument row by row.
SELECT v, count(DISTINCT mo_usage.pseudonym(id, 'person', v)) AS pseudonyms,
       bool_and(mo_usage.pseudonym(id, 'person', v)
                = ('x' || encode(substr(mo_usage.hmac_sha256(
                      convert_to('person', 'UTF8') || '\x00'::bytea
                      || convert_to(id, 'UTF8'), k.key), 1, 8), 'hex'))::bit(64)::bigint)
           AS as_defined
FROM generate_series(1, 1000) i, LATERAL (SELECT i::text AS id) t,
     key_file k(v, key)
GROUP BY v ORDER BY v;

-- A call site that serves key_version 0 follows the setting when it changes
-- between calls, as in a PL/pgSQL loop.
DO $$
DECLARE
    got bigint[] := '{}';
BEGIN
    FOR v IN 1..2 LOOP
        PERFORM set_config('mo_usage.key_version', v::text, true);
        got := got || mo_usage.pseudonym('123456782', 'person');
    END LOOP;
    RAISE NOTICE 'follows the setting: %',
        got = ARRAY[mo_usage.pseudonym('123456782', 'person', 1),
                    mo_usage.pseudonym('123456782', 'person', 2)];
END
$$;
SHOW mo_usage.key_version;

-- Labels: the key file may change between statements, so STABLE.
SELECT p.oid::regprocedure AS function, provolatile, proisstrict, proparallel
FROM pg_proc p
WHERE pronamespace = 'mo_usage'::regnamespace
  AND proname IN ('pseudonym', 'pseudonym_digest', 'pseudonym_key_version',
                  'pseudonym_key_versions', 'bsn_pseudonym',
                  'bsn_pseudonym_strict')
ORDER BY 1::text;

DROP EXTENSION mo_usage;
DROP SCHEMA mo_usage;

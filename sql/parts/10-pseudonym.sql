-- Part: keyed pseudonyms and the checks of the BSN.
--
-- A pseudonym is the HMAC-SHA-256 of context || 0x00 || identifier under a
-- secret key that the server reads from the file named by mo_usage.key_file;
-- the key never passes through SQL.  Functions that read the key file are
-- STABLE: within a statement they use one key, but the file may change
-- between statements.  Nothing here is executable by PUBLIC: the loading
-- role may pseudonymise and check BSNs, the reporting role may do neither,
-- and the bare HMAC, which takes a key as an argument, is for superusers.

CREATE FUNCTION mo_usage.hmac_sha256(data bytea, key bytea)
RETURNS bytea
AS 'MODULE_PATHNAME', 'mo_hmac_sha256'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mo_usage.hmac_sha256(bytea, bytea) IS
    'HMAC-SHA-256 of data under key (RFC 2104), the primitive under the pseudonyms; superuser only, as the key is an argument';

CREATE FUNCTION mo_usage.pseudonym(
    id text, context text, key_version integer DEFAULT 0)
RETURNS bigint
AS 'MODULE_PATHNAME', 'mo_pseudonym'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mo_usage.pseudonym(text, text, integer) IS
    'pseudonym of id in context: the first 8 bytes of its digest as a bigint; key_version 0 means mo_usage.key_version';

CREATE FUNCTION mo_usage.pseudonym_digest(
    id text, context text, key_version integer DEFAULT 0)
RETURNS bytea
AS 'MODULE_PATHNAME', 'mo_pseudonym_digest'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mo_usage.pseudonym_digest(text, text, integer) IS
    'HMAC-SHA-256 of context, a 0x00 byte and id (UTF-8) under the pseudonym key: 32 bytes';

CREATE FUNCTION mo_usage.pseudonym_key_version()
RETURNS integer
AS 'MODULE_PATHNAME', 'mo_pseudonym_key_version'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mo_usage.pseudonym_key_version() IS
    'key version that new pseudonyms use now (mo_usage.key_version, or the highest in the key file)';

CREATE FUNCTION mo_usage.pseudonym_key_versions(
    OUT version integer, OUT is_current boolean, OUT key_check text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'mo_pseudonym_key_versions'
LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 4;
COMMENT ON FUNCTION mo_usage.pseudonym_key_versions() IS
    'key versions in the key file, never the keys; key_check: hex of the first 8 bytes of the HMAC of the empty message';

CREATE FUNCTION mo_usage.bsn_is_valid(bsn text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'mo_bsn_is_valid'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mo_usage.bsn_is_valid(text) IS
    'whether bsn is a valid BSN: 8 or 9 digits between optional white space, passing the elfproef';

CREATE FUNCTION mo_usage.bsn_is_valid(bsn bigint)
RETURNS boolean
AS 'MODULE_PATHNAME', 'mo_bsn_is_valid_int8'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mo_usage.bsn_is_valid(bigint) IS
    'whether the decimal digits of bsn are a valid BSN';

CREATE FUNCTION mo_usage.bsn_invalid_reason(bsn text)
RETURNS text
AS 'MODULE_PATHNAME', 'mo_bsn_invalid_reason'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mo_usage.bsn_invalid_reason(text) IS
    'why bsn is not a valid BSN, without quoting it; NULL when it is valid';

CREATE FUNCTION mo_usage.bsn_invalid_reason(bsn bigint)
RETURNS text
AS 'MODULE_PATHNAME', 'mo_bsn_invalid_reason_int8'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mo_usage.bsn_invalid_reason(bigint) IS
    'why the decimal digits of bsn are not a valid BSN; NULL when they are';

CREATE FUNCTION mo_usage.bsn_normalise(bsn text)
RETURNS text
AS 'MODULE_PATHNAME', 'mo_bsn_normalise'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mo_usage.bsn_normalise(text) IS
    'the 9-digit form of a valid BSN; NULL when bsn is invalid';

CREATE FUNCTION mo_usage.bsn_normalise(bsn bigint)
RETURNS text
AS 'MODULE_PATHNAME', 'mo_bsn_normalise_int8'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mo_usage.bsn_normalise(bigint) IS
    'the 9-digit form of a valid BSN given as a number; NULL when bsn is invalid';

CREATE FUNCTION mo_usage.bsn_pseudonym(
    bsn text, context text DEFAULT 'person', key_version integer DEFAULT 0)
RETURNS bigint
AS 'MODULE_PATHNAME', 'mo_bsn_pseudonym'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mo_usage.bsn_pseudonym(text, text, integer) IS
    'pseudonym of the 9-digit form of a valid BSN; NULL when bsn is invalid, to be counted as a reject';

CREATE FUNCTION mo_usage.bsn_pseudonym(
    bsn bigint, context text DEFAULT 'person', key_version integer DEFAULT 0)
RETURNS bigint
AS 'MODULE_PATHNAME', 'mo_bsn_pseudonym_int8'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mo_usage.bsn_pseudonym(bigint, text, integer) IS
    'pseudonym of a valid BSN given as a number; NULL when bsn is invalid, to be counted as a reject';

CREATE FUNCTION mo_usage.bsn_pseudonym_strict(
    bsn text, context text DEFAULT 'person', key_version integer DEFAULT 0)
RETURNS bigint
AS 'MODULE_PATHNAME', 'mo_bsn_pseudonym_strict'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mo_usage.bsn_pseudonym_strict(text, text, integer) IS
    'pseudonym of the 9-digit form of a valid BSN; an error (22023) when bsn is invalid';

CREATE FUNCTION mo_usage.bsn_pseudonym_strict(
    bsn bigint, context text DEFAULT 'person', key_version integer DEFAULT 0)
RETURNS bigint
AS 'MODULE_PATHNAME', 'mo_bsn_pseudonym_strict_int8'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mo_usage.bsn_pseudonym_strict(bigint, text, integer) IS
    'pseudonym of a valid BSN given as a number; an error (22023) when bsn is invalid';

REVOKE EXECUTE ON FUNCTION
    mo_usage.hmac_sha256(bytea, bytea),
    mo_usage.pseudonym(text, text, integer),
    mo_usage.pseudonym_digest(text, text, integer),
    mo_usage.pseudonym_key_version(),
    mo_usage.pseudonym_key_versions(),
    mo_usage.bsn_is_valid(text),
    mo_usage.bsn_is_valid(bigint),
    mo_usage.bsn_invalid_reason(text),
    mo_usage.bsn_invalid_reason(bigint),
    mo_usage.bsn_normalise(text),
    mo_usage.bsn_normalise(bigint),
    mo_usage.bsn_pseudonym(text, text, integer),
    mo_usage.bsn_pseudonym(bigint, text, integer),
    mo_usage.bsn_pseudonym_strict(text, text, integer),
    mo_usage.bsn_pseudonym_strict(bigint, text, integer)
FROM PUBLIC;

GRANT EXECUTE ON FUNCTION
    mo_usage.pseudonym(text, text, integer),
    mo_usage.pseudonym_digest(text, text, integer),
    mo_usage.pseudonym_key_version(),
    mo_usage.pseudonym_key_versions(),
    mo_usage.bsn_is_valid(text),
    mo_usage.bsn_is_valid(bigint),
    mo_usage.bsn_invalid_reason(text),
    mo_usage.bsn_invalid_reason(bigint),
    mo_usage.bsn_normalise(text),
    mo_usage.bsn_normalise(bigint),
    mo_usage.bsn_pseudonym(text, text, integer),
    mo_usage.bsn_pseudonym(bigint, text, integer),
    mo_usage.bsn_pseudonym_strict(text, text, integer),
    mo_usage.bsn_pseudonym_strict(bigint, text, integer)
TO mo_usage_loader;

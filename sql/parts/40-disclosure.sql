-- Part: disclosure control.
--
-- k-anonymous counts of distinct persons, rounding of published counts,
-- shares of published counts, and primary and secondary suppression of
-- one-way and two-way tables.  A suppressed count is NULL, never 0.

-- The person set: the distinct persons of one cell, the state of the
-- counting aggregates.  A real type with text and binary forms, so that
-- parallel workers and Citus nodes can hand states to each other.
CREATE TYPE mo_usage.person_set;

CREATE FUNCTION mo_usage.person_set_in(cstring)
RETURNS mo_usage.person_set
AS 'MODULE_PATHNAME', 'mo_person_set_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mo_usage.person_set_out(mo_usage.person_set)
RETURNS cstring
AS 'MODULE_PATHNAME', 'mo_person_set_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mo_usage.person_set_recv(internal)
RETURNS mo_usage.person_set
AS 'MODULE_PATHNAME', 'mo_person_set_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mo_usage.person_set_send(mo_usage.person_set)
RETURNS bytea
AS 'MODULE_PATHNAME', 'mo_person_set_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Aligned on 8 bytes, as its persons are; stored uncompressed, since
-- pseudonyms do not compress.
CREATE TYPE mo_usage.person_set (
    INPUT = mo_usage.person_set_in,
    OUTPUT = mo_usage.person_set_out,
    RECEIVE = mo_usage.person_set_recv,
    SEND = mo_usage.person_set_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = external
);

COMMENT ON TYPE mo_usage.person_set IS
    'set of distinct persons (bigint pseudonyms), as text {p1,p2,...}, led by k=N when it carries its own k';
COMMENT ON FUNCTION mo_usage.person_set_in(cstring) IS
    'person set from its text form {p1,p2,...} or k=N {p1,p2,...}';
COMMENT ON FUNCTION mo_usage.person_set_out(mo_usage.person_set) IS
    'text form of a person set, persons in ascending order';
COMMENT ON FUNCTION mo_usage.person_set_recv(internal) IS
    'person set from its binary form';
COMMENT ON FUNCTION mo_usage.person_set_send(mo_usage.person_set) IS
    'binary form of a person set: k, the number of persons, the persons';

-- The functions the aggregates are made of.  They change the state in
-- place and so refuse to run outside an aggregate.
CREATE FUNCTION mo_usage.person_set_add(mo_usage.person_set, bigint)
RETURNS mo_usage.person_set
AS 'MODULE_PATHNAME', 'mo_person_set_add'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mo_usage.person_set_add(mo_usage.person_set, bigint, integer)
RETURNS mo_usage.person_set
AS 'MODULE_PATHNAME', 'mo_person_set_add_k'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION mo_usage.person_set_union(mo_usage.person_set, mo_usage.person_set)
RETURNS mo_usage.person_set
AS 'MODULE_PATHNAME', 'mo_person_set_union'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- STABLE: without a k of its own, it reads mo_usage.k.
CREATE FUNCTION mo_usage.person_set_k_count(mo_usage.person_set)
RETURNS bigint
AS 'MODULE_PATHNAME', 'mo_person_set_k_count'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mo_usage.person_set_count(mo_usage.person_set)
RETURNS bigint
AS 'MODULE_PATHNAME', 'mo_person_set_count'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION mo_usage.person_set_add(mo_usage.person_set, bigint) IS
    'transition function of the person-counting aggregates: adds a person to the set';
COMMENT ON FUNCTION mo_usage.person_set_add(mo_usage.person_set, bigint, integer) IS
    'transition function of k_persons(person, k): adds a person and records k';
COMMENT ON FUNCTION mo_usage.person_set_union(mo_usage.person_set, mo_usage.person_set) IS
    'combine function of the person-counting aggregates: the union of two sets';
COMMENT ON FUNCTION mo_usage.person_set_k_count(mo_usage.person_set) IS
    'final function of k_persons: the number of persons if it reaches k, else NULL';
COMMENT ON FUNCTION mo_usage.person_set_count(mo_usage.person_set) IS
    'final function of distinct_persons: the number of persons';

CREATE AGGREGATE mo_usage.k_persons(person bigint) (
    SFUNC = mo_usage.person_set_add,
    STYPE = mo_usage.person_set,
    INITCOND = '{}',
    COMBINEFUNC = mo_usage.person_set_union,
    FINALFUNC = mo_usage.person_set_k_count,
    PARALLEL = SAFE
);

CREATE AGGREGATE mo_usage.k_persons(person bigint, k integer) (
    SFUNC = mo_usage.person_set_add,
    STYPE = mo_usage.person_set,
    INITCOND = '{}',
    COMBINEFUNC = mo_usage.person_set_union,
    FINALFUNC = mo_usage.person_set_k_count,
    PARALLEL = SAFE
);

CREATE AGGREGATE mo_usage.distinct_persons(person bigint) (
    SFUNC = mo_usage.person_set_add,
    STYPE = mo_usage.person_set,
    INITCOND = '{}',
    COMBINEFUNC = mo_usage.person_set_union,
    FINALFUNC = mo_usage.person_set_count,
    PARALLEL = SAFE
);

CREATE AGGREGATE mo_usage.person_set_agg(person bigint) (
    SFUNC = mo_usage.person_set_add,
    STYPE = mo_usage.person_set,
    INITCOND = '{}',
    COMBINEFUNC = mo_usage.person_set_union,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE mo_usage.k_persons(bigint) IS
    'number of distinct persons (NULL is none) when it reaches mo_usage.k, else NULL (suppressed)';
COMMENT ON AGGREGATE mo_usage.k_persons(bigint, integer) IS
    'number of distinct persons (NULL is none) when it reaches k, else NULL (suppressed); a NULL k means mo_usage.k';
COMMENT ON AGGREGATE mo_usage.distinct_persons(bigint) IS
    'number of distinct persons (NULL is none), unsuppressed: the input of secondary suppression, never to be published as is';
COMMENT ON AGGREGATE mo_usage.person_set_agg(bigint) IS
    'the set of distinct persons (NULL is none), for membership tests with @>';

CREATE FUNCTION mo_usage.person_set_contains(mo_usage.person_set, bigint)
RETURNS boolean
AS 'MODULE_PATHNAME', 'mo_person_set_contains'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION mo_usage.person_set_contains(mo_usage.person_set, bigint) IS
    'whether the person is in the set';

CREATE FUNCTION mo_usage.person_set_contains_sel(internal, oid, internal, integer)
RETURNS float8
AS 'MODULE_PATHNAME', 'mo_person_set_contains_sel'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION mo_usage.person_set_contains_sel(internal, oid, internal, integer) IS
    'planner estimate of the share of rows whose person is in the set';

CREATE OPERATOR mo_usage.@> (
    LEFTARG = mo_usage.person_set,
    RIGHTARG = bigint,
    FUNCTION = mo_usage.person_set_contains,
    RESTRICT = mo_usage.person_set_contains_sel
);

COMMENT ON OPERATOR mo_usage.@> (mo_usage.person_set, bigint) IS
    'whether the person is in the set';

-- Published counts.
CREATE FUNCTION mo_usage.k_suppress(n bigint, k integer DEFAULT NULL)
RETURNS bigint
AS 'MODULE_PATHNAME', 'mo_k_suppress'
LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION mo_usage.k_round(n bigint)
RETURNS bigint
AS 'MODULE_PATHNAME', 'mo_k_round'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mo_usage.k_round(n bigint, base integer)
RETURNS bigint
AS 'MODULE_PATHNAME', 'mo_k_round'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mo_usage.k_share(part bigint, whole bigint, decimals integer DEFAULT 1)
RETURNS numeric
AS 'MODULE_PATHNAME', 'mo_k_share'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION mo_usage.k_suppress(bigint, integer) IS
    'the count when it reaches k, else NULL (suppressed); for counts of rows that are distinct persons already; a NULL k means mo_usage.k';
COMMENT ON FUNCTION mo_usage.k_round(bigint) IS
    'the count rounded halves up to a multiple of mo_usage.rounding_base (0 or 1: unchanged)';
COMMENT ON FUNCTION mo_usage.k_round(bigint, integer) IS
    'the count rounded halves up to a multiple of the base';
COMMENT ON FUNCTION mo_usage.k_share(bigint, bigint, integer) IS
    'part as a percentage of whole, rounded halves up to the given decimals; NULL when either is NULL (suppressed); pass published counts';

-- Secondary suppression.  Totals have a NULL label, as GROUP BY ROLLUP and
-- CUBE give them.
CREATE FUNCTION mo_usage.suppress_one_way(label text[], count bigint[],
                                          k integer DEFAULT NULL)
RETURNS TABLE (label text, count bigint, suppressed boolean, reason text)
AS 'MODULE_PATHNAME', 'mo_suppress_one_way'
LANGUAGE C STABLE PARALLEL SAFE ROWS 10;

CREATE FUNCTION mo_usage.suppress_two_way(row_label text[], col_label text[],
                                          count bigint[], k integer DEFAULT NULL)
RETURNS TABLE (row_label text, col_label text, count bigint,
               suppressed boolean, reason text)
AS 'MODULE_PATHNAME', 'mo_suppress_two_way'
LANGUAGE C STABLE PARALLEL SAFE ROWS 100;

COMMENT ON FUNCTION mo_usage.suppress_one_way(text[], bigint[], integer) IS
    'cells of a one-way table and its total (NULL label) after primary and secondary suppression at k (NULL: mo_usage.k)';
COMMENT ON FUNCTION mo_usage.suppress_two_way(text[], text[], bigint[], integer) IS
    'cells of a two-way table with row, column and grand totals (NULL labels) after primary and secondary suppression at k (NULL: mo_usage.k)';

-- Part: quantile groups.
--
-- quantile_bounds(value, [weight,] n) collects values into a quantile_state
-- and returns the n - 1 boundaries of n groups of equal weight (exact, the
-- weighted form of percentile_disc); quantile_group(value, boundaries)
-- places a value in its group.  The state is a type of its own with text and
-- binary input and output, so that parallel workers and Citus nodes can
-- hand partial states on.

CREATE TYPE mo_usage.quantile_state;

CREATE FUNCTION mo_usage.quantile_state_in(cstring)
RETURNS mo_usage.quantile_state
AS 'MODULE_PATHNAME', 'mo_quantile_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mo_usage.quantile_state_out(mo_usage.quantile_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'mo_quantile_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mo_usage.quantile_state_recv(internal)
RETURNS mo_usage.quantile_state
AS 'MODULE_PATHNAME', 'mo_quantile_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mo_usage.quantile_state_send(mo_usage.quantile_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'mo_quantile_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE mo_usage.quantile_state (
    INPUT = mo_usage.quantile_state_in,
    OUTPUT = mo_usage.quantile_state_out,
    RECEIVE = mo_usage.quantile_state_recv,
    SEND = mo_usage.quantile_state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);

COMMENT ON TYPE mo_usage.quantile_state IS
    'values (and weights, or counts of equal values) collected by quantile_bounds: groups=N values={...} [weights={...} | counts={...}]';
COMMENT ON FUNCTION mo_usage.quantile_state_in(cstring) IS
    'reads a quantile_state from its text form';
COMMENT ON FUNCTION mo_usage.quantile_state_out(mo_usage.quantile_state) IS
    'writes a quantile_state as text; every number reads back bit-identical';
COMMENT ON FUNCTION mo_usage.quantile_state_recv(internal) IS
    'reads a quantile_state from its binary form';
COMMENT ON FUNCTION mo_usage.quantile_state_send(mo_usage.quantile_state) IS
    'writes a quantile_state in binary form';

-- The transition functions are not strict: NULL values and weights are
-- skipped, but a NULL number of groups is an error.
CREATE FUNCTION mo_usage.quantile_state_add(
    mo_usage.quantile_state, double precision, integer)
RETURNS mo_usage.quantile_state
AS 'MODULE_PATHNAME', 'mo_quantile_add'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION mo_usage.quantile_state_add(
    mo_usage.quantile_state, double precision, double precision, integer)
RETURNS mo_usage.quantile_state
AS 'MODULE_PATHNAME', 'mo_quantile_add'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION mo_usage.quantile_state_merge(
    mo_usage.quantile_state, mo_usage.quantile_state)
RETURNS mo_usage.quantile_state
AS 'MODULE_PATHNAME', 'mo_quantile_merge'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION mo_usage.quantile_state_bounds(mo_usage.quantile_state)
RETURNS double precision[]
AS 'MODULE_PATHNAME', 'mo_quantile_bounds'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION mo_usage.quantile_state_add(
    mo_usage.quantile_state, double precision, integer) IS
    'transition function of quantile_bounds(value, n): appends the value';
COMMENT ON FUNCTION mo_usage.quantile_state_add(
    mo_usage.quantile_state, double precision, double precision, integer) IS
    'transition function of quantile_bounds(value, weight, n): appends the value and its weight';
COMMENT ON FUNCTION mo_usage.quantile_state_merge(
    mo_usage.quantile_state, mo_usage.quantile_state) IS
    'combine function of quantile_bounds: appends the rows of the second state to the first';
COMMENT ON FUNCTION mo_usage.quantile_state_bounds(mo_usage.quantile_state) IS
    'final function of quantile_bounds: the n - 1 boundaries of the collected values, NULL when there are none';

CREATE AGGREGATE mo_usage.quantile_bounds(double precision, integer) (
    SFUNC = mo_usage.quantile_state_add,
    STYPE = mo_usage.quantile_state,
    COMBINEFUNC = mo_usage.quantile_state_merge,
    FINALFUNC = mo_usage.quantile_state_bounds,
    PARALLEL = SAFE
);

CREATE AGGREGATE mo_usage.quantile_bounds(
    double precision, double precision, integer) (
    SFUNC = mo_usage.quantile_state_add,
    STYPE = mo_usage.quantile_state,
    COMBINEFUNC = mo_usage.quantile_state_merge,
    FINALFUNC = mo_usage.quantile_state_bounds,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE mo_usage.quantile_bounds(double precision, integer) IS
    'boundaries of n groups of the values: boundary k is the value at position ceil(k * N / n), as percentile_disc(k / n)';
COMMENT ON AGGREGATE mo_usage.quantile_bounds(
    double precision, double precision, integer) IS
    'boundaries of n groups of equal weight: boundary k is the smallest value whose cumulative weight reaches k/n of the total';

CREATE FUNCTION mo_usage.quantile_group(double precision, double precision[])
RETURNS integer
AS 'MODULE_PATHNAME', 'mo_quantile_group'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION mo_usage.quantile_group(double precision, double precision[]) IS
    'group of a value against quantile boundaries: 1 + the number of boundaries below it; equal values share a group';

-- Part: access logs.  Parse web-server log lines into typed columns, read
-- log files on the server line by line, and load them into the hit table
-- with pseudonymised clients; lines that do not parse are kept as rejects.

CREATE FUNCTION mo_usage.parse_log_line(
    line text,
    layout text DEFAULT 'combined',
    year integer DEFAULT NULL,
    month integer DEFAULT NULL,
    time_zone text DEFAULT NULL,
    OUT client text,
    OUT identity text,
    OUT auth_user text,
    OUT ts timestamptz,
    OUT method text,
    OUT path text,
    OUT query text,
    OUT protocol text,
    OUT status integer,
    OUT bytes bigint,
    OUT referrer text,
    OUT user_agent text,
    OUT reason text)
RETURNS record
AS 'MODULE_PATHNAME', 'mo_parse_log_line'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION mo_usage.parse_log_line(text, text, integer, integer, text) IS
    'columns of one access-log line in an Apache-style layout (common, combined or %-directives), or the reason it does not fit';

CREATE FUNCTION mo_usage.read_log_file(
    file text,
    layout text DEFAULT 'combined',
    year integer DEFAULT NULL,
    month integer DEFAULT NULL,
    time_zone text DEFAULT NULL,
    header boolean DEFAULT false)
RETURNS TABLE (
    line_no bigint,
    client text,
    identity text,
    auth_user text,
    ts timestamptz,
    method text,
    path text,
    query text,
    protocol text,
    status integer,
    bytes bigint,
    referrer text,
    user_agent text,
    line text,
    reason text)
AS 'MODULE_PATHNAME', 'mo_read_log_file'
LANGUAGE C VOLATILE PARALLEL UNSAFE ROWS 100000;
COMMENT ON FUNCTION mo_usage.read_log_file(text, text, integer, integer, text, boolean) IS
    'lines of a server-side access log (plain or gzip), parsed: columns, or for a reject the line and the reason';

REVOKE ALL ON FUNCTION mo_usage.read_log_file(text, text, integer, integer, text, boolean)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION mo_usage.parse_log_line(text, text, integer, integer, text),
    mo_usage.read_log_file(text, text, integer, integer, text, boolean)
    TO mo_usage_loader;

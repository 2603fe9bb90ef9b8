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

-- Staging: lines of loaded logs that did not parse.  Kept in staging, as a
-- raw line holds the client's address.
CREATE TABLE mo_staging.log_reject (
    source      text NOT NULL,
    file        text NOT NULL,
    line_no     bigint NOT NULL,
    line        text NOT NULL,
    reason      text NOT NULL
);
COMMENT ON TABLE mo_staging.log_reject IS
    'lines of loaded web-server logs that did not parse, with the reason; they hold client addresses';
COMMENT ON COLUMN mo_staging.log_reject.source IS 'name of the source the file was loaded into';
COMMENT ON COLUMN mo_staging.log_reject.file IS 'the file as load_log was given it';
COMMENT ON COLUMN mo_staging.log_reject.line_no IS 'line number in the file, from 1';
COMMENT ON COLUMN mo_staging.log_reject.line IS
    'the line as read; bytes that are not valid text are shown as \xhh';
COMMENT ON COLUMN mo_staging.log_reject.reason IS 'why the line does not fit the layout';

-- Microdata: each file loaded, with its counts.
CREATE TABLE mo_micro.log_file (
    source_id   smallint NOT NULL,
    file        text NOT NULL,
    loaded_at   timestamptz NOT NULL DEFAULT now(),
    first_seq   bigint NOT NULL,
    last_seq    bigint NOT NULL,
    lines_read  bigint NOT NULL,
    loaded      bigint NOT NULL,
    rejected    bigint NOT NULL,
    skipped     bigint NOT NULL,
    technical   bigint NOT NULL
);
COMMENT ON TABLE mo_micro.log_file IS
    'web-server log files loaded by load_log, one row a file, with what became of their lines';
COMMENT ON COLUMN mo_micro.log_file.first_seq IS
    'hit.seq of the file''s line 0: a line''s seq is first_seq plus its line number';
COMMENT ON COLUMN mo_micro.log_file.last_seq IS
    'hit.seq of the file''s last line; the next file of the source goes on from it';
COMMENT ON COLUMN mo_micro.log_file.lines_read IS 'lines read, a header line not counted';
COMMENT ON COLUMN mo_micro.log_file.loaded IS 'lines loaded as hits';
COMMENT ON COLUMN mo_micro.log_file.rejected IS 'lines that did not parse (see mo_staging.log_reject)';
COMMENT ON COLUMN mo_micro.log_file.skipped IS
    'lines that parsed but name no one to key them by (no client or user) or have no time';
COMMENT ON COLUMN mo_micro.log_file.technical IS
    'hits loaded as technical requests: assets, or requests without a path';

-- Microdata: clients marked as crawlers by their user agent.
CREATE TABLE mo_micro.crawler (
    source_id   smallint NOT NULL,
    person      bigint NOT NULL,
    PRIMARY KEY (source_id, person)
);
COMMENT ON TABLE mo_micro.crawler IS
    'pseudonyms of a source that sent at least one request whose user agent matches mo_usage.bot_pattern';

SELECT pg_catalog.pg_extension_config_dump('mo_staging.log_reject', '');
SELECT pg_catalog.pg_extension_config_dump('mo_micro.log_file', '');
SELECT pg_catalog.pg_extension_config_dump('mo_micro.crawler', '');

GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE
    ON mo_staging.log_reject, mo_micro.log_file, mo_micro.crawler
    TO mo_usage_loader;

CREATE FUNCTION mo_usage.is_asset(path text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'mo_is_asset'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mo_usage.is_asset(text) IS
    'whether a path''s file name extension is one of mo_usage.asset_extensions (images, style sheets, scripts, fonts)';

-- Load a web-server log file into the hit table.
CREATE FUNCTION mo_usage.load_log(
    source text,
    file text,
    time_zone text,
    layout text DEFAULT 'combined',
    year integer DEFAULT NULL,
    month integer DEFAULT NULL,
    header boolean DEFAULT false,
    person text DEFAULT 'client',
    OUT lines_read bigint,
    OUT loaded bigint,
    OUT rejected bigint,
    OUT skipped bigint,
    OUT technical bigint,
    OUT crawlers bigint)
RETURNS record
LANGUAGE plpgsql VOLATILE
SET search_path = mo_usage, pg_catalog
AS $function$
DECLARE
    src         smallint;
    src_zone    text;
    src_key     integer;
    key         integer := mo_usage.pseudonym_key_version();
    context     text;
    seq0        bigint;
    first_ts    timestamptz;
    last_ts     timestamptz;
    last_line   bigint;
    first_bad   record;
    max_path    constant integer := 2000;
    long_paths  bigint;
BEGIN
    IF person NOT IN ('client', 'user') THEN
        RAISE EXCEPTION 'person must be client or user, not %', person
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF source IS NULL OR file IS NULL OR time_zone IS NULL OR layout IS NULL THEN
        RAISE EXCEPTION 'source, file, time zone and layout must not be null'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF btrim(source, E' \t\n\r\f\v') = '' THEN
        RAISE EXCEPTION 'the source name must not be empty'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- The portal's source holds the portal log, which the pipeline takes
    -- in; a web-server log loaded into it would mix with its hits.
    IF source = 'portal' OR EXISTS (
            SELECT FROM mo_micro.source s
            WHERE s.name = load_log.source
              AND EXISTS (SELECT FROM mo_micro.hit h
                          WHERE h.source_id = s.source_id)
              AND NOT EXISTS (SELECT FROM mo_micro.log_file f
                              WHERE f.source_id = s.source_id)) THEN
        RAISE EXCEPTION 'source "%" does not hold web-server logs', source
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = CASE WHEN source = 'portal'
                      THEN 'The source "portal" is the portal log''s, which run_pipeline takes in.'
                      ELSE 'Its hits were not loaded by load_log.' END,
                  HINT = 'Load the file into a source of its own.';
    END IF;
    context := CASE person WHEN 'client' THEN 'host' ELSE 'user' END;

    -- The source: one row per log, made on its first load.  Its time zone
    -- and key version hold for all its files.
    SELECT s.source_id, s.time_zone, s.key_version INTO src, src_zone, src_key
    FROM mo_micro.source s WHERE s.name = load_log.source FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO mo_micro.source (name, description, time_zone, key_version)
        VALUES (load_log.source, 'web-server log', load_log.time_zone, key)
        RETURNING source_id INTO src;
    ELSIF src_zone <> time_zone THEN
        RAISE EXCEPTION 'source "%" counts its hours in time zone %, not %',
                        source, src_zone, time_zone
            USING ERRCODE = 'invalid_parameter_value';
    ELSIF src_key IS DISTINCT FROM key THEN
        RAISE EXCEPTION 'source "%" was pseudonymised with key version %, not %',
                        source, src_key, key
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Load it into a new source, or set mo_usage.key_version.';
    END IF;
    SELECT coalesce(max(f.last_seq), 0) INTO seq0
    FROM mo_micro.log_file f WHERE f.source_id = src;

    -- 1. Read the file once, into a table of the transaction.
    CREATE TEMP TABLE mo_log_lines ON COMMIT DROP AS
    SELECT r.line_no,
           CASE load_log.person WHEN 'client' THEN lower(r.client)
                                ELSE r.auth_user END AS who,
           r.ts, r.path, r.user_agent, r.line, r.reason
    FROM mo_usage.read_log_file(load_log.file, load_log.layout, load_log.year,
                                load_log.month, load_log.time_zone,
                                load_log.header) r;
    ANALYZE pg_temp.mo_log_lines;

    SELECT count(*), count(l.reason),
           count(*) FILTER (WHERE l.reason IS NULL
                            AND (l.who IS NULL OR l.ts IS NULL)),
           min(l.ts), max(l.ts), coalesce(max(l.line_no), 0)
    INTO lines_read, rejected, skipped, first_ts, last_ts, last_line
    FROM pg_temp.mo_log_lines l;

    -- 2. A file that is not a log in this layout loads nothing.
    IF rejected * 2 > lines_read THEN
        SELECT l.line_no, l.reason INTO first_bad
        FROM pg_temp.mo_log_lines l WHERE l.reason IS NOT NULL
        ORDER BY l.line_no LIMIT 1;
        RAISE EXCEPTION 'file "%" is not a log in the layout given', file
            USING ERRCODE = 'bad_copy_file_format',
                  DETAIL = format('%s of its %s lines do not parse; line %s: %s.',
                                  rejected, lines_read, first_bad.line_no,
                                  first_bad.reason),
                  HINT = 'mo_usage.parse_log_line shows how a line reads in a layout.';
    END IF;

    -- 3. The rejects, with their line numbers and reasons.
    INSERT INTO mo_staging.log_reject (source, file, line_no, line, reason)
    SELECT load_log.source, load_log.file, l.line_no, l.line, l.reason
    FROM pg_temp.mo_log_lines l WHERE l.reason IS NOT NULL;

    -- 4. New paths, then a pseudonym per client or user (once each).  A
    -- path longer than the page table's index takes (a probe of a few
    -- kilobytes, say) is no page anyone follows: its hit is loaded without
    -- a page, and counted.
    INSERT INTO mo_micro.page (path)
    SELECT DISTINCT l.path FROM pg_temp.mo_log_lines l
    WHERE l.reason IS NULL AND l.path IS NOT NULL
      AND octet_length(l.path) <= max_path
    ON CONFLICT (path) DO NOTHING;
    SELECT count(*) INTO long_paths FROM pg_temp.mo_log_lines l
    WHERE l.reason IS NULL AND l.who IS NOT NULL AND l.ts IS NOT NULL
      AND octet_length(l.path) > max_path;

    CREATE TEMP TABLE mo_log_persons ON COMMIT DROP AS
    SELECT d.who, mo_usage.pseudonym(d.who, context, key) AS person
    FROM (SELECT DISTINCT l.who FROM pg_temp.mo_log_lines l
          WHERE l.reason IS NULL AND l.who IS NOT NULL) d;

    -- 5. The hits: pages, and technical requests (assets, no path).
    WITH added AS (
        INSERT INTO mo_micro.hit (source_id, person, ts, seq, event, page_id,
                                  channel)
        SELECT src, p.person, l.ts, seq0 + l.line_no,
               CASE WHEN l.path IS NULL OR mo_usage.is_asset(l.path)
                    THEN 'T' ELSE 'P' END,
               g.page_id, 'W'
        FROM pg_temp.mo_log_lines l
        JOIN pg_temp.mo_log_persons p ON p.who = l.who
        LEFT JOIN mo_micro.page g
               ON g.path = l.path AND octet_length(l.path) <= max_path
        WHERE l.reason IS NULL AND l.ts IS NOT NULL
        RETURNING event
    )
    SELECT count(*), count(*) FILTER (WHERE a.event = 'T')
    INTO loaded, technical
    FROM added a;

    -- 6. Crawlers: clients with a request whose user agent says so.
    WITH marked AS (
        SELECT DISTINCT p.person
        FROM pg_temp.mo_log_lines l
        JOIN pg_temp.mo_log_persons p ON p.who = l.who
        WHERE l.user_agent ~* current_setting('mo_usage.bot_pattern')
    ), added AS (
        INSERT INTO mo_micro.crawler (source_id, person)
        SELECT src, m.person FROM marked m
        ON CONFLICT DO NOTHING
    )
    SELECT count(*) INTO crawlers FROM marked;

    -- 7. The window grows to take in the new times; the file is recorded.
    UPDATE mo_micro.source s
    SET window_start = least(s.window_start, first_ts),
        window_end = greatest(s.window_end, last_ts + interval '1 second')
    WHERE s.source_id = src;

    INSERT INTO mo_micro.log_file (source_id, file, first_seq, last_seq,
                                   lines_read, loaded, rejected, skipped,
                                   technical)
    VALUES (src, load_log.file, seq0, seq0 + last_line, lines_read, loaded,
            rejected, skipped, technical);

    IF rejected > 0 THEN
        RAISE NOTICE '% of % lines of "%" do not parse', rejected, lines_read, file
            USING HINT = 'They are in mo_staging.log_reject with their line numbers and reasons.';
    END IF;
    IF long_paths > 0 THEN
        RAISE NOTICE 'hits of "%" with a path longer than % bytes, loaded without a page: %',
                     file, max_path, long_paths;
    END IF;
    DROP TABLE pg_temp.mo_log_lines;
    DROP TABLE pg_temp.mo_log_persons;
END
$function$;
COMMENT ON FUNCTION mo_usage.load_log(text, text, text, text, integer, integer, boolean, text) IS
    'load a server-side web-server log file into mo_micro.hit with pseudonymised clients (or users); rejects go to mo_staging.log_reject';

REVOKE ALL ON FUNCTION
    mo_usage.load_log(text, text, text, text, integer, integer, boolean, text)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    mo_usage.load_log(text, text, text, text, integer, integer, boolean, text),
    mo_usage.is_asset(text)
    TO mo_usage_loader;

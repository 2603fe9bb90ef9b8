-- Part: operations.
--
-- What a nightly run needs beyond the pipeline's steps:
--
--   refresh_published()   refreshes every published materialized view in
--                         dependency order, in the caller's transaction, and
--                         records the refresh in the release log;
--   update_visits()       brings the visits of a source up to date with its
--                         hits, continuing the stored visits when only later
--                         hits came in, and rebuilding them otherwise.
--
-- The release log is the loading role's; the reporting role sees of it only
-- what every published table already implies (mo_pub.release).

-- The release log: one row per refresh of the published views.
CREATE TABLE mo_micro.release_log (
    release_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    released_at     timestamptz NOT NULL,
    window_start    timestamptz,
    window_end      timestamptz,
    k               integer NOT NULL,
    rounding_base   integer NOT NULL,
    concurrent      boolean NOT NULL,
    row_counts      jsonb NOT NULL,
    duration        interval NOT NULL,
    refreshed_by    name NOT NULL
);
COMMENT ON TABLE mo_micro.release_log IS
    'one row per refresh of the published views: when, for which window, under which k and rounding base, how many rows each view got and how long it took';
COMMENT ON COLUMN mo_micro.release_log.released_at IS
    'when the refresh began (its transaction commits the new tables all at once)';
COMMENT ON COLUMN mo_micro.release_log.window_start IS
    'start of the portal window the tables describe (inclusive); NULL without a portal source';
COMMENT ON COLUMN mo_micro.release_log.window_end IS
    'end of the portal window the tables describe (exclusive)';
COMMENT ON COLUMN mo_micro.release_log.k IS
    'mo_usage.k of the refresh: the smallest number of persons a published cell shows';
COMMENT ON COLUMN mo_micro.release_log.rounding_base IS
    'mo_usage.rounding_base of the refresh: published counts are multiples of it (0 or 1: not rounded)';
COMMENT ON COLUMN mo_micro.release_log.concurrent IS
    'refreshed with CONCURRENTLY, readers reading on meanwhile';
COMMENT ON COLUMN mo_micro.release_log.row_counts IS
    'rows of each materialized view of mo_pub after the refresh, by view name';
COMMENT ON COLUMN mo_micro.release_log.duration IS
    'time the refresh took, up to the commit';
COMMENT ON COLUMN mo_micro.release_log.refreshed_by IS
    'the login role that called the refresh';

SELECT pg_catalog.pg_extension_config_dump('mo_micro.release_log', '');
SELECT pg_catalog.pg_extension_config_dump('mo_micro.release_log_release_id_seq', '');

-- Only the refresh (which runs with its owner's rights) writes it.
GRANT SELECT ON mo_micro.release_log TO mo_usage_loader;

-- What a reader may know of each release: when, which window, which rules.
CREATE VIEW mo_pub.release AS
SELECT l.released_at, l.window_start, l.window_end, l.k, l.rounding_base
FROM mo_micro.release_log l;
COMMENT ON VIEW mo_pub.release IS
    'the releases of the published tables: when each was made, for which window, under which k and rounding base; the last row describes the tables as they are';
COMMENT ON COLUMN mo_pub.release.released_at IS
    'when the release was made';
COMMENT ON COLUMN mo_pub.release.window_start IS
    'start of the observation window the tables describe (inclusive)';
COMMENT ON COLUMN mo_pub.release.window_end IS
    'end of the observation window the tables describe (exclusive)';
COMMENT ON COLUMN mo_pub.release.k IS
    'smallest number of distinct persons a published cell shows; smaller counts are suppressed';
COMMENT ON COLUMN mo_pub.release.rounding_base IS
    'published counts are rounded to a multiple of this base (0 or 1: not rounded)';
GRANT SELECT ON mo_pub.release TO mo_usage_reader, mo_usage_loader;

-- Refreshing.  Materialized views that read others come after them; all
-- in the caller's transaction, so that readers see either the old set or
-- the new one, and a refresh that fails leaves the old set as it was.
-- CONCURRENTLY lets them read on meanwhile (each view has a unique index
-- on columns that are never NULL: a concurrent refresh cannot match rows
-- whose key holds a NULL); a view not yet populated is refreshed plainly.
-- The refresh runs with the owner's rights, so that the loading role may
-- call it, and with the caller's mo_usage.k and mo_usage.rounding_base.
CREATE PROCEDURE mo_usage.refresh_published(concurrent boolean DEFAULT false)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = mo_usage, pg_catalog
SET work_mem = '256MB'
SET client_min_messages = warning
AS $$
DECLARE
    v           record;
    started     timestamptz := clock_timestamp();
    w_start     timestamptz;
    w_end       timestamptz;
    counts      jsonb := '{}';
    n           bigint;
    state       text;
    message     text;
    detail      text;
BEGIN
    -- A rounding base larger than k would publish a count of k or more as
    -- 0 (and its shares as a division by zero): refuse it before anything.
    IF current_setting('mo_usage.rounding_base')::integer
       > current_setting('mo_usage.k')::integer THEN
        RAISE EXCEPTION 'mo_usage.rounding_base (%) must not be larger than mo_usage.k (%)',
            current_setting('mo_usage.rounding_base'),
            current_setting('mo_usage.k')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Set mo_usage.rounding_base to at most mo_usage.k, or raise mo_usage.k; nothing was refreshed.';
    END IF;

    SELECT s.window_start, s.window_end INTO w_start, w_end
    FROM mo_micro.study s;

    FOR v IN
        WITH RECURSIVE mv AS (
            SELECT c.oid, c.relispopulated
            FROM pg_class c
            WHERE c.relnamespace = 'mo_pub'::regnamespace AND c.relkind = 'm'
        ), reads AS (
            SELECT DISTINCT r.ev_class AS view, d.refobjid AS other
            FROM pg_rewrite r
            JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass
                            AND d.objid = r.oid
                            AND d.refclassid = 'pg_class'::regclass
            WHERE r.ev_class IN (SELECT oid FROM mv)
              AND d.refobjid IN (SELECT oid FROM mv)
              AND d.refobjid <> r.ev_class
        ), depth (oid, level) AS (
            SELECT oid, 0 FROM mv
            UNION ALL
            SELECT reads.view, depth.level + 1
            FROM depth JOIN reads ON reads.other = depth.oid
        )
        SELECT d.oid::regclass AS view, c.relname::text AS name,
               mv.relispopulated AS populated
        FROM depth d
        JOIN mv ON mv.oid = d.oid
        JOIN pg_class c ON c.oid = d.oid
        GROUP BY d.oid, c.relname, mv.relispopulated
        ORDER BY max(d.level), d.oid::regclass::text
    LOOP
        BEGIN
            IF concurrent AND v.populated THEN
                EXECUTE format('REFRESH MATERIALIZED VIEW CONCURRENTLY %s',
                               v.view);
            ELSE
                EXECUTE format('REFRESH MATERIALIZED VIEW %s', v.view);
            END IF;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE,
                                    message = MESSAGE_TEXT,
                                    detail = PG_EXCEPTION_DETAIL;
            RAISE EXCEPTION 'could not refresh %: %', v.view, message
                USING ERRCODE = state,
                      DETAIL = concat_ws(' ', nullif(detail, ''),
                          'The published views stay as they were before this refresh.');
        END;
        EXECUTE format('SELECT count(*) FROM %s', v.view) INTO n;
        counts := counts || jsonb_build_object(v.name, n);
    END LOOP;

    INSERT INTO mo_micro.release_log
        (released_at, window_start, window_end, k, rounding_base,
         concurrent, row_counts, duration, refreshed_by)
    VALUES (started, w_start, w_end,
            current_setting('mo_usage.k')::integer,
            current_setting('mo_usage.rounding_base')::integer,
            concurrent, counts, clock_timestamp() - started, session_user);
END
$$;
COMMENT ON PROCEDURE mo_usage.refresh_published(boolean) IS
    'refreshes every materialized view of mo_pub in dependency order, in the caller''s transaction, and records the release in mo_micro.release_log; concurrent: without blocking readers (REFRESH ... CONCURRENTLY)';

REVOKE ALL ON PROCEDURE mo_usage.refresh_published(boolean) FROM PUBLIC;
GRANT EXECUTE ON PROCEDURE mo_usage.refresh_published(boolean)
    TO mo_usage_loader;

-- New days of hits are found by time: a block range index on the hits'
-- times, which a log appended day by day keeps small and tight, lets the
-- continuation read only the last days' blocks.
CREATE INDEX ON mo_micro.hit USING brin (ts);

-- What the stored visits of a source were cut from: the window and timeout
-- of the last build, and how many hits before that window's end there were
-- then.  update_visits() reads it to know whether it may continue them.
CREATE TABLE mo_micro.visit_build (
    source_id       smallint PRIMARY KEY,
    window_start    timestamptz,
    window_end      timestamptz,
    timeout         interval NOT NULL,
    hits            bigint NOT NULL,
    visits          bigint NOT NULL,
    built_at        timestamptz NOT NULL
);
COMMENT ON TABLE mo_micro.visit_build IS
    'for each source, what its stored visits were last cut from: the window, the timeout and the number of hits before the window''s end';
COMMENT ON COLUMN mo_micro.visit_build.window_start IS
    'the source''s window start when the visits were cut';
COMMENT ON COLUMN mo_micro.visit_build.window_end IS
    'the source''s window end when the visits were cut: later hits are new';
COMMENT ON COLUMN mo_micro.visit_build.timeout IS
    'the visit timeout the visits were cut with';
COMMENT ON COLUMN mo_micro.visit_build.hits IS
    'hits of the source before window_end when the visits were cut; more or fewer now means hits came in (or went) within the old window';
COMMENT ON COLUMN mo_micro.visit_build.visits IS
    'visits of the source after the build; another number now means they were cut otherwise since (by rebuild_visits), and are rebuilt';
COMMENT ON COLUMN mo_micro.visit_build.built_at IS
    'when the visits were cut (the transaction''s start)';

SELECT pg_catalog.pg_extension_config_dump('mo_micro.visit_build', '');
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON mo_micro.visit_build
    TO mo_usage_loader;

-- Bringing the visits up to date.  When the last build had the same window
-- start and timeout, the window only grew, and no hit came in (or went)
-- before the old window's end, only the visits that may take new events
-- are cut again: for each person and channel with hits at or after the old
-- end, or with a visit that could go on after it (whose flag the longer
-- window may change), from the first visit that could go on or that
-- reaches the old end (or from the old end, numbered after the last
-- visit, when there is none).  When the visit before the one cut again
-- ended at the very instant the latter began, the cut starts from that one
-- instead, so that the events of that instant are split as before.  The
-- visits before the cut are final: each ended more than a timeout before
-- the old end, or with a logout, and no new event can join it.  Otherwise
-- the source's visits are rebuilt.  Either way the visits equal those of a
-- full rebuild.  (update_visits knows only the builds it made itself: a
-- source's visits cut since by rebuild_visits with other options, and as
-- many of them, would be continued as if cut by the last build.)
CREATE FUNCTION mo_usage.update_visits(
    source smallint,
    timeout interval DEFAULT '30 minutes')
RETURNS TABLE (visits bigint, trails bigint, method text)
LANGUAGE plpgsql
SET search_path = mo_usage, pg_catalog
SET work_mem = '256MB'
SET enable_partitionwise_aggregate = on
AS $$
DECLARE
    s           mo_micro.source%ROWTYPE;
    b           mo_micro.visit_build%ROWTYPE;
    hits_old    bigint;         -- hits before the last build's window end
    hits_now    bigint;         -- hits before the window's end now
    lo          timestamptz;    -- the earliest hit cut again
    removed     bigint;
    made        bigint;
    cut         bigint;
BEGIN
    SELECT * INTO s FROM mo_micro.source x WHERE x.source_id = $1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'source % does not exist', $1
            USING ERRCODE = 'undefined_object';
    END IF;

    -- May the stored visits be continued?  One pass over the hits counts
    -- those before the old and the new end.
    SELECT * INTO b FROM mo_micro.visit_build x WHERE x.source_id = $1;
    IF FOUND AND b.timeout = $2
       AND b.window_start IS NOT DISTINCT FROM s.window_start
       AND b.window_end IS NOT NULL AND s.window_end >= b.window_end
       AND b.visits = (SELECT count(*) FROM mo_micro.visit v
                       WHERE v.source_id = $1) THEN
        SELECT count(*) FILTER (WHERE h.ts < b.window_end),
               count(*) FILTER (WHERE h.ts < s.window_end)
        INTO hits_old, hits_now
        FROM mo_micro.hit h
        WHERE h.source_id = $1;
    END IF;

    IF hits_old = b.hits THEN
        CREATE TEMP TABLE mo_resume (
            person      bigint,
            channel     "char",
            first_no    integer,
            from_ts     timestamptz
        ) ON COMMIT DROP;
        -- Who: events at or after the old end, or a visit that could go
        -- on after it.
        INSERT INTO mo_resume (person, channel)
        SELECT h.person, h.channel FROM mo_micro.hit h
        WHERE h.source_id = $1 AND h.ts >= b.window_end AND h.event <> 'T'
        UNION
        SELECT v.person, v.channel FROM mo_micro.visit v
        WHERE v.source_id = $1 AND v.ends_after_window;
        GET DIAGNOSTICS cut = ROW_COUNT;
        ANALYZE mo_resume;

        -- From where: the first visit that could go on or reaches the old
        -- end, or else the old end, numbered after the last visit.
        UPDATE mo_resume r SET (first_no, from_ts) =
            (SELECT v.visit_no, least(v.start_ts, b.window_end)
             FROM mo_micro.visit v
             WHERE (v.source_id, v.person, v.channel)
                   = ($1, r.person, r.channel)
               AND (v.ends_after_window OR v.end_ts >= b.window_end)
             ORDER BY v.visit_no LIMIT 1);
        UPDATE mo_resume r SET
            first_no = coalesce((SELECT max(v.visit_no) FROM mo_micro.visit v
                                 WHERE (v.source_id, v.person, v.channel)
                                       = ($1, r.person, r.channel)), 0) + 1,
            from_ts = b.window_end
        WHERE r.first_no IS NULL;

        -- Back over visits that end at the very instant the next begins.
        LOOP
            UPDATE mo_resume r SET first_no = p.visit_no, from_ts = p.start_ts
            FROM mo_micro.visit p
            WHERE (p.source_id, p.person, p.channel, p.visit_no)
                  = ($1, r.person, r.channel, r.first_no - 1)
              AND p.end_ts = r.from_ts;
            EXIT WHEN NOT FOUND;
        END LOOP;
        SELECT min(r.from_ts) INTO lo FROM mo_resume r;

        DELETE FROM mo_micro.visit v USING mo_resume r
        WHERE (v.source_id, v.person, v.channel) = ($1, r.person, r.channel)
          AND v.visit_no >= r.first_no;
        GET DIAGNOSTICS removed = ROW_COUNT;

        INSERT INTO mo_micro.visit
            (source_id, person, channel, visit_no, start_ts, end_ts, pages,
             entry_page, exit_page, starts_before_window, ends_after_window)
        SELECT $1, r.person, r.channel, (r.v).visit_no, (r.v).start_ts,
               (r.v).end_ts, (r.v).pages, (r.v).entry_page, (r.v).exit_page,
               (r.v).starts_before_window, (r.v).ends_after_window
        FROM (SELECT g.person, g.channel,
                     mo_usage.visits(g.trail, $2, NULL, false, s.time_zone,
                                     s.window_start, s.window_end,
                                     g.first_no) AS v
              FROM (SELECT r.person, r.channel, r.first_no,
                           hit_trail(h.ts, h.seq, h.event, h.page_id) AS trail
                    FROM mo_resume r
                    JOIN mo_micro.hit h
                      ON (h.source_id, h.person, h.channel)
                         = ($1, r.person, r.channel)
                     AND h.ts >= r.from_ts AND h.event <> 'T'
                    WHERE h.ts >= lo
                    GROUP BY r.person, r.channel, r.first_no) g) r;
        GET DIAGNOSTICS made = ROW_COUNT;
        DROP TABLE mo_resume;
        b.visits := b.visits - removed + made;
        method := 'continued';
    ELSE
        made := rebuild_visits($1, $2);
        SELECT count(*) INTO cut
        FROM (SELECT DISTINCT v.person, v.channel FROM mo_micro.visit v
              WHERE v.source_id = $1) t;
        SELECT count(*) INTO hits_now FROM mo_micro.hit h
        WHERE h.source_id = $1
          AND (s.window_end IS NULL OR h.ts < s.window_end);
        b.visits := made;
        method := 'rebuilt';
    END IF;

    INSERT INTO mo_micro.visit_build AS x
        (source_id, window_start, window_end, timeout, hits, visits,
         built_at)
    VALUES ($1, s.window_start, s.window_end, $2, hits_now, b.visits, now())
    ON CONFLICT (source_id) DO UPDATE SET
        window_start = excluded.window_start,
        window_end = excluded.window_end,
        timeout = excluded.timeout,
        hits = excluded.hits,
        visits = excluded.visits,
        built_at = excluded.built_at;

    RETURN QUERY SELECT made, cut, method;
END
$$;
COMMENT ON FUNCTION mo_usage.update_visits(smallint, interval) IS
    'brings the visits of a source up to date with its hits: continues the stored visits from the last one that could go on when only hits after the last build''s window came in, rebuilds them otherwise; returns the visits cut, the persons and channels cut and the method (continued or rebuilt)';

REVOKE EXECUTE ON FUNCTION mo_usage.update_visits(smallint, interval)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION mo_usage.update_visits(smallint, interval)
    TO mo_usage_loader;

-- A delivery's lines are known by their number in the source (hit.seq):
-- take_log looks each new line up here, to reject a line delivered twice.
CREATE INDEX ON mo_micro.hit (source_id, seq);

-- Statistics for the planner.  Only a table's owner may ANALYZE it, and
-- the microdata belong to the extension's owner: the pipeline, run by the
-- loading role, analyses them through this function, which runs with the
-- owner's rights and takes tables of mo_micro alone.
CREATE FUNCTION mo_usage.analyze_microdata(VARIADIC tables regclass[])
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    t   regclass;
BEGIN
    FOREACH t IN ARRAY tables LOOP
        IF NOT EXISTS (SELECT FROM pg_class c
                       WHERE c.oid = t
                         AND c.relnamespace = 'mo_micro'::regnamespace
                         AND c.relkind IN ('r', 'p')) THEN
            RAISE EXCEPTION 'only the tables of mo_micro can be analysed here, not %', t
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        EXECUTE format('ANALYZE %s', t);
    END LOOP;
END
$$;
COMMENT ON FUNCTION mo_usage.analyze_microdata(regclass[]) IS
    'ANALYZE the given tables of mo_micro with the extension owner''s rights, so that the loading role''s pipeline keeps their statistics up to date';

REVOKE ALL ON FUNCTION mo_usage.analyze_microdata(regclass[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION mo_usage.analyze_microdata(regclass[])
    TO mo_usage_loader;

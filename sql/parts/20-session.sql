-- Part: visits.
--
-- A visit is a run of one person's events on one channel: it starts at the
-- first event, at a login, after a logout and after a gap longer than the
-- timeout, and optionally at a maximum length or at local midnight.  Three
-- ways to get visits, all computed in C (src/session.c, session_trail.c):
--
--   visit_no()            a window function numbering each row's visit
--   hit_trail()           an aggregate collecting a person's events, in any
--                         order, into a hit_trail; visits() cuts it into one
--                         row per visit, visit_summary() counts them
--   rebuild_visits()      fills mo_micro.visit for a source from its hits

-- The hit trail: the state and result type of hit_trail().
CREATE TYPE mo_usage.hit_trail;

CREATE FUNCTION mo_usage.hit_trail_in(cstring)
RETURNS mo_usage.hit_trail
AS 'MODULE_PATHNAME', 'mo_hit_trail_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mo_usage.hit_trail_out(mo_usage.hit_trail)
RETURNS cstring
AS 'MODULE_PATHNAME', 'mo_hit_trail_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mo_usage.hit_trail_recv(internal)
RETURNS mo_usage.hit_trail
AS 'MODULE_PATHNAME', 'mo_hit_trail_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mo_usage.hit_trail_send(mo_usage.hit_trail)
RETURNS bytea
AS 'MODULE_PATHNAME', 'mo_hit_trail_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE mo_usage.hit_trail (
    INPUT = mo_usage.hit_trail_in,
    OUTPUT = mo_usage.hit_trail_out,
    RECEIVE = mo_usage.hit_trail_recv,
    SEND = mo_usage.hit_trail_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);

COMMENT ON TYPE mo_usage.hit_trail IS
    'one person''s events on one channel (time, tie-breaker, event code, page), as hit_trail() collects them';
COMMENT ON FUNCTION mo_usage.hit_trail_in(cstring) IS
    'hit_trail from text: "P 2017-02-06T10:00:00Z 1 17, O 2017-02-06T10:02:00Z 2 -; 3 skipped"';
COMMENT ON FUNCTION mo_usage.hit_trail_out(mo_usage.hit_trail) IS
    'hit_trail as text, times in UTC to the microsecond';
COMMENT ON FUNCTION mo_usage.hit_trail_recv(internal) IS
    'hit_trail from its binary form';
COMMENT ON FUNCTION mo_usage.hit_trail_send(mo_usage.hit_trail) IS
    'hit_trail in its binary form';

-- The aggregate hit_trail(): its support functions, then its three forms.
-- COST 10: appending to a person's trail touches memory no other row did
-- (a cache miss a row) and, measured, costs about as much as reading the
-- row, which the default cost of 1 hides.  Below 10 the planner keeps the
-- aggregate out of parallel workers on tables of a few million hits.
CREATE FUNCTION mo_usage.hit_trail_add(mo_usage.hit_trail, timestamptz)
RETURNS mo_usage.hit_trail
AS 'MODULE_PATHNAME', 'mo_hit_trail_add'
LANGUAGE C IMMUTABLE PARALLEL SAFE COST 10;

CREATE FUNCTION mo_usage.hit_trail_add(mo_usage.hit_trail, timestamptz,
                                       bigint)
RETURNS mo_usage.hit_trail
AS 'MODULE_PATHNAME', 'mo_hit_trail_add'
LANGUAGE C IMMUTABLE PARALLEL SAFE COST 10;

CREATE FUNCTION mo_usage.hit_trail_add(mo_usage.hit_trail, timestamptz,
                                       bigint, "char", integer)
RETURNS mo_usage.hit_trail
AS 'MODULE_PATHNAME', 'mo_hit_trail_add'
LANGUAGE C IMMUTABLE PARALLEL SAFE COST 10;

-- A merge copies and interleaves two trails of events.  Costed at 60
-- operators, the planner keeps partial aggregation for few groups of many
-- events each, where it pays, and leaves it for GROUP BY person over a log,
-- a dozen events a group, where the leader alone hashes the workers'
-- partial trails again and copies every event a second time: on two cores
-- that plan took 2.9 to 3.4 s against 2.2 to 2.6 s serially at scale 0.3
-- of the demo week, and 9.4 s against 7.9 to 8.2 s at scale 1.0, where a
-- cost of 30 still let the planner choose it (40 was the least that did
-- not).
CREATE FUNCTION mo_usage.hit_trail_merge(mo_usage.hit_trail,
                                         mo_usage.hit_trail)
RETURNS mo_usage.hit_trail
AS 'MODULE_PATHNAME', 'mo_hit_trail_merge'
LANGUAGE C IMMUTABLE PARALLEL SAFE
COST 60;

CREATE FUNCTION mo_usage.hit_trail_final(mo_usage.hit_trail)
RETURNS mo_usage.hit_trail
AS 'MODULE_PATHNAME', 'mo_hit_trail_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION mo_usage.hit_trail_add(mo_usage.hit_trail, timestamptz) IS
    'transition function of hit_trail(ts): the trail with one more page view';
COMMENT ON FUNCTION mo_usage.hit_trail_add(mo_usage.hit_trail, timestamptz, bigint) IS
    'transition function of hit_trail(ts, seq): the trail with one more page view';
COMMENT ON FUNCTION mo_usage.hit_trail_add(mo_usage.hit_trail, timestamptz, bigint, "char", integer) IS
    'transition function of hit_trail(ts, seq, event, page): the trail with one more event';
COMMENT ON FUNCTION mo_usage.hit_trail_merge(mo_usage.hit_trail, mo_usage.hit_trail) IS
    'combine function of hit_trail(): the events of both trails in one';
COMMENT ON FUNCTION mo_usage.hit_trail_final(mo_usage.hit_trail) IS
    'final function of hit_trail(): the trail in order of time, then seq';

CREATE AGGREGATE mo_usage.hit_trail(timestamptz) (
    SFUNC = mo_usage.hit_trail_add,
    STYPE = mo_usage.hit_trail,
    COMBINEFUNC = mo_usage.hit_trail_merge,
    FINALFUNC = mo_usage.hit_trail_final,
    FINALFUNC_MODIFY = READ_WRITE,
    PARALLEL = SAFE
);

CREATE AGGREGATE mo_usage.hit_trail(timestamptz, bigint) (
    SFUNC = mo_usage.hit_trail_add,
    STYPE = mo_usage.hit_trail,
    COMBINEFUNC = mo_usage.hit_trail_merge,
    FINALFUNC = mo_usage.hit_trail_final,
    FINALFUNC_MODIFY = READ_WRITE,
    PARALLEL = SAFE
);

CREATE AGGREGATE mo_usage.hit_trail(timestamptz, bigint, "char", integer) (
    SFUNC = mo_usage.hit_trail_add,
    STYPE = mo_usage.hit_trail,
    COMBINEFUNC = mo_usage.hit_trail_merge,
    FINALFUNC = mo_usage.hit_trail_final,
    FINALFUNC_MODIFY = READ_WRITE,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE mo_usage.hit_trail(timestamptz) IS
    'one person''s page views, in any order, as a trail sorted by time (for visits())';
COMMENT ON AGGREGATE mo_usage.hit_trail(timestamptz, bigint) IS
    'one person''s page views with a tie-breaker for equal times, in any order, as a sorted trail (for visits())';
COMMENT ON AGGREGATE mo_usage.hit_trail(timestamptz, bigint, "char", integer) IS
    'one person''s events (time, tie-breaker, event code L/P/O/T, page id), in any order, as a sorted trail (for visits())';

-- Cutting a trail into visits.
CREATE FUNCTION mo_usage.visits(
    trail mo_usage.hit_trail,
    timeout interval DEFAULT '30 minutes',
    max_length interval DEFAULT NULL,
    split_at_midnight boolean DEFAULT false,
    time_zone text DEFAULT 'Europe/Amsterdam',
    window_start timestamptz DEFAULT NULL,
    window_end timestamptz DEFAULT NULL,
    first_visit_no integer DEFAULT 1,
    OUT visit_no integer,
    OUT start_ts timestamptz,
    OUT end_ts timestamptz,
    OUT seconds double precision,
    OUT pages integer,
    OUT entry_page integer,
    OUT exit_page integer,
    OUT starts_before_window boolean,
    OUT ends_after_window boolean)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'mo_visits'
LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 3;

COMMENT ON FUNCTION mo_usage.visits(mo_usage.hit_trail, interval, interval, boolean, text, timestamptz, timestamptz, integer) IS
    'the visits of a trail, one row each: number, start, end, seconds, pages, entry and exit page, and whether it may reach over the window''s edges';

CREATE FUNCTION mo_usage.visit_summary(
    trail mo_usage.hit_trail,
    timeout interval DEFAULT '30 minutes',
    max_length interval DEFAULT NULL,
    split_at_midnight boolean DEFAULT false,
    time_zone text DEFAULT 'Europe/Amsterdam',
    OUT visits integer,
    OUT pages bigint,
    OUT seconds double precision,
    OUT skipped bigint)
RETURNS record
AS 'MODULE_PATHNAME', 'mo_visit_summary'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION mo_usage.visit_summary(mo_usage.hit_trail, interval, interval, boolean, text) IS
    'number of visits of a trail, their pages and total seconds, and the hits skipped for want of a time';

-- The window function.
CREATE FUNCTION mo_usage.visit_no(
    ts timestamptz,
    event "char" DEFAULT 'P',
    timeout interval DEFAULT '30 minutes',
    max_length interval DEFAULT NULL,
    split_at_midnight boolean DEFAULT false,
    time_zone text DEFAULT 'Europe/Amsterdam')
RETURNS integer
AS 'MODULE_PATHNAME', 'mo_visit_no'
LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION mo_usage.visit_no(timestamptz, "char", interval, interval, boolean, text) IS
    'window function: number of the row''s visit within the partition, ordered by time; NULL for rows in no visit';

-- From the hit table to the visit table.  The hits of a source are grouped
-- by person and channel into trails, and each trail cut into visits with
-- the source's time zone (for the midnight split) and window (for the two
-- flags).  Technical requests are left out before grouping.
CREATE FUNCTION mo_usage.source_visits(
    source smallint,
    timeout interval DEFAULT '30 minutes',
    max_length interval DEFAULT NULL,
    split_at_midnight boolean DEFAULT false)
RETURNS TABLE (person bigint, channel "char", visit_no integer,
               start_ts timestamptz, end_ts timestamptz, pages integer,
               entry_page integer, exit_page integer,
               starts_before_window boolean, ends_after_window boolean)
LANGUAGE plpgsql STABLE
SET search_path = mo_usage, pg_catalog
SET enable_partitionwise_aggregate = on
AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM mo_micro.source s WHERE s.source_id = $1) THEN
        RAISE EXCEPTION 'source % does not exist', $1
            USING ERRCODE = 'undefined_object';
    END IF;

    -- visits() in the select list, not in FROM, so that each trail's visits
    -- stream out without a tuplestore per person.
    RETURN QUERY
    SELECT t.person, t.channel, (t.v).visit_no, (t.v).start_ts, (t.v).end_ts,
           (t.v).pages, (t.v).entry_page, (t.v).exit_page,
           (t.v).starts_before_window, (t.v).ends_after_window
    FROM (SELECT g.person, g.channel,
                 visits(g.trail, $2, $3, $4, s.time_zone,
                        s.window_start, s.window_end) AS v
          FROM (SELECT h.person, h.channel,
                       hit_trail(h.ts, h.seq, h.event, h.page_id) AS trail
                FROM mo_micro.hit h
                WHERE h.source_id = $1 AND h.event <> 'T'
                GROUP BY h.person, h.channel) g
          CROSS JOIN mo_micro.source s
          WHERE s.source_id = $1) t;
END
$$;

COMMENT ON FUNCTION mo_usage.source_visits(smallint, interval, interval, boolean) IS
    'the visits of a source''s hits, one row per visit, as mo_micro.visit holds them';

CREATE FUNCTION mo_usage.rebuild_visits(
    source smallint,
    timeout interval DEFAULT '30 minutes',
    max_length interval DEFAULT NULL,
    split_at_midnight boolean DEFAULT false)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = mo_usage, pg_catalog
AS $$
DECLARE
    made bigint;
BEGIN
    DELETE FROM mo_micro.visit v WHERE v.source_id = $1;
    INSERT INTO mo_micro.visit
        (source_id, person, channel, visit_no, start_ts, end_ts, pages,
         entry_page, exit_page, starts_before_window, ends_after_window)
    SELECT $1, v.person, v.channel, v.visit_no, v.start_ts, v.end_ts, v.pages,
           v.entry_page, v.exit_page, v.starts_before_window, v.ends_after_window
    FROM source_visits($1, $2, $3, $4) v;
    GET DIAGNOSTICS made = ROW_COUNT;
    RETURN made;
END
$$;

COMMENT ON FUNCTION mo_usage.rebuild_visits(smallint, interval, interval, boolean) IS
    'replaces the visits of a source in mo_micro.visit by those of its hits; returns the number of visits';

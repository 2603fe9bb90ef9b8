-- Visits: the rules, the aggregate hit_trail() with visits() and
-- visit_summary(), the window function visit_no(), and the hit_trail type.
CREATE EXTENSION mo_usage;
SET search_path = mo_usage, public;
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

-- Scenarios, one per name: each is one person's events.  Times are UTC.
CREATE TEMP TABLE ev (name text, ts timestamptz, seq bigint, event "char",
                      page integer);
INSERT INTO ev VALUES
    -- two page views two minutes apart: one visit of 120 s
    ('a two pages', '2024-01-08 10:00', 1, 'P', NULL),
    ('a two pages', '2024-01-08 10:02', 2, 'P', NULL),
    -- 09:00, 09:20, 09:51 and two days later: (1200 s, 2), (0 s, 1), (0 s, 1)
    ('b three visits', '2024-01-08 09:00', 1, 'P', NULL),
    ('b three visits', '2024-01-08 09:20', 2, 'P', NULL),
    ('b three visits', '2024-01-08 09:51', 3, 'P', NULL),
    ('b three visits', '2024-01-10 09:00', 4, 'P', NULL),
    -- stored out of order: one visit of 3600 s, entry page 1, exit page 4
    ('c unsorted', '2024-01-08 10:40', 3, 'P', 3),
    ('c unsorted', '2024-01-08 10:00', 1, 'P', 1),
    ('c unsorted', '2024-01-08 11:00', 4, 'P', 4),
    ('c unsorted', '2024-01-08 10:20', 2, 'P', 2),
    -- over midnight: one visit of 1200 s (split only with the option)
    ('d midnight', '2024-01-08 23:50', 1, 'P', NULL),
    ('d midnight', '2024-01-09 00:10', 2, 'P', NULL),
    -- a gap of exactly the timeout continues the visit
    ('e gap = timeout', '2024-01-08 10:00', 1, 'P', NULL),
    ('e gap = timeout', '2024-01-08 10:30', 2, 'P', NULL),
    -- one microsecond more starts a new one
    ('f gap > timeout', '2024-01-08 10:00', 1, 'P', NULL),
    ('f gap > timeout', '2024-01-08 10:30:00.000001', 2, 'P', NULL),
    -- a login starts a visit, and counts as a page
    ('g login', '2024-01-08 10:00', 1, 'P', 1),
    ('g login', '2024-01-08 10:05', 2, 'L', 2),
    ('g login', '2024-01-08 10:06', 3, 'P', 3),
    -- a logout ends the visit: its time is the end, it is not a page
    ('h logout', '2024-01-08 10:00', 1, 'P', 1),
    ('h logout', '2024-01-08 10:01', 2, 'O', 9),
    ('h logout', '2024-01-08 10:02', 3, 'P', 2),
    -- logouts that end no visit: first, after a gap, after a logout
    ('i stray logouts', '2024-01-08 09:00', 1, 'O', NULL),
    ('i stray logouts', '2024-01-08 10:00', 2, 'P', 1),
    ('i stray logouts', '2024-01-08 11:00', 3, 'O', NULL),
    ('i stray logouts', '2024-01-08 11:01', 4, 'O', NULL),
    -- technical requests are no part of visits and bridge no gap
    ('j technical', '2024-01-08 10:00', 1, 'P', 1),
    ('j technical', '2024-01-08 10:20', 2, 'T', 7),
    ('j technical', '2024-01-08 10:45', 3, 'P', 2),
    -- equal times: seq decides entry and exit page
    ('k ties', '2024-01-08 10:00', 2, 'P', 2),
    ('k ties', '2024-01-08 10:00', 1, 'P', 1),
    ('k ties', '2024-01-08 10:00', 3, 'P', 3),
    -- equal times and equal seq: login before page before logout
    ('l tied kinds', '2024-01-08 10:00', 1, 'O', NULL),
    ('l tied kinds', '2024-01-08 10:00', 1, 'P', 5),
    ('l tied kinds', '2024-01-08 10:00', 1, 'L', 4),
    -- a visit that is only a login lasts 0 s
    ('m lone login', '2024-01-08 10:00', 1, 'L', NULL),
    -- hits without a time are skipped and counted
    ('n null time', NULL, 1, 'P', NULL),
    ('n null time', '2024-01-08 10:00', 2, 'P', NULL),
    ('n null time', NULL, 3, 'P', NULL),
    -- nothing but technical requests and hits without a time
    ('o no visit', NULL, 1, 'P', NULL),
    ('o no visit', '2024-01-08 10:00', 2, 'T', NULL),
    -- NULL tie-breaker, event code and page: 0, a page view, no page
    ('p nulls', '2024-01-08 10:00', NULL, NULL, NULL);

-- Every visit of every scenario, with the default 30-minute timeout.
SELECT g.name, v.*
FROM (SELECT name, hit_trail(ts, seq, event, page) AS t
      FROM ev GROUP BY name) g,
     visits(g.t) v
ORDER BY g.name, v.visit_no;

-- Rows stored in the order 10:40 /c, 10:00 /a, 11:00 /d, 10:20 /b: one visit
-- of 3600 s and 4 pages, entry /a, exit /d.
CREATE TEMP TABLE page (page_id integer, path text);
INSERT INTO page VALUES (1, '/a'), (2, '/b'), (3, '/c'), (4, '/d');
SELECT v.seconds, v.pages, en.path AS entry, ex.path AS exit
FROM (SELECT hit_trail(ts, seq, event, page) AS t
      FROM ev WHERE name = 'c unsorted') g
CROSS JOIN visits(g.t) v
JOIN page en ON en.page_id = v.entry_page
JOIN page ex ON ex.page_id = v.exit_page;

-- The same as counts; skipped counts the hits without a time.
SELECT g.name, (visit_summary(g.t)).*
FROM (SELECT name, hit_trail(ts, seq, event, page) AS t
      FROM ev GROUP BY name) g
ORDER BY g.name;

-- The window function numbers the rows' visits alike; NULL for rows in no
-- visit (no time, technical, stray logout).  It takes rows in the window's
-- order, so rows equal in time and seq ('l tied kinds') are left out.
SELECT name, ts, seq, event,
       visit_no(ts, event) OVER (PARTITION BY name ORDER BY ts, seq)
FROM ev
WHERE name <> 'l tied kinds'
ORDER BY name, ts, seq;

-- The aggregate's result: events in order of time, seq, kind, page.
SELECT name, hit_trail(ts, seq, event, page) FROM ev GROUP BY name ORDER BY name;

-- The shorter forms: times alone, and times with a tie-breaker.
SELECT hit_trail(ts) FROM ev WHERE name = 'c unsorted';
SELECT hit_trail(ts, seq) FROM ev WHERE name = 'k ties';

-- Empty input: no trail, no visits, no summary.
SELECT hit_trail(ts, seq, event, page) IS NULL AS no_trail FROM ev WHERE false;
SELECT count(*) FROM visits(NULL);
SELECT visit_summary(NULL) IS NULL AS no_summary;
SELECT visit_summary(''::hit_trail), visit_summary('2 skipped');

-- Longer timeouts, and the timeout in any unit of days or less.
SELECT v.visit_no, v.start_ts, v.end_ts, v.pages
FROM (SELECT hit_trail(ts) t FROM ev WHERE name = 'b three visits') g,
     visits(g.t, timeout => '31 minutes') v;
SELECT (visit_summary(g.t, '3 days')).visits
FROM (SELECT hit_trail(ts) t FROM ev WHERE name = 'b three visits') g;

-- Maximum length: every 10 minutes from 10:00 to 12:00, at most an hour.
-- 11:00 is exactly an hour after the start and stays; 11:10 starts anew.
SELECT v.visit_no, v.start_ts, v.end_ts, v.seconds, v.pages
FROM (SELECT hit_trail(ts) AS t
      FROM generate_series(timestamptz '2024-01-08 10:00',
                           '2024-01-08 12:00', '10 minutes') ts) g,
     visits(g.t, max_length => '1 hour') v;
SELECT ts, visit_no(ts, max_length => '1 hour') OVER (ORDER BY ts)
FROM generate_series(timestamptz '2024-01-08 10:00', '2024-01-08 12:00',
                     '10 minutes') ts;

-- Split at midnight: local midnight in the zone named, Amsterdam by default.
-- 23:50 UTC and 00:10 UTC are 00:50 and 01:10 in Amsterdam: one day there.
SELECT (visit_summary(t, split_at_midnight => true)).visits AS amsterdam,
       (visit_summary(t, split_at_midnight => true,
                      time_zone => 'UTC')).visits AS utc,
       (visit_summary(t, split_at_midnight => false,
                      time_zone => 'UTC')).visits AS no_split
FROM (SELECT hit_trail(ts) t FROM ev WHERE name = 'd midnight') g;

-- Daylight saving time in Amsterdam with the midnight split.  On Sunday
-- 2024-03-31 clocks go from 02:00 to 03:00: the day has 23 hours, from
-- 2024-03-30 23:00 UTC to 2024-03-31 22:00 UTC.  On Sunday 2024-10-27 they
-- go from 03:00 back to 02:00: 25 hours, 2024-10-26 22:00 to 10-27 23:00.
CREATE TEMP TABLE dst (name text, ts timestamptz);
INSERT INTO dst VALUES
    -- 21:50 and 22:10 UTC on 03-31 are 23:50 and 00:10 CEST: split
    ('1 march, midnight after', '2024-03-31 21:50+00'),
    ('1 march, midnight after', '2024-03-31 22:10+00'),
    -- 22:50 and 23:10 UTC on 03-30 are 23:50 and 00:10 CET: split
    ('2 march, midnight before', '2024-03-30 22:50+00'),
    ('2 march, midnight before', '2024-03-30 23:10+00'),
    -- 01:50 CET and 03:10 CEST, 20 minutes apart over the lost hour: one
    ('3 march, lost hour', '2024-03-31 00:50+00'),
    ('3 march, lost hour', '2024-03-31 01:10+00'),
    -- where a fixed +01 would put midnight (23:00 UTC on 03-31): one
    ('4 march, not midnight', '2024-03-31 22:50+00'),
    ('4 march, not midnight', '2024-03-31 23:10+00'),
    -- 22:50 and 23:10 UTC on 10-27 are 23:50 and 00:10 CET: split
    ('5 october, midnight after', '2024-10-27 22:50+00'),
    ('5 october, midnight after', '2024-10-27 23:10+00'),
    -- 21:50 and 22:10 UTC on 10-26 are 23:50 and 00:10 CEST: split
    ('6 october, midnight before', '2024-10-26 21:50+00'),
    ('6 october, midnight before', '2024-10-26 22:10+00'),
    -- 02:50 CEST, then 02:10 CET: 20 minutes apart in the repeated hour
    ('7 october, hour twice', '2024-10-27 00:50+00'),
    ('7 october, hour twice', '2024-10-27 01:10+00'),
    -- where a fixed +02 would put midnight (22:00 UTC on 10-27): one
    ('8 october, not midnight', '2024-10-27 21:50+00'),
    ('8 october, not midnight', '2024-10-27 22:10+00');
SELECT name, (visit_summary(hit_trail(ts), split_at_midnight => true)).*
FROM dst GROUP BY name ORDER BY name;
SELECT name, ts AT TIME ZONE 'Europe/Amsterdam' AS local_time,
       visit_no(ts, split_at_midnight => true)
           OVER (PARTITION BY name ORDER BY ts)
FROM dst ORDER BY name, ts;

-- Another zone: midnight in New York is 05:00 UTC in January.
SELECT (visit_summary(hit_trail(ts), split_at_midnight => true,
                      time_zone => 'America/New_York')).visits
FROM (VALUES (timestamptz '2024-01-08 04:50+00'),
             ('2024-01-08 05:10+00')) x(ts);

-- The window's edges.  Window: 2024-01-08 10:00 (inclusive) to 12:00
-- (exclusive), timeout 30 minutes.
CREATE TEMP TABLE edge (name text, ts timestamptz, seq bigint, event "char");
INSERT INTO edge VALUES
    -- first event 29:59.999999 after the start: may have begun before
    ('1 early page', '2024-01-08 10:29:59.999999', 1, 'P'),
    -- exactly one timeout after the start: an event just before the window
    -- would be more than a timeout away
    ('2 page at start + timeout', '2024-01-08 10:30', 1, 'P'),
    -- a login starts a visit: it cannot have begun before
    ('3 early login', '2024-01-08 10:05', 1, 'L'),
    -- only the first visit can have begun before the window
    ('4 two early visits', '2024-01-08 10:01', 1, 'P'),
    ('4 two early visits', '2024-01-08 10:02', 2, 'L'),
    -- a stray logout first: what was before it ended there
    ('5 logout then page', '2024-01-08 10:01', 1, 'O'),
    ('5 logout then page', '2024-01-08 10:02', 2, 'P'),
    -- last event one timeout before the end: may go on
    ('6 page at end - timeout', '2024-01-08 11:30', 1, 'P'),
    -- a microsecond earlier: a gap of more than the timeout to any later
    ('7 page before that', '2024-01-08 11:29:59.999999', 1, 'P'),
    -- a visit ended by a logout goes on no further
    ('8 logout at end', '2024-01-08 11:50', 1, 'P'),
    ('8 logout at end', '2024-01-08 11:51', 2, 'O'),
    -- only the last visit can go on
    ('9 two late visits', '2024-01-08 11:50', 1, 'P'),
    ('9 two late visits', '2024-01-08 11:51', 2, 'L');
SELECT g.name, v.visit_no, v.start_ts, v.starts_before_window,
       v.ends_after_window
FROM (SELECT name, hit_trail(ts, seq, event, NULL) t
      FROM edge GROUP BY name) g,
     visits(g.t, window_start => '2024-01-08 10:00',
            window_end => '2024-01-08 12:00') v
ORDER BY g.name, v.visit_no;

-- Events beyond the window's edges are within a timeout of them too.
SELECT v.starts_before_window, v.ends_after_window
FROM visits('P 2024-01-08T09:50:00Z 1 -, P 2024-01-08T12:10:00Z 2 -',
            timeout => '3 hours', window_start => '2024-01-08 10:00',
            window_end => '2024-01-08 12:00') v;

-- With the midnight split, a window from local midnight to local midnight
-- holds whole visits: none began before it or goes on after it.
SELECT split, v.visit_no, v.starts_before_window, v.ends_after_window
FROM (VALUES (true), (false)) s(split),
     visits('P 2024-01-08T00:10:00Z 1 -, P 2024-01-08T23:50:00Z 2 -',
            split_at_midnight => s.split, time_zone => 'UTC',
            window_start => '2024-01-08 00:00',
            window_end => '2024-01-09 00:00') v
ORDER BY split, visit_no;

-- With a maximum length, a visit at its maximum goes on no further.
SELECT v.pages, v.seconds, v.ends_after_window
FROM visits('P 2024-01-08T10:00:00Z 1 -, P 2024-01-08T10:30:00Z 2 -, P 2024-01-08T11:00:00Z 3 -',
            max_length => '1 hour', window_end => '2024-01-08 11:10') v;

-- Infinite window edges: nothing lies beyond them.
SELECT v.starts_before_window, v.ends_after_window
FROM visits('P 2024-01-08T10:00:00Z 1 -', window_start => '-infinity',
            window_end => 'infinity') v;

-- Continuing stored visits: expanded from a later visit number, no visit
-- can have begun before the window.
SELECT v.visit_no, v.starts_before_window
FROM visits('P 2024-01-08T10:01:00Z 1 -', window_start => '2024-01-08 10:00',
            first_visit_no => 4) v;

-- The text form of hit_trail is exact: every microsecond, UTC whatever the
-- session's zone and date style, and reads back to the same text.
SET timezone = 'Pacific/Chatham';
SET datestyle = 'German, DMY';
SELECT t::text, t::text::hit_trail::text = t::text AS round_trip
FROM (VALUES
    (''::hit_trail),
    ('3 skipped'),
    ('P 2017-02-06T10:00:00Z 1 17'),
    ('L 2017-02-06T10:00:00.000001Z -9223372036854775808 -2147483648, P 2017-02-06T10:00:00.5Z 9223372036854775807 2147483647; 12 skipped'),
    ('O 2017-02-06T23:59:59.999999Z 0 -'),
    ('P -4713-11-24T00:00:00Z 0 -'),
    ('P 294276-12-31T23:59:59.999999Z 0 -'),
    ('P 2017-02-06T10:00:00Z 2 -, P 2017-02-06T09:00:00Z 1 -')) x(t);
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

-- Text input reads any number of fractional digits up to six.
SELECT 'P 2017-02-06T10:00:00.500Z 1 -'::hit_trail;

-- Bad text input, one per line.
SELECT 'P 2017-02-06T10:00:00Z'::hit_trail;
SELECT 'X 2017-02-06T10:00:00Z 1 -'::hit_trail;
SELECT 'T 2017-02-06T10:00:00Z 1 -'::hit_trail;
SELECT 'P 2017-02-06 10:00:00Z 1 -'::hit_trail;
SELECT 'P 2017-02-06T10:00:00 1 -'::hit_trail;
SELECT 'P 2017-02-30T10:00:00Z 1 -'::hit_trail;
SELECT 'P 2017-02-06T24:00:00Z 1 -'::hit_trail;
SELECT 'P 2017-02-06T10:00:00.1234567Z 1 -'::hit_trail;
SELECT 'P 294277-01-01T00:00:00Z 1 -'::hit_trail;
SELECT 'P 17-02-06T10:00:00Z 1 -'::hit_trail;
SELECT 'P 2017-02-06T10:00:00Z 9223372036854775808 -'::hit_trail;
SELECT 'P 2017-02-06T10:00:00Z 1 2147483648'::hit_trail;
SELECT 'P 2017-02-06T10:00:00Z 1 x'::hit_trail;
SELECT 'P 2017-02-06T10:00:00Z 1 -,P 2017-02-06T10:00:00Z 1 -'::hit_trail;
SELECT 'P 2017-02-06T10:00:00Z 1 -;3 skipped'::hit_trail;
SELECT 'P 2017-02-06T10:00:00Z 1 -; -3 skipped'::hit_trail;
SELECT '3 skipped, P 2017-02-06T10:00:00Z 1 -'::hit_trail;
SELECT '3'::hit_trail;
SELECT ' P 2017-02-06T10:00:00Z 1 -'::hit_trail;
SELECT 'P 2017-02-06T10:00:00Z 1 - '::hit_trail;

-- Bad options, one per line.
SELECT * FROM visits('P 2017-02-06T10:00:00Z 1 -', timeout => NULL);
SELECT * FROM visits('P 2017-02-06T10:00:00Z 1 -', timeout => '0 s');
SELECT * FROM visits('P 2017-02-06T10:00:00Z 1 -', timeout => '-30 minutes');
SELECT * FROM visits('P 2017-02-06T10:00:00Z 1 -', timeout => '1 day -24 hours');
SELECT * FROM visits('P 2017-02-06T10:00:00Z 1 -', timeout => '1 month');
SELECT * FROM visits('P 2017-02-06T10:00:00Z 1 -', timeout => '2147483647 days');
SELECT * FROM visits('P 2017-02-06T10:00:00Z 1 -', max_length => '0 s');
SELECT * FROM visits('P 2017-02-06T10:00:00Z 1 -', max_length => '-1 hour');
SELECT * FROM visits('P 2017-02-06T10:00:00Z 1 -', max_length => '1 year');
SELECT * FROM visits('P 2017-02-06T10:00:00Z 1 -', split_at_midnight => NULL);
SELECT * FROM visits('P 2017-02-06T10:00:00Z 1 -', split_at_midnight => true, time_zone => NULL);
SELECT * FROM visits('P 2017-02-06T10:00:00Z 1 -', split_at_midnight => true, time_zone => 'Europe/Atlantis');
SELECT * FROM visits('P 2017-02-06T10:00:00Z 1 -', first_visit_no => 0);
SELECT * FROM visits('P 2017-02-06T10:00:00Z 1 -', first_visit_no => NULL);
SELECT * FROM visits(NULL, timeout => NULL);
SELECT visit_summary('P 2017-02-06T10:00:00Z 1 -', timeout => NULL);
SELECT visit_summary(NULL, timeout => '-1 s');

-- Without the midnight split, the zone is not used and not checked.
SELECT count(*) FROM visits('P 2017-02-06T10:00:00Z 1 -', time_zone => 'Europe/Atlantis');

-- Bad events, one per line.
SELECT hit_trail(ts) FROM (VALUES (timestamptz 'infinity')) x(ts);
SELECT hit_trail(ts) FROM (VALUES (timestamptz '-infinity')) x(ts);
SELECT hit_trail(ts, 1, 'X', NULL) FROM (VALUES (timestamptz '2024-01-08 10:00')) x(ts);
SELECT hit_trail(ts, 1, 'p', NULL) FROM (VALUES (timestamptz '2024-01-08 10:00')) x(ts);
SELECT hit_trail(ts, 1, E'\\001'::"char", NULL) FROM (VALUES (timestamptz '2024-01-08 10:00')) x(ts);
SELECT visit_no(ts) OVER () FROM (VALUES (timestamptz 'infinity')) x(ts);
SELECT visit_no(ts, 'X') OVER () FROM (VALUES (timestamptz '2024-01-08 10:00')) x(ts);
SELECT visit_no(ts, timeout => '0 s') OVER () FROM (VALUES (timestamptz '2024-01-08 10:00')) x(ts);

-- The window function needs rows in time order.
SELECT visit_no(ts) OVER (ORDER BY ts DESC)
FROM (VALUES (timestamptz '2024-01-08 10:00'), ('2024-01-08 10:05')) x(ts);

-- The support functions run only inside the aggregate.
SELECT hit_trail_add(NULL, now());
SELECT hit_trail_merge(NULL, '');
SELECT hit_trail_final('');

-- hit_trail is no window aggregate (its final function sorts in place).
SELECT hit_trail(ts) OVER () FROM (VALUES (timestamptz '2024-01-08 10:00')) x(ts);

-- A technical request is left out before its time is looked at, so it is
-- not counted as skipped; an unknown event code is an error also without a
-- time.
SELECT hit_trail(ts, 1, e, NULL)::text AS trail
FROM (VALUES (NULL::timestamptz, 'T'::"char"), (NULL, 'P'),
             ('2024-01-08 10:00', 'T')) x(ts, e);
SELECT hit_trail(ts, 1, 'X', NULL) FROM (VALUES (NULL::timestamptz)) x(ts);
SELECT visit_no(ts, 'X') OVER () FROM (VALUES (NULL::timestamptz)) x(ts);

-- A visit over nearly all the time a timestamptz holds, longer than a
-- bigint of microseconds: its seconds are exact, as the epochs give them.
SELECT v.visit_no, v.seconds,
       v.seconds = extract(epoch FROM v.end_ts) - extract(epoch FROM v.start_ts)
           AS as_the_epochs,
       s.visits, s.seconds = v.seconds AS summary_agrees
FROM visits('P -4713-11-24T00:00:00Z 1 -, P 145000-01-01T00:00:00Z 2 -, '
            'P 294276-12-31T23:59:59Z 3 -', timeout => '80000000 days') v,
     visit_summary('P -4713-11-24T00:00:00Z 1 -, P 145000-01-01T00:00:00Z 2 -, '
                   'P 294276-12-31T23:59:59Z 3 -', timeout => '80000000 days') s;

-- An aggregate someone makes of the support functions with an initial
-- trail: that trail, read from text, has no room to spare, so it is copied
-- before events are added, and the cells of one query (whose states lie
-- side by side in memory) stay apart.  Each of 50 groups: the initial
-- 09:00, then 10:00 to 10:04, 2 visits of 6 pages and 240 s.
CREATE AGGREGATE public.trail_from_0900(timestamptz) (
    SFUNC = mo_usage.hit_trail_add,
    STYPE = mo_usage.hit_trail,
    INITCOND = 'P 2024-01-08T09:00:00Z 0 -',
    FINALFUNC = mo_usage.hit_trail_final,
    FINALFUNC_MODIFY = READ_WRITE);
CREATE AGGREGATE public.merge_from_0900(hit_trail) (
    SFUNC = mo_usage.hit_trail_merge,
    STYPE = mo_usage.hit_trail,
    INITCOND = 'P 2024-01-08T09:00:00Z 0 -',
    FINALFUNC = mo_usage.hit_trail_final,
    FINALFUNC_MODIFY = READ_WRITE);
SELECT (s).visits, (s).pages, (s).seconds, count(*) AS groups
FROM (SELECT g, visit_summary(public.trail_from_0900(
                 timestamptz '2024-01-08 10:00' + i * interval '1 minute')) AS s
      FROM generate_series(0, 4) i, generate_series(1, 50) g
      GROUP BY g) x
GROUP BY 1, 2, 3;
SELECT (s).visits, (s).pages, (s).seconds, count(*) AS groups
FROM (SELECT g, visit_summary(public.merge_from_0900(
                 format('P 2024-01-08T10:0%s:00Z %s -', i, i)::hit_trail)) AS s
      FROM generate_series(0, 4) i, generate_series(1, 50) g
      GROUP BY g) x
GROUP BY 1, 2, 3;
DROP AGGREGATE public.trail_from_0900(timestamptz);
DROP AGGREGATE public.merge_from_0900(hit_trail);

DROP EXTENSION mo_usage;
DROP SCHEMA mo_usage;

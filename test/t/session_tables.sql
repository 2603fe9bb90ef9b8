-- From mo_micro.hit to mo_micro.visit: rebuild_visits() and
-- source_visits() for a source, with its window and time zone; a second
-- load of hits, taken in by a full rebuild and by continuing only the
-- visits that may go on.
BEGIN;
CREATE EXTENSION mo_usage;
SET search_path = mo_usage, public;
SET timezone = 'UTC';
SELECT plan(13);

INSERT INTO mo_micro.source (source_id, name, time_zone, window_start,
                             window_end)
VALUES (1, 'portal', 'Europe/Amsterdam', '2024-01-08 00:00+01',
        '2024-01-09 00:00+01'),
       (2, 'other log', 'UTC', '2024-01-08 00:00+00', '2024-01-09 00:00+00');

-- The first load: Monday 2024-01-08 in Amsterdam (23:00 UTC the day
-- before to 23:00 UTC).
INSERT INTO mo_micro.hit (source_id, person, ts, seq, event, page_id,
                          channel)
VALUES
    -- a page at 23:50 local: the visit may go on after the window
    (1, 10, '2024-01-08 22:50+00', 1, 'P', 1, 'W'),
    -- login, page, technical request, logout, then a new visit
    (1, 20, '2024-01-08 08:00+00', 2, 'L', 2, 'W'),
    (1, 20, '2024-01-08 08:05+00', 3, 'P', 3, 'W'),
    (1, 20, '2024-01-08 08:06+00', 4, 'T', NULL, 'W'),
    (1, 20, '2024-01-08 08:07+00', 5, 'O', NULL, 'W'),
    (1, 20, '2024-01-08 08:10+00', 6, 'P', 4, 'W'),
    -- the same person in the app, ten minutes into the window
    (1, 20, '2024-01-07 23:10+00', 7, 'P', 5, 'A'),
    -- only technical requests: no visit
    (1, 25, '2024-01-08 12:00+00', 8, 'T', NULL, 'W'),
    (1, 30, '2024-01-08 11:00+00', 9, 'P', 6, 'W'),
    -- another source
    (2, 10, '2024-01-08 10:00+00', 1, 'P', 1, 'W');

SELECT is(rebuild_visits(1::smallint), 5::bigint,
          'rebuild_visits: five visits made');
SELECT results_eq(
    $$SELECT person, channel, visit_no, start_ts, end_ts, pages, entry_page,
             exit_page, starts_before_window, ends_after_window
      FROM mo_micro.visit ORDER BY source_id, person, channel, visit_no$$,
    $$VALUES
        (10::bigint, 'W'::"char", 1, timestamptz '2024-01-08 22:50+00', timestamptz '2024-01-08 22:50+00', 1, 1, 1, false, true),
        (20, 'A', 1, '2024-01-07 23:10+00', '2024-01-07 23:10+00', 1, 5, 5, true, false),
        (20, 'W', 1, '2024-01-08 08:00+00', '2024-01-08 08:07+00', 2, 2, 3, false, false),
        (20, 'W', 2, '2024-01-08 08:10+00', '2024-01-08 08:10+00', 1, 4, 4, false, false),
        (30, 'W', 1, '2024-01-08 11:00+00', '2024-01-08 11:00+00', 1, 6, 6, false, false)$$,
    'rebuild_visits: the visits of the first load');

SELECT is(rebuild_visits(2::smallint), 1::bigint,
          'rebuild_visits: another source on its own');
SELECT is(rebuild_visits(1::smallint), 5::bigint,
          'rebuild_visits: again, the same five');
SELECT is((SELECT count(*) FROM mo_micro.visit WHERE source_id = 2), 1::bigint,
          'rebuild_visits: leaves other sources alone');

-- The second load: Tuesday.  Person 10 goes on at 00:10 local; person 30
-- comes back; person 40 is new.
INSERT INTO mo_micro.hit (source_id, person, ts, seq, event, page_id,
                          channel)
VALUES
    (1, 10, '2024-01-08 23:10+00', 10, 'P', 7, 'W'),
    (1, 30, '2024-01-09 09:00+00', 11, 'P', 8, 'W'),
    (1, 40, '2024-01-09 09:00+00', 12, 'P', 9, 'W');

-- Taken in by continuing the visits that may go on: for each person and
-- channel with new hits, its visit with ends_after_window (at most one,
-- the last) is cut again from its start, keeping its number; without
-- one, the new hits make visits numbered after the last.
CREATE TEMP TABLE resume AS
SELECT n.person, n.channel,
       coalesce(o.visit_no, coalesce(l.last_no, 0) + 1) AS first_no,
       coalesce(o.start_ts, '2024-01-09 00:00+01') AS from_ts
FROM (SELECT DISTINCT person, channel FROM mo_micro.hit
      WHERE source_id = 1 AND ts >= '2024-01-09 00:00+01') n
LEFT JOIN mo_micro.visit o
       ON (o.source_id, o.person, o.channel) = (1, n.person, n.channel)
      AND o.ends_after_window
LEFT JOIN LATERAL (SELECT max(v.visit_no) AS last_no FROM mo_micro.visit v
                   WHERE (v.source_id, v.person, v.channel)
                         = (1, n.person, n.channel)) l ON true;
UPDATE mo_micro.source SET window_end = '2024-01-10 00:00+01'
WHERE source_id = 1;
DELETE FROM mo_micro.visit v USING resume r
WHERE (v.source_id, v.person, v.channel) = (1, r.person, r.channel)
  AND v.visit_no >= r.first_no;
INSERT INTO mo_micro.visit
SELECT 1, r.person, r.channel, v.visit_no, v.start_ts, v.end_ts, v.pages,
       v.entry_page, v.exit_page, v.starts_before_window, v.ends_after_window
FROM resume r
CROSS JOIN mo_micro.source s
CROSS JOIN LATERAL (SELECT hit_trail(h.ts, h.seq, h.event, h.page_id) AS t
                    FROM mo_micro.hit h
                    WHERE (h.source_id, h.person, h.channel)
                          = (1, r.person, r.channel)
                      AND h.ts >= r.from_ts AND h.event <> 'T') g
CROSS JOIN LATERAL visits(g.t, time_zone => s.time_zone,
                          window_start => s.window_start,
                          window_end => s.window_end,
                          first_visit_no => r.first_no) v
WHERE s.source_id = 1;
CREATE TEMP TABLE continued AS
SELECT * FROM mo_micro.visit WHERE source_id = 1;

SELECT results_eq(
    $$SELECT person, channel, visit_no, start_ts, end_ts, pages, entry_page,
             exit_page, starts_before_window, ends_after_window
      FROM continued ORDER BY person, channel, visit_no$$,
    $$VALUES
        (10::bigint, 'W'::"char", 1, timestamptz '2024-01-08 22:50+00', timestamptz '2024-01-08 23:10+00', 2, 1, 7, false, false),
        (20, 'A', 1, '2024-01-07 23:10+00', '2024-01-07 23:10+00', 1, 5, 5, true, false),
        (20, 'W', 1, '2024-01-08 08:00+00', '2024-01-08 08:07+00', 2, 2, 3, false, false),
        (20, 'W', 2, '2024-01-08 08:10+00', '2024-01-08 08:10+00', 1, 4, 4, false, false),
        (30, 'W', 1, '2024-01-08 11:00+00', '2024-01-08 11:00+00', 1, 6, 6, false, false),
        (30, 'W', 2, '2024-01-09 09:00+00', '2024-01-09 09:00+00', 1, 8, 8, false, false),
        (40, 'W', 1, '2024-01-09 09:00+00', '2024-01-09 09:00+00', 1, 9, 9, false, false)$$,
    'continued: the visit from 23:50 to 00:10 is one of 1200 s and 2 pages');

-- Taken in by a full rebuild: the same visits.
SELECT is(rebuild_visits(1::smallint), 7::bigint,
          'rebuild_visits after the second load: seven visits');
SELECT bag_eq('SELECT * FROM mo_micro.visit WHERE source_id = 1',
              'SELECT * FROM continued',
              'a full rebuild and continuing give the same visits');

-- source_visits() lists what rebuild_visits() stores.
SELECT bag_eq(
    $$SELECT 1::smallint, v.* FROM source_visits(1::smallint) v$$,
    'SELECT * FROM mo_micro.visit WHERE source_id = 1',
    'source_visits() lists the stored visits');

-- The options reach the rules; the split uses the source's time zone.
SELECT is(rebuild_visits(1::smallint, split_at_midnight => true), 8::bigint,
          'split at Amsterdam midnight: the visit over midnight is two');
SELECT is(rebuild_visits(1::smallint, timeout => '1 day'), 6::bigint,
          'a one-day timeout joins the two visits of person 30');

SELECT throws_ok($$SELECT rebuild_visits(9::smallint)$$, '42704',
                 'source 9 does not exist', 'an unknown source is an error');
SELECT throws_ok($$SELECT rebuild_visits(1::smallint, timeout => '0 s')$$,
                 '22023', 'visit timeout must be positive',
                 'bad options are errors');

SELECT * FROM finish();
ROLLBACK;

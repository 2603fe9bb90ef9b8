-- One person with a million events in one day: the aggregate, the window
-- function and the expansion all take it, with a state of 24 bytes an
-- event.  The events are 86.4 ms apart from 2024-01-08 00:00 UTC, the last
-- at 23:59:59.9136, and reach the aggregate in a scrambled order.
BEGIN;
CREATE EXTENSION mo_usage;
SET search_path = mo_usage, public;
SELECT plan(6);

CREATE TEMP TABLE million AS
SELECT timestamptz '2024-01-08 00:00+00' + k * interval '86.4 ms' AS ts,
       k AS seq, CASE WHEN k = 0 THEN 'L' ELSE 'P' END::"char" AS event,
       (k % 1000)::int AS page
FROM generate_series(0, 999999) k
ORDER BY hashint8(k);

CREATE TEMP TABLE trail AS
SELECT hit_trail(ts, seq, event, page) AS t FROM million;

SELECT is((SELECT pg_column_size(hit_trail(ts, seq, event, page))
           FROM million),
          24 + 24 * 1000000, 'the trail takes 24 bytes an event');
SELECT is((SELECT (s.visits, s.pages, round(s.seconds::numeric, 4), s.skipped)::text
           FROM trail, visit_summary(t) s),
          '(1,1000000,86399.9136,0)', 'one visit of a million pages');

-- At most an hour a visit: a new one starts 41,667 events (3,600.0288 s)
-- after the start of the last, so 24 visits, the last of 41,659 pages.
SELECT results_eq(
    $$SELECT count(*), min(v.pages), max(v.pages), max(v.visit_no)
      FROM trail, visits(t, max_length => '1 hour') v$$,
    $$VALUES (24::bigint, 41659, 41667, 24)$$,
    'at most an hour: 24 visits');

-- Midnight in Amsterdam is 23:00 UTC: events 0 to 958,333 before it,
-- 958,334 to 999,999 after.
SELECT results_eq(
    $$SELECT v.visit_no, v.pages, round(v.seconds::numeric, 4)
      FROM trail, visits(t, split_at_midnight => true) v$$,
    $$VALUES (1, 958334, 82799.9712), (2, 41666, 3599.8560)$$,
    'split at Amsterdam midnight: two visits');

-- The window function over the million rows.
SELECT results_eq(
    $$SELECT count(n), min(n), max(n)
      FROM (SELECT visit_no(ts, event) OVER (ORDER BY ts, seq) AS n
            FROM million) w$$,
    $$VALUES (1000000::bigint, 1, 1)$$,
    'window function: every row in visit 1');

-- The text form holds all of it and reads back.
SELECT is((SELECT t::text::hit_trail::text = t::text FROM trail), true,
          'text form of a million events reads back');

SELECT * FROM finish();
ROLLBACK;

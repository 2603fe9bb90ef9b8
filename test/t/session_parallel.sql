-- hit_trail() split across processes and across partitions: the combine
-- function merges events, not visits, so a person's visits are the same
-- however the rows were divided, and a part that saw none of a person's
-- rows (or no rows at all) does no harm.
BEGIN;
CREATE EXTENSION mo_usage;
SET search_path = mo_usage, public;
SELECT plan(12);

-- The plan of a query, without costs.
\ir lib/plan_of.sql

-- 1,000 persons, each with events every 10 minutes from 00:00 but for a
-- 40-minute hole: 100 events (00:00 to 16:30) and 97 (17:10 to 01:10 the
-- next day).  Stored round-robin, so that every person's events are spread
-- over the whole table and every process of a parallel scan gets some.
-- Then 100 persons with a single event each, at the end of the table.
CREATE TABLE spread (person int, ts timestamptz, seq bigint, event "char",
                     page int) WITH (parallel_workers = 2);
INSERT INTO spread
SELECT p, timestamptz '2024-01-08 00:00+00' + k * interval '10 minutes',
       k, 'P', k
FROM generate_series(0, 199) k, generate_series(1, 1000) p
WHERE k NOT BETWEEN 100 AND 102
ORDER BY k, p;
INSERT INTO spread
SELECT p, '2024-01-09 12:00+00', 1, 'L', 7
FROM generate_series(1001, 1100) p;
ANALYZE spread;

CREATE TEMP VIEW spread_visits AS
SELECT g.person, v.visit_no, v.start_ts, v.end_ts, v.seconds, v.pages,
       v.entry_page, v.exit_page
FROM (SELECT person, hit_trail(ts, seq, event, page) AS t
      FROM spread GROUP BY person) g,
     visits(g.t) v;

-- The serial answer, checked against what the data were made to be.
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial AS SELECT * FROM spread_visits;
SELECT results_eq(
    $$SELECT visit_no, pages, seconds, entry_page, exit_page, count(*)
      FROM serial WHERE person <= 1000
      GROUP BY 1, 2, 3, 4, 5 ORDER BY 1$$,
    $$VALUES (1, 100, 59400::float8, 0, 99, 1000::bigint),
             (2, 97, 57600::float8, 103, 199, 1000::bigint)$$,
    'serial: two visits per spread person, as made');
SELECT is((SELECT count(*) FROM serial WHERE person > 1000 AND pages = 1),
          100::bigint, 'serial: one visit per single-event person');

-- A forced parallel plan: partial aggregates in two workers (the leader
-- only gathers), combined by hit_trail_merge.
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SET enable_sort = off;

SELECT matches(pg_temp.plan_of('SELECT * FROM spread_visits'),
               'Finalize HashAggregate.*Gather.*Partial HashAggregate.*Parallel Seq Scan on spread',
               'the grouped aggregate runs as a parallel plan');
SELECT bag_eq('SELECT * FROM spread_visits', 'SELECT * FROM serial',
              'parallel and serial give the same visits');

-- Without GROUP BY each worker makes one partial state, NULL when it saw
-- none of the rows.
SELECT matches(pg_temp.plan_of(
                   $$SELECT visit_summary(hit_trail(ts, seq, event, page))
                     FROM spread WHERE person = 1001$$),
               'Finalize Aggregate.*Gather.*Partial Aggregate',
               'the plain aggregate runs as a parallel plan');
SELECT is((SELECT visit_summary(hit_trail(ts, seq, event, page))::text
           FROM spread WHERE person = 1001),
          '(1,1,0,0)', 'a person one worker saw: one visit');
SELECT is((SELECT visit_summary(hit_trail(ts, seq, event, page))::text
           FROM spread WHERE person = 1),
          '(2,197,117000,0)', 'a person every worker saw: two visits');
SELECT ok((SELECT hit_trail(ts, seq, event, page) FROM spread WHERE person = 0)
          IS NULL, 'a person no worker saw: no trail');

-- Partitions by day, and partitionwise aggregation: one partial aggregate
-- per partition, the same plan every time, so that two halves of a visit
-- meet in the combine function for certain.  A visit from 23:50 to 00:10
-- stays one visit; no partition holds all persons, and the third holds
-- none.
RESET ALL;
SET search_path = mo_usage, public;
CREATE TABLE by_day (person int, ts timestamptz, seq bigint, event "char",
                     page int) PARTITION BY RANGE (ts);
CREATE TABLE by_day_1 PARTITION OF by_day
    FOR VALUES FROM ('2024-01-08 00:00+00') TO ('2024-01-09 00:00+00');
CREATE TABLE by_day_2 PARTITION OF by_day
    FOR VALUES FROM ('2024-01-09 00:00+00') TO ('2024-01-10 00:00+00');
CREATE TABLE by_day_3 PARTITION OF by_day
    FOR VALUES FROM ('2024-01-10 00:00+00') TO ('2024-01-11 00:00+00');
INSERT INTO by_day VALUES
    (1, '2024-01-08 23:50+00', 1, 'L', 1),
    (1, '2024-01-09 00:10+00', 2, 'P', 2),
    (2, '2024-01-08 12:00+00', 1, 'P', 3),
    (2, '2024-01-08 23:59+00', 2, 'P', 4),
    (2, '2024-01-09 00:01+00', 3, 'O', NULL),
    (2, '2024-01-09 00:02+00', 4, 'P', 5),
    (3, '2024-01-09 08:00+00', 1, 'P', 6);
-- Many rows of few persons make aggregating each partition first the
-- cheaper plan.
INSERT INTO by_day
SELECT 4 + k % 3, timestamptz '2024-01-08 00:00+00' + k * interval '20 s',
       k, 'P', NULL
FROM generate_series(1, 8000) k;
ANALYZE by_day;
SET enable_partitionwise_aggregate = on;
SET max_parallel_workers_per_gather = 0;

SELECT matches(pg_temp.plan_of($$SELECT person, hit_trail(ts, seq, event, page)
                                  FROM by_day GROUP BY person$$),
               'Finalize (Hash|Group)Aggregate.*Append.*Partial HashAggregate.*by_day_1.*Partial HashAggregate.*by_day_2',
               'partitionwise: a partial aggregate per partition');
SELECT results_eq(
    $$SELECT g.person, v.visit_no, v.start_ts, v.end_ts, v.seconds, v.pages,
             v.entry_page, v.exit_page
      FROM (SELECT person, hit_trail(ts, seq, event, page) AS t
            FROM by_day GROUP BY person) g, visits(g.t) v
      WHERE g.person <= 3
      ORDER BY 1, 2$$,
    $$VALUES (1, 1, timestamptz '2024-01-08 23:50+00', timestamptz '2024-01-09 00:10+00', 1200::float8, 2, 1, 2),
             (2, 1, '2024-01-08 12:00+00', '2024-01-08 12:00+00', 0, 1, 3, 3),
             (2, 2, '2024-01-08 23:59+00', '2024-01-09 00:01+00', 120, 1, 4, 4),
             (2, 3, '2024-01-09 00:02+00', '2024-01-09 00:02+00', 0, 1, 5, 5),
             (3, 1, '2024-01-09 08:00+00', '2024-01-09 08:00+00', 0, 1, 6, 6)$$,
    'partitionwise: halves of a visit in two partitions are one visit');
SELECT is((SELECT hit_trail(ts, seq, event, page)::text FROM by_day
           WHERE person = 1),
          'L 2024-01-08T23:50:00Z 1 1, P 2024-01-09T00:10:00Z 2 2',
          'partitionwise: the merged trail is in order');

-- Merging sorts: trails whose events interleave come out in order.
SELECT is((SELECT hit_trail(ts, seq, event, page)::text FROM by_day
           WHERE person = 2 AND ts < '2024-01-09 00:05+00'
             AND (ts > '2024-01-08 20:00+00' OR seq = 1)),
          'P 2024-01-08T12:00:00Z 1 3, P 2024-01-08T23:59:00Z 2 4, O 2024-01-09T00:01:00Z 3 -, P 2024-01-09T00:02:00Z 4 5',
          'partitionwise: the merged trail of interleaved parts is in order');

SELECT * FROM finish();
ROLLBACK;

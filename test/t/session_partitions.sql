-- The hits are partitioned by a hash of the person: every person's hits in
-- one partition, a GROUP BY person done partition by partition, and the
-- visits the same as over a table of one piece.
BEGIN;
CREATE EXTENSION mo_usage;
SET search_path = mo_usage, public;
SET timezone = 'UTC';
SELECT plan(8);

SELECT is((SELECT count(*)::int FROM pg_inherits
           WHERE inhparent = 'mo_micro.hit'::regclass), 16,
          'the hits are in 16 partitions');
SELECT is(pg_get_partkeydef('mo_micro.hit'::regclass), 'HASH (person)',
          'partitioned by a hash of the person');

INSERT INTO mo_micro.source (source_id, name, time_zone)
VALUES (1, 'portal', 'UTC');

-- 500 persons, 20 events each on two channels, 10 minutes apart but for a
-- gap of an hour after the 8th: 2 visits a person and channel.
INSERT INTO mo_micro.hit (source_id, person, ts, seq, event, page_id, channel)
SELECT 1, p * 7919 - 1000000, timestamptz '2024-01-08 08:00+00'
           + (i * 10 + CASE WHEN i > 8 THEN 60 ELSE 0 END) * interval '1 minute',
       p * 100 + i, CASE WHEN i = 1 THEN 'L' ELSE 'P' END, i,
       CASE WHEN i % 2 = 0 THEN 'W' ELSE 'A' END
FROM generate_series(1, 500) p, generate_series(1, 20) i;
ANALYZE mo_micro.hit;

SELECT is((SELECT max(n)::int FROM (SELECT count(DISTINCT tableoid) AS n
                                     FROM mo_micro.hit GROUP BY person) t), 1,
          'each person''s hits are all in one partition');
SELECT is((SELECT count(DISTINCT tableoid)::int FROM mo_micro.hit), 16,
          'and 500 persons fill every partition');

-- How many aggregate nodes the plan of a query has
CREATE FUNCTION pg_temp.aggregates(query text) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    line text;
    n integer := 0;
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || query LOOP
        IF line ~ '^\s*(->\s*)?(Partial |Finalize )?(Hash|Group)?Aggregate' THEN
            n := n + 1;
        END IF;
    END LOOP;
    RETURN n;
END
$$;

SET enable_partitionwise_aggregate = on;
SELECT is(pg_temp.aggregates($$SELECT person, channel,
                                      hit_trail(ts, seq, event, page_id)
                               FROM mo_micro.hit WHERE event <> 'T'
                               GROUP BY person, channel$$), 16,
          'with enable_partitionwise_aggregate, one aggregate a partition');
RESET enable_partitionwise_aggregate;

SELECT is((SELECT array_agg(c ORDER BY c) FROM pg_proc p, unnest(p.proconfig) c
           WHERE p.oid = 'mo_usage.source_visits'::regproc
             AND c LIKE 'enable_partitionwise%'),
          '{enable_partitionwise_aggregate=on}',
          'which source_visits() turns on for itself');

CREATE TEMP TABLE whole AS SELECT * FROM mo_micro.hit;
SELECT set_eq(
    $$SELECT person, channel, visit_no, start_ts, end_ts, pages
      FROM source_visits(1::smallint)$$,
    $$SELECT person, channel, (v).visit_no, (v).start_ts, (v).end_ts, (v).pages
      FROM (SELECT person, channel,
                   visits(hit_trail(ts, seq, event, page_id)) AS v
            FROM whole GROUP BY person, channel) t$$,
    'its visits are those of the same hits in one table');
SELECT is((SELECT count(*)::int FROM source_visits(1::smallint)), 2000,
          'two a person and channel');

SELECT * FROM finish();
ROLLBACK;

-- The three ways to visits agree: the aggregate hit_trail() with visits(),
-- the window function visit_no(), and the plain-SQL idiom (lag() to flag
-- where a visit starts, a running sum() to number the visits), on a
-- generated week of 3,000 persons on two channels, over the night clocks
-- went forward in Amsterdam (2024-03-31).
BEGIN;
CREATE EXTENSION mo_usage;
SET search_path = mo_usage, public;
SELECT plan(12);

-- The week, from a fixed seed.  Each person has one to four visits of one
-- to fifteen events, 0 to 40 minutes apart (so the timeout splits some),
-- starting with a login half of the time and ending with a logout a third
-- of the time; technical requests in between; now and then a logout that
-- follows nothing.  Times are whole minutes, so that equal times happen
-- and seq has to break the ties.
SELECT setseed(0.31);
CREATE TEMP TABLE visit_plan AS
SELECT person, v,
       CASE WHEN random() < 0.8 THEN 'W' ELSE 'A' END::"char" AS channel,
       timestamptz '2024-03-25 00:00+01'
           + (random() * 7 * 24 * 60)::int * interval '1 minute' AS start,
       1 + (random() * 14)::int AS npages,
       random() < 0.5 AS login,
       random() < 0.33 AS logout
FROM generate_series(1, 3000) person,
     LATERAL generate_series(1, 1 + (random() * 3 + person * 0)::int) v;
CREATE TEMP TABLE hits AS
SELECT person, channel, ts, event, page
FROM (SELECT p.person, p.channel,
             p.start + (sum(gap) OVER (PARTITION BY p.person, p.v ORDER BY k))
                       * interval '1 minute' AS ts,
             CASE WHEN k = 0 AND p.login THEN 'L'
                  WHEN k = p.npages THEN 'O'
                  WHEN random() < 0.05 THEN 'T'
                  ELSE 'P' END::"char" AS event,
             1 + (random() * 50)::int AS page
      FROM visit_plan p,
           LATERAL (SELECT k, CASE WHEN k = 0 THEN 0
                                   ELSE (random() * 40 + p.person * 0)::int
                              END AS gap
                    FROM generate_series(0, p.npages - 1 + p.logout::int) k) g
     ) e
UNION ALL
SELECT person, 'W', timestamptz '2024-03-25 00:00+01'
                    + (random() * 7 * 24 * 60)::int * interval '1 minute',
       'O', NULL
FROM generate_series(1, 3000, 17) person;
ALTER TABLE hits ADD COLUMN seq bigint;
UPDATE hits SET seq = s.n
FROM (SELECT ctid AS c, row_number() OVER (ORDER BY ts, random()) AS n
      FROM hits) s
WHERE hits.ctid = s.c;
ANALYZE hits;

-- The data exercise every rule.
SELECT ok((SELECT count(*) FROM hits) > 20000, 'more than 20,000 hits');
SELECT ok((SELECT count(*) FROM (SELECT ts FROM hits GROUP BY person, channel, ts
                                 HAVING count(*) > 1) d) > 100,
          'persons with several events at one time');

-- The three ways as functions of the midnight split, each giving person,
-- channel, start, end and pages of every visit.
CREATE FUNCTION pg_temp.by_aggregate(split boolean)
RETURNS TABLE (person int, channel "char", start_ts timestamptz,
               end_ts timestamptz, pages int)
LANGUAGE sql AS $$
    SELECT g.person, g.channel, v.start_ts, v.end_ts, v.pages
    FROM (SELECT person, channel, hit_trail(ts, seq, event, page) AS t
          FROM hits GROUP BY person, channel) g,
         visits(g.t, split_at_midnight => split) v
$$;
CREATE FUNCTION pg_temp.by_window(split boolean)
RETURNS TABLE (person int, channel "char", start_ts timestamptz,
               end_ts timestamptz, pages int)
LANGUAGE sql AS $$
    SELECT person, channel, min(ts), max(ts),
           (count(*) FILTER (WHERE event <> 'O'))::int
    FROM (SELECT person, channel, ts, event,
                 visit_no(ts, event, split_at_midnight => split)
                     OVER (PARTITION BY person, channel ORDER BY ts, seq) AS n
          FROM hits) h
    WHERE n IS NOT NULL
    GROUP BY person, channel, n
$$;
CREATE FUNCTION pg_temp.by_idiom(split boolean)
RETURNS TABLE (person int, channel "char", start_ts timestamptz,
               end_ts timestamptz, pages int)
LANGUAGE sql AS $$
    SELECT person, channel, min(ts), max(ts),
           (count(*) FILTER (WHERE event <> 'O'))::int
    FROM (SELECT *, sum(new) OVER (PARTITION BY person, channel
                                   ORDER BY ts, seq) AS n
          FROM (SELECT person, channel, ts, seq, event,
                       CASE WHEN lag(ts) OVER w IS NULL
                              OR event = 'L'
                              OR lag(event) OVER w = 'O'
                              OR ts - lag(ts) OVER w > interval '30 minutes'
                              OR (split AND
                                  (ts AT TIME ZONE 'Europe/Amsterdam')::date
                                  <> (lag(ts) OVER w
                                      AT TIME ZONE 'Europe/Amsterdam')::date)
                            THEN 1 ELSE 0 END AS new
                FROM hits
                WHERE event <> 'T'
                WINDOW w AS (PARTITION BY person, channel
                             ORDER BY ts, seq)) f) s
    GROUP BY person, channel, n
    HAVING count(*) FILTER (WHERE event <> 'O') > 0
$$;

SELECT ok((SELECT count(*) FROM pg_temp.by_aggregate(false))
          > (SELECT count(*) FROM visit_plan) * 1.05,
          'the timeout splits some planned visits');
SELECT ok((SELECT count(*) FROM pg_temp.by_aggregate(true))
          > (SELECT count(*) FROM pg_temp.by_aggregate(false)),
          'the midnight split splits some more');

SELECT bag_eq('SELECT * FROM pg_temp.by_aggregate(false)',
              'SELECT * FROM pg_temp.by_idiom(false)',
              'aggregate and idiom give the same visits');
SELECT bag_eq('SELECT * FROM pg_temp.by_window(false)',
              'SELECT * FROM pg_temp.by_idiom(false)',
              'window function and idiom give the same visits');
SELECT bag_eq('SELECT * FROM pg_temp.by_aggregate(true)',
              'SELECT * FROM pg_temp.by_idiom(true)',
              'aggregate and idiom agree with the midnight split');
SELECT bag_eq('SELECT * FROM pg_temp.by_window(true)',
              'SELECT * FROM pg_temp.by_idiom(true)',
              'window function and idiom agree with the midnight split');

-- visit_summary() adds up what visits() lists.
SELECT results_eq(
    $$SELECT sum(s.visits)::bigint, sum(s.pages)::bigint, sum(s.seconds)
      FROM (SELECT (visit_summary(hit_trail(ts, seq, event, page))).*
            FROM hits GROUP BY person, channel) s$$,
    $$SELECT count(*), sum(v.pages)::bigint, sum(v.seconds)
      FROM (SELECT hit_trail(ts, seq, event, page) AS t
            FROM hits GROUP BY person, channel) g, visits(g.t) v$$,
    'visit_summary() totals what visits() lists');

-- Entry and exit pages do not depend on the order rows come in.
SELECT bag_eq(
    $$SELECT person, channel, v.visit_no, v.entry_page, v.exit_page
      FROM (SELECT person, channel, hit_trail(ts, seq, event, page) AS t
            FROM hits GROUP BY person, channel) g, visits(g.t) v$$,
    $$SELECT person, channel, v.visit_no, v.entry_page, v.exit_page
      FROM (SELECT person, channel,
                   hit_trail(ts, seq, event, page ORDER BY seq DESC) AS t
            FROM hits GROUP BY person, channel) g, visits(g.t) v$$,
    'entry and exit pages are the same whatever the input order');

-- Empty input: no trail, no visits.
SELECT ok((SELECT hit_trail(ts, seq, event, page) FROM hits WHERE false)
          IS NULL, 'no rows: no trail');
SELECT is_empty($$SELECT person, channel, hit_trail(ts, seq, event, page)
                  FROM hits WHERE false GROUP BY person, channel$$,
                'no rows, grouped: no groups');

SELECT * FROM finish();
ROLLBACK;

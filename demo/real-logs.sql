-- demo/real-logs.sql: load the four public access logs in ../shared/data,
-- print what became of their lines, and analyse their visits.  Run by
-- scripts/run-demo as
--   psql -v data=DIR -f demo/real-logs.sql
-- where DIR is the shared data directory.  Each log is a source of its own
-- (the two NASA days two sources, as each is a few hours of one day).

\set ON_ERROR_STOP 1
\set elastic :data '/elastic-apache-logs/apache_logs'
\set epa :data '/epa-http-1995-halfday/epa-http.txt'
\set nasa_jul :data '/nasa-http-1995-sample/nasa_19950701.tsv'
\set nasa_aug :data '/nasa-http-1995-sample/nasa_19950801.tsv'
\set lpdaac :data '/nasa-lpdaac-opendap-logs/logs_for_opendap.txt.gz'

-- The layouts, written as the servers' LogFormat would write them.
\set epa_layout '%h [%{%d:%H:%M:%S}t] "%r" %>s %b'
\set nasa_layout '%h\\t%l\\t%{sec}t\\t%m\\t%U%q\\t%>s\\t%b\\t%{Referer}i\\t%{User-agent}i'
\set lpdaac_layout '%{%Y-%m-%d %I:%M%p}t|&|%h|&|%{product}n|&|%{version}n|&|%{pixels}n|&|%{available}n|&|%U%q|&|%>s|&|%b'

\echo
\echo == Real access logs: loading
SELECT clock_timestamp() AS real_logs_start \gset
CREATE TEMP TABLE real_log_load (source text, lines_read bigint, loaded bigint,
                                 rejected bigint, skipped bigint,
                                 technical bigint, crawlers bigint);
SET client_min_messages = warning;

-- Elastic's sample: Apache combined log format, times in UTC.
INSERT INTO real_log_load
SELECT 'elastic', * FROM mo_usage.load_log('elastic', :'elastic', 'UTC');

-- EPA: day and clock only; the month, year and zone (EDT) are known.
INSERT INTO real_log_load
SELECT 'epa', * FROM mo_usage.load_log('epa', :'epa', 'America/New_York',
                                       :'epa_layout', year => 1995, month => 8);

-- NASA Kennedy Space Center: tab-separated with a header, epoch seconds;
-- hours and days in the server's zone, US Eastern.
INSERT INTO real_log_load
SELECT 'nasa-1995-07-01', * FROM mo_usage.load_log('nasa-1995-07-01', :'nasa_jul',
    'America/New_York', :'nasa_layout', header => true);
INSERT INTO real_log_load
SELECT 'nasa-1995-08-01', * FROM mo_usage.load_log('nasa-1995-08-01', :'nasa_aug',
    'America/New_York', :'nasa_layout', header => true);

-- NASA LP DAAC: gzip, |&| between fields, a hashed user on some lines.  Its
-- time zone is not stated: the clock is taken as written (see README).
INSERT INTO real_log_load
SELECT 'lpdaac', * FROM mo_usage.load_log('lpdaac', :'lpdaac', 'UTC',
    :'lpdaac_layout' || E'\n' || :'lpdaac_layout' || '|&|%u');
INSERT INTO real_log_load
SELECT 'lpdaac-users', * FROM mo_usage.load_log('lpdaac-users', :'lpdaac', 'UTC',
    :'lpdaac_layout' || E'\n' || :'lpdaac_layout' || '|&|%u', person => 'user');
RESET client_min_messages;

SELECT l.source, s.time_zone, l.lines_read, l.loaded, l.rejected, l.skipped,
       l.technical, l.crawlers
FROM real_log_load l JOIN mo_micro.source s ON s.name = l.source
ORDER BY s.source_id;

\echo Rejected lines (their text stays in mo_staging.log_reject):
SELECT source, line_no, reason FROM mo_staging.log_reject ORDER BY source, line_no;

SELECT clock_timestamp() AS real_logs_loaded \gset

-- Visits: each source's hits cut by the extension's own visit functions
-- (rebuild_visits: hit_trail and visits, 30 minutes without an event ends
-- a visit), into mo_micro.visit.  Technical hits (images, style sheets,
-- scripts, requests without a path) are left out of visits by the cut
-- itself; clients marked as crawlers are left out of every figure below.
CREATE TEMP TABLE real_log_visits AS
SELECT s.source_id, s.name AS source, s.time_zone,
       mo_usage.rebuild_visits(s.source_id) AS visits
FROM mo_micro.source s
WHERE s.name IN (SELECT source FROM real_log_load)
ORDER BY s.source_id;

CREATE TEMP TABLE real_visit AS
SELECT r.source, r.source_id, r.time_zone, v.person, v.start_ts,
       v.pages, extract(epoch FROM v.end_ts - v.start_ts) AS seconds
FROM real_log_visits r
JOIN mo_micro.visit v ON v.source_id = r.source_id
WHERE NOT EXISTS (SELECT FROM mo_micro.crawler c
                  WHERE c.source_id = v.source_id AND c.person = v.person);
SELECT clock_timestamp() AS real_logs_visits \gset

\echo
\echo == Real access logs: visits
\echo A visit ends after 30 minutes without a page view.  Pages are page views only:
\echo images, style sheets, scripts and requests without a path are technical hits
\echo and count in no visit.  Clients whose user agent says they are crawlers are
\echo left out of every figure (crawler visits shows how many visits that drops).
\echo Durations run from the first to the last page view (a one-page visit lasts 0 s).
SELECT r.source,
       count(v.person) AS visits,
       r.visits - count(v.person) AS crawler_visits,
       count(DISTINCT v.person) AS clients,
       round(count(v.person)::numeric / nullif(count(DISTINCT v.person), 0), 2)
           AS visits_per_client,
       round(avg(v.pages), 2) AS pages_per_visit,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY v.pages) AS median_pages,
       round(avg(v.seconds)) AS mean_seconds,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY v.seconds) AS median_seconds,
       round(100.0 * count(*) FILTER (WHERE v.pages = 1) / nullif(count(v.person), 0), 1)
           AS one_page_pct
FROM real_log_visits r
LEFT JOIN real_visit v ON v.source_id = r.source_id
GROUP BY r.source_id, r.source, r.visits
ORDER BY r.source_id;

\echo Hits that count in no visit: technical hits, and all hits of crawlers.
SELECT s.name AS source,
       count(*) AS hits,
       count(*) FILTER (WHERE h.event = 'T') AS technical,
       count(*) FILTER (WHERE c.person IS NOT NULL) AS from_crawlers,
       count(*) FILTER (WHERE h.event <> 'T' AND c.person IS NULL) AS pages_counted
FROM mo_micro.hit h
JOIN mo_micro.source s USING (source_id)
LEFT JOIN mo_micro.crawler c ON c.source_id = h.source_id AND c.person = h.person
WHERE s.name IN (SELECT source FROM real_log_load)
GROUP BY s.source_id, s.name
ORDER BY s.source_id;

\echo
-- The hours and days each log covers, in its own time zone: an hour of
-- the day or a day of the week outside them shows "-", not 0 visits.
CREATE TEMP TABLE real_log_covers AS
SELECT r.source_id,
       extract(hour FROM t)::int AS hour,
       extract(isodow FROM t)::int AS isodow
FROM real_log_visits r
JOIN mo_micro.source s USING (source_id),
     generate_series(date_trunc('hour', s.window_start AT TIME ZONE s.time_zone),
                     (s.window_end - interval '1 microsecond') AT TIME ZONE s.time_zone,
                     interval '1 hour') AS t;

\echo Visits by hour of day (the hour a visit starts, in the time zone of its log;
\echo "-" for an hour the log does not cover):
SELECT r.source, r.time_zone,
       string_agg(lpad(h.hour::text, 2, '0') || ':'
                  || CASE WHEN h.hour IN (SELECT c.hour FROM real_log_covers c
                                         WHERE c.source_id = r.source_id)
                          THEN coalesce(n.visits, 0)::text ELSE '-' END,
                  ' ' ORDER BY h.hour) AS "hour:visits"
FROM real_log_visits r
CROSS JOIN generate_series(0, 23) AS h(hour)
LEFT JOIN (SELECT source_id,
                  extract(hour FROM start_ts AT TIME ZONE time_zone)::int AS hour,
                  count(*) AS visits
           FROM real_visit GROUP BY 1, 2) n
       ON n.source_id = r.source_id AND n.hour = h.hour
GROUP BY r.source_id, r.source, r.time_zone
ORDER BY r.source_id;

\echo Visits by day of week (the day a visit starts, in the time zone of its log;
\echo "-" for a day the log does not cover):
SELECT r.source,
       string_agg(d.name || ':'
                  || CASE WHEN d.isodow IN (SELECT c.isodow FROM real_log_covers c
                                           WHERE c.source_id = r.source_id)
                          THEN coalesce(n.visits, 0)::text ELSE '-' END,
                  ' ' ORDER BY d.isodow) AS "day:visits",
       (SELECT min(s.window_start AT TIME ZONE s.time_zone)::date || ' to '
               || max((s.window_end - interval '1 microsecond') AT TIME ZONE s.time_zone)::date
        FROM mo_micro.source s WHERE s.source_id = r.source_id) AS covers
FROM real_log_visits r
CROSS JOIN (VALUES (1, 'Mon'), (2, 'Tue'), (3, 'Wed'), (4, 'Thu'), (5, 'Fri'),
                   (6, 'Sat'), (7, 'Sun')) AS d(isodow, name)
LEFT JOIN (SELECT source_id,
                  extract(isodow FROM start_ts AT TIME ZONE time_zone)::int AS isodow,
                  count(*) AS visits
           FROM real_visit GROUP BY 1, 2) n
       ON n.source_id = r.source_id AND n.isodow = d.isodow
GROUP BY r.source_id, r.source
ORDER BY r.source_id;

\echo
\echo Time taken by the real logs (wall clock, on this machine):
SELECT round(extract(epoch FROM :'real_logs_loaded'::timestamptz
                                - :'real_logs_start'::timestamptz)::numeric, 1)
           AS load_seconds,
       (SELECT sum(lines_read) FROM real_log_load) AS lines_read,
       round(extract(epoch FROM :'real_logs_visits'::timestamptz
                                - :'real_logs_loaded'::timestamptz)::numeric, 1)
           AS visit_seconds,
       (SELECT sum(visits) FROM real_log_visits) AS visits_made;

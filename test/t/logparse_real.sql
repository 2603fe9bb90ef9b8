-- read_log_file on the four real public logs in ../shared/data, each in its
-- own layout: the counts their descriptions (SOURCE.md) give, and the
-- lines that are hard to read.
\getenv mo_root MO_ROOT
\set data :mo_root '/../shared/data'
\set elastic :data '/elastic-apache-logs/apache_logs'
\set epa :data '/epa-http-1995-halfday/epa-http.txt'
\set nasa_jul :data '/nasa-http-1995-sample/nasa_19950701.tsv'
\set nasa_aug :data '/nasa-http-1995-sample/nasa_19950801.tsv'
\set lpdaac :data '/nasa-lpdaac-opendap-logs/logs_for_opendap.txt.gz'
\set epa_layout '%h [%{%d:%H:%M:%S}t] "%r" %>s %b'
\set nasa_layout '%h\\t%l\\t%{sec}t\\t%m\\t%U%q\\t%>s\\t%b\\t%{Referer}i\\t%{User-agent}i'
\set lpdaac_layout '%{%Y-%m-%d %I:%M%p}t|&|%h|&|%{product}n|&|%{version}n|&|%{pixels}n|&|%{available}n|&|%U%q|&|%>s|&|%b'

BEGIN;
CREATE EXTENSION mo_usage;
SET TimeZone = 'UTC';
SELECT plan(37);

CREATE TEMP TABLE elastic AS
SELECT * FROM mo_usage.read_log_file(:'elastic');
CREATE TEMP TABLE epa AS
SELECT * FROM mo_usage.read_log_file(:'epa', :'epa_layout',
                                     year => 1995, month => 8,
                                     time_zone => 'America/New_York');
CREATE TEMP TABLE nasa AS
SELECT 'Jul' AS file, * FROM mo_usage.read_log_file(:'nasa_jul', :'nasa_layout', header => true)
UNION ALL
SELECT 'Aug', * FROM mo_usage.read_log_file(:'nasa_aug', :'nasa_layout', header => true);
CREATE TEMP TABLE lpdaac AS
SELECT * FROM mo_usage.read_log_file(:'lpdaac',
    :'lpdaac_layout' || E'\n' || :'lpdaac_layout' || '|&|%u', time_zone => 'UTC');

-- Elastic: Apache combined log format, UTC.
SELECT is((SELECT count(*) FROM elastic), 10000::bigint,
          'Elastic: 10,000 lines read');
SELECT is((SELECT count(*) FROM elastic WHERE reason IS NULL), 9999::bigint,
          'Elastic: 9,999 lines parsed');
SELECT results_eq(
    'SELECT line_no, reason FROM elastic WHERE reason IS NOT NULL',
    $$VALUES (8899::bigint, 'no closing quote in the user agent')$$,
    'Elastic: line 8,899 is rejected: its user agent has no closing quote');
SELECT is((SELECT (mo_usage.parse_log_line(line || '"')).status
           FROM elastic WHERE line_no = 8899), 200,
          'Elastic: the reject keeps the whole line: closing its quote makes it parse');
SELECT is((SELECT string_agg(status || ':' || n, ' ' ORDER BY status)
           FROM (SELECT status, count(*) AS n FROM elastic
                 WHERE reason IS NULL GROUP BY status) s),
          '200:9125 206:45 301:164 304:445 403:2 404:213 416:2 500:3',
          'Elastic: status counts');
SELECT is((SELECT count(DISTINCT client) FROM elastic), 1753::bigint,
          'Elastic: 1,753 distinct clients');
SELECT is((SELECT min(ts) || ' ' || max(ts) FROM elastic),
          '2015-05-17 10:05:00+00 2015-05-20 21:05:59+00',
          'Elastic: first and last time');
SELECT is((SELECT count(*) FROM elastic
           WHERE extract(minute FROM ts) <> 5), 0::bigint,
          'Elastic: every time is in minute 05 of its hour');
SELECT is((SELECT count(*) FROM elastic
           WHERE user_agent ~* current_setting('mo_usage.bot_pattern')),
          1397::bigint, 'Elastic: 1,397 lines from crawlers');

-- EPA: day and clock only, in US Eastern daylight time.  Its description
-- says 15,753 lines, as wc -l does: that counts line feeds, and the last
-- line has none.  The file holds 15,754 lines (grep -c '' counts them).
SELECT is((SELECT count(*) || ' ' || count(reason) || ' ' || max(line_no) FROM epa),
          '15754 0 15754',
          'EPA: every line parses, the last one without a line feed too');
SELECT results_eq(
    $$SELECT method, path, protocol, status, bytes, reason FROM epa
      WHERE line_no = 7464$$,
    $$VALUES ('GET', '/enviro/gif/blueball.gifalt="', 'HTTP/1.0', 404, 0::bigint, NULL::text)$$,
    'EPA: line 7,464, a request with an unescaped quote');
SELECT is((SELECT count(*) FROM epa
           WHERE path LIKE '%="' AND protocol = 'HTTP/1.0' AND status = 404),
          21::bigint, 'EPA: all 21 requests with an unescaped quote');
SELECT is((SELECT min(ts AT TIME ZONE 'America/New_York') || ' '
                  || max(ts AT TIME ZONE 'America/New_York') FROM epa),
          '1995-08-30 00:00:00 1995-08-30 11:59:59',
          'EPA: the half day of 30 August 1995, local time');
SELECT is((SELECT min(ts) FROM epa), '1995-08-30 04:00:00+00'::timestamptz,
          'EPA: midnight EDT is 04:00 UTC');
SELECT is((SELECT count(DISTINCT client) FROM epa), 916::bigint,
          'EPA: 916 distinct hosts');
SELECT is((SELECT count(*) FILTER (WHERE method IS NULL) || ' '
                  || count(*) FILTER (WHERE path IS NULL) || ' '
                  || count(*) FILTER (WHERE protocol IS NULL) FROM epa),
          '0 1 13', 'EPA: one request without a path, 13 without a protocol');

-- NASA 1995: tab-separated with a header, epoch seconds.
SELECT is((SELECT count(*) || ' ' || count(reason) || ' ' || min(line_no) || ' ' || max(line_no)
           FROM nasa WHERE file = 'Jul'),
          '9999 0 2 10000', 'NASA July: 9,999 rows after the header, none rejected');
SELECT is((SELECT string_agg(status || ':' || n, ' ' ORDER BY status)
           FROM (SELECT status, count(*) AS n FROM nasa WHERE file = 'Jul'
                 GROUP BY status) s),
          '200:9012 302:408 304:531 404:48', 'NASA July: status counts');
SELECT is((SELECT string_agg(status || ':' || n, ' ' ORDER BY status)
           FROM (SELECT status, count(*) AS n FROM nasa WHERE file = 'Aug'
                 GROUP BY status) s),
          '200:9046 302:136 304:688 403:1 404:128', 'NASA August: status counts');
SELECT is((SELECT count(DISTINCT client) FILTER (WHERE file = 'Jul') || ' '
                  || count(DISTINCT client) FILTER (WHERE file = 'Aug') FROM nasa),
          '936 853', 'NASA: 936 and 853 distinct hosts');
SELECT is((SELECT min(ts) FILTER (WHERE file = 'Jul') FROM nasa),
          '1995-07-01 00:00:01-04'::timestamptz,
          'NASA July: the first request is 00:00:01 EDT');
SELECT is((SELECT count(*) FROM nasa WHERE referrer IS NOT NULL OR user_agent IS NOT NULL),
          0::bigint, 'NASA: the two trailing fields are empty, so NULL');
SELECT is((SELECT reason FROM mo_usage.read_log_file(:'nasa_jul', :'nasa_layout')
           WHERE line_no = 1),
          'time does not fit the layout at byte 14',
          'NASA: read without header => true, the header is a reject');

-- NASA LP DAAC: gzip, |&| separated, a 12-hour clock, an optional user.
SELECT is((SELECT count(*) || ' ' || count(reason) FROM lpdaac),
          '478755 0', 'LP DAAC: 478,755 lines read from the gzip file, none rejected');
SELECT is((SELECT count(DISTINCT client) || ' ' || count(auth_user) || ' '
                  || count(DISTINCT auth_user) FROM lpdaac),
          '214 1224 20', 'LP DAAC: 214 clients; 20 users, named on 1,224 lines');
SELECT is((SELECT min(ts) || ' ' || max(ts) FROM lpdaac),
          '2015-02-15 05:11:00+00 2017-02-08 11:26:00+00',
          'LP DAAC: first and last time, the clock as written');
SELECT is((SELECT count(*) FROM lpdaac WHERE status <> 200 OR path IS NULL),
          0::bigint, 'LP DAAC: every request has a path and status 200');

-- load_log: the Elastic sample and the EPA trace into the hit table.
CREATE TEMP TABLE loads AS
SELECT 'elastic' AS source, * FROM mo_usage.load_log('elastic', :'elastic', 'UTC');
INSERT INTO loads
SELECT 'epa', * FROM mo_usage.load_log('epa', :'epa', 'America/New_York',
                                       :'epa_layout', year => 1995, month => 8);

SELECT is((SELECT lines_read || ' ' || loaded || ' ' || rejected || ' ' || skipped
           FROM loads WHERE source = 'elastic'),
          '10000 9999 1 0', 'load_log Elastic: 9,999 of its 10,000 lines loaded, 1 rejected');
SELECT results_eq(
    $$SELECT source, file, line_no, reason, line FROM mo_staging.log_reject$$,
    format($$VALUES ('elastic', %L, 8899::bigint, 'no closing quote in the user agent', %L)$$,
           :'elastic',
           (regexp_split_to_array(pg_read_file(:'elastic'), E'\n'))[8899]),
    'load_log Elastic: line 8,899 is the one reject, with its file, number, whole line and reason');
SELECT is((SELECT count(*) || ' ' || min(seq) || ' ' || max(seq) || ' '
                  || count(*) FILTER (WHERE seq = 8899)
           FROM mo_micro.hit h JOIN mo_micro.source s USING (source_id)
           WHERE s.name = 'elastic'),
          '9999 1 10000 0', 'load_log Elastic: one hit a line but 8,899, seq the line number');
SELECT is((SELECT crawlers FROM loads WHERE source = 'elastic'), 204::bigint,
          'load_log Elastic: 204 clients with a crawler''s user agent');

SELECT is((SELECT lines_read || ' ' || loaded || ' ' || rejected || ' ' || skipped
           FROM loads WHERE source = 'epa'),
          '15754 15754 0 0',
          'load_log EPA: all 15,754 lines loaded (wc -l says 15,753: no line feed after the last), none rejected');
SELECT results_eq(
    $$SELECT h.event::text, p.path, h.ts
      FROM mo_micro.hit h JOIN mo_micro.source s USING (source_id)
      JOIN mo_micro.page p USING (page_id)
      WHERE s.name = 'epa' AND h.seq = 7464$$,
    $$VALUES ('P', '/enviro/gif/blueball.gifalt="', '1995-08-30 09:36:04-04'::timestamptz)$$,
    'load_log EPA: line 7,464, with its unescaped quote, is a page view at 09:36:04 EDT');
SELECT is((SELECT count(*) || ' ' || max(seq) || ' ' || max(ts)
           FROM mo_micro.hit h JOIN mo_micro.source s USING (source_id)
           WHERE s.name = 'epa'),
          '15754 15754 1995-08-30 15:59:59+00',
          'load_log EPA: the last line, without a line feed, is loaded: 11:59:59 EDT');
SELECT is((SELECT window_start || ' ' || window_end || ' ' || time_zone
           FROM mo_micro.source WHERE name = 'epa'),
          '1995-08-30 04:00:00+00 1995-08-30 16:00:00+00 America/New_York',
          'load_log EPA: the window is the half day, in US Eastern time');

-- Visits of the EPA trace, host as person, 30 minutes.  Over all its
-- requests, the plain SQL idiom (a gap of more than 30 minutes starts a
-- visit) gives the 1,059 visits its description reports; over page views
-- only, the extension's rebuild_visits gives what the idiom gives.
SELECT is((SELECT count(*) FILTER (WHERE gap IS NULL OR gap > interval '30 minutes')
           FROM (SELECT h.ts - lag(h.ts) OVER (PARTITION BY h.person ORDER BY h.ts, h.seq) AS gap
                 FROM mo_micro.hit h JOIN mo_micro.source s USING (source_id)
                 WHERE s.name = 'epa') g),
          1059::bigint, 'EPA: 1,059 visits over all requests, as its description says');
SELECT is((SELECT mo_usage.rebuild_visits(source_id) FROM mo_micro.source WHERE name = 'epa')
          || ' ' ||
          (SELECT count(*) FILTER (WHERE gap IS NULL OR gap > interval '30 minutes')
           FROM (SELECT h.ts - lag(h.ts) OVER (PARTITION BY h.person ORDER BY h.ts, h.seq) AS gap
                 FROM mo_micro.hit h JOIN mo_micro.source s USING (source_id)
                 WHERE s.name = 'epa' AND h.event <> 'T') g),
          '1039 1039',
          'EPA: 1,039 visits of page views, by rebuild_visits as by the plain idiom');

SELECT * FROM finish();
ROLLBACK;

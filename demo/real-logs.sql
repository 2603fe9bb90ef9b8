-- demo/real-logs.sql: load the four public access logs in ../shared/data
-- and print what became of their lines.  Run by scripts/run-demo as
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

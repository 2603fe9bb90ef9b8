-- parse_log_line: access-log lines in Apache-style layouts into columns.
CREATE EXTENSION mo_usage;
SET TimeZone = 'UTC';
\pset null '<null>'

-- Combined log format: a quoted user agent holding an escaped quote.
SELECT client, identity, auth_user, ts, method, path, query, protocol,
       status, bytes, referrer, user_agent, reason
FROM mo_usage.parse_log_line($$198.51.100.23 - - [16/Apr/2018:16:19:20 +0000] "POST /login HTTP/1.1" 200 8073 "-" "Dalvik/2.1.0 (Linux; U; Android 9; Tab 8\" Build/PQ3A)"$$);

-- A user agent that is all quotes: the quotes stay, the backslashes go.
SELECT status, bytes, referrer, user_agent, reason
FROM mo_usage.parse_log_line($$198.51.100.24 - - [07/Mar/2016:13:20:15 +0000] "GET /hello HTTP/1.1" 404 203 "-" "\"echocrawl 2.0\""$$);

-- The line's offset is honoured: +0800 and +0000 are one instant,
-- 2016-08-08 08:49:16 UTC, 10:49 in Amsterdam.
SELECT l.offset, p.ts, p.ts AT TIME ZONE 'Europe/Amsterdam' AS amsterdam
FROM (VALUES ('+0800', $$203.0.113.9 - - [08/Aug/2016:16:49:16 +0800] "GET /a HTTP/1.1" 200 1 "-" "x"$$),
             ('+0000', $$203.0.113.9 - - [08/Aug/2016:08:49:16 +0000] "GET /b HTTP/1.1" 200 1 "-" "x"$$),
             ('-0430', $$203.0.113.9 - - [08/Aug/2016:04:19:16 -0430] "GET /c HTTP/1.1" 200 1 "-" "x"$$))
     AS l("offset", line),
     LATERAL mo_usage.parse_log_line(l.line) p;

-- Common log format, one edge case a line.
SELECT l.name, p.client, p.identity, p.auth_user, p.method, p.path, p.query,
       p.protocol, p.status, p.bytes, p.reason
FROM (VALUES
    ('ipv4',           $$192.0.2.1 - - [01/Jan/2020:00:00:00 +0000] "GET / HTTP/1.0" 200 5$$),
    ('ipv6',           $$2001:db8::1 - - [01/Jan/2020:00:00:00 +0000] "GET / HTTP/1.0" 200 5$$),
    ('ipv4 in ipv6',   $$::ffff:192.0.2.1 - - [01/Jan/2020:00:00:00 +0000] "GET / HTTP/1.0" 200 5$$),
    ('host name',      $$port11.example.net - - [01/Jan/2020:00:00:00 +0000] "GET / HTTP/1.0" 200 5$$),
    ('user, identity', $$192.0.2.1 ident alice [01/Jan/2020:00:00:00 +0000] "GET / HTTP/1.0" 200 5$$),
    ('space in user',  $$192.0.2.1 - John Smith [01/Jan/2020:00:00:00 +0000] "GET / HTTP/1.0" 200 5$$),
    ('bytes -',        $$192.0.2.1 - - [01/Jan/2020:00:00:00 +0000] "GET / HTTP/1.0" 304 -$$),
    ('status -',       $$192.0.2.1 - - [01/Jan/2020:00:00:00 +0000] "GET / HTTP/1.0" - 0$$),
    ('query',          $$192.0.2.1 - - [01/Jan/2020:00:00:00 +0000] "GET /a/b?c=1&d=%20 HTTP/1.1" 200 5$$),
    ('empty query',    $$192.0.2.1 - - [01/Jan/2020:00:00:00 +0000] "GET /a? HTTP/1.1" 200 5$$),
    ('only a query',   $$192.0.2.1 - - [01/Jan/2020:00:00:00 +0000] "GET ?x=1 HTTP/1.1" 200 5$$),
    ('no protocol',    $$192.0.2.1 - - [01/Jan/2020:00:00:00 +0000] "GET /old/page.html" 200 5$$),
    ('spaces in path', $$192.0.2.1 - - [01/Jan/2020:00:00:00 +0000] "GET /cgi?q=a b  c HTTP/1.0" 200 5$$),
    ('no path',        $$192.0.2.1 - - [01/Jan/2020:00:00:00 +0000] "GET  HTTP/1.0" 302 -$$),
    ('request -',      $$192.0.2.1 - - [01/Jan/2020:00:00:00 +0000] "-" 408 -$$),
    ('empty request',  $$192.0.2.1 - - [01/Jan/2020:00:00:00 +0000] "" 400 0$$),
    ('tls garbage',    $$192.0.2.1 - - [01/Jan/2020:00:00:00 +0000] "\x16\x03\x01\x00\xa5\x01" 400 0$$),
    ('no method',      $$192.0.2.1 - - [01/Jan/2020:00:00:00 +0000] "/index.html HTTP/1.0" 400 0$$),
    ('bad method',     $$192.0.2.1 - - [01/Jan/2020:00:00:00 +0000] "G(T / HTTP/1.0" 400 0$$),
    ('unescaped "',    $$192.0.2.1 - - [01/Jan/2020:00:00:00 +0000] "GET /gif/ball.gifalt=" HTTP/1.0" 404 -$$),
    ('two unescaped',  $$192.0.2.1 - - [01/Jan/2020:00:00:00 +0000] "GET /a" b" HTTP/1.0" 404 -$$),
    ('escaped "',      $$192.0.2.1 - - [01/Jan/2020:00:00:00 +0000] "GET /a\"b HTTP/1.0" 404 -$$),
    ('absolute uri',   $$192.0.2.1 - - [01/Jan/2020:00:00:00 +0000] "GET http://example.org/x?y HTTP/1.0" 200 5$$),
    ('connect',        $$192.0.2.1 - - [01/Jan/2020:00:00:00 +0000] "CONNECT example.org:443 HTTP/1.1" 405 0$$),
    ('http/2',         $$192.0.2.1 - - [01/Jan/2020:00:00:00 +0000] "GET /x HTTP/2.0" 200 5$$),
    ('crlf',           E'192.0.2.1 - - [01/Jan/2020:00:00:00 +0000] "GET /x HTTP/1.0" 200 5\r'),
    ('big bytes',      $$192.0.2.1 - - [01/Jan/2020:00:00:00 +0000] "GET /x HTTP/1.0" 200 999999999999999999$$)
  ) AS l(name, line),
  LATERAL mo_usage.parse_log_line(l.line, 'common') p;

-- Quoted fields in the combined format.
SELECT l.name, p.referrer, p.user_agent, p.reason
FROM (VALUES
    ('empty',            $$192.0.2.1 - - [01/Jan/2020:00:00:00 +0000] "GET / HTTP/1.1" 200 5 "" ""$$),
    ('dash',             $$192.0.2.1 - - [01/Jan/2020:00:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "-"$$),
    ('backslash at end', $$192.0.2.1 - - [01/Jan/2020:00:00:00 +0000] "GET / HTTP/1.1" 200 5 "a\\" "b\\\""$$),
    ('hex escapes kept', $$192.0.2.1 - - [01/Jan/2020:00:00:00 +0000] "GET / HTTP/1.1" 200 5 "http://\xe4\xe5/" "\x22q\x22"$$),
    ('unescaped "',      $$192.0.2.1 - - [01/Jan/2020:00:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "Mozilla "compatible" 1.0"$$),
    ('non-ascii',        $$192.0.2.1 - - [01/Jan/2020:00:00:00 +0000] "GET / HTTP/1.1" 200 5 "https://例え.jp/" "Ünïcode"$$)
  ) AS l(name, line),
  LATERAL mo_usage.parse_log_line(l.line) p;

-- Lines that do not fit: NULL columns and the reason, one case a line.
SELECT l.name, p.client IS NULL AND p.ts IS NULL AND p.status IS NULL AS all_null,
       p.reason
FROM (VALUES
    ('empty line',         ''),
    ('only a line end',    E'\r'),
    ('ends in the time',   $$192.0.2.1 - - [17/May/2015:10:05$$),
    ('ends after time',    $$192.0.2.1 - - [17/May/2015:10:05:03 +0000]$$),
    ('ends in request',    $$192.0.2.1 - - [17/May/2015:10:05:03 +0000] "GET /x HTT$$),
    ('ends after status',  $$192.0.2.1 - - [17/May/2015:10:05:03 +0000] "GET /x HTTP/1.1" 200$$),
    ('ends in referrer',   $$192.0.2.1 - - [17/May/2015:10:05:03 +0000] "GET /x HTTP/1.1" 200 5 "http://exa$$),
    ('ends in user agent', $$192.0.2.1 - - [17/May/2015:10:05:03 +0000] "GET /x HTTP/1.1" 200 5 "-" "Mozilla/5.0 (compatible; Googlebot/2.1$$),
    ('common, not combined', $$192.0.2.1 - - [17/May/2015:10:05:03 +0000] "GET /x HTTP/1.1" 200 5$$),
    ('text after the end', $$192.0.2.1 - - [17/May/2015:10:05:03 +0000] "GET /x HTTP/1.1" 200 5 "-" "ua" extra$$),
    ('status not a number', $$192.0.2.1 - - [17/May/2015:10:05:03 +0000] "GET /x HTTP/1.1" OK 5 "-" "ua"$$),
    ('status of 4 digits', $$192.0.2.1 - - [17/May/2015:10:05:03 +0000] "GET /x HTTP/1.1" 2000 5 "-" "ua"$$),
    ('bytes not a number', $$192.0.2.1 - - [17/May/2015:10:05:03 +0000] "GET /x HTTP/1.1" 200 5k "-" "ua"$$),
    ('bytes of 19 digits', $$192.0.2.1 - - [17/May/2015:10:05:03 +0000] "GET /x HTTP/1.1" 200 1000000000000000000 "-" "ua"$$),
    ('month name',         $$192.0.2.1 - - [17/Mai/2015:10:05:03 +0000] "GET /x HTTP/1.1" 200 5 "-" "ua"$$),
    ('day 31 of April',    $$192.0.2.1 - - [31/Apr/2015:10:05:03 +0000] "GET /x HTTP/1.1" 200 5 "-" "ua"$$),
    ('29 February 2015',   $$192.0.2.1 - - [29/Feb/2015:10:05:03 +0000] "GET /x HTTP/1.1" 200 5 "-" "ua"$$),
    ('hour 24',            $$192.0.2.1 - - [17/May/2015:24:05:03 +0000] "GET /x HTTP/1.1" 200 5 "-" "ua"$$),
    ('minute 60',          $$192.0.2.1 - - [17/May/2015:10:60:03 +0000] "GET /x HTTP/1.1" 200 5 "-" "ua"$$),
    ('offset +1600',       $$192.0.2.1 - - [17/May/2015:10:05:03 +1600] "GET /x HTTP/1.1" 200 5 "-" "ua"$$),
    ('offset missing',     $$192.0.2.1 - - [17/May/2015:10:05:03] "GET /x HTTP/1.1" 200 5 "-" "ua"$$),
    ('not a log line',     'hello, world'),
    ('json',               '{"host": "192.0.2.1", "status": 200}')
  ) AS l(name, line),
  LATERAL mo_usage.parse_log_line(l.line) p;

-- A leap year has a 29 February; a leap second rolls into the next minute.
SELECT ts FROM mo_usage.parse_log_line($$192.0.2.1 - - [29/Feb/2016:23:59:60 +0000] "GET / HTTP/1.1" 200 5$$, 'common');

-- NULL in, NULL out.
SELECT * FROM mo_usage.parse_log_line(NULL);
SELECT (mo_usage.parse_log_line('x', NULL)).reason;

-- Custom layouts: the EPA trace's, whose times lack month, year and zone.
SELECT ts, ts AT TIME ZONE 'America/New_York' AS local, method, path, protocol,
       status, bytes, reason
FROM mo_usage.parse_log_line($$host.example.com [30:09:36:04] "GET /a.gif HTTP/1.0" 404 -$$,
                             '%h [%{%d:%H:%M:%S}t] "%r" %>s %b',
                             year => 1995, month => 8, time_zone => 'America/New_York');

-- The same layout in winter: the zone's offset follows the date.
SELECT ts FROM mo_usage.parse_log_line($$h [30:09:36:04] "GET / HTTP/1.0" 200 1$$,
                                       '%h [%{%d:%H:%M:%S}t] "%r" %>s %b',
                                       1995, 1, 'America/New_York');

-- Tab-separated with epoch seconds and two empty trailing fields.
SELECT client, identity, ts, method, path, query, status, bytes, referrer,
       user_agent, reason
FROM mo_usage.parse_log_line(E'199.0.2.5\t-\t804571201\tGET\t/history/apollo/?a=1\t200\t6245\t\t',
                             E'%h\\t%l\\t%{sec}t\\t%m\\t%U%q\\t%>s\\t%b\\t%{Referer}i\\t%{User-agent}i');

-- A three-character separator, a 12-hour clock with minutes only, fields
-- that are read and ignored, and an optional last field as an alternative.
SELECT l.line_no, p.ts, p.client, p.path, p.query, p.status, p.bytes,
       p.auth_user, p.reason
FROM (VALUES
    (1, '2015-02-15 05:11AM|&|0b3a|&|ASTGTM|&|2|&|7202|&|None|&|/opendap/a.nc.dods?crs,lat|&|200|&|57752'),
    (2, '2016-09-27 12:16AM|&|7e47|&|MOD11A2|&|6|&|762|&|None|&|/opendap/b.ascii?time[0:1:761]|&|200|&|4472|&|ed7c'),
    (3, '2016-09-27 12:16PM|&|7e47|&|MOD11A2|&|6|&|762|&|None|&|/opendap/b.ascii|&|200|&|4472|&|ed7c'),
    (4, '2016-09-27 01:16pm|&|7e47|&|MOD11A2|&|6|&|762|&|None|&|/opendap/b.ascii|&|200|&|4472'),
    (5, '2016-09-27 13:16PM|&|7e47|&|MOD11A2|&|6|&|762|&|None|&|/opendap/b.ascii|&|200|&|4472'),
    (6, '2016-09-27 01:16XM|&|7e47|&|MOD11A2|&|6|&|762|&|None|&|/opendap/b.ascii|&|200|&|4472'),
    (7, '2016-09-27 01:16PM|&|7e47|&|MOD11A2|&|6|&|762|&|None|&|/opendap/b.ascii|&|200|&|4472|&|ed7c|&|more')
  ) AS l(line_no, line),
  LATERAL mo_usage.parse_log_line(l.line,
      E'%{%Y-%m-%d %I:%M%p}t|&|%h|&|%{product}n|&|%{version}n|&|%{pixels}n|&|%{available}n|&|%U%q|&|%>s|&|%b\n'
      '%{%Y-%m-%d %I:%M%p}t|&|%h|&|%{product}n|&|%{version}n|&|%{pixels}n|&|%{available}n|&|%U%q|&|%>s|&|%b|&|%u',
      time_zone => 'UTC') p
ORDER BY l.line_no;

-- Time layouts: Apache's examples, ISO 8601, milliseconds, names.
SELECT l.layout, p.ts, p.reason
FROM (VALUES
    ('%h %{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t', 'a 08/Aug/2016 16:49:16.250 +0800'),
    ('%h %{%d/%b/%Y %T}t.%{usec_frac}t %{%z}t', 'a 08/Aug/2016 16:49:16.000250 +0800'),
    ('%h %{%Y-%m-%dT%H:%M:%S%z}t',             'a 2016-08-08T16:49:16+08:00'),
    ('%h %{%Y-%m-%dT%H:%M:%S%z}t',             'a 2016-08-08T08:49:16Z'),
    ('%h %{%FT%T}t',                           'a 2016-08-08T08:49:16'),
    ('%h %{%a, %d %B %Y %R}t',                 'a Monday, 08 August 2016 08:49'),
    ('%h %{%D %H:%M:%S}t',                     'a 08/08/16 08:49:16'),
    ('%h %{%D %H:%M:%S}t',                     'a 08/08/69 08:49:16'),
    ('%h %{%Y%m%d%H%M%S}t',                    'a 20160808084916'),
    ('%h %{%e.%m.%Y}t',                        'a  8.08.2016'),
    ('%h %{%d %b %Y %k:%M}t',                  'a 08 AUG 2016  8:49'),
    ('%h %{sec}t',                             'a 1470646156'),
    ('%h %{sec}t.%{msec_frac}t',               'a 1470646156.500'),
    ('%h %{msec}t',                            'a 1470646156500'),
    ('%h %{usec}t',                            'a 1470646156000001'),
    ('%h %{%s}t',                              'a 0'),
    ('%h %{begin:%d/%b/%Y:%H:%M:%S %z}t',      'a 08/Aug/2016:08:49:16 +0000'),
    ('%h %{end:sec}t',                         'a 1470646156'),
    ('%h [%t]',                                'a [[08/Aug/2016:08:49:16 +0000]]'),
    ('%h %{%d/%b/%Y}t 100%%',                  'a 08/Aug/2016 100%'),
    ('%h %{%d/%b/%Y}t',                        'a 08/Aug/2016 '),
    ('%h %{msec_frac}t %{sec}t',               'a 12 1470646156'),
    ('%h %{sec}t',                             'a 99999999999999')
  ) AS l(layout, line),
  LATERAL mo_usage.parse_log_line(l.line, l.layout, time_zone => 'UTC') p;

-- Directives Apache has but no column holds are read and ignored;
-- conditions and %<s are accepted; \" and \t are Apache's escapes.
SELECT client, auth_user, path, status, bytes, referrer, user_agent, reason
FROM mo_usage.parse_log_line(
    E'www.example.org:443 192.0.2.7 - bob [08/Aug/2016:08:49:16 +0000] "GET /p HTTP/1.1" 200 12 "-" "ua" 5123 "10.0.0.1, 10.0.0.2"\tend',
    '%v:%p %a %l %u %t \"%r\" %<s %b \"%!200,304{Referer}i\" \"%{User-Agent}i\" %D \"%{X-Forwarded-For}i\"\tend');

-- Method, path, query and protocol as separate directives.
SELECT method, path, query, protocol, status
FROM mo_usage.parse_log_line('GET /a?b HTTP/1.1 200', '%m %U%q %H %s');
SELECT method, path, query, protocol
FROM mo_usage.parse_log_line('GET /a ?b HTTP/1.1', '%m %U %q %H');

-- "common" and "combined" may be alternatives of one layout, tried in turn.
SELECT l.line_no, p.user_agent, p.reason
FROM (VALUES
    (1, $$192.0.2.1 - - [01/Jan/2020:00:00:00 +0000] "GET / HTTP/1.0" 200 5 "-" "ua"$$),
    (2, $$192.0.2.1 - - [01/Jan/2020:00:00:00 +0000] "GET / HTTP/1.0" 200 5$$),
    (3, $$192.0.2.1 - - [01/Jan/2020:00:00:00 +0000] "GET / HTTP/1.0" 200 5 "-" "ua$$)
  ) AS l(line_no, line),
  LATERAL mo_usage.parse_log_line(l.line, E'combined\ncommon') p
ORDER BY l.line_no;

-- A layout may change from row to row.
SELECT p.status, p.reason
FROM (VALUES ('200', '%s'), ('404 x', '%s %h'), ('-', 'combined')) AS l(line, layout),
     LATERAL mo_usage.parse_log_line(l.line, l.layout, time_zone => 'UTC') p;

-- A line full of quotes costs a bounded time.
SELECT reason FROM mo_usage.parse_log_line(
    '192.0.2.1 - - [01/Jan/2020:00:00:00 +0000] "GET / HTTP/1.0" 200 5 "'
    || repeat('" ', 3000) || 'x');

-- Layouts that cannot be compiled: one error each.
SELECT reason FROM mo_usage.parse_log_line('x', '');
SELECT reason FROM mo_usage.parse_log_line('x', E'\n\n');
SELECT reason FROM mo_usage.parse_log_line('x', '%h %Q');
SELECT reason FROM mo_usage.parse_log_line('x', '%{Referer');
SELECT reason FROM mo_usage.parse_log_line('x', '%h %');
SELECT reason FROM mo_usage.parse_log_line('x', '%h %>');
SELECT reason FROM mo_usage.parse_log_line('x', '%h\x');
SELECT reason FROM mo_usage.parse_log_line('x', '%h%u');
SELECT reason FROM mo_usage.parse_log_line('x', '%h%{sec}t');
SELECT reason FROM mo_usage.parse_log_line('x', 'no directives');
SELECT reason FROM mo_usage.parse_log_line('x', '%{%Z}t');
SELECT reason FROM mo_usage.parse_log_line('x', '%{%d %H%}t');
SELECT reason FROM mo_usage.parse_log_line('x', '%{%b %Y %H:%M}t', time_zone => 'UTC');
SELECT reason FROM mo_usage.parse_log_line('x', '%{%d:%H:%M:%S}t', year => 1995, time_zone => 'UTC');
SELECT reason FROM mo_usage.parse_log_line('x', '%{%d:%H:%M:%S}t', month => 8, time_zone => 'UTC');
SELECT reason FROM mo_usage.parse_log_line('x', '%{%d:%H:%M:%S}t', 1995, 8);
SELECT reason FROM mo_usage.parse_log_line('x', '%{%Y-%m-%d %I:%M}t', time_zone => 'UTC');
SELECT reason FROM mo_usage.parse_log_line('x', 'common', time_zone => 'Mars/Olympus_Mons');
SELECT reason FROM mo_usage.parse_log_line('x', 'common', year => 0);
SELECT reason FROM mo_usage.parse_log_line('x', 'common', year => 10000);
SELECT reason FROM mo_usage.parse_log_line('x', 'common', month => 0);
SELECT reason FROM mo_usage.parse_log_line('x', 'common', month => 13);
-- A name is a name only alone on its line.
SELECT reason FROM mo_usage.parse_log_line('combined', 'combined ');

DROP EXTENSION mo_usage;
DROP SCHEMA mo_usage;

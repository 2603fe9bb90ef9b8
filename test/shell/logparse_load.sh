# load_log on small files written here: pseudonyms, events, assets,
# crawlers, skipped lines, the reject threshold, sources of several files,
# and every error.
. "$(dirname "$0")/tap.bash"

plan 39

dir=$(mktemp -d /tmp/mo_logload.XXXXXX)
trap 'rm -rf "$dir"' EXIT
chmod 755 "$dir"
db=logparse_load
dropdb --if-exists "$db"
createdb "$db"
export PGDATABASE=$db
q "CREATE EXTENSION mo_usage"

err() {
    psql -X -q -A -t -v VERBOSITY=verbose -c "$1" 2>&1 >/dev/null |
        sed -n 's/^ERROR:  //p'
}
load() {
    q "SELECT concat_ws(' ', lines_read, loaded, rejected, skipped, technical, crawlers)
       FROM mo_usage.load_log($1)" 2>/dev/null
}

# One client, two offsets for one instant: two hits at one time.
cat >"$dir/offsets.log" <<'EOF'
203.0.113.9 - - [08/Aug/2016:16:49:16 +0800] "GET /a HTTP/1.1" 200 1 "-" "Mozilla/5.0"
203.0.113.9 - - [08/Aug/2016:08:49:16 +0000] "GET /b HTTP/1.1" 200 1 "-" "Mozilla/5.0"
EOF
is "$(load "'offsets', '$dir/offsets.log', 'Europe/Amsterdam'")" "2 2 0 0 0 0" \
    "two lines loaded"
is "$(q "SELECT count(DISTINCT person) || ' ' || count(DISTINCT ts) || ' ' || min(ts AT TIME ZONE 'Europe/Amsterdam')
         FROM mo_micro.hit")" "1 1 2016-08-08 10:49:16" \
    "+0800 and +0000: one client, one instant, 10:49 in Amsterdam"
is "$(q "SELECT person = mo_usage.pseudonym('203.0.113.9', 'host') FROM mo_micro.hit LIMIT 1")" t \
    "the client is keyed by its pseudonym in context host"
is "$(q "SELECT string_agg(seq || event || p.path, ' ' ORDER BY seq) FROM mo_micro.hit h JOIN mo_micro.page p USING (page_id)")" \
    "1P/a 2P/b" "seq is the line number; the paths are pages"
is "$(q "SELECT time_zone || ' ' || window_start || ' ' || window_end || ' ' || (key_version = mo_usage.pseudonym_key_version())
         FROM mo_micro.source WHERE name = 'offsets'")" \
    "Europe/Amsterdam 2016-08-08 08:49:16+00 2016-08-08 08:49:17+00 true" \
    "the source: its zone, the window of its times, its key version"
is "$(q "SELECT count(*) || ' ' || min(end_ts - start_ts) || ' ' || sum(pages) || ' ' || min(start_ts AT TIME ZONE 'Europe/Amsterdam')
         FROM mo_usage.source_visits((SELECT source_id FROM mo_micro.source WHERE name = 'offsets'))")" \
    "1 00:00:00 2 2016-08-08 10:49:16" "the two lines of one instant are one visit of 0 s and 2 pages, at 10:49 in Amsterdam"

# Events: assets and requests without a path are technical; a client
# without an address is skipped; a crawler is marked.
cat >"$dir/events.log" <<'EOF'
192.0.2.1 - - [01/Jan/2020:10:00:00 +0000] "GET /style.css HTTP/1.1" 200 5 "-" "Mozilla/5.0"
192.0.2.1 - - [01/Jan/2020:10:00:01 +0000] "GET /img/Photo.JPG?size=2 HTTP/1.1" 200 5 "-" "Mozilla/5.0"
192.0.2.1 - - [01/Jan/2020:10:00:02 +0000] "GET /index.html HTTP/1.1" 200 5 "-" "Mozilla/5.0"
192.0.2.1 - - [01/Jan/2020:10:00:03 +0000] "GET / HTTP/1.1" 200 5 "-" "Mozilla/5.0"
192.0.2.1 - - [01/Jan/2020:10:00:04 +0000] "GET /gif/ball.gifalt=" HTTP/1.0" 404 - "-" "Mozilla/5.0"
192.0.2.1 - - [01/Jan/2020:10:00:05 +0000] "-" 408 - "-" "-"
192.0.2.1 - - [01/Jan/2020:10:00:06 +0000] "GET /js.d/app.js HTTP/1.1" 200 5 "-" "Mozilla/5.0"
192.0.2.1 - - [01/Jan/2020:10:00:07 +0000] "GET /dir.v2/page HTTP/1.1" 200 5 "-" "Mozilla/5.0"
- - - [01/Jan/2020:10:00:08 +0000] "GET /index.html HTTP/1.1" 200 5 "-" "Mozilla/5.0"
198.51.100.7 - - [01/Jan/2020:10:00:09 +0000] "GET /robots.txt HTTP/1.1" 200 5 "-" "Mozilla/5.0 (compatible; Googlebot/2.1)"
198.51.100.7 - - [01/Jan/2020:10:00:10 +0000] "GET /index.html HTTP/1.1" 200 5 "-" "Mozilla/5.0"
198.51.100.8 - - [01/Jan/2020:10:00:11 +0000] "GET /index.html HTTP/1.1" 200 5 "-" "curl/8.0"
EOF
is "$(load "'events', '$dir/events.log', 'UTC'")" "12 11 0 1 4 1" \
    "12 lines: 11 loaded, 1 skipped (no client), 4 technical, 1 crawler"
is "$(q "SELECT string_agg(h.event::text, '' ORDER BY seq) FROM mo_micro.hit h JOIN mo_micro.source s USING (source_id) WHERE s.name = 'events'")" \
    "TTPPPTTPPPP" "css, JPG (with a query) and js are assets; no path is technical; the rest are pages"
is "$(q "SELECT c.person = mo_usage.pseudonym('198.51.100.7', 'host') FROM mo_micro.crawler c JOIN mo_micro.source s USING (source_id) WHERE s.name = 'events'")" \
    t "the client with a crawler's user agent is marked, all its requests with it"
is "$(q "SELECT count(*) FROM mo_micro.page WHERE path = '/gif/ball.gifalt=\"'")" 1 \
    "a path with an old server's unescaped quote is a page"
# The setting holds for the session that loads; the hits are read after
# the load, as a query does not see rows its own function call inserts.
q "SET mo_usage.asset_extensions = 'HTML, txt'; SELECT FROM mo_usage.load_log('events2', '$dir/events.log', 'UTC')" >/dev/null
is "$(q "SELECT string_agg(h.event::text, '' ORDER BY seq) FROM mo_micro.hit h JOIN mo_micro.source s USING (source_id) WHERE s.name = 'events2'")" \
    "PPTPPTPPTTT" "mo_usage.asset_extensions sets the rule: html and txt are assets, css, jpg and js pages"
is "$(q "SET mo_usage.bot_pattern = 'curl'; SELECT crawlers FROM mo_usage.load_log('events3', '$dir/events.log', 'UTC')")" \
    1 "mo_usage.bot_pattern sets the crawlers"
is "$(q "SELECT mo_usage.is_asset('/a.PNG') || ' ' || mo_usage.is_asset('/a.png/') || ' ' || mo_usage.is_asset('/a.') || ' ' || mo_usage.is_asset('.css') || ' ' || coalesce(mo_usage.is_asset(NULL)::text, 'null')")" \
    "true false false true null" "is_asset: edge cases"

# Users instead of clients: lines without a user are skipped.
cat >"$dir/users.log" <<'EOF'
192.0.2.1 - alice [01/Jan/2020:10:00:00 +0000] "GET /a HTTP/1.1" 200 5
192.0.2.1 - - [01/Jan/2020:10:00:01 +0000] "GET /b HTTP/1.1" 200 5
192.0.2.2 - alice [01/Jan/2020:10:00:02 +0000] "GET /c HTTP/1.1" 200 5
192.0.2.3 - Bob [01/Jan/2020:10:00:03 +0000] "GET /d HTTP/1.1" 200 5
EOF
is "$(load "'users', '$dir/users.log', 'UTC', 'common', person => 'user'")" "4 3 0 1 0 0" \
    "by user: the line without one is skipped"
is "$(q "SELECT string_agg(DISTINCT (person = mo_usage.pseudonym('alice', 'user'))::text || (person = mo_usage.pseudonym('Bob', 'user'))::text, ' ') FROM mo_micro.hit h JOIN mo_micro.source s USING (source_id) WHERE s.name = 'users'")" \
    "falsetrue truefalse" "users are keyed in context user, as written, from any client"

# A source of several files: seq goes on after the last line of the one
# before; the window grows.
is "$(load "'offsets', '$dir/users.log', 'Europe/Amsterdam', 'common'")" "4 4 0 0 0 0" \
    "a second file into a source"
is "$(q "SELECT string_agg(first_seq || '-' || last_seq, ' ' ORDER BY first_seq) FROM mo_micro.log_file f JOIN mo_micro.source s USING (source_id) WHERE s.name = 'offsets'")" \
    "0-2 2-6" "the load history: each file's seq range"
is "$(q "SELECT min(seq) || ' ' || max(seq) || ' ' || count(*) FROM mo_micro.hit h JOIN mo_micro.source s USING (source_id) WHERE s.name = 'offsets'")" \
    "1 6 6" "seq numbers the hits of both files in order"
is "$(q "SELECT window_start || ' ' || window_end FROM mo_micro.source WHERE name = 'offsets'")" \
    "2016-08-08 08:49:16+00 2020-01-01 10:00:04+00" "the window takes in both files"

# Rejects: kept with their line numbers; more than half rejected loads
# nothing; half is not more than half.  In the combined layout "this is not
# a log line" reads as client "this", identity "is" and a user that runs
# to the end of the line, as the " [" that should end it never comes.
{ head -1 "$dir/events.log"; echo 'this is not a log line'; } >"$dir/half.log"
is "$(load "'half', '$dir/half.log', 'UTC'")" "2 1 1 0 1 0" "one line of two rejected: loaded"
is "$(q "SELECT file = '$dir/half.log' AND line = 'this is not a log line' AND reason = 'line ends in the user'
         FROM mo_staging.log_reject WHERE source = 'half' AND line_no = 2")" t \
    "the reject is kept with its file, line number, line and reason"
is "$(psql -X -q -A -t -c "SELECT 1 FROM mo_usage.load_log('half2', '$dir/half.log', 'UTC')" 2>&1 | sed -n 's/^NOTICE:  //p')" \
    "1 of 2 lines of \"$dir/half.log\" do not parse" "rejects are announced with a notice"
{ cat "$dir/half.log"; echo 'nor this'; } >"$dir/most.log"
hits=$(q "SELECT count(*) FROM mo_micro.hit")
is "$(err "SELECT * FROM mo_usage.load_log('most', '$dir/most.log', 'UTC')")" \
    "22P04: file \"$dir/most.log\" is not a log in the layout given" \
    "two of three lines rejected: an error"
is "$(q "SELECT count(*) FROM mo_micro.hit")|$(q "SELECT count(*) FROM mo_micro.source WHERE name = 'most'")|$(q "SELECT count(*) FROM mo_staging.log_reject WHERE source = 'most'")" \
    "$hits|0|0" "the file that is not a log loads nothing; what was loaded stays"
is "$(psql -X -q -A -t -c "SELECT * FROM mo_usage.load_log('most', '$dir/most.log', 'UTC')" 2>&1 | sed -n 's/^DETAIL:  //p')" \
    "2 of its 3 lines do not parse; line 2: line ends in the user." "the error names the first reject"
: >"$dir/empty.log"
is "$(load "'empty', '$dir/empty.log', 'UTC'")" "0 0 0 0 0 0" "an empty file loads nothing, without error"

# Hostile files through the loader: binary garbage is not a log; a line
# of 1 MB loads, one byte more is a reject; a gzip file cut short stops
# the load.  None loads a part of itself or undoes what was loaded.
perl -e 'srand(42); print map { chr(int(rand(256))) } 1 .. 65536' >"$dir/garbage.bin"
glines=$(perl -ne 'END { print $. }' "$dir/garbage.bin")
hits=$(q "SELECT count(*) FROM mo_micro.hit")
is "$(err "SELECT * FROM mo_usage.load_log('garbage', '$dir/garbage.bin', 'UTC')")" \
    "22P04: file \"$dir/garbage.bin\" is not a log in the layout given" \
    "binary garbage is not a log: an error"
line='192.0.2.5 - - [02/Jan/2020:10:00:00 +0000] "GET /a HTTP/1.1" 200 5 "-" "Mozilla/5.0"'
head=${line%%/a*}/
tail=${line#*/a}
pad=$((1048576 - ${#head} - ${#tail}))
{
    printf '%s\n' "$line"
    perl -e 'print $ARGV[0], "x" x $ARGV[1], $ARGV[2], "\n"' "$head" "$pad" "$tail"
    perl -e 'print $ARGV[0], "x" x $ARGV[1], $ARGV[2], "\n"' "$head" $((pad + 1)) "$tail"
    printf '%s' "${line:0:50}"
} >"$dir/long.log"
is "$(load "'long', '$dir/long.log', 'UTC'")" "4 2 2 0 0 0" \
    "a line of 1 MB loads; one byte more and a line cut short are rejects"
is "$(psql -X -q -A -t -c "SELECT 1 FROM mo_usage.load_log('long2', '$dir/long.log', 'UTC')" 2>&1 | sed -n 's/^NOTICE:  //p')" \
    "2 of 4 lines of \"$dir/long.log\" do not parse
hits of \"$dir/long.log\" with a path longer than 2000 bytes, loaded without a page: 1" \
    "the rejects and the path too long for a page are announced"
is "$(q "SELECT string_agg(line_no || ':' || length(line) || ':' || reason, ' ' ORDER BY line_no) FROM mo_staging.log_reject WHERE source = 'long'")" \
    "3:1048576:line is longer than 1048576 bytes 4:50:no closing quote in the request" \
    "the rejects: the line too long keeps its first 1 MB"
is "$(q "SELECT string_agg(h.seq || h.event || coalesce(p.path, '-'), ' ' ORDER BY h.seq) FROM mo_micro.hit h LEFT JOIN mo_micro.page p USING (page_id) JOIN mo_micro.source s USING (source_id) WHERE s.name = 'long'")" \
    "1P/a 2P-" "the line of 1 MB is a page view, its path too long for a page"
cp "$dir/events.log" "$dir/cut.log"
gzip -n -9 "$dir/cut.log"
head -c $(($(stat -c %s "$dir/cut.log.gz") / 2)) "$dir/cut.log.gz" >"$dir/half.log.gz"
hits=$(q "SELECT count(*) FROM mo_micro.hit")
is "$(err "SELECT * FROM mo_usage.load_log('cut', '$dir/half.log.gz', 'UTC')")" \
    "XX001: could not decompress file \"$dir/half.log.gz\": unexpected end of file" \
    "a gzip file cut short is an error"
is "$(err "SELECT * FROM mo_usage.load_log('missing', '$dir/missing.log', 'UTC')")|$(err "SELECT * FROM mo_usage.load_log('dir', '$dir', 'UTC')")" \
    "58P01: could not open file \"$dir/missing.log\" for reading: No such file or directory|42809: \"$dir\" is a directory" \
    "a missing file and a directory are errors"
is "$(q "SELECT count(*) FROM mo_micro.hit")|$(q "SELECT count(*) FROM mo_micro.source WHERE name IN ('garbage', 'cut', 'missing', 'dir')")|$(q "SELECT count(*) FROM mo_staging.log_reject WHERE source IN ('garbage', 'cut')")" \
    "$((hits + 0))|0|0" "the failed loads load nothing; what was loaded stays"

# Errors.
is "$(err "SELECT * FROM mo_usage.load_log('offsets', '$dir/users.log', 'UTC', 'common')")" \
    '22023: source "offsets" counts its hours in time zone Europe/Amsterdam, not UTC' \
    "a source keeps its time zone"
is "$(err "SET mo_usage.key_version = 1; SELECT * FROM mo_usage.load_log('offsets', '$dir/users.log', 'Europe/Amsterdam', 'common')")" \
    "55000: source \"offsets\" was pseudonymised with key version 2, not 1" \
    "a source keeps its key version"
is "$(err "SELECT * FROM mo_usage.load_log('x', '$dir/users.log', 'UTC', person => 'host')")" \
    "22023: person must be client or user, not host" "person is client or user"
is "$(err "SELECT * FROM mo_usage.load_log('x', NULL, 'UTC')")" \
    "22004: source, file, time zone and layout must not be null" "NULL arguments are an error"
is "$(err "SELECT * FROM mo_usage.load_log('x', '$dir/users.log', 'Mars/Olympus_Mons')")" \
    '22023: time zone "Mars/Olympus_Mons" not recognized' "an unknown time zone is an error"
q "CREATE ROLE lp_loader2 NOLOGIN IN ROLE mo_usage_loader"
is "$(err "SET ROLE lp_loader2; SELECT * FROM mo_usage.load_log('x', '$dir/users.log', 'UTC')")" \
    "42501: must be superuser or have privileges of the pg_read_server_files role to read a log file" \
    "loading needs the rights to read server files"
q "DROP ROLE lp_loader2"

dropdb "$db"

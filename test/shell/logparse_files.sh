# read_log_file on hostile files: empty, binary, NUL bytes, invalid UTF-8,
# lines of 1 MB, truncated lines, CR LF, no final line feed, gzip (whole and
# cut short), missing files, directories, rights; and that the file is
# closed when a query stops early or fails.
. "$(dirname "$0")/tap.bash"

plan 32

dir=$(mktemp -d /tmp/mo_logparse.XXXXXX)
trap 'chmod -R u+rwX "$dir"; rm -rf "$dir"' EXIT
chmod 755 "$dir"
db=logparse_files
dropdb --if-exists "$db"
createdb "$db"
export PGDATABASE=$db
q "CREATE EXTENSION mo_usage"

# An error's SQLSTATE and message, as psql reports them verbosely.
err() {
    psql -X -q -A -t -v VERBOSITY=verbose -c "$1" 2>&1 >/dev/null |
        sed -n 's/^ERROR:  //p'
}

line='192.0.2.1 - - [08/Aug/2016:08:49:16 +0000] "GET /a?b=1 HTTP/1.1" 200 512 "-" "Mozilla/5.0 (X11)"'

# The empty file: no rows, with or without a header.
: >"$dir/empty.log"
is "$(q "SELECT count(*) FROM mo_usage.read_log_file('$dir/empty.log')")" 0 \
    "an empty file has no lines"
is "$(q "SELECT count(*) FROM mo_usage.read_log_file('$dir/empty.log', header => true)")" 0 \
    "an empty file with a header has no lines"

# Line ends: CR LF, and no line feed after the last line.
printf '%s\r\n%s\r\n' "$line" "$line" >"$dir/crlf.log"
is "$(q "SELECT string_agg(line_no || ':' || coalesce(reason, user_agent), ',') FROM mo_usage.read_log_file('$dir/crlf.log')")" \
    "1:Mozilla/5.0 (X11),2:Mozilla/5.0 (X11)" "CR LF line ends are read as line ends"
printf '%s\n%s' "$line" "$line" >"$dir/nofinal.log"
is "$(q "SELECT string_agg(line_no || ':' || coalesce(reason, path), ',') FROM mo_usage.read_log_file('$dir/nofinal.log')")" \
    "1:/a,2:/a" "the last line needs no line feed"
printf '%s\n\n%s\n' "$line" "$line" >"$dir/blank.log"
is "$(q "SELECT string_agg(line_no || ':' || coalesce(reason, path), ',') FROM mo_usage.read_log_file('$dir/blank.log')")" \
    "1:/a,2:empty line,3:/a" "a blank line is a reject"

# A NUL byte and invalid UTF-8: rejects that show the bytes as \xhh; the
# lines after them are read.
{ printf '%s\n' "${line/Mozilla/Moz$'\x01'illa}"; printf '192.0.2.1 - - \000 x\n'; printf '%s\n' "$line"; } >"$dir/nul.log"
is "$(q "SELECT string_agg(line_no || ':' || coalesce(reason || ':' || line, path), '|') FROM mo_usage.read_log_file('$dir/nul.log')")" \
    '1:/a|2:NUL byte at byte 15:192.0.2.1 - - \x00 x|3:/a' "a NUL byte makes a reject, shown as \\x00"
{ printf '%s\n' "${line/X11/X11 caf$'\xe9'}"; printf '%s\n' "$line"; } >"$dir/latin1.log"
is "$(q "SELECT string_agg(line_no || ':' || coalesce(reason || ':' || right(line, 14), path), '|') FROM mo_usage.read_log_file('$dir/latin1.log')")" \
    '1:invalid byte sequence for encoding "UTF8" at byte 99:(X11 caf\xe9)"|2:/a' \
    "a Latin-1 byte makes a reject naming its place"
printf '%s\n' "${line/X11/X11 $'\xe2\x82'}" >"$dir/cut-utf8.log"
is "$(q "SELECT reason FROM mo_usage.read_log_file('$dir/cut-utf8.log')")" \
    'invalid byte sequence for encoding "UTF8" at byte 96' "a UTF-8 character cut short makes a reject"

# Binary garbage (a fixed seed): every line a reject, none lost.
perl -e 'srand(42); print map { chr(int(rand(256))) } 1 .. 65536' >"$dir/garbage.bin"
lines=$(perl -ne 'END { print $. }' "$dir/garbage.bin")
is "$(q "SELECT count(*) || ' ' || count(reason) || ' ' || max(line_no) FROM mo_usage.read_log_file('$dir/garbage.bin')")" \
    "$lines $lines $lines" "binary garbage: each of its $lines lines is a reject"

# Every proper prefix of a line is a reject; the whole line parses.
: >"$dir/prefixes.log"
for n in $(seq 0 $((${#line} - 1))); do
    printf '%s\n' "${line:0:n}" >>"$dir/prefixes.log"
done
printf '%s\n' "$line" >>"$dir/prefixes.log"
is "$(q "SELECT count(*) || ' ' || count(reason) || ' ' || max(line_no) FILTER (WHERE reason IS NULL) FROM mo_usage.read_log_file('$dir/prefixes.log')")" \
    "$((${#line} + 1)) ${#line} $((${#line} + 1))" "each of the ${#line} truncations of a line is a reject"
is "$(q "SELECT string_agg(DISTINCT reason, ' | ' ORDER BY reason) FROM mo_usage.read_log_file('$dir/prefixes.log')")" \
    'empty line | line ends before the request | line ends before the status | line ends before the user agent | line ends in the bytes | line ends in the client | line ends in the identity | line ends in the status | line ends in the time | line ends in the user | no closing quote in the referrer | no closing quote in the request | no closing quote in the user agent' \
    "truncations give reasons that say where the line ends"

# Lines of 1 MB: up to mo_usage.max_line_length bytes a line parses; a
# longer one is a reject keeping its first bytes, and the next line is read.
mb=1048576
head=${line%%/a*}/
tail=${line#*/a}
pad=$((mb - ${#head} - ${#tail}))
{
    printf '%s\n' "$line"
    perl -e 'print $ARGV[0], "x" x $ARGV[1], $ARGV[2], "\n"' "$head" "$pad" "$tail"
    perl -e 'print $ARGV[0], "x" x $ARGV[1], $ARGV[2], "\n"' "$head" $((pad + 1)) "$tail"
    printf '%s\n' "$line"
} >"$dir/long.log"
is "$(q "SELECT string_agg(line_no || ':' || coalesce(reason, length(path)::text), ',') FROM mo_usage.read_log_file('$dir/long.log')")" \
    "1:2,2:$((pad + 1)),3:line is longer than 1048576 bytes,4:2" \
    "a line of 1 MB is read; one byte more is a reject; the next line is read"
is "$(q "SELECT length(line) FROM mo_usage.read_log_file('$dir/long.log') WHERE line_no = 3")" \
    "$mb" "a line too long keeps its first 1 MB"
is "$(q "SET mo_usage.max_line_length = '2kB'; SELECT string_agg(line_no || ':' || coalesce(reason, 'ok'), ',') FROM mo_usage.read_log_file('$dir/long.log')")" \
    "1:ok,2:line is longer than 2048 bytes,3:line is longer than 2048 bytes,4:ok" \
    "mo_usage.max_line_length sets the limit"
is "$(err "SET mo_usage.max_line_length = 100")" \
    '22023: 100 B is outside the valid range for parameter "mo_usage.max_line_length" (1024 .. 268435456)' \
    "mo_usage.max_line_length has a floor"

# One line of 64 MB with no line feed at all, under a limit of 256 MB.
head -c $((64 * mb)) /dev/zero | tr '\0' 'a' >"$dir/huge.log"
is "$(q "SET mo_usage.max_line_length = '256MB'; SELECT line_no || ':' || reason FROM mo_usage.read_log_file('$dir/huge.log')")" \
    "1:line ends in the client" "a line of 64 MB is read whole and rejected"

# gzip: read as the plain file is; a file cut short is an error, not a
# silent loss.
cp "$dir/prefixes.log" "$dir/p.log"
gzip -n -9 "$dir/p.log"
is "$(q "SELECT count(*) || ' ' || count(reason) FROM mo_usage.read_log_file('$dir/p.log.gz')")" \
    "$((${#line} + 1)) ${#line}" "a gzip file reads as the plain one"
size=$(stat -c %s "$dir/p.log.gz")
head -c $((size / 2)) "$dir/p.log.gz" >"$dir/cut.log.gz"
is "$(err "SELECT count(*) FROM mo_usage.read_log_file('$dir/cut.log.gz')")" \
    "XX001: could not decompress file \"$dir/cut.log.gz\": unexpected end of file" \
    "a gzip file cut short is an error"
{ printf '\037\213'; head -c 100 "$dir/garbage.bin"; } >"$dir/fake.gz"
is "$(err "SELECT count(*) FROM mo_usage.read_log_file('$dir/fake.gz')" | cut -d: -f1-2)" \
    "XX001: could not decompress file \"$dir/fake.gz\"" "a file that only starts like gzip is an error"

# Files that cannot be read, and arguments that are missing.
is "$(err "SELECT * FROM mo_usage.read_log_file('$dir/missing.log')")" \
    "58P01: could not open file \"$dir/missing.log\" for reading: No such file or directory" \
    "a missing file is an error with SQLSTATE 58P01"
is "$(err "SELECT * FROM mo_usage.read_log_file('$dir')")" \
    "42809: \"$dir\" is a directory" "a directory is an error"
cp "$dir/crlf.log" "$dir/secret.log"
chmod 000 "$dir/secret.log"
is "$(err "SELECT * FROM mo_usage.read_log_file('$dir/secret.log')")" \
    "42501: could not open file \"$dir/secret.log\" for reading: Permission denied" \
    "a file the server may not read is an error"
is "$(err "SELECT * FROM mo_usage.read_log_file(NULL)")" \
    "22004: file name and layout must not be null" "a NULL file name is an error"
is "$(err "SELECT * FROM mo_usage.read_log_file('$dir/crlf.log', NULL)")" \
    "22004: file name and layout must not be null" "a NULL layout is an error"
is "$(err "SELECT * FROM mo_usage.read_log_file('$dir/crlf.log', '%h %Q')")" \
    "22023: unknown directive \"%Q\" in log layout \"%h %Q\"" "a wrong layout is an error"
is "$(q "SELECT count(*) FROM mo_usage.read_log_file('$dir/crlf.log', header => NULL)")" 2 \
    "a NULL header means none"

# Reading a server file takes the rights COPY FROM a file takes.
q "CREATE ROLE lp_loader NOLOGIN IN ROLE mo_usage_loader" 2>/dev/null
is "$(err "SET ROLE lp_loader; SELECT * FROM mo_usage.read_log_file('$dir/crlf.log')")" \
    "42501: must be superuser or have privileges of the pg_read_server_files role to read a log file" \
    "a loader without pg_read_server_files may not read files"
is "$(q "SET ROLE lp_loader; SELECT count(*) FROM mo_usage.parse_log_line('$line')")" 1 \
    "a loader may parse lines"
q "GRANT pg_read_server_files TO lp_loader"
is "$(q "SET ROLE lp_loader; SELECT count(reason) || ' of ' || count(*) FROM mo_usage.read_log_file('$dir/crlf.log')")" \
    "0 of 2" "with pg_read_server_files a loader reads files"
q "REVOKE pg_read_server_files FROM lp_loader; DROP ROLE lp_loader"
is "$(q "SELECT has_function_privilege('public', 'mo_usage.read_log_file(text, text, integer, integer, text, boolean)', 'EXECUTE')")" \
    f "PUBLIC may not run the reader"

# The file is closed when a query stops early or fails: 3,000 of each
# would run out of file descriptors otherwise.  In the select list the
# reader returns one row per call, so the query stops while it reads.
is "$(q "DO \$\$
DECLARE
    failed integer := 0;
BEGIN
    FOR i IN 1 .. 3000 LOOP
        PERFORM mo_usage.read_log_file('$dir/p.log.gz') LIMIT 1;
        BEGIN
            PERFORM 1 / ((r).line_no - 2)::integer
            FROM (SELECT mo_usage.read_log_file('$dir/p.log.gz') AS r) s;
        EXCEPTION WHEN division_by_zero THEN
            failed := failed + 1;
        END;
    END LOOP;
    RAISE NOTICE 'failed %', failed;
END
\$\$" 2>&1 | sed -n 's/^.*NOTICE:  //p')" "failed 3000" \
    "3,000 reads stopped early and 3,000 failed leave no file open"

# The function reads as many lines as the file has, in a query that
# streams them (value per call, in the select list).
perl -e 'for (1 .. 200000) { printf "192.0.2.%d - - [08/Aug/2016:08:%02d:16 +0000] \"GET /p%d HTTP/1.1\" 200 %d \"-\" \"ua\"\n", $_ % 250, $_ % 60, $_, $_ }' >"$dir/many.log"
is "$(q "SELECT count(*) || ' ' || sum((r).bytes) FROM (SELECT mo_usage.read_log_file('$dir/many.log') AS r) s")" \
    "200000 20000100000" "200,000 lines read in the select list"

dropdb "$db"

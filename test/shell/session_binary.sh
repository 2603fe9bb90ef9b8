# The binary form of hit_trail (send and receive, as binary COPY and Citus
# use them): trails read back exactly, and damaged ones are refused.
. "$(dirname "$0")/tap.bash"

plan 9

db=session_binary
dropdb --if-exists "$db"
createdb "$db"
dir=$(mktemp -d)
chmod 0755 "$dir"
trap 'rm -rf "$dir"; dropdb --if-exists "$db"' EXIT

q "CREATE EXTENSION mo_usage;
   CREATE TABLE trails (name text, t mo_usage.hit_trail);
   CREATE TABLE back (name text, t mo_usage.hit_trail);
   INSERT INTO trails VALUES
       ('one', 'P 2017-02-06T10:00:00Z 1 17'),
       ('empty', ''),
       ('skipped only', '3 skipped'),
       ('extremes', 'L 2017-02-06T10:00:00.000001Z -9223372036854775808 -2147483648, P 2017-02-06T10:00:00.5Z 9223372036854775807 2147483647, O -4713-11-24T00:00:00Z 0 -; 12 skipped'),
       ('unsorted', 'P 2017-02-06T10:40:00Z 3 3, P 2017-02-06T10:00:00Z 1 1, P 2017-02-06T11:00:00Z 4 4, P 2017-02-06T10:20:00Z 2 2');" -d "$db"

q "\\copy trails TO '$dir/trails.bin' WITH (FORMAT binary)" -d "$db"
q "\\copy back FROM '$dir/trails.bin' WITH (FORMAT binary)" -d "$db"
is "$(q "SELECT count(*) FROM trails t JOIN back b USING (name)
         WHERE t.t::text = b.t::text" -d "$db")" 5 \
    "five trails read back to the same text"

# A trail read back out of order is known to be: its visits are right.
is "$(q "SELECT v.pages || ' ' || v.seconds || ' ' || v.entry_page || ' ' || v.exit_page
         FROM back, mo_usage.visits(t) v WHERE name = 'unsorted'" -d "$db")" \
    "4 3600 1 4" "an unsorted trail read back gives its visit"

# One event, then damage: the byte at an offset of the file is replaced.
# The file: 19 bytes of header; per row a field count (2) and a length
# (4); then the value: skipped (8), count (4), and per event time (8),
# seq (8), code (1), page flag (1), page (4).
q "\\copy (SELECT 'P 2017-02-06T10:00:00Z 1 17'::mo_usage.hit_trail) TO '$dir/one.bin' WITH (FORMAT binary)" -d "$db"
damaged() {
    local name=$1 offset=$2 bytes=$3 want=$4
    cp "$dir/one.bin" "$dir/bad.bin"
    printf "$bytes" | dd of="$dir/bad.bin" bs=1 seek="$offset" conv=notrunc status=none
    local got
    got=$(q "\\copy back (t) FROM '$dir/bad.bin' WITH (FORMAT binary)" -d "$db" 2>&1 |
          sed -n 's/^.*ERROR: *//p' | head -1)
    is "$got" "$want" "$name"
}
damaged "negative skipped count" 25 '\xff' \
    'invalid count of skipped hits in external "hit_trail" value'
damaged "event count beyond the data" 33 '\x7f' \
    'invalid event count in external "hit_trail" value'
damaged "infinite time" 37 '\x7f\xff\xff\xff\xff\xff\xff\xff' \
    'invalid time in external "hit_trail" value'
damaged "unknown event code" 53 'X' \
    'invalid event code in external "hit_trail" value'
damaged "technical request" 53 'T' \
    'invalid event code in external "hit_trail" value'
damaged "page flag other than 0 or 1" 54 '\x02' \
    'invalid page in external "hit_trail" value'

cp "$dir/one.bin" "$dir/ok.bin"
q "\\copy back (t) FROM '$dir/ok.bin' WITH (FORMAT binary)" -d "$db"
ok $? "the undamaged file reads"

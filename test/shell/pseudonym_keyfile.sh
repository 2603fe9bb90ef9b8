# The pseudonym key file: each way it can be wrong gives its own error with
# its SQLSTATE, and no message shows a key or names the file; the server
# reads the file again when the setting or the file changes, also in a
# backend that already holds the old keys.
. "$(dirname "$0")/tap.bash"
plan 29

db=pseudonym_keyfile
dropdb --if-exists "$db" 2>/dev/null
createdb "$db"
q "CREATE EXTENSION mo_usage" -d "$db"

# The server runs as the owner of its key file; the test files are made by
# root (the README's way to run the tests) and handed to that user.
owner=$(stat -c %U "$MO_KEY_FILE")
dir=$(mktemp -d /tmp/mo_usage-keytest.XXXXXX)
chown "$owner" "$dir"
written=()                      # every key this test writes
seen=""                         # everything the server answered

cleanup() {
    server_reset mo_usage.key_file
    rm -rf "$dir"
    dropdb --if-exists "$db"
}
trap cleanup EXIT

# new_key NAME N: a key of N random bytes in hex into variable NAME
new_key() {
    printf -v "$1" '%s' "$(od -An -tx1 -N"$2" /dev/urandom | tr -d ' \n')"
    written+=("${!1}")
}

# key_file NAME MODE [OWNER[:GROUP]]: stdin into $dir/NAME; prints the path
key_file() {
    local f=$dir/$1
    cat >"$f"
    chown "${3:-$owner}" "$f"
    chmod "$2" "$f"
    echo "$f"
}

# use_key_file NAME MODE [OWNER[:GROUP]]: the same, and the server uses it
use_key_file() {
    server_set mo_usage.key_file "$(key_file "$@")"
}

# answer SQL: in a new connection, the result, or the SQLSTATE and message
# of the error, into $got, and its DETAIL into $detail; everything the
# server said is added to $seen
answer() {
    local out
    out=$(psql -X -q -A -t -v VERBOSITY=verbose -d "$db" -c "$1" 2>&1)
    seen+="$out"$'\n'
    got=$out
    if grep -q '^ERROR:' <<<"$out"; then
        got=$(sed -n 's/^ERROR:  //p' <<<"$out")
    fi
    detail=$(sed -n 's/^DETAIL:  //p' <<<"$out")
}

pseudonym="SELECT mo_usage.pseudonym('123456782', 'person')"
versions="SELECT string_agg(version || CASE WHEN is_current THEN '*' ELSE '' END
                            || ':' || key_check, ' ' ORDER BY version)
          FROM mo_usage.pseudonym_key_versions()"

# check HEXKEY: the key check value, from openssl
check() {
    printf '' | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$1" |
        awk '{ print substr($NF, 1, 16) }'
}

# Where the file is, and who may read it.
server_set mo_usage.key_file ''
answer "$pseudonym"
is "$got" "F0000: no pseudonym key file is set" "no key file set"

server_set mo_usage.key_file "$dir/missing"
answer "$pseudonym"
is "$got" \
   "58P01: could not open pseudonym key file: No such file or directory" "a missing key file"

# Every key this test writes, made up front so that the test can look for
# each of them in what the server says.
new_key good 32
new_key short 31
new_key other 32
new_key k1 32
new_key k5 64
new_key k1b 32
new_key k7 32

echo "1 $good" | use_key_file unreadable 0400 root
answer "$pseudonym"
is "$got" \
   "42501: could not open pseudonym key file: Permission denied" "a key file the server cannot read"

mkdir "$dir/directory"
server_set mo_usage.key_file "$dir/directory"
answer "$pseudonym"
is "$got" "F0000: pseudonym key file is not a regular file" "a directory"

echo "1 $good" | use_key_file group 0440
answer "$pseudonym"
is "$got" "F0000: pseudonym key file has group or world access" \
   "a key file the group may read"
echo "1 $good" | use_key_file world 0604
answer "$pseudonym"
is "$got" "F0000: pseudonym key file has group or world access" \
   "a key file the world may read"
echo "1 $good" | use_key_file root-world 0644 root
answer "$pseudonym"
is "$got" "F0000: pseudonym key file has group or world access" \
   "a key file of root that the world may read"
echo "1 $good" | use_key_file nobody 0444 nobody
answer "$pseudonym"
is "$got" \
   "F0000: pseudonym key file must be owned by the database user or root" \
   "a key file of another user"

# Like the server's SSL key: root may own it and let the server's group read.
echo "1 $good" | use_key_file root-group 0640 "root:$(id -gn "$owner")"
answer "$versions"
is "$got" "1*:$(check "$good")" \
   "a key file of root that the server's group may read is used"

# What the file holds.
printf '# no keys yet\n\n   \n' | use_key_file no-keys 0400
answer "$pseudonym"
is "$got" "F0000: pseudonym key file holds no keys" "a key file without keys"

printf '1 %s\n3\n' "$good" | use_key_file empty-key 0400
answer "$pseudonym"
is "$got" "F0000: pseudonym key version 3 is empty" "an empty key"
is "$detail" "Line 2 of the key file has no key after the version." "which line"

printf '1 %s\n' "$short" | use_key_file short 0400
answer "$pseudonym"
is "$got" "F0000: pseudonym key version 1 is too short" "a key of 31 bytes"
is "$detail" "The key has 31 bytes; a key needs at least 32." "how short"

printf '# keys\n\n1 %s\n2 %sa\n' "$good" "$other" | use_key_file odd 0400
answer "$pseudonym"
is "$got" "F0000: invalid key on line 4 of pseudonym key file" \
   "an odd number of hex digits, and the line counts comments and blank lines"

printf '1 %sg0\n' "$short" | use_key_file not-hex 0400
answer "$pseudonym"
is "$got" "F0000: invalid key on line 1 of pseudonym key file" \
   "a key with a letter that is no hex digit"

bad_versions=""
for version in 0 x 2147483648 -1 1: ; do
    printf '%s %s\n' "$version" "$good" | use_key_file "version$version" 0400
    answer "$pseudonym"
    bad_versions+="$version: $got"$'\n'
done
is "$bad_versions" \
   "$(for version in 0 x 2147483648 -1 1: ; do
          echo "$version: F0000: invalid key version on line 1 of pseudonym key file"
      done)"$'\n' \
   "key versions 0, x, 2147483648, -1 and '1:' are invalid"

printf '1 %s %s\n' "$good" "$other" | use_key_file extra 0400
answer "$pseudonym"
is "$got" "F0000: invalid line 1 in pseudonym key file" "text after the key"

printf '1 %s\n2 %s\n1 %s\n' "$good" "$other" "$k1" | use_key_file twice 0400
answer "$pseudonym"
is "$got" \
   "F0000: pseudonym key version 1 appears more than once in the key file" "a version twice"

# At most 64 kB: a key line of 67 bytes and a comment up to the limit.
padded() {
    echo "1 $good"
    printf '#'
    head -c $(($1 - 67 - 2)) /dev/zero | tr '\0' x
    echo
}
padded 65536 | use_key_file largest 0400
answer "$versions"
is "$got|$(stat -c %s "$dir/largest")" "1*:$(check "$good")|65536" "a key file of 64 kB"
padded 65537 | use_key_file too-large 0400
answer "$pseudonym"
is "$got|$(stat -c %s "$dir/too-large")" "F0000: pseudonym key file is too large|65537" \
   "a key file of 64 kB and a byte"

# A file that is fine: comments, blank lines, tabs, CRLF line ends, capital
# hex digits, long keys and a gap between versions.
printf '# keys\r\n\r\n  1\t%s  \r\n\t5 %s\r\n# end' "$(tr a-f A-F <<<"$k1")" "$k5" |
    use_key_file fine 0400
answer "$versions"
is "$got" "1:$(check "$k1") 5*:$(check "$k5")" \
   "a well-formed file with every allowed variation"

# One backend, holding the keys, sees the file replaced (a new inode) and
# changed in place (the same inode), and the setting moved to another file.
echo "1 $k1b" >"$dir/replacement"
third=$(printf '3 %s\n' "$k7" | key_file third 0400)
session=$(psql -X -q -A -t -d "$db" 2>&1 <<SQL
$versions;
\! cp "$dir/replacement" "$dir/new" && chown $owner "$dir/new" && chmod 0400 "$dir/new" && mv "$dir/new" "$dir/fine"
$versions;
\! printf '1 %s\n7 %s\n' "$k1" "$k7" >"$dir/fine"
$versions;
\! psql -X -q -c "ALTER SYSTEM SET mo_usage.key_file = '$third'" -c "SELECT pg_reload_conf()" >/dev/null
SELECT pg_sleep(1);
$versions;
SQL
)
seen+="$session"$'\n'
is "$(sed -n 1p <<<"$session")" "1:$(check "$k1") 5*:$(check "$k5")" "a session reads the keys"
is "$(sed -n 2p <<<"$session")" "1*:$(check "$k1b")" "and again when the file is replaced"
is "$(sed -n 3p <<<"$session")" "1:$(check "$k1") 7*:$(check "$k7")" \
   "and again when the file is changed in place"
is "$(sed -n 5p <<<"$session")" "3*:$(check "$k7")" "and again when the setting names another file"

# Neither the answers nor the server log show a key or name the file.
leaks=0
for k in "${written[@]}"; do
    grep -qi "$k" <<<"$seen" && leaks=$((leaks + 1))
done
is "$leaks of ${#written[@]}" "0 of 7" "no answer of the server shows a key"
is "$(grep -c "$dir" <<<"$seen") of $(grep -c '^ERROR:' <<<"$seen")" "0 of 21" \
   "no error names the key file"
leaks=0
for k in "${written[@]}"; do
    grep -qi "$k" "$MO_SERVER_LOG" && leaks=$((leaks + 1))
done
is "$leaks of ${#written[@]}" "0 of 7" "the server log shows no key"

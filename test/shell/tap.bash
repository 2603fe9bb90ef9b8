# test/shell/tap.sh: TAP output for the shell tests, sourced by each of them.
#
#   plan N                  announce N assertions
#   is GOT WANT NAME        passes when GOT equals WANT
#   ok CONDITION-STATUS NAME  passes when the status is 0, as in: ok $? name
#   q SQL [psql args]       run SQL, print the result unaligned, tuples only
#   server_set NAME VALUE   ALTER SYSTEM SET a setting, reload, and wait until
#                           new connections see it
#   server_reset NAME       ALTER SYSTEM RESET it, the same way

tap_n=0

plan() {
    echo "1..$1"
}

is() {
    tap_n=$((tap_n + 1))
    if [ "$1" == "$2" ]; then
        echo "ok $tap_n - $3"
    else
        echo "not ok $tap_n - $3"
        printf '#   got:      %s\n' "$1" | sed '2,$s/^/#             /'
        printf '#   expected: %s\n' "$2" | sed '2,$s/^/#             /'
    fi
}

ok() {
    tap_n=$((tap_n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $tap_n - $2"
    else
        echo "not ok $tap_n - $2"
    fi
}

q() {
    local sql=$1
    shift
    psql -X -q -A -t -v ON_ERROR_STOP=1 "$@" -c "$sql"
}

server_set() {
    q "ALTER SYSTEM SET $1 = '$2'" >/dev/null
    server_reload "$1" "$2"
}

server_reset() {
    q "ALTER SYSTEM RESET $1" >/dev/null
    server_reload "$1" "$(q "SELECT coalesce(
        (SELECT setting FROM pg_file_settings WHERE name = '$1'
         ORDER BY seqno DESC LIMIT 1),
        (SELECT boot_val FROM pg_settings WHERE name = '$1'))")"
}

# server_reload NAME VALUE: reload, then wait for NAME to read VALUE in new
# connections, as the postmaster passes the reload on in its own time
server_reload() {
    q "SELECT pg_reload_conf()" >/dev/null
    for _ in $(seq 100); do
        [ "$(q "SHOW $1")" == "$2" ] && return
        sleep 0.05
    done
    echo "# $1 did not change to $2"
}

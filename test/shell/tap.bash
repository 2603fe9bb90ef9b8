# test/shell/tap.sh: TAP output for the shell tests, sourced by each of them.
#
#   plan N                  announce N assertions
#   is GOT WANT NAME        passes when GOT equals WANT
#   ok CONDITION-STATUS NAME  passes when the status is 0, as in: ok $? name
#   q SQL [psql args]       run SQL, print the result unaligned, tuples only

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

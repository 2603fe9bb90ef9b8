#!/usr/bin/env bash
# bench/pseudonym.sh [ROWS]: the speed of the pseudonyms against pgcrypto.
#
# Run inside the private server:
#   ./scripts/setup && ./scripts/with-instance bench/pseudonym.sh 4000000
#
# Makes ROWS valid BSNs (default 4,000,000; deterministic: every 8-digit
# prefix in a fixed stride whose check digit exists), then times, three
# times each and alternating, the same parallel scan computing
#   mo_usage.bsn_pseudonym(bsn)              (BSN check and HMAC-SHA-256)
#   mo_usage.pseudonym(bsn, 'person')        (HMAC-SHA-256 only)
#   hmac(bsn, key, 'sha256')                 (pgcrypto, the peer)
# and prints the median of each and the ratios against pgcrypto.  The wall
# clock of a parallel scan depends on what else the machine runs, so the
# same three queries are also run serially, three times each, and their CPU
# time (user + system, from log_executor_stats) compared.  The key
# for pgcrypto is the current pseudonym key, passed in SQL as pgcrypto
# needs it; that is why the pseudonyms never take a key this way.
set -euo pipefail
rows=${1:-4000000}
db=bench_pseudonym

dropdb --if-exists "$db" 2>/dev/null
createdb "$db"
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -v rows="$rows" <<'SQL'
CREATE EXTENSION mo_usage;
CREATE EXTENSION pgcrypto;
CREATE TABLE bsn AS
SELECT lpad((p * 10 + d)::text, 9, '0') AS bsn
FROM (SELECT p, (9 * (p / 10000000 % 10) + 8 * (p / 1000000 % 10)
                 + 7 * (p / 100000 % 10) + 6 * (p / 10000 % 10)
                 + 5 * (p / 1000 % 10) + 4 * (p / 100 % 10)
                 + 3 * (p / 10 % 10) + 2 * (p % 10)) % 11 AS d
      FROM generate_series(1000000, 99999999,
                           (99000000 * 10 / 11 / :rows)::int) p) s
WHERE d < 10
LIMIT :rows;
VACUUM ANALYZE bsn;
SQL

key=$(awk -v v="$(psql -X -A -t -d "$db" -c 'SELECT mo_usage.pseudonym_key_version()')" \
      '$1 == v { print $2 }' "$MO_KEY_FILE")

declare -A sql=(
    [bsn_pseudonym]="SELECT count(*) FROM bsn WHERE mo_usage.bsn_pseudonym(bsn) IS NOT NULL"
    [pseudonym]="SELECT count(*) FROM bsn WHERE mo_usage.pseudonym(bsn, 'person') IS NOT NULL"
    [pgcrypto]="SELECT count(*) FROM bsn WHERE hmac(bsn, :'key', 'sha256') IS NOT NULL"
)
order=(bsn_pseudonym pseudonym pgcrypto)

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "rows: $(psql -X -A -t -d "$db" -c 'SELECT count(*) FROM bsn')"
echo "plan of the peer:"
echo "EXPLAIN (COSTS OFF) ${sql[pgcrypto]}" | psql -X -d "$db" -v key="$key" | sed "s/$key/KEY/" |
    sed 's/^/    /'

declare -A times
for run in 1 2 3; do
    for name in "${order[@]}"; do
        ms=$(printf '\\timing on\n%s;\n' "${sql[$name]}" |
             psql -X -q -d "$db" -v key="$key" |
             sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p')
        times[$name]+="$ms "
        echo "run $run  $name  $ms ms"
    done
done

declare -A cpu
for run in 1 2 3; do
    for name in "${order[@]}"; do
        ms=$(printf '%s\n' 'SET max_parallel_workers_per_gather = 0;' \
                 'SET client_min_messages = log;' 'SET log_executor_stats = on;' \
                 "${sql[$name]};" |
             psql -X -q -d "$db" -v key="$key" 2>&1 |
             awk '/ s user, .* s system, / { print ($2 + $5) * 1000 }')
        cpu[$name]+="$ms "
        echo "serial run $run  $name  $ms ms CPU"
    done
done

median() { tr ' ' '\n' | grep . | sort -g | sed -n 2p; }
report() {
    local -n runs=$1
    local name m peer
    peer=$(echo "${runs[pgcrypto]}" | median)
    for name in "${order[@]}"; do
        m=$(echo "${runs[$name]}" | median)
        printf '%-14s median %10.1f ms %-4s %.3f of pgcrypto\n' "$name" "$m" "$2" \
            "$(echo "$m / $peer" | bc -l)"
    done
}
echo "parallel, wall clock:"
report times ""
echo "serial, CPU time:"
report cpu CPU
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
dropdb "$db"

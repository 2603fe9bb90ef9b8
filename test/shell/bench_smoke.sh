# The benchmark at scale 0.01, one run of each formulation, so that it
# cannot rot: every step runs, in PostgreSQL and in DuckDB, every
# formulation gives the answer of those it is compared with, and the
# report is written (into a temporary file: BENCHMARKS.md is left alone).
. "$(dirname "$0")/tap.bash"

plan 10
cd "$MO_ROOT" || exit 1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
committed=$(md5sum BENCHMARKS.md 2>/dev/null)

bench/install-duckdb >"$out/install.log" 2>&1
status=$?
ok $status "DuckDB's Node.js client is installed from npm"
[ $status -eq 0 ] || sed 's/^/# /' "$out/install.log"

# The test server is not tuned for analytics: give the benchmark's sessions
# the memory and the plans that bench/run's server has.
PGOPTIONS="-c work_mem=256MB -c jit=off" \
    bench/steps 0.01 1 "$out/BENCHMARKS.md" >"$out/steps.log" 2>&1
status=$?
ok $status "bench/steps runs every step at scale 0.01"
[ $status -eq 0 ] || tail -n 20 "$out/steps.log" | sed 's/^/# /'

report=$out/BENCHMARKS.md
sections=$(grep -c '^## ' "$report")
is "$sections" 10 "the report has the eight steps, the targets and the answers"

# Every formulation of every step, with its time: 25 in PostgreSQL, 5 in DuckDB.
rows=$(grep -cE '^\| [^|]+ \| [0-9.]+ \| [0-9.]+–[0-9.]+ \| [0-9.]+ \|' "$report")
is "$rows" 30 "every formulation has a median, a spread and a ratio"
duckdb=$(grep -cE '^\| DuckDB: .* \| [0-9.]+ \| [0-9.]+–' "$report")
is "$duckdb" 5 "DuckDB ran its five formulations"

is "$(grep -c 'FAILED' "$report")" 0 "no formulation gave another answer than its peers"
compared=$(grep -cE '\| (same|same count as the others) \|$' "$report")
is "$compared" 27 "every formulation was compared with another"
is "$(grep -cE '\| not compared \|$' "$report")" 3 "but the three floors, which answer no question"
is "$(tail -n 1 "$report")" "answers: all agree" "the report ends saying that all answers agree"

is "$(md5sum BENCHMARKS.md 2>/dev/null)" "$committed" "BENCHMARKS.md is not touched"

# Secondary suppression of a large table takes many rounds over the grid; a
# statement timeout (or a cancel) stops it while it works, not only once it
# is done.  The table: 1,000 x 1,000 cells, the diagonal below k, which
# takes about a thousand rounds and several seconds.
. "$(dirname "$0")/tap.bash"
plan 2

db=disclosure_cancel
dropdb --if-exists "$db" 2>/dev/null
createdb "$db"
q "CREATE EXTENSION mo_usage;
   CREATE TABLE grid AS
   SELECT array_agg(r::text) AS r, array_agg(c::text) AS c,
          array_agg(CASE WHEN r = c THEN 1 ELSE 100 END::bigint) AS n
   FROM generate_series(1, 1000) r, generate_series(1, 1000) c;" -d "$db"

start=$(date +%s%N)
got=$(q "SET statement_timeout = '300ms';
         SELECT count(*) FROM grid, mo_usage.suppress_two_way(grid.r, grid.c, grid.n, 10)" \
        -d "$db" 2>&1 | sed -n 's/^.*ERROR: *//p')
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
is "$got" "canceling statement due to statement timeout" \
   "a statement timeout of 300 ms stops the suppression"
[ "$elapsed" -lt 2500 ]
ok $? "while it works: the error came after $elapsed ms, not at the end"

dropdb "$db"

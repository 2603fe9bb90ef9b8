#!/usr/bin/env bash
# bench/disclosure.sh [SCALE]: k-anonymous counts of distinct persons against
# plain SQL over the same rows.
#
# Run inside the private server:
#   ./scripts/setup && ./scripts/with-instance bench/disclosure.sh 0.1
#
# Makes a week shaped like the demo's at SCALE (1.0: 17.1 million persons,
# 7.8 million households, 1.3 million users, about 20 million hits;
# default 0.1; deterministic), then times, three times each and
# alternating, the table "users in the week by age group x sex x income
# decile, suppressed below k = 10" written five ways:
#   naive         count(DISTINCT person) over the hits joined to persons
#   plain         distinct users first, then the joins, then count(*) with
#                 CASE WHEN n < 10 (the best plain SQL)
#   plain_exists  persons joined to households, filtered by EXISTS on the
#                 hits, count(*) with CASE
#   k_persons     mo_usage.k_persons(person) over the hits joined to persons
#   person_set    persons joined to households, filtered by the set of
#                 users (mo_usage.person_set_agg over the hits, tested with
#                 @>), mo_usage.k_suppress(count(*))
# and, on the hit table alone, users per day with count(DISTINCT) against
# k_persons.  Prints the median of each and the ratios against the best
# plain formulation and against count(DISTINCT).  All give the same cells;
# the script checks that first.
set -euo pipefail
scale=${1:-0.1}
db=bench_disclosure

dropdb --if-exists "$db" 2>/dev/null
createdb "$db"
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -v scale="$scale" <<'SQL'
CREATE EXTENSION mo_usage;
CREATE TABLE household AS
SELECT i AS household, (1 + (hashint4(i) & 2147483647) % 10)::smallint AS decile
FROM generate_series(1, (7800000 * :scale)::int) i;
CREATE TABLE person AS
SELECT ('x' || substr(md5('p' || i), 1, 16))::bit(64)::bigint AS person,
       date '2017-02-06' - ((hashint4(i * 7) & 2147483647) % 32000)::int AS birth_date,
       CASE WHEN hashint4(i * 13) & 1 = 0 THEN 'M' ELSE 'F' END::"char" AS sex,
       1 + (hashint4(i * 31) & 2147483647) % (7800000 * :scale)::int AS household
FROM generate_series(1, (17100000 * :scale)::int) i;
-- Every 13th person uses the portal, with 1 to 32 hits in the week.
CREATE TABLE hit AS
SELECT 1::smallint AS source_id, p.person,
       timestamptz '2017-02-06' + (hashint8(p.person + j) & 511) * interval '20 min' AS ts,
       j::bigint AS seq, 'P'::"char" AS event, (j % 50)::int AS page_id,
       'W'::"char" AS channel
FROM (SELECT person, row_number() OVER () AS rn FROM person) p,
     generate_series(1, 1 + (hashint8(p.person) & 31)::int) j
WHERE p.rn % 13 = 0;
ALTER TABLE person ADD PRIMARY KEY (person);
ALTER TABLE household ADD PRIMARY KEY (household);
VACUUM ANALYZE household, person, hit;
-- Age in the study's bands on the first day of the week.
CREATE FUNCTION age_group(d date) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN d > date '1992-02-06' THEN '14-25'
                WHEN d > date '1982-02-06' THEN '25-35'
                WHEN d > date '1972-02-06' THEN '35-45'
                WHEN d > date '1962-02-06' THEN '45-55'
                WHEN d > date '1952-02-06' THEN '55-65'
                WHEN d > date '1942-02-06' THEN '65-75'
                ELSE '75+' END $$;
SQL

declare -A sql=(
    [naive]="SELECT age_group(p.birth_date) AS a, p.sex, h.decile,
                 CASE WHEN count(DISTINCT x.person) >= 10 THEN count(DISTINCT x.person) END AS n
             FROM hit x JOIN person p USING (person) JOIN household h USING (household)
             GROUP BY 1, 2, 3"
    [plain]="SELECT a, sex, decile, CASE WHEN n < 10 THEN NULL ELSE n END AS n
             FROM (SELECT age_group(p.birth_date) AS a, p.sex, h.decile, count(*) AS n
                   FROM (SELECT DISTINCT person FROM hit) u
                   JOIN person p USING (person) JOIN household h USING (household)
                   GROUP BY 1, 2, 3) s"
    [plain_exists]="SELECT a, sex, decile, CASE WHEN n < 10 THEN NULL ELSE n END AS n
             FROM (SELECT age_group(p.birth_date) AS a, p.sex, h.decile, count(*) AS n
                   FROM person p JOIN household h USING (household)
                   WHERE EXISTS (SELECT FROM hit x WHERE x.person = p.person)
                   GROUP BY 1, 2, 3) s"
    [k_persons]="SELECT age_group(p.birth_date) AS a, p.sex, h.decile,
                 mo_usage.k_persons(x.person) AS n
             FROM hit x JOIN person p USING (person) JOIN household h USING (household)
             GROUP BY 1, 2, 3"
    [person_set]="SELECT age_group(p.birth_date) AS a, p.sex, h.decile,
                 mo_usage.k_suppress(count(*)) AS n
             FROM person p JOIN household h USING (household)
             WHERE (SELECT mo_usage.person_set_agg(person) FROM hit)
                   OPERATOR(mo_usage.@>) p.person
             GROUP BY 1, 2, 3"
    [day_count_distinct]="SELECT date_trunc('day', ts), count(DISTINCT person) FROM hit GROUP BY 1"
    [day_k_persons]="SELECT date_trunc('day', ts), mo_usage.k_persons(person, 1) FROM hit GROUP BY 1"
)
order=(naive plain plain_exists k_persons person_set day_count_distinct day_k_persons)

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
psql -X -A -t -d "$db" -c "SELECT format('hits %s, users %s, persons %s, households %s',
    (SELECT count(*) FROM hit), (SELECT count(DISTINCT person) FROM hit),
    (SELECT count(*) FROM person), (SELECT count(*) FROM household))"

# Every formulation gives the same cells.
for name in plain plain_exists k_persons person_set; do
    diff=$(psql -X -A -t -d "$db" -c "SELECT count(*) FROM
        ((${sql[naive]}) EXCEPT (${sql[$name]})) d")
    [ "$diff" -eq 0 ] || { echo "$name differs from naive in $diff cells" >&2; exit 1; }
done
echo "all formulations give the same cells"

declare -A times
for run in 1 2 3; do
    for name in "${order[@]}"; do
        ms=$(printf '\\timing on\n%s;\n' "${sql[$name]}" |
             psql -X -q -d "$db" -o /dev/null |
             sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p')
        times[$name]+="$ms "
        echo "run $run  $name  $ms ms"
    done
done

median() { tr ' ' '\n' | grep . | sort -n | sed -n 2p; }
declare -A med
for name in "${order[@]}"; do
    med[$name]=$(echo "${times[$name]}" | median)
done
best=$(printf '%s\n' "${med[plain]}" "${med[plain_exists]}" | sort -n | head -1)
echo
printf '%-20s %10s %14s %14s\n' formulation "median ms" "/ best plain" "/ naive"
for name in naive plain plain_exists k_persons person_set; do
    printf '%-20s %10.0f %14.2f %14.2f\n' "$name" "${med[$name]}" \
        "$(echo "${med[$name]} / $best" | bc -l)" \
        "$(echo "${med[$name]} / ${med[naive]}" | bc -l)"
done
printf '%-20s %10.0f\n' day_count_distinct "${med[day_count_distinct]}"
printf '%-20s %10.0f %14s %14.2f\n' day_k_persons "${med[day_k_persons]}" "" \
    "$(echo "${med[day_k_persons]} / ${med[day_count_distinct]}" | bc -l)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

dropdb "$db"

# The demo data generator: the same bytes from the same seed, valid and
# unique BSNs, the CBS population and household counts as scaled, a second
# week on request, and a delivery whose figures, computed by
# demo/check-staging.sql, are the study's within its tolerances.
#
# Scale 0.002 (34,163 persons, about 2,600 users): small enough for a test,
# large enough for the tolerances, because the generator meets its margins
# by systematic sampling and exact calibration rather than by chance (see
# the README); no tolerance is widened.
. "$(dirname "$0")/tap.bash"

plan 16
cd "$MO_ROOT" || exit 1
data=$MO_ROOT/../shared/data
study=$MO_ROOT/../shared/study
cbs=$data/cbs-population-age-sex/derived_nl_population_2017-01-01_by_sex_age.csv
scale=0.002
gen=(demo/gen --scale "$scale" --data "$data" --study "$study")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

make -s -C demo gen
ok $? "the generator builds"

mkdir "$out/a" "$out/b"
"${gen[@]}" --out "$out/a" && "${gen[@]}" --out "$out/b" &&
    diff -r "$out/a" "$out/b" >/dev/null
ok $? "the same seed and scale give byte-identical tables"

"${gen[@]}" --seed 1 --table person >"$out/person-seed-1.csv"
cmp -s "$out/a/person.csv" "$out/person-seed-1.csv"
is $? 1 "another seed gives another register"

# BSN: nine digits, 9 x d1 + 8 x d2 + ... + 2 x d8 - d9 divisible by 11.
bad=$(awk -F, 'NR > 1 {
        if (length($1) != 9 || $1 !~ /^[0-9]+$/) { n++; next }
        s = -substr($1, 9, 1)
        for (i = 1; i <= 8; i++) s += (10 - i) * substr($1, i, 1)
        if (s % 11 != 0) n++
    } END { print n + 0 }' "$out/a/person.csv")
is "$bad" 0 "every BSN in person has nine digits and passes the elfproef"
is "$(tail -n +2 "$out/a/person.csv" | cut -d, -f1 | sort | uniq -d | wc -l)" 0 \
    "no BSN occurs twice"

is "$(tail -n +2 "$out/a/person.csv" | wc -l)" 34163 \
    "person has round(17,081,507 x 0.002) rows"

# The CBS cells scaled by the largest-remainder rule: floor(n x 2 / 1000)
# each, and the persons still missing from round(N x 0.002) one each to
# the largest remainders, ties to the earlier line of the CBS file.
expected=$(tr -d '\r' <"$cbs" | awk -F, 'NR > 1 {
        n = $3 * 2; printf "%d %d %s %d %d\n", n % 1000, NR, $1, $2, int(n / 1000)
        total += $3; placed += int(n / 1000)
    } END { printf "missing %d\n", int((total * 2 + 500) / 1000) - placed }' |
    sort -k1,1nr -k2,2n |
    awk '$1 == "missing" { m = $2; next } { rows[++r] = $0 }
         END { for (i = 1; i <= r; i++) { split(rows[i], f, " ")
                   if (f[5] + (i <= m) > 0)
                       print f[3] "," f[4] "," f[5] + (i <= m) } }' | sort)
# Age on 1 January 2017 from the birth date, 105 and over together.
measured=$(awk -F, 'NR > 1 {
        split($2, d, "-"); age = 2016 - d[1] + (d[2] d[3] == "0101")
        if (age > 105) age = 105
        n[$3 "," age]++
    } END { for (k in n) print k "," n[k] }' "$out/a/person.csv" | sort)
is "$measured" "$expected" "persons by sex and age are the CBS counts scaled"

# Backgrounds: the CBS totals scaled to the persons, largest remainder.
is "$(tail -n +2 "$out/a/person.csv" | cut -d, -f4 | sort | uniq -c |
      awk '{ printf "%s %s ", $2, $1 }')" \
   "Dutch 26438 non-western 4347 western 3378 " \
   "migration backgrounds are the CBS totals of 2017 scaled"

is "$(grep -c ',private,' "$out/a/household.csv")" 15588 \
    "private households are 7,794,000 x 0.002"
# Persons of one-person private households, and in institutions.
counts=$(awk -F, 'FNR == 1 { next }
        FILENAME ~ /household/ { kind[$1] = $2; next }
        { n[$5]++ }
        END { for (h in n) { if (kind[h] == "private" && n[h] == 1) one++
                             if (kind[h] == "institutional") inst += n[h] }
              print one, inst }' "$out/a/household.csv" "$out/a/person.csv")
is "$counts" "5922 490" \
    "one-person households and persons in institutions are the CBS counts x 0.002"
is "$(tail -n +2 "$out/a/municipality.csv" | wc -l)" 388 \
    "388 municipalities"

# A second week follows the first, numbered on.
"${gen[@]}" --weeks 2 --table portal_log >"$out/two-weeks.csv"
is "$(awk -F, 'NR > 1 {
        if ($1 != NR - 1) bad++
        day = substr($3, 1, 10)
        if (day < "2017-02-06" || day > "2017-02-19") bad++
        if (day < "2017-02-13") first++; else second++
    } END { print bad + 0, (first > 0), (second > 0) }' "$out/two-weeks.csv")" \
   "0 1 1" "two weeks: consecutive line numbers, events from 6 to 19 February"

demo/gen --scale 0 --table person 2>"$out/error" >/dev/null
is "$?:$(cat "$out/error")" \
   "1:gen: scale must be a decimal number above 0 and at most 10 with at most 9 decimals, not \"0\"" \
   "a scale of 0 is refused with a message"

# Load into staging and compute the figures by their definitions.
dropdb --if-exists demo_generator
createdb demo_generator
q "CREATE EXTENSION mo_usage" -d demo_generator
PGDATABASE=demo_generator demo/load "$scale" >"$out/load" 2>&1
ok $? "demo/load generates and loads the tables"
is "$(q "SELECT count(*) FROM mo_staging.person" -d demo_generator)" 34163 \
    "the loaded register has every person"

PGDATABASE=demo_generator psql -X -v study="$study" \
    -f demo/check-staging.sql >"$out/check" 2>&1
summary=$(grep -o '[0-9]* of [0-9]* figures within tolerance' "$out/check")
is "$summary" "44 of 44 figures within tolerance" \
    "every published figure is met at scale $scale"
[ "$summary" = "44 of 44 figures within tolerance" ] ||
    sed 's/^/# /' "$out/check"
dropdb demo_generator

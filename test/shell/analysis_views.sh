# The published views against a second computation.  A small demo week
# (scale 0.002: 34,163 persons, about 2,600 users) goes through the whole
# pipeline; then analysis_second_way.sql computes every view of mo_pub in
# plain SQL over the microdata, without the extension's functions, and
# compares every column of every row:
#   - with mo_usage.k = 1, where only empty cells (and those hidden to
#     protect them) are suppressed: every other value is the same;
#   - with mo_usage.k = 10: still the same where published, no count of
#     persons is 0 or below 10, and a row whose users are hidden shows no
#     share or measure computed from them;
#   - refreshed with the session's TimeZone set to UTC and to
#     America/New_York: the views hold the same rows.
. "$(dirname "$0")/tap.bash"

views="key_figures linkage user_profiles users_by_age_group users_by_day
users_by_group users_by_income_decile users_by_migration_background
users_by_municipality users_by_sex users_by_social_minimum visits_by_age_group
visits_by_channel visits_by_group visits_by_hour visits_by_pages visits_by_sex
visits_per_user"
nviews=$(echo $views | wc -w)
plan $((2 * nviews + 12))
cd "$MO_ROOT" || exit 1
export PGDATABASE=analysis_views
dropdb --if-exists "$PGDATABASE"
createdb "$PGDATABASE"
q 'CREATE EXTENSION mo_usage'

demo/load 0.002 >/dev/null
ok $? "the demo week at scale 0.002 is generated and loaded"

is "$(q "SET client_min_messages = warning; SET mo_usage.k = 1;
         SELECT count(*) FROM mo_usage.run_pipeline(
             '2017-02-06 00:00 Europe/Amsterdam',
             '2017-02-13 00:00 Europe/Amsterdam')
         WHERE step = 'refresh'")" 1 "the pipeline runs, with k = 1"

is "$(q "SELECT string_agg(relname, ' ' ORDER BY relname) FROM pg_class
         WHERE relnamespace = 'mo_pub'::regnamespace AND relkind IN ('v', 'm')")" \
   "$(echo $views release | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')" \
   "the test covers every view of mo_pub"

# mo_pub.release is no figure of the study but the public part of the
# release log: the refresh just made, with its window and k.
is "$(q "SELECT window_start = '2017-02-06 00:00 Europe/Amsterdam'
                AND window_end = '2017-02-13 00:00 Europe/Amsterdam', k
         FROM mo_pub.release ORDER BY released_at DESC LIMIT 1")" "t|1" \
   "mo_pub.release shows the pipeline's refresh, its window and k = 1"

# second_way K: the comparison, one line a view (view|same|suppressed|
# differs) and the disclosure counts.
second_way() {
    psql -X -q -v ON_ERROR_STOP=1 -v k="$1" -f test/shell/analysis_second_way.sql
}

out=$(second_way 1)
for v in $views; do
    line=$(grep "^$v|" <<<"$out")
    same=$(cut -d'|' -f2 <<<"$line")
    differs=$(cut -d'|' -f4 <<<"$line")
    [ -n "$line" ] && [ "$same" -gt 0 ] && [ "$differs" -eq 0 ]
    ok $? "k = 1: $v is the plain computation ($same values, $(cut -d'|' -f3 <<<"$line") empty and suppressed, ${differs:-?} differ)"
done
is "$(grep '^zero|' <<<"$out")" "zero|0" "k = 1: no published count of persons is 0"

# The same at k = 10, the default.
q "SET client_min_messages = warning; CALL mo_usage.refresh_published()"
out=$(second_way 10)
for v in $views; do
    line=$(grep "^$v|" <<<"$out")
    same=$(cut -d'|' -f2 <<<"$line")
    differs=$(cut -d'|' -f4 <<<"$line")
    [ -n "$line" ] && [ "$same" -gt 0 ] && [ "$differs" -eq 0 ]
    ok $? "k = 10: $v is the plain computation where published ($same values, $(cut -d'|' -f3 <<<"$line") suppressed, ${differs:-?} differ)"
done
is "$(grep '^zero|' <<<"$out")" "zero|0" "k = 10: no published count of persons is 0"
is "$(grep '^below_k|' <<<"$out")" "below_k|0" \
    "k = 10: no published count of persons is below 10"
is "$(grep '^leak|' <<<"$out")" "leak|0" \
    "k = 10: where a row's users are suppressed, so are its shares and measures"
suppressed=$(grep '^suppressed_below_k|' <<<"$out" | cut -d'|' -f2)
[ "${suppressed:-0}" -gt 0 ]
ok $? "k = 10: cells below 10 exist at this scale and are NULL ($suppressed of them)"

# The views refreshed in New York and in UTC: the same rows.
snapshot() {
    local sql="" v
    for v in $views; do
        sql+="${sql:+ UNION ALL }SELECT '$v', md5(coalesce(string_agg(
                  to_jsonb(t)::text, E'\\n' ORDER BY to_jsonb(t)::text), ''))
              FROM mo_pub.$v t"
    done
    q "SET TimeZone = '$1'; SET client_min_messages = warning;
       SELECT count(*) FROM mo_usage.derive_groups();
       CALL mo_usage.refresh_published();
       SELECT md5(string_agg(s, ' ')) FROM ($sql) x (v, s)" | tail -n 1
}
utc=$(snapshot UTC)
ny=$(snapshot America/New_York)
[ -n "$utc" ] && [ ${#utc} -eq 32 ]
ok $? "the views' rows are read in UTC"
is "$ny" "$utc" "the views refreshed in America/New_York hold the same rows as in UTC"
is "$(q "SET TimeZone = 'America/New_York';
         SELECT string_agg(day || ' ' || users, ', ' ORDER BY day)
         FROM mo_pub.users_by_day")" \
   "$(q "SET TimeZone = 'UTC';
         SELECT string_agg(day || ' ' || users, ', ' ORDER BY day)
         FROM mo_pub.users_by_day")" \
   "users by day read the same in New York and in UTC"

dropdb "$PGDATABASE"

# The upgrade chain: install the oldest release, update through every
# release to the newest, and compare the result with a fresh install of the
# newest release: same objects, same definitions, same comments.
. "$(dirname "$0")/tap.bash"

describe='
SELECT pg_describe_object(d.classid, d.objid, 0)
       || coalesce(E"\n" || pg_get_functiondef(p.oid), "")
       || coalesce(E"\n" || pg_get_viewdef(c.oid), "")
       || coalesce(E"\n" || obj_description(d.objid, d.classid::regclass::name), "")
FROM pg_depend d
LEFT JOIN pg_proc p ON d.classid = "pg_proc"::regclass AND p.oid = d.objid
    AND p.prokind IN ("f", "p", "w")
LEFT JOIN pg_class c ON d.classid = "pg_class"::regclass AND c.oid = d.objid
    AND c.relkind IN ("v", "m")
WHERE d.refclassid = "pg_extension"::regclass
  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = "mo_usage")
  AND d.deptype = "e"
ORDER BY 1'
describe=$(printf '%s' "$describe" | tr '"' "'")

# The releases, from the scripts that were built: a full install script for
# the oldest, a delta script for each later one.
extdir=$MO_ROOT/build/stage/usr/share/postgresql/15/extension
oldest=$(ls "$extdir" | sed -n 's/^mo_usage--\([0-9.]*\)\.sql$/\1/p' |
         sort -t. -k1,1n -k2,2n -k3,3n | head -1)
steps=$(ls "$extdir" | sed -n 's/^mo_usage--[0-9.]*--\([0-9.]*\)\.sql$/\1/p' |
        sort -t. -k1,1n -k2,2n -k3,3n)
newest=$(sed -n "s/^default_version = '\(.*\)'/\1/p" "$extdir/mo_usage.control")

plan $(( $(echo "$steps" | grep -c .) + 3 ))

for db in upgrade_chain upgrade_fresh; do
    dropdb --if-exists "$db"
    createdb "$db"
done

q "CREATE EXTENSION mo_usage VERSION '$oldest'" -d upgrade_chain
ok $? "release $oldest installs"
for v in $steps; do
    q "ALTER EXTENSION mo_usage UPDATE TO '$v'" -d upgrade_chain
    ok $? "updates to $v"
done
q "CREATE EXTENSION mo_usage" -d upgrade_fresh
ok $? "release $newest installs fresh"

chain=$(q "$describe" -d upgrade_chain)
fresh=$(q "$describe" -d upgrade_fresh)
[ -n "$fresh" ] || fresh="(no objects: the fresh install failed)"
is "$chain" "$fresh" "updated from $oldest and fresh $newest have the same objects"

dropdb upgrade_chain
dropdb upgrade_fresh

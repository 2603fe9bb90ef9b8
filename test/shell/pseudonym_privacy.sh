# Who sees what.  A login role with the loading role makes pseudonyms but
# cannot get at the key or the key file's name: not through SHOW,
# pg_settings, current_setting, an error message, the server's file
# functions, or the server log with every statement logged.  A login role
# with the reporting role can call no function of the family at all.
. "$(dirname "$0")/tap.bash"
plan 16

db=pseudonym_privacy
loader=pseudonym_test_loader
reader=pseudonym_test_reader
password=$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')
keys=$(awk '$1 ~ /^[0-9]+$/ { print $2 }' "$MO_KEY_FILE")

dropdb --if-exists "$db" 2>/dev/null
createdb "$db"
q "CREATE EXTENSION mo_usage" -d "$db"
q "CREATE ROLE $loader LOGIN PASSWORD '$password' IN ROLE mo_usage_loader"
q "CREATE ROLE $reader LOGIN PASSWORD '$password' IN ROLE mo_usage_reader"

cleanup() {
    server_reset log_statement
    dropdb --if-exists "$db"
    q "DROP ROLE IF EXISTS $loader, $reader" >/dev/null
    rm -f "$seen"
}
trap cleanup EXIT

# as ROLE SQL: what ROLE gets for SQL in a new connection, errors with their
# SQLSTATE; all of it is also kept in the file $seen
seen=$(mktemp)
as() {
    PGUSER=$1 PGPASSWORD=$password \
        psql -X -q -A -t -v VERBOSITY=verbose -d "$db" -c "$2" 2>&1 |
        tee -a "$seen" | sed 's/^ERROR:  //' | grep -v '^LOCATION:'
}

# leaks TEXT: how many of the keys, and whether the key file's name, occur
leaks() {
    local n=0 k
    for k in $keys; do
        grep -qi "$k" <<<"$1" && n=$((n + 1))
    done
    echo "keys: $n of $(wc -w <<<"$keys"), file name: $(grep -c "$MO_KEY_FILE" <<<"$1")"
}

# Everything from here to the end of the log test is in the server log.
server_set log_statement all
log_start=$(stat -c %s "$MO_SERVER_LOG")

is "$(as $loader 'SHOW mo_usage.key_file')" \
   '42501: must be superuser or have privileges of pg_read_all_settings to examine "mo_usage.key_file"' \
   "SHOW does not name the key file"
is "$(as $loader "SELECT current_setting('mo_usage.key_file', true)")" \
   '42501: must be superuser or have privileges of pg_read_all_settings to examine "mo_usage.key_file"' \
   "nor does current_setting"
# The loader sees every setting of mo_usage that a superuser sees, but the
# key file.
settings="SELECT string_agg(name, ' ' ORDER BY name) FROM pg_settings
          WHERE name LIKE 'mo_usage.%'"
is "$(as $loader "$settings")" \
   "$(q "$settings" | sed 's/ mo_usage\.key_file / /')" \
   "pg_settings leaves the key file out"
is "$(as $loader 'SHOW ALL' | grep -c 'mo_usage.key_file')" 0 "and so does SHOW ALL"

is "$(as $loader "SELECT mo_usage.bsn_pseudonym('123456782')")" \
   "$(q "SELECT mo_usage.bsn_pseudonym('123456782')" -d "$db")" \
   "the loading role makes the same pseudonyms as a superuser"
is "$(as $loader "SELECT mo_usage.hmac_sha256('hello', 'key')")" \
   "42501: permission denied for function hmac_sha256" \
   "but may not call the bare HMAC, which takes a key"

errors=$(as $loader "SELECT mo_usage.pseudonym('1', 'person', 9)"
         as $loader "SELECT mo_usage.bsn_pseudonym_strict('123456781')"
         as $loader "SELECT mo_usage.pseudonym('1', 'Person')"
         as $loader "SELECT * FROM mo_usage.pseudonym_key_versions()"
         as $loader "SELECT mo_usage.pseudonym_digest('123456782', 'person', 1)"
         as $loader "SELECT * FROM pg_file_settings")
is "$(grep -c '^[0-9A-Z]\{5\}: ' <<<"$errors") errors, $(leaks "$errors")" \
   "4 errors, keys: 0 of 2, file name: 0" \
   "error messages and results show no key and do not name the key file"

server_reset log_statement
log=$(tail -c +$((log_start + 1)) "$MO_SERVER_LOG")
is "$(grep -c "$loader@$db LOG:  statement: .*mo_usage\." <<<"$log")" 9 \
   "the server log has every statement of the loading role"
is "$(leaks "$log")" "keys: 0 of 2, file name: 0" \
   "and shows no key and does not name the key file"
is "$(grep -c '^ERROR:' "$seen") errors, $(leaks "$(cat "$seen")")" \
   "7 errors, keys: 0 of 2, file name: 0" \
   "nothing the loading role saw shows a key or names the key file"

# The server's own ways of reading files are closed to the loading role,
# even for one who knows the file's name.
is "$(as $loader "SELECT pg_read_file('$MO_KEY_FILE')")" \
   "42501: permission denied for function pg_read_file" "pg_read_file is denied"
is "$(as $loader "CREATE TEMP TABLE k (line text); COPY k FROM '$MO_KEY_FILE'" | head -1)" \
   "42501: must be superuser or have privileges of the pg_read_server_files role to COPY from a file" \
   "COPY from the file is denied"
is "$(as $loader "SELECT lo_import('$MO_KEY_FILE')")" \
   "42501: permission denied for function lo_import" "lo_import is denied"

# The reporting role: every function of the family, with arguments of the
# right types, is refused; first by the schema, and with the schema opened
# to it, by the function itself.
calls=$(q "SELECT p.oid::regprocedure,
                  'SELECT mo_usage.' || p.proname || '(' || coalesce(string_agg(
                      CASE t WHEN 'text'::regtype THEN '''123456782''::text'
                             WHEN 'bigint'::regtype THEN '123456782::bigint'
                             WHEN 'integer'::regtype THEN '1'
                             WHEN 'bytea'::regtype THEN '''\\x00''::bytea' END,
                      ', ' ORDER BY a.n), '') || ')'
           FROM pg_proc p
           LEFT JOIN unnest(p.proargtypes::regtype[]) WITH ORDINALITY a(t, n) ON true
           WHERE p.pronamespace = 'mo_usage'::regnamespace
             AND p.proname IN ('hmac_sha256', 'pseudonym', 'pseudonym_digest',
                               'pseudonym_key_version', 'pseudonym_key_versions',
                               'bsn_is_valid', 'bsn_invalid_reason',
                               'bsn_normalise', 'bsn_pseudonym',
                               'bsn_pseudonym_strict')
           GROUP BY p.oid ORDER BY 1::text" -d "$db")
is "$(wc -l <<<"$calls")" 15 "the family has 15 functions to try"

# refused WANT: the functions for which the reporting role got something
# other than SQLSTATE 42501 and the message WANT, where %s stands for the
# function's name
refused() {
    local function call name answer
    while IFS='|' read -r function call; do
        name=${function#mo_usage.}
        name=${name%%(*}
        answer=$(as $reader "$call" | head -1)
        [ "$answer" == "42501: ${1//%s/$name}" ] || echo "$function: $answer"
    done <<<"$calls"
}
is "$(refused 'permission denied for schema mo_usage')" "" \
   "the schema refuses the reporting role every function"

q "GRANT USAGE ON SCHEMA mo_usage TO $reader" -d "$db"
is "$(refused 'permission denied for function %s')" "" \
   "with the schema open, each function refuses the reporting role"
q "REVOKE USAGE ON SCHEMA mo_usage FROM $reader" -d "$db"

# The pseudonyms against an independent HMAC-SHA-256: openssl(1), given the
# key read from the server's key file, hashes the same bytes (the context, a
# 0x00 byte, the normalised identifier as UTF-8) and must agree with the
# server to the bit.  And two connections give the same pseudonyms.
. "$(dirname "$0")/tap.bash"
plan 16

db=pseudonym_openssl
dropdb --if-exists "$db" 2>/dev/null
createdb "$db"
q "CREATE EXTENSION mo_usage" -d "$db"

key_of() {
    awk -v v="$1" '$1 == v { print $2 }' "$MO_KEY_FILE"
}

# openssl_hmac VERSION CONTEXT ID: the hex digest of CONTEXT 0x00 ID.  (The
# key goes on openssl's command line: fine for a test, not for real keys.)
openssl_hmac() {
    printf '%s\0%s' "$2" "$3" |
        openssl dgst -sha256 -mac HMAC -macopt "hexkey:$(key_of "$1")" |
        awk '{ print $NF }'
}

# The compact pseudonym: the digest's first 8 bytes as a signed 64-bit
# big-endian integer (bash arithmetic is signed 64-bit and wraps the same).
openssl_pseudonym() {
    local hex
    hex=$(openssl_hmac "$@")
    echo $((16#${hex:0:16}))
}

digest() {
    q "SELECT encode(mo_usage.pseudonym_digest($1), 'hex')" -d "$db"
}

is "$(digest "'123456782', 'person', 1")" \
   "$(openssl_hmac 1 person 123456782)" "digest of a BSN as a person, key 1"
is "$(digest "'123456782', 'person', 2")" \
   "$(openssl_hmac 2 person 123456782)" "digest of a BSN as a person, key 2"
is "$(digest "'123456782', 'household', 2")" \
   "$(openssl_hmac 2 household 123456782)" "digest of the same number as a household"
is "$(digest "'café.example.nl', 'host', 2")" \
   "$(openssl_hmac 2 host 'café.example.nl')" "digest of a host name with a non-ASCII letter, as UTF-8"
is "$(digest "'', 'user_id', 1")" \
   "$(openssl_hmac 1 user_id '')" "digest of the empty identifier"

is "$(q "SELECT mo_usage.pseudonym('123456782', 'person', 1)" -d "$db")" \
   "$(openssl_pseudonym 1 person 123456782)" "pseudonym: the first 8 bytes as a bigint"
is "$(q "SELECT mo_usage.bsn_pseudonym(' 12345672 ', 'person', 2)" -d "$db")" \
   "$(openssl_pseudonym 2 person 012345672)" "BSN pseudonym of an 8-digit BSN with spaces: of its 9-digit form"
is "$(q "SELECT mo_usage.bsn_pseudonym(123456782)" -d "$db")" \
   "$(openssl_pseudonym 2 person 123456782)" "BSN pseudonym of a bigint under the highest key version"
is "$(q "SELECT mo_usage.bsn_pseudonym_strict('111222333', 'household', 1)" -d "$db")" \
   "$(openssl_pseudonym 1 household 111222333)" "strict BSN pseudonym in another context"

# A signed bigint: find a BSN whose pseudonym is negative, to check the sign.
negative=$(q "SELECT b FROM generate_series(100000009, 100100000) b
              WHERE mo_usage.bsn_pseudonym(b, 'person', 1) < 0 LIMIT 1" -d "$db")
is "$(q "SELECT mo_usage.bsn_pseudonym($negative, 'person', 1)" -d "$db")" \
   "$(openssl_pseudonym 1 person "$negative")" "a negative pseudonym, as the top bit is set"

# The key check value: the first 8 bytes of the HMAC of the empty message.
for v in 1 2; do
    want=$(printf '' | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$(key_of $v)" |
           awk '{ print substr($NF, 1, 16) }')
    is "$(q "SELECT key_check FROM mo_usage.pseudonym_key_versions()
             WHERE version = $v" -d "$db")" "$want" "key check of version $v"
done

# Two connections, each reading the key file itself, agree on every row.
all="SELECT md5(string_agg(concat_ws(' ', b, mo_usage.bsn_pseudonym(b, 'person', 1),
                                          mo_usage.bsn_pseudonym(b)), ',' ORDER BY b))
     FROM generate_series(100000000, 100200000) b"
first=$(q "$all" -d "$db")
second=$(q "$all" -d "$db")
is "$second" "${first:-(no result)}" "two connections give the same pseudonyms"
is "$(q "SELECT count(*) FROM generate_series(100000000, 100200000) b
         WHERE mo_usage.bsn_pseudonym(b) IS NOT NULL" -d "$db")" \
   18182 "and a pseudonym for each of the 18,182 valid BSNs among them"

# In a database of another encoding the identifier is still hashed as
# UTF-8: é is the byte e9 in LATIN1, and c3 a9 in what is hashed.
latin1=pseudonym_openssl_latin1
dropdb --if-exists "$latin1" 2>/dev/null
createdb -E LATIN1 --locale=C -T template0 "$latin1"
q "CREATE EXTENSION mo_usage" -d "$latin1"
is "$(q "SELECT encode(mo_usage.pseudonym_digest(
             convert_from('\\x636166e92e6578616d706c652e6e6c', 'LATIN1'), 'host', 2), 'hex')" \
        -d "$latin1")" \
   "$(openssl_hmac 2 host "$(printf 'caf\303\251.example.nl')")" \
   "in a LATIN1 database, a host name with a non-ASCII letter is hashed as UTF-8"
is "$(q "SELECT mo_usage.pseudonym(convert_from('\\x636166e9', 'LATIN1'), 'host', 1)" \
        -d "$latin1")" \
   "$(openssl_pseudonym 1 host "$(printf 'caf\303\251')")" \
   "and so is it for the compact pseudonym"
dropdb "$latin1"

dropdb "$db"

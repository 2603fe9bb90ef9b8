-- The HMAC-SHA-256 under the pseudonyms: the known answers of RFC 4231
-- (test cases 1 to 7) and a few of our own.
CREATE EXTENSION mo_usage;

-- RFC 4231, section 4: key, data and HMAC-SHA-256 of each test case.  Case 5
-- gives only the first 128 bits of the result.
CREATE TEMP TABLE rfc4231 (tc int, key bytea, data bytea, hmac text);
INSERT INTO rfc4231 VALUES
(1, decode(repeat('0b', 20), 'hex'), convert_to('Hi There', 'UTF8'),
 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7'),
(2, convert_to('Jefe', 'UTF8'),
 convert_to('what do ya want for nothing?', 'UTF8'),
 '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'),
(3, decode(repeat('aa', 20), 'hex'), decode(repeat('dd', 50), 'hex'),
 '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe'),
(4, decode('0102030405060708090a0b0c0d0e0f10111213141516171819', 'hex'),
 decode(repeat('cd', 50), 'hex'),
 '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b'),
(5, decode(repeat('0c', 20), 'hex'), convert_to('Test With Truncation', 'UTF8'),
 'a3b6167473100ee06e0c796c2955552b'),
(6, decode(repeat('aa', 131), 'hex'),
 convert_to('Test Using Larger Than Block-Size Key - Hash Key First', 'UTF8'),
 '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54'),
(7, decode(repeat('aa', 131), 'hex'),
 convert_to('This is a test using a larger than block-size key and a larger '
            'than block-size data. The key needs to be hashed before being '
            'used by the HMAC algorithm.', 'UTF8'),
 '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2');

SELECT tc,
       encode(substr(mo_usage.hmac_sha256(data, key), 1, length(hmac) / 2),
              'hex') AS result,
       encode(substr(mo_usage.hmac_sha256(data, key), 1, length(hmac) / 2),
              'hex') = hmac AS as_rfc4231
FROM rfc4231 ORDER BY tc;

-- Always 32 bytes; case 5 in full.
SELECT length(mo_usage.hmac_sha256(data, key)) AS bytes,
       encode(mo_usage.hmac_sha256(data, key), 'hex') AS case_5_in_full
FROM rfc4231 WHERE tc = 5;

-- Key 'key', message 'hello': the second byte is 0x07, with its leading 0.
SELECT encode(mo_usage.hmac_sha256('hello', 'key'), 'hex') AS key_hello;

-- Empty message and empty key are valid HMAC inputs.
SELECT encode(mo_usage.hmac_sha256('', ''), 'hex') AS empty_empty;

-- NULL in, NULL out.
SELECT mo_usage.hmac_sha256(NULL, 'key') IS NULL AS null_data,
       mo_usage.hmac_sha256('hello', NULL) IS NULL AS null_key;

-- Labels: the same inputs always give the same output.
SELECT provolatile, proisstrict, proparallel FROM pg_proc
WHERE oid = 'mo_usage.hmac_sha256(bytea, bytea)'::regprocedure;

-- The key is an argument: superusers only, not even the loading role.
SELECT has_function_privilege('mo_usage_loader',
           'mo_usage.hmac_sha256(bytea, bytea)', 'EXECUTE') AS loader,
       has_function_privilege('mo_usage_reader',
           'mo_usage.hmac_sha256(bytea, bytea)', 'EXECUTE') AS reader,
       has_function_privilege('public',
           'mo_usage.hmac_sha256(bytea, bytea)', 'EXECUTE') AS public;

DROP EXTENSION mo_usage;
DROP SCHEMA mo_usage;

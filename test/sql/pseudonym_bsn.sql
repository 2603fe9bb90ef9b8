-- The checks of the BSN: white space, digits only, 8 or 9 of them (8 padded
-- with a leading 0), not all zeros, then the elfproef: 9*d1 + 8*d2 + ... +
-- 2*d8 - d9 is a multiple of 11.  One case a line.
CREATE EXTENSION mo_usage;

SELECT to_json(bsn) AS bsn, mo_usage.bsn_is_valid(bsn) AS valid,
       mo_usage.bsn_normalise(bsn) AS normal_form,
       mo_usage.bsn_invalid_reason(bsn) AS reason
FROM (VALUES
    ('111222333'),              -- valid
    ('123456782'),              -- valid
    ('999999990'),              -- valid, the highest 9-digit one
    ('100000009'),              -- valid
    ('012345672'),              -- valid, leading 0
    ('12345672'),               -- valid with 8 digits, padded to 012345672
    (' 123456782'),             -- white space around is dropped
    ('123456782  '),
    (E'\t123456782\r\n'),
    ('123456781'),              -- fails the elfproef by one
    ('12345678'),               -- 8 digits, fails the elfproef once padded
    ('213456782'),              -- two digits swapped
    ('187318'),                 -- too short, although 000187318 passes
    ('0187318'),                -- too short, although 000187318 passes
    ('1'),
    ('0'),
    ('1234567820'),             -- 10 digits
    ('0123456782'),             -- 10 digits, although 123456782 is valid
    ('000000000'),              -- passes the elfproef, a placeholder
    ('00000000'),               -- the same, padded
    (''),
    ('   '),
    ('12345678a'),
    ('1234 5678'),              -- white space inside
    ('+123456782'),
    ('-123456782'),
    ('12345678.2'),
    ('１２３４５６７８２')      -- full-width digits are not digits
) AS t(bsn);

-- A bigint is checked as its decimal digits, so that leading zeros are gone.
SELECT bsn, mo_usage.bsn_is_valid(bsn) AS valid,
       mo_usage.bsn_normalise(bsn) AS normal_form,
       mo_usage.bsn_invalid_reason(bsn) AS reason
FROM (VALUES
    (123456782::bigint),        -- valid
    (12345672),                 -- valid with 8 digits, padded
    (123456781),                -- fails the elfproef
    (187318),                   -- too short
    (1),
    (0),
    (1234567820),               -- 10 digits
    (-123456782),               -- the sign is not a digit
    (9223372036854775807),
    (-9223372036854775808)
) AS t(bsn);

-- NULL in, NULL out: a missing BSN is not an invalid one.
SELECT mo_usage.bsn_is_valid(NULL::text) IS NULL AS valid_text,
       mo_usage.bsn_is_valid(NULL::bigint) IS NULL AS valid_bigint,
       mo_usage.bsn_normalise(NULL::text) IS NULL AS normalise,
       mo_usage.bsn_invalid_reason(NULL::text) IS NULL AS reason;

-- Every 9-digit number with a fixed stride: about one in 11 passes, as the
-- check digit must equal the weighted sum of the others modulo 11 and a
-- remainder of 10 has no digit.
SELECT count(*) AS numbers,
       count(*) FILTER (WHERE mo_usage.bsn_is_valid(n)) AS valid,
       count(*) FILTER (WHERE mo_usage.bsn_is_valid(n)
                        = mo_usage.bsn_is_valid(lpad(n::text, 9, '0'))) AS text_agrees
FROM generate_series(100000000, 999999999, 997) n;

-- Labels: the checks depend on their argument alone.
SELECT p.oid::regprocedure AS function, provolatile, proisstrict, proparallel
FROM pg_proc p
WHERE pronamespace = 'mo_usage'::regnamespace
  AND proname IN ('bsn_is_valid', 'bsn_normalise', 'bsn_invalid_reason')
ORDER BY 1::text;

DROP EXTENSION mo_usage;
DROP SCHEMA mo_usage;

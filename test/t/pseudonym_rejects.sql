-- The pseudonymising step and invalid BSNs: a delivery with bad rows is
-- taken in all the same; each row that gets no pseudonym is kept as a
-- reject with its position and the reason, counted, and reported, and no
-- invalid BSN becomes a person's pseudonym.
BEGIN;
CREATE EXTENSION mo_usage;
SET search_path = mo_usage, public;
SELECT plan(10);

-- Six log lines: valid, failing the elfproef, without a BSN, valid with 8
-- digits and spaces, with 7 digits, valid.
INSERT INTO mo_staging.portal_log (line_no, bsn, ts, event, page) VALUES
    (1, '123456782', '2017-02-06 10:00+01', 'login', '/'),
    (2, '123456781', '2017-02-06 10:01+01', 'page', '/a'),
    (3, NULL, '2017-02-06 10:02+01', 'page', '/a'),
    (4, ' 12345672 ', '2017-02-06 10:03+01', 'login', '/'),
    (5, '0187318', '2017-02-06 10:04+01', 'page', '/b'),
    (6, '111222333', '2017-02-06 10:05+01', 'login', '/');

-- Five register rows: valid, 6 digits, the first again as 9 digits, none,
-- all zeros.
INSERT INTO mo_staging.person (bsn, household_id) VALUES
    ('123456782', 'h1'), ('187318', 'h1'), ('123456782', 'h2'), (NULL, 'h2'),
    ('000000000', 'h3');

CREATE TEMP TABLE report AS SELECT * FROM pseudonymise_staging();

SELECT is((SELECT count(*) FROM mo_micro.hit), 3::bigint,
          'the three lines with a valid BSN are taken in');
SELECT set_eq($$SELECT person FROM mo_micro.hit$$,
              $$SELECT bsn_pseudonym(b) FROM unnest('{123456782,012345672,111222333}'::text[]) b$$,
              'each under the pseudonym of its 9-digit form');
SELECT results_eq(
    $$SELECT position, problem, detail FROM mo_micro.reject
      WHERE delivery = 'portal_log' ORDER BY position$$,
    $$VALUES (2::bigint, 'invalid identifier'::text, 'fails the elfproef'::text),
             (3, 'missing identifier', NULL),
             (5, 'invalid identifier', 'has 7 digits, not 8 or 9')$$,
    'the log''s rejects by line number, with the reason');
SELECT results_eq(
    $$SELECT position, problem, detail FROM mo_micro.reject
      WHERE delivery = 'person' ORDER BY position$$,
    $$VALUES (2::bigint, 'invalid identifier'::text, 'has 6 digits, not 8 or 9'::text),
             (3, 'duplicate identifier', NULL),
             (4, 'missing identifier', NULL),
             (5, 'invalid identifier', 'is all zeros')$$,
    'the register''s rejects by row, with the reason');
SELECT is((SELECT count(*) FROM mo_micro.person), 1::bigint,
          'one person taken in from the register');
SELECT is((SELECT rows FROM report WHERE step = 'pseudonymise' AND delivery = 'portal_log'),
          3::bigint, 'the step reports the lines it took in');
SELECT is((SELECT detail FROM report WHERE step = 'pseudonymise' AND delivery = 'portal_log'),
          '3 lines taken in, 3 rejected', 'and how many it rejected');
SELECT results_eq(
    $$SELECT rows, detail FROM report WHERE step = 'reject' AND delivery = 'portal_log'
      ORDER BY detail$$,
    $$VALUES (1::bigint, 'invalid identifier (fails the elfproef): line 2'::text),
             (1, 'invalid identifier (has 7 digits, not 8 or 9): line 5'),
             (1, 'missing identifier: line 3')$$,
    'the report names the rejected lines by position and reason');
SELECT is((SELECT count(*) FROM mo_micro.reject r
           JOIN mo_micro.hit h ON h.person = r.identifier), 0::bigint,
          'no reject''s identifier joins a hit: an invalid BSN never becomes a person''s pseudonym');
SELECT is((SELECT count(*) FROM mo_staging.portal_log) + (SELECT count(*) FROM mo_staging.person),
          0::bigint, 'staging is emptied, what was rejected is kept in mo_micro.reject');

SELECT * FROM finish();
ROLLBACK;

-- Reasons and reports that say what is the matter: a status with too many
-- digits is out of range, a negative epoch time does not fit (the line
-- does not end in it), and deciles over an empty register say "none".
BEGIN;
CREATE EXTENSION mo_usage;
SET search_path = mo_usage, public;
SET client_min_messages = warning;
SET timezone = 'UTC';
SELECT plan(5);

SELECT is((SELECT reason FROM parse_log_line(
               $$192.0.2.1 - - [17/May/2015:10:05:03 +0000] "GET /x HTTP/1.1" 99999999999 5 "-" "ua"$$)),
          'status is out of range at byte 62 (more than 3 digits)',
          'a status of 11 digits is out of range, not "not a number"');
SELECT is((SELECT reason FROM parse_log_line(
               $$192.0.2.1 - - [17/May/2015:10:05:03 +0000] "GET /x HTTP/1.1" 2x0 5 "-" "ua"$$)),
          'status is not a number at byte 62', 'a status with a letter is not a number');
SELECT is((SELECT reason FROM parse_log_line('192.0.2.1 -5', '%h %{sec}t')),
          'time does not fit the layout at byte 11',
          'an epoch time of -5 does not fit; the line does not end in it');
SELECT is((SELECT reason FROM parse_log_line('192.0.2.1 ', '%h %{sec}t')),
          'line ends in the time', 'a line that ends before the epoch time ends in it');

INSERT INTO mo_micro.source (name, time_zone, window_start, window_end)
VALUES ('portal', 'Europe/Amsterdam', '2017-02-05 23:00+00', '2017-02-06 23:00+00');
SELECT is((SELECT detail FROM derive_groups() WHERE delivery = 'household'),
          'deciles over 0 private households with a known income; boundaries none',
          'deciles over an empty register: boundaries none');

SELECT * FROM finish();
ROLLBACK;

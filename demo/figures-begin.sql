-- demo/figures-begin.sql: the published figures and an empty table of
-- results, for the scripts that set measured figures beside them
-- (demo/report.sql, demo/check-staging.sql; included with \ir).
--
-- Needs the psql variable study, the directory of published-figures.csv.
-- Makes two temporary tables: fig_pub (figure, grp, measure, value: every
-- line of the file) and fig_result, which the including script fills: a
-- row a measured figure, with its tolerance, or its verdict in ok when a
-- rule decides it; figure 'delivery' rows are shown without a verdict.

\set pubfile :study '/published-figures.csv'
\set pubtext `cat :'pubfile'`
CREATE TEMP TABLE fig_pub AS
SELECT f[1] AS figure, f[2] AS grp, f[3] AS measure, f[4] AS value
FROM regexp_split_to_table(:'pubtext', E'\n') WITH ORDINALITY AS l(line, n),
     regexp_match(line, '^([^,]*),([^,]*),([^,]*),([^,]*),') AS f
WHERE n > 1;

CREATE TEMP TABLE fig_result (
    sort      serial,
    figure    text,
    grp       text,
    measure   text,
    claim     text,         -- the published claim, when not in the file
    measured  numeric,
    tolerance numeric,      -- absolute; NULL: ok holds the rule's outcome
    shown     text,         -- the measured value in words
    ok        boolean
);

-- Secondary suppression, checked as a proof over many tables: whatever the
-- counts, primary cells are exactly those below k, published counts are the
-- true ones, no line has exactly one suppressed cell, and no suppressed
-- cell can be worked out from the published ones (each lies on a cycle of
-- suppressed cells).
BEGIN;
CREATE EXTENSION mo_usage;
SET search_path = mo_usage, public;
SET client_min_messages = warning;
SELECT plan(15);

-- 200 two-way tables of 1 to 6 rows and 1 to 6 columns, counts 0 to 61
-- with two in five below k = 10, one cell in ten missing.  Deterministic:
-- every number is a hash of its position.
CREATE TEMP TABLE spec AS
SELECT t, 1 + (hashint4(t) & 65535) % 6 AS nr,
       1 + (hashint4(t + 100000) & 65535) % 6 AS nc
FROM generate_series(1, 200) t;

CREATE TEMP TABLE grid AS
SELECT s.t, 'r' || r AS r, 'c' || c AS c,
       CASE WHEN (hashint4(s.t * 1000 + r * 31 + c + 7) & 65535) % 10 = 0
            THEN NULL
            ELSE ((hashint4(s.t * 1000 + r * 31 + c) & 65535) % 100) ^ 2 / 160
       END::bigint AS n
FROM spec s, generate_series(1, s.nr) r, generate_series(1, s.nc) c;

-- The true table with its totals: rows and columns are those with a count
-- somewhere, a missing cell among them counts 0.
CREATE TEMP TABLE truth AS
SELECT t, r, c, sum(coalesce(g.n, 0))::bigint AS n
FROM (SELECT DISTINCT t, r FROM grid WHERE n IS NOT NULL) rows_
JOIN (SELECT DISTINCT t, c FROM grid WHERE n IS NOT NULL) cols_ USING (t)
LEFT JOIN grid g USING (t, r, c)
GROUP BY t, CUBE (r, c);

CREATE TEMP TABLE result AS
SELECT a.t, s.*
FROM (SELECT t, array_agg(r ORDER BY r, c) AS r, array_agg(c ORDER BY r, c) AS c,
             array_agg(n ORDER BY r, c) AS n
      FROM grid WHERE n IS NOT NULL GROUP BY t) a,
     suppress_two_way(a.r, a.c, a.n, 10) s;

SELECT is((SELECT count(*) FROM result), (SELECT count(*) FROM truth),
          'two-way: one result row per cell of every table, totals included');

SELECT is_empty($$
    SELECT * FROM result x
    JOIN truth y ON y.t = x.t AND y.r IS NOT DISTINCT FROM x.row_label
                AND y.c IS NOT DISTINCT FROM x.col_label
    WHERE (x.reason IS NOT DISTINCT FROM 'primary') <> (y.n < 10)
       OR (x.suppressed AND x.count IS NOT NULL)
       OR (NOT x.suppressed AND x.count IS DISTINCT FROM y.n)
       OR x.suppressed IS DISTINCT FROM (x.reason IS NOT NULL)
$$, 'two-way: primary exactly below k, published counts true, suppressed never shown');

SELECT cmp_ok((SELECT count(*) FROM result WHERE reason = 'secondary'), '>', 100::bigint,
              'two-way: the tables need many secondary suppressions');

SELECT is_empty($$
    SELECT t, 'row', row_label FROM result GROUP BY t, row_label
    HAVING count(*) FILTER (WHERE suppressed) = 1
    UNION ALL
    SELECT t, 'column', col_label FROM result GROUP BY t, col_label
    HAVING count(*) FILTER (WHERE suppressed) = 1
$$, 'two-way: no row, column, total row or total column with exactly one suppressed cell');

-- A suppressed cell can be worked out exactly when it is a bridge: when,
-- without it, its row and its column are no longer joined by suppressed
-- cells.  This finds those cells in a table of (t, row_label, col_label).
CREATE FUNCTION pg_temp.derivable(cells regclass)
RETURNS TABLE (t integer, row_label text, col_label text)
LANGUAGE plpgsql AS $f$
BEGIN
    RETURN QUERY EXECUTE format($q$
        WITH RECURSIVE edge AS (
            SELECT e.t, e.row_label, e.col_label,
                   'r:' || coalesce(e.row_label, '*') AS a,
                   'c:' || coalesce(e.col_label, '*') AS b,
                   row_number() OVER () AS id
            FROM %s e),
        reach (t, id, v) AS (
            SELECT e.t, e.id, e.a FROM edge e
            UNION
            SELECT w.t, w.id, CASE WHEN x.a = w.v THEN x.b ELSE x.a END
            FROM reach w
            JOIN edge x ON x.t = w.t AND x.id <> w.id AND w.v IN (x.a, x.b))
        SELECT e.t, e.row_label, e.col_label FROM edge e
        WHERE NOT EXISTS (SELECT FROM reach w
                          WHERE w.t = e.t AND w.id = e.id AND w.v = e.b)
        ORDER BY 1, 2, 3 $q$, cells);
END
$f$;

-- The check finds a derivable cell where there is one: the nine cells
-- below k of this table leave two suppressed cells or more on every line,
-- yet r1c3 joins two otherwise separate groups.
CREATE TEMP TABLE bridged AS
SELECT 1 AS t, s.row_label, s.col_label, s.suppressed, s.reason
FROM suppress_two_way(
    '{r1,r1,r1,r1,r2,r2,r2,r2,r3,r3,r3,r3,r4,r4,r4,r4}',
    '{c1,c2,c3,c4,c1,c2,c3,c4,c1,c2,c3,c4,c1,c2,c3,c4}',
    '{3,4,2,30,5,6,20,11,25,40,7,8,50,60,9,1}', 10) s;
CREATE TEMP VIEW bridged_primary AS
SELECT t, row_label, col_label FROM bridged WHERE reason = 'primary';
CREATE TEMP VIEW bridged_all AS
SELECT t, row_label, col_label FROM bridged WHERE suppressed;

SELECT results_eq($$ SELECT * FROM pg_temp.derivable('bridged_primary') $$,
                  $$ VALUES (1, 'r1', 'c3') $$,
                  'the check finds r1c3 derivable from the cells below k alone');
SELECT is_empty($$ SELECT * FROM pg_temp.derivable('bridged_all') $$,
                'after suppression, nothing in that table is derivable');
SELECT results_eq($$ SELECT row_label, col_label FROM bridged WHERE reason = 'secondary' $$,
                  $$ VALUES ('r2', 'c4') $$,
                  'one secondary cell, the smallest that closes a cycle');

CREATE TEMP VIEW suppressed_cells AS
SELECT t, row_label, col_label FROM result WHERE suppressed;
SELECT is_empty($$ SELECT * FROM pg_temp.derivable('suppressed_cells') $$,
                'two-way: no suppressed cell can be worked out from the published cells');

-- Cells below k that protect each other need nothing more.
SELECT cmp_ok((SELECT count(*) FROM (
                   SELECT t FROM result GROUP BY t
                   HAVING count(*) FILTER (WHERE reason = 'primary') > 0
                      AND bool_and(reason IS DISTINCT FROM 'secondary')) x),
              '>', 0::bigint,
              'two-way: some tables need no secondary suppression at all');

-- 200 one-way tables of 1 to 8 cells, the total given in every other one.
CREATE TEMP TABLE list AS
SELECT t, 'l' || i AS label,
       (((hashint4(t * 100 + i) & 65535) % 100) ^ 2 / 160)::bigint AS n
FROM generate_series(1, 200) t,
     generate_series(1, 1 + (hashint4(t + 5000) & 65535) % 8) i;
CREATE TEMP TABLE list_truth AS
SELECT t, label, sum(n)::bigint AS n FROM list GROUP BY t, ROLLUP (label);
CREATE TEMP TABLE list_result AS
SELECT a.t, s.*
FROM (SELECT t, array_agg(label ORDER BY label) AS l, array_agg(n ORDER BY label) AS n
      FROM list_truth WHERE label IS NOT NULL OR t % 2 = 0 GROUP BY t) a,
     suppress_one_way(a.l, a.n, 10) s;

SELECT is((SELECT count(*) FROM list_result), (SELECT count(*) FROM list_truth),
          'one-way: one result row per cell and total');
SELECT is_empty($$
    SELECT * FROM list_result x
    JOIN list_truth y ON y.t = x.t AND y.label IS NOT DISTINCT FROM x.label
    WHERE (x.reason IS NOT DISTINCT FROM 'primary') <> (y.n < 10)
       OR (x.suppressed AND x.count IS NOT NULL)
       OR (NOT x.suppressed AND x.count IS DISTINCT FROM y.n)
$$, 'one-way: primary exactly below k, published counts true, suppressed never shown');
SELECT is_empty($$
    SELECT t FROM list_result GROUP BY t HAVING count(*) FILTER (WHERE suppressed) = 1
$$, 'one-way: no table with exactly one suppressed cell');
SELECT is_empty($$
    SELECT t FROM list_result GROUP BY t
    HAVING count(*) FILTER (WHERE reason = 'secondary') > 1
        OR (count(*) FILTER (WHERE reason = 'secondary') = 1
            AND count(*) FILTER (WHERE reason = 'primary') <> 1)
$$, 'one-way: a secondary cell only for a lone primary one, and then one');
SELECT is_empty($$
    SELECT x.t FROM list_result x JOIN list_truth y USING (t, label)
    WHERE x.reason = 'secondary'
      AND EXISTS (SELECT FROM list_result x2 JOIN list_truth y2 USING (t, label)
                  WHERE x2.t = x.t AND NOT x2.suppressed AND y2.n < y.n)
$$, 'one-way: the secondary cell is the smallest published one');

SELECT results_eq($$
    SELECT label, reason FROM suppress_one_way(
        array(SELECT 'l' || i FROM generate_series(1, 20000) i),
        array(SELECT i + 8::bigint FROM generate_series(1, 20000) i), 10)
    WHERE suppressed $$,
    $$ VALUES ('l1', 'primary'), ('l2', 'secondary') $$,
    'a one-way table of 20,000 cells: the 9 primary, the 10 secondary');

SELECT * FROM finish();
ROLLBACK;

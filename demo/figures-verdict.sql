-- demo/figures-verdict.sql: each figure of fig_result (demo/figures-begin.sql)
-- beside its published value, within its tolerance or not, then the count
-- of figures within tolerance.  Needs two psql variables: slack, every
-- numeric tolerance is widened that many times, and missing, what a
-- figure without a measured value shows.  Leaves fig_verdict for the
-- including script.

CREATE TEMP TABLE fig_verdict AS
SELECT r.*, p.value AS published,
       CASE WHEN r.tolerance IS NOT NULL
            THEN abs(r.measured - p.value::numeric) <= r.tolerance * :slack
            ELSE r.ok
       END AS within
FROM fig_result r
LEFT JOIN fig_pub p USING (figure, grp, measure);

\pset null ''
\pset footer off
SELECT figure, grp AS "group", measure,
       coalesce(published, claim) AS published,
       coalesce(shown, measured::text, :'missing') AS measured,
       CASE WHEN tolerance IS NOT NULL
            THEN '+- ' || round(tolerance * :slack, 2)
            WHEN figure = 'text' AND measure = 'mean_visit_seconds'
                 AND grp = 'all' THEN '180 .. 200'
       END AS tolerance,
       CASE WHEN figure = 'delivery' THEN ''
            WHEN within THEN 'yes'
            ELSE 'NO'
       END AS within
FROM fig_verdict
ORDER BY sort;

SELECT format('%s of %s figures within tolerance',
              count(*) FILTER (WHERE within), count(*)) AS summary
FROM fig_verdict
WHERE figure <> 'delivery';

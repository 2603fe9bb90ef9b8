// bench/duckdb.mjs DIR RUNS [GROUPS [FIRST]]: the columnar peer of the
// benchmark.
//
// Loads DIR/hit.csv (person, channel, time in microseconds since 1970, seq,
// event: the hits of mo_micro.hit other than technical requests) and
// DIR/household.csv (household, kind, standardised income as float8: every
// household of mo_micro.household, which the queries filter as PostgreSQL's
// do) into DuckDB tables in memory, untimed, then runs each
// query RUNS times in turn and prints one tab-separated line per run, as
// bench/steps writes them: group, formulation, answer class, run,
// milliseconds, answer, peak resident memory of this process (kB), and
// nothing for shared memory.  The answers are written as PostgreSQL writes
// them, so that bench/report can compare them.  DuckDB's version goes to
// DIR/duckdb-version.  GROUPS (names separated by spaces, as BENCH_GROUPS
// gives them) runs only the queries of those steps, and loads only the
// tables they read; by default, all.  FIRST numbers the first run (1), so
// that bench/steps can run one round at a time, each after PostgreSQL's.
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync, writeFileSync } from 'node:fs';

const [dir, runsArg, groupsArg, firstArg] = process.argv.slice(2);
const first = Number(firstArg ?? 1);
const wanted = groupsArg ? new Set(groupsArg.split(/\s+/).filter((g) => g)) : null;
const runs = Number(runsArg);
if (!dir || !(runs >= 1) || !(first >= 1)) {
    console.error('usage: node bench/duckdb.mjs DIR RUNS [GROUPS [FIRST]]');
    process.exit(2);
}

// As many threads as PostgreSQL's leader and workers: the machine's cores.
const db = await DuckDBInstance.create(':memory:', { threads: '2' });
const con = await db.connect();

async function one(sql) {
    const reader = await con.runAndReadAll(sql);
    const rows = reader.getRows();
    return rows.length ? String(rows[0][0]) : '';
}

function peakKb() {
    const m = readFileSync('/proc/self/status', 'utf8').match(/VmHWM:\s*(\d+)/);
    return m ? m[1] : '';
}

writeFileSync(`${dir}/duckdb-version`, `${await one('SELECT version()')}\n`);
const needs = (g) => !wanted || wanted.has(g);
if (needs('visits'))
    await con.run(`CREATE TABLE hit AS SELECT * FROM read_csv('${dir}/hit.csv', header = false,
        columns = {'person': 'BIGINT', 'channel': 'VARCHAR', 't': 'BIGINT', 'seq': 'BIGINT',
                   'event': 'VARCHAR'})`);
if (needs('deciles') || needs('assign')) {
    await con.run(`CREATE TABLE household AS SELECT * FROM read_csv('${dir}/household.csv',
        header = false, columns = {'household': 'BIGINT', 'kind': 'VARCHAR', 'income': 'DOUBLE'})`);
    // For comparison only: the incomes (whole euros in the demo) as integers,
    // which DuckDB's quantiles take a faster path for.
    await con.run(`CREATE TABLE income_bigint AS SELECT household, income::BIGINT AS income
        FROM household WHERE kind = 'private' AND income IS NOT NULL`);
}

// A list as PostgreSQL writes an array; whole numbers without ".0", as
// PostgreSQL writes a float8.
const list = (e) => `'{' || array_to_string(list_transform(${e}, x -> CASE
    WHEN x = trunc(x) AND abs(x) < 1e15 THEN x::BIGINT::VARCHAR ELSE x::VARCHAR END), ',') || '}'`;
const incomes = "FROM household WHERE kind = 'private' AND income IS NOT NULL";
const queries = [
    // The same rules as the lag() + sum() idiom in PostgreSQL (bench/steps).
    ['visits', 'DuckDB: lag() + running sum() idiom', 'visits', `
        SELECT count(*) || '|' || sum(pages) || '|' || sum(seconds)
        FROM (SELECT count(*) FILTER (WHERE event <> 'O') AS pages,
                     (max(t) - min(t)) // 1000000 AS seconds
              FROM (SELECT person, channel, t, event, starts,
                           sum(starts) OVER (PARTITION BY person, channel ORDER BY t, seq
                                             ROWS UNBOUNDED PRECEDING) AS visit
                    FROM (SELECT person, channel, t, seq, event,
                                 CASE WHEN lag(t) OVER w IS NULL OR lag(event) OVER w = 'O'
                                           OR t - lag(t) OVER w > 1800000000
                                           OR event = 'L'
                                      THEN 1 ELSE 0 END AS starts
                          FROM hit
                          WINDOW w AS (PARTITION BY person, channel ORDER BY t, seq)) a) b
              WHERE NOT (event = 'O' AND starts = 1)
              GROUP BY person, channel, visit) v`],
    ['deciles', 'DuckDB: quantile_disc(x, [0.1, ..., 0.9])', 'bounds', `
        SELECT ${list('quantile_disc(income, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])')}
        ${incomes}`],
    ['deciles', 'DuckDB: the same over the incomes as BIGINT (not the same input)', 'bounds', `
        SELECT ${list('quantile_disc(income, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])')}
        FROM income_bigint`],
    ['assign', 'DuckDB: quantile_disc() bounds + CASE', 'groups', `
        WITH b AS (SELECT quantile_disc(income, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]) AS b
                   ${incomes}),
        g AS (SELECT CASE ${[1, 2, 3, 4, 5, 6, 7, 8, 9]
                             .map((k) => `WHEN income <= b[${k}] THEN ${k}`).join(' ')}
                          ELSE 10 END AS g
              FROM household, b WHERE kind = 'private' AND income IS NOT NULL)
        SELECT ${list('list(n ORDER BY g)')} FROM (SELECT g, count(*) AS n FROM g GROUP BY g)`],
    ['assign', 'DuckDB: ntile(10) OVER (ORDER BY income)', 'ntile', `
        SELECT ${list('list(n ORDER BY g)')}
        FROM (SELECT g, count(*) AS n
              FROM (SELECT ntile(10) OVER (ORDER BY income) AS g ${incomes}) s
              GROUP BY g)`],
];

for (let run = first; run < first + runs; run++) {
    for (const [group, name, cmp, sql] of queries) {
        if (wanted && !wanted.has(group)) continue;
        const t0 = process.hrtime.bigint();
        const answer = await one(sql);
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        console.log([group, name, cmp, run, ms.toFixed(1), answer, peakKb(), ''].join('\t'));
    }
}

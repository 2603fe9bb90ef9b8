// bench/report.mjs SCALE RUNS DIR [PIPELINE_SCALE]: the benchmark's Markdown,
// from what bench/steps left in DIR (results.tsv, rows, pipeline-rows,
// version, settings, duckdb-version, loadavg-before, loadavg-after), and
// from BENCH_ALSO, directories earlier runs kept, for the steps this run
// did not measure.
//
// For each step: every formulation's median wall-clock time over its runs,
// the spread (fastest to slowest run), its time relative to the mo_usage
// formulation (the first of the step), the peak resident memory of the
// backend (VmHWM; for DuckDB, of its process), the part of it that is shared
// memory (PostgreSQL's buffers the backend touched), and whether its answers
// agree with the formulations they must agree with.  Then the targets, each
// a ratio of two medians, met or not.  The last line says whether every
// answer agreed: "answers: all agree" or "answers: FAILED in ...".
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

const [scale, runs, dir, pscaleArg] = process.argv.slice(2);
const pscale = pscaleArg ?? scale;
const read = (f) => {
    try { return readFileSync(`${dir}/${f}`, 'utf8').trim(); } catch { return ''; }
};

const groups = [
    ['pipeline', 'The whole pipeline, staging to every published table'],
    ['pseudonyms', 'Pseudonymising every identifier (persons\' BSNs, household numbers, log lines)'],
    ['visits', 'Hits to visits'],
    ['deciles', 'Decile boundaries of household income (unweighted)'],
    ['deciles_weighted', 'Decile boundaries weighted by persons (the income convention)'],
    ['assign', 'Decile assignment of every private household with a known income'],
    ['ktable', 'The k-anonymous table: week users by age group × sex × decile, k = 10'],
    ['parse', 'Parsing combined-format log lines'],
];

// target: [group, subject, peer (or a list: the fastest of them), at most, text]
const targets = [
    ['pseudonyms', 'mo_usage.pseudonym()', ['pgcrypto hmac(id, key, \'sha256\') alone'], 1 / 4,
     'pseudonyms at most 1/4 of pgcrypto\'s hmac()'],
    ['pseudonyms', 'mo_usage.pseudonym()', ['pgcrypto hmac(), the same pseudonym'], 1 / 4,
     'pseudonyms at most 1/4 of pgcrypto computing the same pseudonym'],
    ['visits', 'mo_usage.hit_trail() + visit_summary()', ['DuckDB: lag() + running sum() idiom'], 1,
     'visits no slower than DuckDB\'s lag/sum'],
    ['visits', 'mo_usage.hit_trail() + visit_summary()', ['lag() + running sum() idiom'], 1 / 6,
     'visits at most 1/6 of the lag/sum idiom in PostgreSQL'],
    ['deciles', 'mo_usage.quantile_bounds(x, 10)', ['DuckDB: quantile_disc(x, [0.1, ..., 0.9])'], 1,
     'decile boundaries no slower than DuckDB\'s quantile_disc'],
    ['assign', 'mo_usage.quantile_group() against quantile_bounds()',
     ['DuckDB: ntile(10) OVER (ORDER BY income)'], 1,
     'decile assignment no slower than DuckDB\'s ntile(10)'],
    ['ktable', 'mo_usage.person_set_agg() + k_suppress(count(*))',
     ['plain: distinct users first, joins, count(*), CASE',
      'plain: persons WHERE EXISTS (hit), count(*), CASE'], 1 / 2,
     'k-anonymous table at most 1/2 of the best plain SQL'],
    ['parse', 'mo_usage.parse_log_line()', ['regexp_match() with a combined-log pattern'], 1 / 5,
     'parsing at most 1/5 of regexp_match'],
    ['pipeline', 'mo_usage.run_pipeline()', ['plain-SQL pipeline (bench/plain-pipeline.sql)'], 1 / 3,
     'whole pipeline at most 1/3 of the plain-SQL pipeline'],
];

// group -> variant -> { cmp, runs: [{ms, answer, peak, shared}] }, in order
const data = new Map();
function load(text, only) {
    for (const line of text.split('\n')) {
        if (!line) continue;
        const [group, variant, cmp, , ms, answer, peak, shared] = line.split('\t');
        if (only && !only(group)) continue;
        if (!data.has(group)) data.set(group, new Map());
        const g = data.get(group);
        if (!g.has(variant)) g.set(variant, { cmp, runs: [] });
        g.get(variant).runs.push({ ms: Number(ms), answer, peak: Number(peak),
                                   shared: Number(shared) });
    }
}
load(read('results.tsv'));

// BENCH_ALSO: directories that earlier runs kept (bench/steps, BENCH_KEEP),
// separated by ':'; the steps of each that no run before it in the list
// (this one first) measured are reported along, said so.
const also = (process.env.BENCH_ALSO ?? '').split(':').filter((d) => d);
const readIn = (d, f) => {
    try { return readFileSync(`${d}/${f}`, 'utf8').trim(); } catch { return ''; }
};
const alsoRuns = [];
for (const d of also) {
    const before = new Set(data.keys());
    load(readIn(d, 'results.tsv'), (g) => !before.has(g));
    const added = [...data.keys()].filter((g) => !before.has(g));
    if (added.length) alsoRuns.push({ dir: d, groups: added });
}

const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const n = s.length;
    return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const sec = (ms) => (ms / 1000).toFixed(ms < 10000 ? 2 : 1);
const mb = (kb) => (kb > 0 ? (kb / 1024).toFixed(0) : '–');
const med = (g, v) => median(data.get(g).get(v).runs.map((r) => r.ms));

// The answers: formulations of one class must all give one answer in every
// run; "f1:CLASS" must give the first field of CLASS's answer.
const failed = [];
function check(group, variant) {
    const g = data.get(group);
    const v = g.get(variant);
    if (v.cmp === '-') return 'not compared';
    const f1 = v.cmp.startsWith('f1:');
    const cls = f1 ? v.cmp.slice(3) : v.cmp;
    const peers = [...g.entries()].filter(([, w]) => w.cmp === cls);
    const mine = new Set(v.runs.map((r) => r.answer));
    if (mine.size !== 1 || [...mine][0] === '') return 'FAILED: no single answer';
    const want = new Set(peers.flatMap(([, w]) => w.runs.map((r) =>
        f1 ? r.answer.split('|')[0] : r.answer)));
    const got = [...mine][0];
    if (want.size === 1 && [...want][0] === got) {
        // those that compare their first field with this class count too
        const others = [...g.entries()]
            .filter(([n, w]) => n !== variant && (w.cmp === cls || w.cmp === `f1:${cls}`));
        if (f1) return `same count as ${others.length ? 'the others' : cls}`;
        return others.length ? 'same' : 'one answer (nothing to compare with)';
    }
    return 'FAILED: differs';
}

const out = [];
const p = (s = '') => out.push(s);
const cpu = cpus()[0]?.model ?? 'unknown';
p('# Benchmarks');
p();
const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
const command = (process.env.BENCH_GROUPS ? `BENCH_GROUPS='${process.env.BENCH_GROUPS}' ` : '')
    + `bench/run ${scale} ${runs}${pscale === scale ? '' : ` ${pscale}`}`;
p(`Written by \`${command}\` on ${when} UTC: the demo week at scale ${scale}`
  + (pscale === scale ? '' : ` (the whole pipeline at scale ${pscale})`)
  + `, ${runs} run${runs === '1' ? '' : 's'} of every formulation,`
  + ' in turn (one run of each, then the next round).');
p();
p(`- Rows at scale ${scale}: ${read('rows') || 'not counted yet'}.`);
if (read('pipeline-rows')) p(`- Rows of the pipeline at scale ${pscale}: ${read('pipeline-rows')}.`);
for (const { dir: d, groups: gs } of alsoRuns) {
    const ac = readIn(d, 'command');
    const ascale = ac.split(' ').pop();
    if (gs.includes('pipeline') && readIn(d, 'pipeline-rows')) {
        p(`- Rows of the pipeline at scale ${ascale}: ${readIn(d, 'pipeline-rows')}.`);
    }
    p(`- Measured in an earlier run, reported along: ${gs.join(', ')}, by \`${ac}\``
      + ` at commit ${readIn(d, 'commit') || 'unknown'}, ${readIn(d, 'when')} UTC, `
      + (readIn(d, 'settings') === read('settings') ? 'the same server settings'
          : `server settings ${readIn(d, 'settings').split('\n').join(', ') || 'not kept'}`)
      + `; load average before ${readIn(d, 'loadavg-before')}, after`
      + ` ${readIn(d, 'loadavg-after')}.`);
}
p(`- Machine: ${cpus().length} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB of memory;`
  + ` load average before ${read('loadavg-before')}, after ${read('loadavg-after')}.`);
p(`- ${read('version')}.`);
p(`- Settings: ${read('settings').split('\n').join(', ')}.`);
p(`- DuckDB ${read('duckdb-version')} (npm \`@duckdb/node-api\`), 2 threads, tables in memory`
  + ' loaded from CSV exported by PostgreSQL (loading not timed).');
p();
p('Times are wall clock, from the query\'s start to its end in the server (DuckDB: in its'
  + ' process); a median of the runs, with the fastest and slowest run. "× mo_usage" is the'
  + ' formulation\'s median over the mo_usage formulation\'s (the first of each step). "Peak" is'
  + ' the highest resident memory of the backend (VmHWM from /proc; parallel workers not'
  + ' included; for DuckDB the whole process, its tables included) and "shared" the part of it'
  + ' that is PostgreSQL\'s shared buffers (RssShmem). "Answer" says whether the formulation'
  + ' gave the same answer as the others it is compared with, in every run.');
p();

for (const [group, title] of groups) {
    if (!data.has(group)) continue;
    const g = data.get(group);
    const subject = [...g.keys()][0];
    const base = med(group, subject);
    p(`## ${title}`);
    p();
    p('| formulation | median s | min–max s | × mo_usage | peak MB | shared MB | answer |');
    p('|---|---:|---:|---:|---:|---:|---|');
    for (const [variant, v] of g) {
        const ms = v.runs.map((r) => r.ms);
        const c = check(group, variant);
        if (c.startsWith('FAILED')) failed.push(`${group} / ${variant}`);
        p(`| ${variant} | ${sec(median(ms))} | ${sec(Math.min(...ms))}–${sec(Math.max(...ms))}`
          + ` | ${(median(ms) / base).toFixed(2)} | ${mb(Math.max(...v.runs.map((r) => r.peak)))}`
          + ` | ${mb(Math.max(...v.runs.map((r) => r.shared)))} | ${c} |`);
    }
    p();
}

p('## Targets');
p();
p('| target | mo_usage s | peer s | ratio | at most | met |');
p('|---|---:|---:|---:|---:|---|');
for (const [group, subject, peers, most, text] of targets) {
    const g = data.get(group);
    if (!g || !g.has(subject) || !peers.every((x) => g.has(x))) {
        p(`| ${text} | | | | ${most.toFixed(2)} | not measured |`);
        continue;
    }
    const s = med(group, subject);
    const peer = Math.min(...peers.map((x) => med(group, x)));
    const ratio = s / peer;
    const bad = failed.some((f) => f.startsWith(`${group} / `));
    p(`| ${text} | ${sec(s)} | ${sec(peer)} | ${ratio.toFixed(3)} | ${most.toFixed(3)}`
      + ` | ${bad ? 'FAILED (answers differ)' : ratio <= most ? 'yes' : 'no'} |`);
}
p();
p('## Answers');
p();
p('What each class of formulations answered (first run), to compare by eye: visits as'
  + ' visits|pages|seconds, boundaries and group sizes as arrays, cells and parses and'
  + ' published tables as counts and MD5 checksums.');
p();
p('| step | class | formulations | answer |');
p('|---|---|---:|---|');
for (const [group] of groups) {
    if (!data.has(group)) continue;
    const seen = new Map();
    for (const [, v] of data.get(group)) {
        const cls = v.cmp.replace(/^f1:/, '') + (v.cmp.startsWith('f1:') ? ' (count)' : '');
        if (!seen.has(cls)) seen.set(cls, { n: 0, answer: v.runs[0].answer });
        seen.get(cls).n++;
    }
    for (const [cls, { n, answer }] of seen) {
        const a = answer.length > 160 ? `${answer.slice(0, 157)}...` : answer;
        p(`| ${group} | ${cls} | ${n} | \`${a.replace(/\|/g, '\\|')}\` |`);
    }
}
p();
p(failed.length ? `answers: FAILED in ${failed.join('; ')}` : 'answers: all agree');
console.log(out.join('\n'));

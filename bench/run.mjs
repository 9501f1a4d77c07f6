/**
 * `npm run bench` (-- --quick): every benchmark of issues 8 and 11 against the
 * compiled program in dist/, all on 127.0.0.1, each figure a median of
 * several runs next to a baseline measured in the same run. Progress goes to
 * stderr, the one table to stdout; results are also kept in bench/results/.
 *
 * Options: --quick (a few minutes), --only=poll,store,start,serving,classify,rebuild, --seed=N,
 * --poll-postgres (under node --import tsx: every poll also on a throwaway PostgreSQL, beside the JSON store),
 * --poll-sizes=200,1000 and --poll-runs=N (a subset of the poll plan), --poll-in-thread (each cold
 * poll also with FEEDKURATOR_READ_THREADS=0, to compare the worker pool with reading in the main thread)
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeRunDir } from './lib/bench-config.mjs';
import { startFixtureServer } from './lib/fixture-server.mjs';
import { buildRows, renderTable } from './lib/table.mjs';
import { benchClassify, benchNormalize } from './suites/classify.mjs';
import { buildGoalRows } from './suites/goal-rows.mjs';
import { benchLatencyDuringRebuild, benchRebuildAfterChange, benchRulesEdit, benchStoreFlush, benchWarmPollWrite } from './suites/goals.mjs';
import { benchPoll } from './suites/poll.mjs';
import { benchServeStart, benchServing } from './suites/serve.mjs';
import { buildStores } from './suites/store.mjs';

const PLANS = {
  full: {
    poll: [
      { size: 50, runs: 5 },
      { size: 200, runs: 7 },
      // Five, not three: three runs of the floor at this size spread 4.3-5.3 s in one run, too few for a median.
      { size: 1000, runs: 5 },
    ],
    storeSizes: [20_000],
    storeRuns: 5,
    warmWriteRuns: 3,
    startSizes: [20_000, 50_000],
    startRuns: 3,
    servingSize: 20_000,
    serving: { runs: 3, seconds: 5, warmupSeconds: 1, scenarios: ['gzip', 'identity', 'notModified'] },
    latency: { runs: 3, seconds: 6 },
    classify: { sources: 60, rounds: 7 },
    rebuild: { size: 20_000, rounds: 5 },
    rulesEdit: { sizes: [20_000, 50_000], rounds: 5 },
  },
  quick: {
    poll: [{ size: 50, runs: 3 }],
    storeSizes: [3_000],
    storeRuns: 2,
    warmWriteRuns: 2,
    startSizes: [3_000],
    startRuns: 2,
    servingSize: 3_000,
    serving: { runs: 2, seconds: 1, warmupSeconds: 0, scenarios: ['gzip', 'notModified'] },
    latency: { runs: 1, seconds: 4 },
    classify: { sources: 20, rounds: 3 },
    rebuild: { size: 3_000, rounds: 2 },
    rulesEdit: { sizes: [3_000], rounds: 2 },
  },
};

const args = process.argv.slice(2);
const mode = args.includes('--quick') ? 'quick' : 'full';
const only = args.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const seed = Number(args.find((a) => a.startsWith('--seed='))?.slice(7) ?? 1);
const wanted = (name) => !only || only.includes(name);
const plan = PLANS[mode];
const pollSizes = args.find((a) => a.startsWith('--poll-sizes='))?.slice(13).split(',').map(Number);
const pollRuns = Number(args.find((a) => a.startsWith('--poll-runs='))?.slice(12) ?? 0);
const pollInThread = args.includes('--poll-in-thread');
// --poll-postgres: the same polls on PostgreSQL too (a throwaway cluster; run under `node --import tsx`).
const pollCluster = args.includes('--poll-postgres') ? await (await import('../tests/helpers/postgres.ts')).startPostgresCluster() : undefined;
const pollPostgres = pollCluster && {
  createDatabase: () => pollCluster.createDatabase('poll'),
  // The database's own counters; PostgreSQL publishes a backend's counters when it ends (the CLI exits first).
  stats: async (url) => {
    const name = new URL(url).pathname.slice(1);
    await new Promise((resolve) => setTimeout(resolve, 700));
    const res = await pollCluster.query(name, `SELECT xact_commit AS transactions, tup_returned + tup_fetched AS rows_read,
      tup_inserted + tup_updated + tup_deleted AS rows_written, blks_hit + blks_read AS blocks, temp_bytes
      FROM pg_stat_database WHERE datname = current_database()`);
    return res.rows[0];
  },
};
if (pollSizes) plan.poll = pollSizes.map((size) => ({ size, runs: plan.poll.find((p) => p.size === size)?.runs ?? 3 }));
if (pollRuns > 0) plan.poll = plan.poll.map((p) => ({ ...p, runs: pollRuns }));
// Whole hours: the generated dates move with the clock (retention must keep them) but not within a run.
const anchor = Math.floor(Date.now() / 3_600_000) * 3_600_000;
const started = performance.now();
const log = (line) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);

const machine = {
  cpus: availableParallelism(),
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryGb: Math.round(totalmem() / 1024 ** 3),
  node: process.version,
  kernel: release(),
  // Other work on the machine skews every number; the table says how busy it was.
  loadAtStart: loadavg()[0],
};
log(`feedkurator bench, ${mode} mode: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGb} GB, Node ${machine.node}`);

const workDir = makeRunDir('work');
const fixture = await startFixtureServer({ seed, anchor });
const results = { mode, seed, machine, date: new Date().toISOString() };
const failures = [];

async function section(name, fn) {
  try {
    await fn();
  } catch (err) {
    failures.push(`${name}: ${err.message}`);
    log(`${name} FAILED: ${err.message}`);
  }
}

try {
  if (wanted('poll')) {
    results.poll = [];
    for (const { size, runs } of plan.poll) {
      await section(`poll ${size}`, async () => results.poll.push(await benchPoll({ fixture, size, runs, log, inThread: pollInThread, postgres: pollPostgres })));
    }
    await pollCluster?.stop();
  }
  const sizes = [...new Set([...(wanted('store') ? plan.storeSizes : []), ...(wanted('start') ? plan.startSizes : []), ...(wanted('serving') ? [plan.servingSize] : []), ...(wanted('rebuild') ? [plan.rebuild.size, ...plan.rulesEdit.sizes] : [])])];
  let stores = new Map();
  if (sizes.length > 0) await section('store build', async () => (stores = await buildStores({ dir: workDir, sizes, seed, anchor, log })));
  const storeOf = (size) => {
    const store = stores.get(size);
    if (!store) throw new Error(`no store of ${size} articles (its build failed)`);
    return store;
  };

  // Issue 11's goal rows (a second table); the cold poll rows above stay in the main table.
  const goals = (results.goals = {});
  if (wanted('store')) {
    await section('warm poll write', async () => {
      const sourceCount = storeOf(plan.storeSizes[0]).sources;
      goals.warmWrite = await benchWarmPollWrite({ dir: workDir, fixture, sourceCount, runs: plan.warmWriteRuns, log });
    });
    goals.storeFlush = [];
    for (const size of plan.storeSizes) {
      await section(`store write ${size}`, async () => goals.storeFlush.push(await benchStoreFlush({ dir: workDir, store: storeOf(size), runs: plan.storeRuns, seed, anchor, log })));
    }
  }
  if (wanted('start')) {
    goals.serveStart = [];
    for (const size of plan.startSizes) {
      await section(`serve start ${size}`, async () => {
        goals.serveStart.push(await benchServeStart({ dir: workDir, store: storeOf(size), runs: plan.startRuns, log }));
      });
    }
  }
  if (wanted('serving')) {
    await section('serving', async () => {
      results.serving = await benchServing({ dir: workDir, store: storeOf(plan.servingSize), ...plan.serving, log });
    });
    await section('latency during rebuilds', async () => {
      goals.latency = await benchLatencyDuringRebuild({ dir: workDir, store: storeOf(plan.servingSize), fixture, ...plan.latency, seed, anchor, log });
    });
  }
  if (wanted('classify')) {
    await section('classification', async () => {
      results.classify = await benchClassify({ ...plan.classify, seed, anchor, log });
    });
    await section('normalize', async () => {
      results.normalize = await benchNormalize({ ...plan.classify, seed, anchor, log });
    });
  }
  if (wanted('rebuild')) {
    await section('rebuild', async () => {
      goals.rebuild = await benchRebuildAfterChange({ dir: workDir, store: storeOf(plan.rebuild.size), rounds: plan.rebuild.rounds, seed, anchor, log });
    });
    goals.rulesEdit = [];
    for (const size of plan.rulesEdit.sizes) {
      await section(`rules edit ${size}`, async () => goals.rulesEdit.push(await benchRulesEdit({ dir: workDir, store: storeOf(size), rounds: plan.rulesEdit.rounds, log })));
    }
  }
} finally {
  await fixture.close();
  rmSync(workDir, { recursive: true, force: true });
}

results.failures = failures;
results.seconds = Math.round((performance.now() - started) / 1000);
machine.loadAtEnd = loadavg()[0];
const table = `${renderTable(buildRows(results))}\n**Issue 11 goals** (an engine whose cost follows the change):\n\n${renderTable(buildGoalRows(results.goals))}`;
const notes = [
  ...failures.map((f) => `FAILED ${f}`),
  ...(results.poll ?? []).flatMap((p) => p.problems.map((problem) => `poll ${p.size}: ${problem}`)),
  ...[results.goals.warmWrite, results.goals.latency].flatMap((g) => g?.problems ?? []),
];
const footer = `\n${mode} run, ${results.seconds} s, seed ${seed}; ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGb} GB RAM, Node ${machine.node}, Linux ${machine.kernel}; 1-min load average ${machine.loadAtStart.toFixed(1)} at start, ${machine.loadAtEnd.toFixed(1)} at end\n${notes.map((n) => `- ${n}\n`).join('')}`;
process.stdout.write(`\n${table}${footer}`);

const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(resultsDir, { recursive: true });
// A subset (--only) must not overwrite the last complete run's record.
const name = only || pollSizes || pollRuns ? `${mode}-partial` : mode;
writeFileSync(join(resultsDir, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(resultsDir, `${name}.md`), `${table}${footer}`);
process.exitCode = failures.length > 0 ? 1 : 0;

/**
 * Rebuild after a rules edit, the way `serve` does it: a started Daemon
 * (curation loaded, publication built), then Daemon.applyConfig with topic
 * rules it has never seen (a new term each round, so no stored topics
 * apply and the whole store is classified again). Measured: the time to the
 * new publication served (swapMs: the daemon's lastRebuildMs, from
 * applyConfig's start; a rules edit serves it once the newest articles are
 * classified), applyConfig's wall time (until every article's topics are
 * stored and the publication compressed) and the longest event-loop block
 * meanwhile (perf_hooks.monitorEventLoopDelay max):
 * the latency a request arriving during the rebuild may see at worst.
 * Baseline in the same process: the old engine's way, every stored article
 * classified with the new rules in one synchronous pass — the classification
 * floor, blocking the event loop for all of it.
 *
 * The copied store has no word filters on disk (src/curate/words-file.ts):
 * the first edit reads every text and writes them (firstEverApplyMs). After
 * the rounds and an edit adding a term most texts hold (commonTermMs), the
 * daemon is stopped and started again on the same files, and one more edit
 * is timed: the first edit after a restart (firstApplyMs), which the
 * filters written by the first run spare.
 *
 * Usage: node rules-edit.mjs CONFIG STORE_PATH WORK_DIR ROUNDS (steady rounds, after the first edit)
 * Prints {"articles":N,"applyMs":[…],"swapMs":[…],"blockMs":[…],"baselineMs":[…],"startMs":N,"firstEverApplyMs":N,
 *   "firstEverSwapMs":N,"commonTermMs":N,"commonSwapMs":N,"commonBlockMs":N,"firstApplyMs":N,"firstSwapMs":N,"firstBlockMs":N, …}.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startBlockMonitor } from '../lib/block-probe.mjs';
import { importDist } from '../lib/dist.mjs';
import { copyStore } from './store-files.mjs';

const [configFile, storePath, workDir, roundsArg] = process.argv.slice(2);
const { loadConfig } = await importDist('config/load.js');
const { Daemon, rulesFor } = await importDist('daemon/daemon.js');
const { openStore } = await importDist('store/open-store.js');
const { createLogger } = await importDist('log/logger.js');

mkdirSync(workDir, { recursive: true });
const base = loadConfig({ configPath: configFile, env: {} });
const config = { ...base, storePath: copyStore(storePath, workDir) };
let store = await openStore(config);
let daemon = new Daemon({ config, store, logger: createLogger({ level: 'warn', destination: 'stderr' }) });
let t = performance.now();
await daemon.start();
await daemon.settled();
const result = { startMs: performance.now() - t, articles: daemon.articleCount, applyMs: [], blockMs: [], baselineMs: [] };

// The first edit on these files reads every text (no word filters written yet; see
// src/curate/words-by-day.ts): reported apart, not in the median of the steady rounds.
{
  const edit = await timedEdit(withEditedRules(config, 0));
  result.firstEverApplyMs = edit.ms;
  result.firstEverSwapMs = edit.swapMs;
  result.firstEverBlockMs = edit.blockMs;
}
for (let round = 1; round <= Number(roundsArg); round++) {
  const next = withEditedRules(config, round);
  const edit = await timedEdit(next);
  result.applyMs.push(edit.ms);
  (result.swapMs ??= []).push(edit.swapMs);
  result.blockMs.push(edit.blockMs);
  (result.blockCpuMs ??= []).push(edit.blockCpuMs);
  (result.cpuMs ??= []).push(edit.cpuMs);

  const { classifier } = rulesFor(withEditedRules(config, round + 1000));
  const batches = [];
  for await (const batch of store.streamArticles(2_000)) batches.push(batch);
  t = performance.now();
  for (const batch of batches) for (const a of batch) classifier.classify({ title: a.title, summary: a.summary, content: a.content, sources: a.sources.map((s) => s.name) });
  result.baselineMs.push(performance.now() - t);
}
// Later edits read only the days that may hold a changed term. An added term that most texts hold
// ("entwickler") is read everywhere: its cost is reported apart.
const common = withTerm(config, 'entwickler');
{
  const edit = await timedEdit(common);
  result.commonTermMs = edit.ms;
  result.commonSwapMs = edit.swapMs;
  result.commonBlockMs = edit.blockMs;
  result.commonBlockCpuMs = edit.blockCpuMs;
  result.commonCpuMs = edit.cpuMs;
}
// A restart on the same files: the first edit finds the filters the first run wrote.
await daemon.close();
await store.close();
store = await openStore(config);
daemon = new Daemon({ config: common, store, logger: createLogger({ level: 'warn', destination: 'stderr' }) });
await daemon.start();
await daemon.settled();
{
  const edit = await timedEdit(withTerm(common, 'benchrestart'));
  result.firstApplyMs = edit.ms;
  result.firstSwapMs = edit.swapMs;
  result.firstBlockMs = edit.blockMs;
  result.firstBlockCpuMs = edit.blockCpuMs;
  result.firstCpuMs = edit.cpuMs;
}
await daemon.close();
await store.close();
rmSync(workDir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify(result)}\n`);

/** The same config with one more include term in the first topic: new rules, new fingerprint. */
function withEditedRules(cfg, round) {
  return withTerm(cfg, `benchterm${round}`);
}

function withTerm(cfg, term) {
  const [[name, topic], ...rest] = Object.entries(cfg.topics);
  return { ...cfg, topics: Object.fromEntries([[name, { ...topic, include: [...topic.include, term] }], ...rest]) };
}

/**
 * applyConfig's wall time, the longest event-loop block meanwhile, and the
 * main thread's CPU time in the longest block (what an idle machine would
 * see: on a shared one a block's wall time includes other processes' turns).
 */
async function timedEdit(next) {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const monitor = startBlockMonitor({ thresholdMs: 5 });
  const cpu = process.cpuUsage();
  const started = performance.now();
  await daemon.applyConfig(next);
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  delay.disable();
  const blocks = monitor.stop();
  await daemon.settled();
  // The new publication is served from its swap on: the daemon's rebuild timings count from applyConfig's start to it.
  return { ms, swapMs: daemon.lastRebuildMs, blockMs: delay.max / 1e6, blockCpuMs: blocks.cpuMs, cpuMs: (used.user + used.system) / 1000 };
}

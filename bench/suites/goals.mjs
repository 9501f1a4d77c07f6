/**
 * The goals of issue 11 (an engine whose cost follows the change), each
 * measured against a baseline from the same run:
 *   warm poll bytes written      `poll` CLI, all sources 304, vs the store's total bytes
 *   store write, 1 % new         tasks/store-flush.mjs: flush() vs stringify + writeFile of the whole store
 *   /feed.xml p99 under rebuild  `serve` under autocannon during a rules edit / a poll with new articles vs no rebuild
 *   rebuild after a 1 % change   tasks/rebuild.mjs: Daemon.publishCycle until the swap vs the `feed` library alone
 *   rebuild after a rules edit   tasks/rules-edit.mjs: Daemon.applyConfig, longest event-loop block, vs classify-all
 * (`serve` start and idle RSS are in serve.mjs, the cold poll in poll.mjs.)
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import YAML from 'yaml';
import { writeBenchConfig } from '../lib/bench-config.mjs';
import { generateSource } from '../lib/generate-feeds.mjs';
import { CLI, runMeasured, sleep } from '../lib/processes.mjs';
import { median } from '../lib/stats.mjs';
import { measureStoreDir } from '../tasks/store-files.mjs';
import { startServe } from './serve.mjs';

const task = (name) => fileURLToPath(new URL(`../tasks/${name}.mjs`, import.meta.url));
// Generated sources at these indices were never merged into a bench store: their articles are new.
const NEW_SOURCES = { flush: 200_000, rebuild: 300_000, serve: 400_000 };

/** A first `poll` of the sources behind a store of this size, then warm polls (all 304): bytes the store wrote. */
export async function benchWarmPollWrite({ dir, fixture, sourceCount, runs, log }) {
  const runDir = join(dir, 'warm-write');
  const { file, storePath } = benchConfigIn(runDir, { sources: fixture.sources(sourceCount) });
  const cold = await runMeasured(CLI, ['poll', '--json', '--config', file], { env: { LOG_LEVEL: 'warn' } });
  const coldSummary = JSON.parse(cold.stdout);
  const samples = [];
  for (let run = 0; run < runs; run++) {
    const before = mtimes(runDir);
    const res = await runMeasured(CLI, ['poll', '--json', '--config', file], { env: { LOG_LEVEL: 'info' } });
    const summary = JSON.parse(res.stdout);
    const finished = res.stderr.split('\n').filter((l) => l.includes('poll cycle finished')).map((l) => JSON.parse(l)).pop();
    if (!finished || typeof finished.bytesWritten !== 'number') throw new Error('the warm poll logged no "poll cycle finished" line with bytesWritten');
    const after = mtimes(runDir);
    // Replaced store files; a `.bak` is a hard link to the file replaced, no data written.
    const changed = [...after].filter(([f, m]) => before.get(f) !== m && f.endsWith('.json')).map(([f]) => f);
    const store = measureStoreDir(storePath);
    samples.push({ bytesWritten: finished.bytesWritten, storeBytes: store.bytes, files: store.files, changed, notModified: summary.notModified, wallMs: res.wallMs });
    log(`warm poll ${sourceCount} sources, run ${run + 1}/${runs}: ${finished.bytesWritten} bytes written of ${store.bytes} (${changed.join(', ')})`);
  }
  rmSync(runDir, { recursive: true, force: true });
  const problems = [];
  if (samples.some((s) => s.notModified !== sourceCount)) problems.push(`warm poll: not every source answered 304 (${samples.map((s) => s.notModified).join(', ')} of ${sourceCount})`);
  return {
    sources: sourceCount,
    articles: coldSummary.new,
    bytesWritten: median(samples.map((s) => s.bytesWritten)),
    storeBytes: median(samples.map((s) => s.storeBytes)),
    files: samples[0].files,
    changedFiles: samples[0].changed,
    problems,
  };
}

function benchConfigIn(dir, options) {
  mkdirSync(dir, { recursive: true });
  return writeBenchConfig(dir, options);
}

function mtimes(dir) {
  return new Map(readdirSync(dir).map((name) => [name, statSync(join(dir, name)).mtimeMs]));
}

/** Store write after merging 1 % new articles: flush() vs the whole store stringified and written, each in its own process. */
export async function benchStoreFlush({ dir, store, runs, seed, anchor, log }) {
  const { file } = benchConfigIn(join(dir, 'flush-config'), { sources: [] });
  const samples = { feedkurator: [], baseline: [] };
  for (let run = 0; run < runs; run++) {
    for (const mode of run % 2 === 0 ? ['feedkurator', 'baseline'] : ['baseline', 'feedkurator']) {
      const res = await runMeasured(task('store-flush'), [mode, store.storePath, join(dir, `flush-${mode}`), file, String(NEW_SOURCES.flush), String(seed), String(anchor)]);
      samples[mode].push({ ...JSON.parse(res.stdout.trim().split('\n').pop()), rssKb: res.maxRssKb });
    }
    const f = samples.feedkurator.at(-1);
    const c = f.changes;
    log(`store write ${store.articles} + ${f.newArticles} new, run ${run + 1}/${runs}: flush ${Math.round(f.writeMs)} ms, ${f.bytes} bytes in ${f.files} files vs ${Math.round(samples.baseline.at(-1).writeMs)} ms whole store; the merge wrote ${c.new} new, ${c.text} with new text, ${c.headOnly} head only, over ${c.days} days`);
  }
  rmSync(join(dir, 'flush-config'), { recursive: true, force: true });
  const med = (mode, key) => median(samples[mode].map((s) => s[key]));
  return {
    articles: store.articles,
    newArticles: samples.feedkurator[0].newArticles,
    storeBytes: samples.feedkurator[0].storeBytes,
    feedkurator: { writeMs: med('feedkurator', 'writeMs'), mergeMs: med('feedkurator', 'mergeMs'), bytes: med('feedkurator', 'bytes'), files: med('feedkurator', 'files'), written: samples.feedkurator[0].written, changes: samples.feedkurator[0].changes },
    baseline: { writeMs: med('baseline', 'writeMs'), bytes: med('baseline', 'bytes') },
  };
}

/**
 * Rebuild after a 1 % change on a warm daemon: from taking the cycle's
 * articles in to the new publication swapped in (story clustering and
 * compression included), its parts, and the longest event-loop block.
 */
export async function benchRebuildAfterChange({ dir, store, rounds, seed, anchor, log }) {
  const { file } = benchConfigIn(join(dir, 'rebuild-config'), { sources: [] });
  const res = await runMeasured(task('rebuild'), [file, store.storePath, join(dir, 'rebuild-work'), String(rounds), String(NEW_SOURCES.rebuild), String(seed), String(anchor)]);
  rmSync(join(dir, 'rebuild-config'), { recursive: true, force: true });
  const out = JSON.parse(res.stdout.trim().split('\n').pop());
  const result = {
    articles: out.articles,
    entries: out.entries,
    routes: out.routes,
    newArticles: median(out.newArticles),
    ...Object.fromEntries(['totalMs', 'compressedMs', 'cpuMs', 'mainCpuMs', 'blockMs', 'selectMs', 'clusterMs', 'renderMs', 'compressMs', 'snapshotMs', 'baselineMs'].map((k) => [k, median(out[k])])),
    maxBlockMs: Math.max(...out.blockMs),
  };
  const ms = (k) => Math.round(result[k]);
  log(`rebuild after 1 % at ${result.articles}: ${ms('totalMs')} ms to the swap (select ${ms('selectMs')} incl. story clustering ${ms('clusterMs')}, render ${ms('renderMs')}); compressed forms ready at ${ms('compressedMs')} ms (compress ${ms('compressMs')} after the swap); CPU ${ms('cpuMs')} ms (main thread ${ms('mainCpuMs')}), longest event-loop block ${ms('blockMs')} ms; snapshot after the swap ${ms('snapshotMs')} ms; library floor ${ms('baselineMs')} ms`);
  return result;
}

/** Daemon.applyConfig after a rules edit: wall time and the longest event-loop block. */
export async function benchRulesEdit({ dir, store, rounds, log }) {
  const { file } = benchConfigIn(join(dir, 'rules-config'), { sources: [] });
  const res = await runMeasured(task('rules-edit'), [file, store.storePath, join(dir, 'rules-work'), String(rounds)]);
  rmSync(join(dir, 'rules-config'), { recursive: true, force: true });
  const out = JSON.parse(res.stdout.trim().split('\n').pop());
  const result = {
    articles: out.articles,
    applyMs: median(out.applyMs),
    swapMs: median(out.swapMs),
    blockMs: median(out.blockMs),
    maxBlockMs: Math.max(...out.blockMs),
    baselineMs: median(out.baselineMs),
    ...Object.fromEntries(['firstApplyMs', 'firstSwapMs', 'firstBlockMs', 'firstEverApplyMs', 'firstEverSwapMs', 'firstEverBlockMs', 'commonTermMs', 'commonSwapMs', 'commonBlockMs'].map((k) => [k, out[k]])),
    rssKb: res.maxRssKb,
  };
  const ms = (k) => Math.round(result[k]);
  log(
    `rules edit at ${result.articles} (new publication served / all topics stored): usual ${ms('swapMs')} / ${ms('applyMs')} ms, longest block ${ms('blockMs')} ms; classify-all floor ${ms('baselineMs')} ms; ` +
      `first after a restart ${ms('firstSwapMs')} / ${ms('firstApplyMs')} ms (block ${ms('firstBlockMs')} ms), first without word filters on disk ${ms('firstEverSwapMs')} / ${ms('firstEverApplyMs')} ms (block ${ms('firstEverBlockMs')} ms), a term most texts hold ${ms('commonSwapMs')} / ${ms('commonTermMs')} ms (block ${ms('commonBlockMs')} ms)`,
  );
  return result;
}

/**
 * /feed.xml (gzip) under 20 connections: p99 with nothing happening (a
 * window of `seconds`), during a rules edit (config file edited: the whole
 * store classified again), and during a poll with new articles (config
 * edited to add sources holding 1 % new articles: `serve` polls them at
 * once, then curates and publishes). A change window starts LEAD_MS before
 * the edit and ends TAIL_MS after /healthz shows the change done.
 */
export async function benchLatencyDuringRebuild({ dir, store, fixture, runs, seconds, seed, anchor, log }) {
  const runDir = join(dir, 'latency');
  const serve = await startServe({ dir: runDir, store });
  const config = YAML.parse(readFileSync(serve.file, 'utf8'));
  const port = new URL(fixture.sources(1)[0].url).port;
  let nextSource = NEW_SOURCES.serve;
  const samples = { idle: [], rules: [], poll: [] };
  try {
    await waitForHealth(serve.url, (h) => h.lastCycle !== null && !h.polling);
    await cannon(serve.url, 1); // warm-up
    for (let run = 0; run < runs; run++) {
      samples.idle.push(await cannon(serve.url, seconds));

      const [first] = Object.keys(config.topics);
      const rules = await duringChange(serve.url, () => {
        config.topics[first].include.push(`benchlatency${run}`);
        writeFileSync(serve.file, YAML.stringify(config));
      }, (h, editAt) => Date.parse(h.config.loadedAt) >= editAt && !h.polling);
      samples.rules.push(rules);

      // 1 % of the store in new articles: whole generated sources of 50 items.
      const count = Math.max(1, Math.round(store.articles / 100 / 50));
      const poll = await duringChange(serve.url, () => {
        for (let i = 0; i < count; i++, nextSource++) {
          const source = generateSource(nextSource, { seed, anchor });
          config.sources.push({ name: source.name, url: `http://127.0.0.1:${port}${source.path}` });
        }
        writeFileSync(serve.file, YAML.stringify(config));
      }, (h, editAt) => h.lastCycle && Date.parse(h.lastCycle.time) >= editAt && !h.polling && h.lastCycle.new > 0);
      samples.poll.push(poll);
      const last = (k) => samples[k].at(-1);
      log(`/feed.xml p99 at ${store.articles}, run ${run + 1}/${runs}: idle ${last('idle').p99} ms, rules edit ${last('rules').p99} ms (max ${last('rules').max}, ${Math.round(last('rules').windowMs)} ms window), poll ${last('poll').p99} ms (max ${last('poll').max}, ${Math.round(last('poll').windowMs)} ms window, ${poll.health.lastCycle.new} new articles)`);
    }
  } finally {
    await serve.stop();
  }
  const summary = (k) => ({
    p99: median(samples[k].map((s) => s.p99)),
    p50: median(samples[k].map((s) => s.p50)),
    max: Math.max(...samples[k].map((s) => s.max)),
    rps: median(samples[k].map((s) => s.rps)),
    windowMs: median(samples[k].map((s) => s.windowMs ?? seconds * 1000)),
  });
  return { articles: store.articles, connections: 20, seconds, idle: summary('idle'), rules: summary('rules'), poll: summary('poll'), problems: [] };
}

const LEAD_MS = 500;
const TAIL_MS = 500;

/** Load /feed.xml from LEAD_MS before `change()` until TAIL_MS after `done(health, editAt)`. */
async function duringChange(url, change, done) {
  const started = performance.now();
  const load = startCannon(url, 300);
  await sleep(LEAD_MS);
  const editAt = Date.now();
  change();
  const health = await waitForHealth(url, (h) => done(h, editAt));
  await sleep(TAIL_MS);
  load.stop();
  return { ...checked(await load), windowMs: performance.now() - started, health };
}

function startCannon(url, seconds) {
  return autocannon({ url: `${url}/feed.xml`, connections: 20, pipelining: 1, duration: seconds, headers: { 'accept-encoding': 'gzip' } });
}

async function cannon(url, seconds) {
  return checked(await startCannon(url, seconds));
}

function checked(r) {
  if (r.errors > 0 || r.timeouts > 0 || r.non2xx > 0) throw new Error(`/feed.xml under load: ${r.errors} errors, ${r.timeouts} timeouts, ${r.non2xx} non-2xx`);
  return { p99: r.latency.p99, p50: r.latency.p50, max: r.latency.max, rps: r.requests.average };
}

async function health(url) {
  return (await fetch(`${url}/healthz`)).json();
}

async function waitForHealth(url, ok, timeoutMs = 120_000) {
  const started = performance.now();
  for (;;) {
    const h = await health(url);
    if (ok(h)) return h;
    if (performance.now() - started > timeoutMs) throw new Error(`serve did not get there within ${timeoutMs / 1000} s: ${JSON.stringify({ polling: h.polling, lastCycle: h.lastCycle, config: h.config })}`);
    await sleep(100);
  }
}

/**
 * `feedkurator serve` as a child process: time from spawn to the first 200
 * on /feed.xml over a big store (with and without the publication snapshot)
 * and its RSS when idle, and requests/s and latency under autocannon
 * (keep-alive, 50 connections) against a bare node:http server answering
 * with the same bytes and headers, started as a child process as well.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { readDefaultTopics, writeBenchConfig } from '../lib/bench-config.mjs';
import { CLI, findFreePort, lastLines, sleep, startMeasured } from '../lib/processes.mjs';
import { median } from '../lib/stats.mjs';
import { copyStore } from '../tasks/store-files.mjs';

const BARE_START = fileURLToPath(new URL('../tasks/bare-start.mjs', import.meta.url));
// SPEC §2 allows serve 10 s to stop after SIGTERM.
const STOP_GRACE_MS = 15_000;
const BARE_SERVER = fileURLToPath(new URL('../tasks/bare-server.mjs', import.meta.url));

/**
 * Start `serve` on a copy of the store (unless `keep`: the store and the config already in `dir`, a restart
 * with the config unchanged, as an operator restarts; the port too, or the config would read as edited and
 * serve would validate it again before listening); resolves once /feed.xml answers 200.
 */
export async function startServe({ dir, store, sources = [], keep = false, env = {}, topics }) {
  mkdirSync(dir, { recursive: true });
  const port = (keep && portOfConfig(join(dir, 'feedkurator.yaml'))) || (await findFreePort());
  const { file } = writeBenchConfig(dir, { sources, port, ...(topics ? { topics } : {}) });
  if (!keep) copyStore(store.storePath, dir);
  const proc = startMeasured(CLI, ['serve', '--config', file], { env: { LOG_LEVEL: 'warn', ...env } });
  const url = `http://127.0.0.1:${port}`;
  const firstOkMs = await waitForOk(`${url}/feed.xml`, proc);
  return { url, file, firstOkMs, proc, stop: () => stop(proc, keep ? undefined : dir) };
}

/**
 * Start to first 200 on /feed.xml, twice per run on the same copy: first
 * without a publication snapshot (a store only `poll` has written has none, nor
 * the window's story words; a store `serve` has published keeps both through
 * later polls: `poll` leaves the snapshot and adds its story words), then
 * the restart, which answers from the snapshot the first start saved. After
 * each start, once its first cycle is done (no sources: nothing fetched),
 * its RSS twice: IDLE_MS later (worker threads of the start may still be
 * alive) and STEADY_MS later (past the idle timeouts of the reading
 * workers, 10 s by default): what a daemon holds between polls. Baseline
 * (bare-start.mjs): read + JSON.parse of every store file, listen, answer;
 * its RSS at the same two points.
 */
export async function benchServeStart({ dir, store, runs, log }) {
  const samples = { cold: [], snapshot: [], refused: [], edited: [], baseline: [] };
  for (let run = 0; run < runs; run++) {
    for (const mode of run % 2 === 0 ? ['feedkurator', 'baseline'] : ['baseline', 'feedkurator']) {
      if (mode === 'feedkurator') {
        const runDir = join(dir, `start-${run}`);
        // refused: a restart whose snapshot is not used (gone, or refused after a config edit): the store's derived files (topics, story words) are there.
        // edited: a restart after a rules edit made while stopped (a term added): no topics stored for these rules; the
        // last publication (another config's) is served meanwhile. Its RSS is not read: only the first answer is a goal here.
        for (const kind of ['cold', 'snapshot', 'refused', 'edited']) {
          if (kind === 'refused') rmSync(join(runDir, 'feedkurator.publication.json'), { force: true });
          const serve = await startServe({ dir: runDir, store, keep: kind !== 'cold', ...(kind === 'edited' ? { topics: withAddedTerm(readDefaultTopics(), 'benchedit') } : {}) });
          const { idleRssKb, steadyRssKb } = kind === 'edited' ? await firstCycle(serve.url, serve.proc).then(() => ({})) : await idleRss(serve.url, serve.proc);
          const usage = await stop(serve.proc);
          samples[kind].push({ firstOkMs: serve.firstOkMs, idleRssKb, steadyRssKb, rssKb: usage.maxRssKb });
        }
        rmSync(runDir, { recursive: true, force: true });
      } else {
        const port = await findFreePort();
        const proc = startMeasured(BARE_START, [store.storePath], { env: { PORT: String(port) } });
        const firstOkMs = await waitForOk(`http://127.0.0.1:${port}/`, proc);
        await sleep(IDLE_MS);
        const idleRssKb = readRssKb(proc.child.pid);
        await sleep(STEADY_MS - IDLE_MS);
        const steadyRssKb = readRssKb(proc.child.pid);
        const usage = await stop(proc);
        samples.baseline.push({ firstOkMs, idleRssKb, steadyRssKb, rssKb: usage.maxRssKb });
      }
    }
    const last = (k) => samples[k].at(-1);
    log(
      `serve start at ${store.articles} articles, run ${run + 1}/${runs}: ${Math.round(last('cold').firstOkMs)} ms (snapshot ${Math.round(last('snapshot').firstOkMs)} ms, snapshot refused ${Math.round(last('refused').firstOkMs)} ms, after a rules edit ${Math.round(last('edited').firstOkMs)} ms) vs ${Math.round(last('baseline').firstOkMs)} ms bare; idle RSS ${Math.round(last('cold').idleRssKb / 1024)}/${Math.round(last('snapshot').idleRssKb / 1024)} MB (${STEADY_MS / 1000} s: ${Math.round(last('cold').steadyRssKb / 1024)}/${Math.round(last('snapshot').steadyRssKb / 1024)} MB) vs ${Math.round(last('baseline').idleRssKb / 1024)} MB`,
    );
  }
  const med = (kind, key) => median(samples[kind].map((s) => s[key]));
  const summary = (kind) => ({ firstOkMs: med(kind, 'firstOkMs'), idleRssKb: med(kind, 'idleRssKb'), steadyRssKb: med(kind, 'steadyRssKb'), rssKb: med(kind, 'rssKb') });
  return { articles: store.articles, cold: summary('cold'), snapshot: summary('snapshot'), refused: summary('refused'), edited: summary('edited'), baseline: summary('baseline'), idleMs: IDLE_MS, steadyMs: STEADY_MS };
}

function portOfConfig(file) {
  try {
    return Number(/^\s+port: (\d+)$/m.exec(readFileSync(file, 'utf8'))?.[1]) || undefined;
  } catch {
    return undefined;
  }
}

/** How long a daemon must have been idle before its RSS counts as idle. */
const IDLE_MS = 3_000;
/** …and as steady: past the reading workers' default idle timeout (10 s), so that builds before and after shorter timeouts compare. */
const STEADY_MS = 15_000;

/** RSS once the first cycle is done and its publishing settled: waits for /healthz to report the cycle, then IDLE_MS, then STEADY_MS. */
async function idleRss(url, proc) {
  await firstCycle(url, proc);
  await sleep(IDLE_MS);
  const idleRssKb = readRssKb(proc.child.pid);
  await sleep(STEADY_MS - IDLE_MS);
  return { idleRssKb, steadyRssKb: readRssKb(proc.child.pid) };
}

/** Until /healthz reports a cycle of this process (the start's, after its first publication). */
async function firstCycle(url, proc) {
  for (;;) {
    const health = await fetch(`${url}/healthz`).then((r) => r.json()).catch(() => undefined);
    if (health?.lastCycle && Date.parse(health.lastCycle.time) >= Date.now() - (performance.now() - proc.started) - 1_000) return;
    if (performance.now() - proc.started > 120_000) throw new Error('serve did not finish its first cycle within 120 s');
    await sleep(50);
  }
}

/** The topic rules with one more include term in the first topic: a rules edit. */
function withAddedTerm(topics, term) {
  const [[name, topic], ...rest] = Object.entries(topics);
  return Object.fromEntries([[name, { ...topic, include: [...topic.include, term] }], ...rest]);
}

/** Resident set size of a running process now (VmRSS), in KB. */
export function readRssKb(pid) {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) : NaN;
}

const SCENARIOS = [
  { key: 'gzip', label: '/feed.xml, gzip', headers: { 'accept-encoding': 'gzip' }, expect: '2xx' },
  { key: 'identity', label: '/feed.xml, identity', headers: {}, expect: '2xx' },
  { key: 'notModified', label: '/feed.xml → 304 (If-None-Match)', headers: { 'accept-encoding': 'gzip' }, revalidate: true, expect: '3xx' },
];

export async function benchServing({ dir, store, runs, seconds, warmupSeconds = 1, scenarios = ['gzip', 'identity', 'notModified'], log }) {
  const serve = await startServe({ dir: join(dir, 'serving'), store });
  let bare;
  try {
    const spec = await captureResponses(`${serve.url}/feed.xml`);
    const specFile = join(dir, 'bare-spec.json');
    writeFileSync(specFile, JSON.stringify(spec));
    const port = await findFreePort();
    const bareProc = startMeasured(BARE_SERVER, [specFile], { env: { PORT: String(port) } });
    bare = { url: `http://127.0.0.1:${port}`, proc: bareProc };
    await waitForOk(`${bare.url}/feed.xml`, bareProc);

    const results = [];
    for (const scenario of SCENARIOS.filter((s) => scenarios.includes(s.key))) {
      const headers = { ...scenario.headers, ...(scenario.revalidate ? { 'if-none-match': spec.gzip.headers.etag } : {}) };
      const samples = { feedkurator: [], baseline: [] };
      // A short warm-up per target: JIT and socket pools, not measured.
      if (warmupSeconds > 0) {
        await cannon(`${serve.url}/feed.xml`, headers, warmupSeconds);
        await cannon(`${bare.url}/feed.xml`, headers, warmupSeconds);
      }
      for (let run = 0; run < runs; run++) {
        for (const mode of run % 2 === 0 ? ['feedkurator', 'baseline'] : ['baseline', 'feedkurator']) {
          const target = mode === 'feedkurator' ? serve : bare;
          const cpuBefore = cpuMsOf(target.proc.child.pid);
          const r = await cannon(`${target.url}/feed.xml`, headers, seconds);
          const cpuUs = ((cpuMsOf(target.proc.child.pid) - cpuBefore) * 1000) / r.requests.total;
          const expected = r[scenario.expect];
          if (r.errors > 0 || r.timeouts > 0 || expected < r.requests.total * 0.99) {
            throw new Error(`${scenario.label} against ${mode}: ${r.errors} errors, ${r.timeouts} timeouts, ${expected}/${r.requests.total} ${scenario.expect}`);
          }
          samples[mode].push({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, cpuUs });
        }
        const last = (mode) => samples[mode].at(-1);
        log(
          `serving ${scenario.label}, run ${run + 1}/${runs}: ${Math.round(last('feedkurator').rps)} req/s vs ${Math.round(last('baseline').rps)} req/s bare; CPU ${last('feedkurator').cpuUs.toFixed(1)} vs ${last('baseline').cpuUs.toFixed(1)} µs per request`,
        );
      }
      const med = (mode, key) => median(samples[mode].map((s) => s[key]));
      // Each run's two targets ran back to back, so each run's ratio sees the machine at one speed; the
      // two medians of req/s may come from runs at different speeds (bare 21,650-41,187 req/s in one run).
      const ratios = samples.feedkurator.map((s, i) => s.rps / samples.baseline[i].rps);
      results.push({
        scenario: scenario.label,
        ratios,
        ratio: median(ratios),
        bytes: scenario.revalidate ? 0 : Buffer.from(spec[scenario.key].body, 'base64').length,
        feedkurator: { rps: med('feedkurator', 'rps'), p50: med('feedkurator', 'p50'), p99: med('feedkurator', 'p99'), cpuUs: med('feedkurator', 'cpuUs') },
        baseline: { rps: med('baseline', 'rps'), p50: med('baseline', 'p50'), p99: med('baseline', 'p99'), cpuUs: med('baseline', 'cpuUs') },
      });
    }
    return { articles: store.articles, connections: 50, seconds, results };
  } finally {
    await serve.stop();
    if (bare) await stop(bare.proc);
  }
}

/**
 * CPU time a process has used so far (user + system, from /proc), in ms. Requests/s is shared with
 * autocannon on the same cores and swings with the machine's load; the server's CPU per request
 * does much less, so both are reported.
 */
function cpuMsOf(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
}
// USER_HZ: 100 on every Linux this runs on (sysconf(_SC_CLK_TCK) is not reachable from Node).
const CLOCK_TICKS_PER_S = 100;

function cannon(url, headers, seconds, connections = 50) {
  return autocannon({ url, connections, pipelining: 1, duration: seconds, headers });
}

/** What serve answers for identity, gzip and a revalidation: the bare server replays exactly this. */
async function captureResponses(url) {
  const take = async (headers) => {
    const res = await fetchRaw(url, headers);
    return { status: res.status, headers: res.headers, body: res.body.toString('base64') };
  };
  const identity = await take({ 'accept-encoding': 'identity' });
  // A start without a snapshot listens before its bodies are compressed (gzip and br requests get the
  // identity body meanwhile): the bare server must replay the compressed answer.
  let gzip = await take({ 'accept-encoding': 'gzip' });
  for (const deadline = Date.now() + 60_000; gzip.headers['content-encoding'] !== 'gzip' && Date.now() < deadline; ) {
    await sleep(100);
    gzip = await take({ 'accept-encoding': 'gzip' });
  }
  const notModified = await take({ 'accept-encoding': 'gzip', 'if-none-match': gzip.headers.etag });
  if (identity.status !== 200 || gzip.status !== 200 || notModified.status !== 304 || gzip.headers['content-encoding'] !== 'gzip') {
    throw new Error(`serve answered /feed.xml unexpectedly: identity ${identity.status}, gzip ${gzip.status} (${gzip.headers['content-encoding']}), revalidation ${notModified.status}`);
  }
  return { identity, gzip, notModified };
}

/** GET with node:http so that the body stays as sent (fetch would decompress it) and headers come raw. */
function fetchRaw(url, headers) {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const kept = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (!['date', 'connection', 'keep-alive', 'transfer-encoding'].includes(name)) kept[name] = value;
        }
        resolve({ status: res.statusCode, headers: kept, body: Buffer.concat(chunks) });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

export async function waitForOk(url, proc) {
  let exited = false;
  proc.done.then(() => (exited = true));
  for (;;) {
    if (exited) {
      const res = await proc.done;
      throw new Error(`${url}: the server exited with ${res.code ?? res.signal} before answering: ${lastLines(res.stderr || res.stdout)}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      await res.arrayBuffer();
      if (res.status === 200) return performance.now() - proc.started;
    } catch {
      // Not listening yet.
    }
    if (performance.now() - proc.started > 120_000) throw new Error(`${url}: no 200 within 120 s`);
    await sleep(5);
  }
}

/** SIGTERM, and SIGKILL if it is not gone within STOP_GRACE_MS, so the bench stays unattended. */
export async function stop(proc, dir) {
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), STOP_GRACE_MS);
  const res = await proc.done;
  clearTimeout(timer);
  if (res.signal === 'SIGKILL') throw new Error(`the server ignored SIGTERM for ${STOP_GRACE_MS / 1000} s and was killed`);
  if (dir) rmSync(dir, { recursive: true, force: true });
  return res;
}

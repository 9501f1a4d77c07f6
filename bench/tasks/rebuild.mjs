/**
 * Rebuild after a poll that changed 1 % of the store, as `serve` does it: a
 * started Daemon (curation loaded, first publication built, the story
 * clusters of the window kept), then per round 1 % new articles merged and
 * classified, their story words read (the poll's work, as runCycle calls
 * Daemon.classifyMerged for each merged article, before the clock starts) and
 * Daemon.publishCycle, the daemon's own path from taking the cycle's
 * articles in to the new publication swapped in whole:
 *   applyCycle → selectEntries (new articles added to the kept story clusters)
 *   → buildPublicationInSteps (event loop) → swap; then compressPublication
 *   (thread pool) of the changed bodies, after the swap.
 * Measured: the time to the swap (totalMs) and to every body compressed
 * (compressedMs), their parts (Daemon.lastRebuild), the CPU meanwhile (every
 * thread, and the main thread's from /proc/self/task/<pid>/schedstat), up to
 * the compressed forms, and the longest event-loop block (what a request
 * arriving meanwhile waits at worst).
 * The snapshot written after the swap is timed apart (not on the swap's path).
 * Baseline in the same process: the `feed` library alone rendering the last
 * round's entries of the main and every topic feed as RSS, Atom and JSON — the
 * rendering floor, without curation, clustering, escaping or compression.
 *
 * Usage: node rebuild.mjs CONFIG STORE_PATH WORK_DIR ROUNDS FIRST_NEW_SOURCE SEED ANCHOR_MS
 * Prints {"articles":N,"entries":N,"routes":N,"totalMs":[…],"compressedMs":[…],"cpuMs":[…],"mainCpuMs":[…],"blockMs":[…],
 *   "clusterMs":[…],"selectMs":[…],"renderMs":[…],"compressMs":[…],"snapshotMs":[…],"baselineMs":[…],"openMs":N,"clusterer":"…"}.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Feed } from 'feed';
import { generateSource } from '../lib/generate-feeds.mjs';
import { importDist } from '../lib/dist.mjs';
import { copyStore } from './store-files.mjs';

const [configFile, storePath, workDir, roundsArg, firstNewArg, seedArg, anchorArg] = process.argv.slice(2);
const { loadConfig } = await importDist('config/load.js');
const { Daemon } = await importDist('daemon/daemon.js');
const { ContentCache, selectEntries } = await importDist('curate/select-entries.js');
const { openStore } = await importDist('store/open-store.js');
const { mergeIntoStore } = await importDist('dedupe/merge-source.js');
const { readFeedBody } = await importDist('pipeline.js');
const { createLogger } = await importDist('log/logger.js');

mkdirSync(workDir, { recursive: true });
const base = loadConfig({ configPath: configFile, env: {} });
const config = { ...base, storePath: copyStore(storePath, workDir) };
const feed = { maxItems: config.feed.maxItems, topics: Object.keys(config.topics) };
const store = await openStore(config);
const daemon = new Daemon({ config, store, logger: createLogger({ level: 'warn', destination: 'stderr' }) });
let t = performance.now();
await daemon.start();
await daemon.settled();
const curation = daemon.curation;
const parts = ['totalMs', 'compressedMs', 'cpuMs', 'mainCpuMs', 'blockMs', 'selectMs', 'clusterMs', 'renderMs', 'compressMs', 'snapshotMs', 'baselineMs', 'newArticles'];
const result = { articles: curation.articleCount, openMs: performance.now() - t, ...Object.fromEntries(parts.map((p) => [p, []])) };
const change = Math.max(1, Math.round(curation.articleCount / 100));
let nextSource = Number(firstNewArg);
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
// The main thread's own CPU (Linux; elsewhere NaN): the event loop's share, without the thread pool's compression.
const mainCpuMs = () => {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return Number.NaN;
  }
};

for (let round = 0; round < Number(roundsArg); round++) {
  // The poll: 1 % new articles merged, classified and stored (runCycle's work, not the rebuild's).
  const now = new Date();
  const written = [];
  while (written.length < change) {
    const source = generateSource(nextSource, { seed: Number(seedArg), anchor: Number(anchorArg) });
    const url = `http://127.0.0.1/feeds/${nextSource++}.xml`;
    const items = (await readFeedBody(source.body, source.contentType, url, now)).items.slice(0, change - written.length);
    const plan = await mergeIntoStore(store, items, { name: source.name, url, consecutiveErrors: 0, lastSuccess: now.toISOString() }, now);
    for (const w of plan.merge.writes) if (w.content !== undefined) written.push({ ...w.head, content: w.content });
  }
  // As runCycle classifies each merged article (Daemon.classifyMerged: its story words are read then too).
  const topics = new Map(written.map((a) => [a.id, daemon.classifyMerged(a).topics]));
  await store.putClassifications(curation.rules.fingerprint, topics);
  await store.flush();
  await daemon.settled(); // classifyMerged's reading of their words, in slices (the poll's work too)
  result.newArticles.push(written.length);

  const delay = monitorEventLoopDelay({ resolution: 2 });
  delay.enable();
  const cpu = cpuMs();
  const mainCpu = mainCpuMs();
  // Resolves once the compressed forms are ready too (they follow the swap).
  await daemon.publishCycle({ written, touched: [], dropped: 0 }, curation.rules.fingerprint);
  result.cpuMs.push(cpuMs() - cpu);
  result.mainCpuMs.push(mainCpuMs() - mainCpu);
  delay.disable();
  result.blockMs.push(delay.max / 1e6);
  const r = daemon.lastRebuild;
  result.totalMs.push(r.totalMs);
  result.compressedMs.push(r.compressedMs);
  for (const key of ['selectMs', 'clusterMs', 'renderMs', 'compressMs', 'rendered']) (result[key] ??= []).push(r[key]);
  t = performance.now();
  await daemon.settled();
  result.snapshotMs.push(performance.now() - t);
  result.entries = r.entries;
}
// The floor, on the last round's entries (selected apart, after the rounds: it must not warm or load the measured ones).
const entries = await selectEntries(curation, store, new ContentCache(), feed);
for (let round = 0; round < Number(roundsArg); round++) {
  t = performance.now();
  renderWithLibraryOnly(entries);
  result.baselineMs.push(performance.now() - t);
}
result.routes = daemon.publication.resources.size;
await daemon.close();
await store.close();
rmSync(workDir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify(result)}\n`);

function renderWithLibraryOnly(all) {
  const newest = [...all].sort((a, b) => (a.article.published < b.article.published ? 1 : -1));
  const feeds = [['', newest], ...Object.keys(config.topics).map((topic) => [topic, newest.filter((e) => e.topics.includes(topic))])];
  for (const [topic, list] of feeds) {
    const f = new Feed({
      title: `${config.feed.title} ${topic}`,
      description: config.feed.description,
      id: config.server.baseUrl,
      link: config.server.baseUrl,
      language: config.feed.language,
      copyright: '',
      updated: new Date(),
    });
    for (const { article, topics } of list.slice(0, config.feed.maxItems)) {
      f.addItem({
        title: article.title,
        id: `urn:feedkurator:${article.id}`,
        link: article.link ?? config.server.baseUrl,
        description: article.summary,
        content: article.content,
        date: new Date(article.published),
        category: topics.map((name) => ({ name })),
      });
    }
    f.rss2();
    f.atom1();
    f.json1();
  }
}

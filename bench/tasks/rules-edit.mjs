/**
 * Rebuild after a rules edit, the way `serve` does it: a started Daemon
 * (curation loaded, publication built), then Daemon.applyConfig with topic
 * rules it has never seen (a new term each round, so no stored topics
 * apply and the whole store is classified again). Measured: applyConfig's
 * wall time (until the new publication is swapped in, compressed) and the
 * longest event-loop block meanwhile (perf_hooks.monitorEventLoopDelay max):
 * the latency a request arriving during the rebuild may see at worst.
 * Baseline in the same process: the old engine's way, every stored article
 * classified with the new rules in one synchronous pass — the classification
 * floor, blocking the event loop for all of it.
 *
 * Usage: node rules-edit.mjs CONFIG STORE_PATH WORK_DIR ROUNDS
 * Prints {"articles":N,"applyMs":[…],"blockMs":[…],"baselineMs":[…],"startMs":N,"firstApplyMs":N,"commonTermMs":N}.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
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
const store = await openStore(config);
const daemon = new Daemon({ config, store, logger: createLogger({ level: 'warn', destination: 'stderr' }) });
let t = performance.now();
await daemon.start();
await daemon.settled();
const result = { startMs: performance.now() - t, articles: daemon.articleCount, applyMs: [], blockMs: [], baselineMs: [] };

for (let round = 0; round < Number(roundsArg); round++) {
  const next = withEditedRules(config, round);
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  t = performance.now();
  await daemon.applyConfig(next);
  result.applyMs.push(performance.now() - t);
  delay.disable();
  result.blockMs.push(delay.max / 1e6);
  await daemon.settled();

  const { classifier } = rulesFor(withEditedRules(config, round + 1000));
  const batches = [];
  for await (const batch of store.streamArticles(2_000)) batches.push(batch);
  t = performance.now();
  for (const batch of batches) for (const a of batch) classifier.classify({ title: a.title, summary: a.summary, content: a.content, sources: a.sources.map((s) => s.name) });
  result.baselineMs.push(performance.now() - t);
}
// The first edit after a start reads every text (the words of each day are not known yet; see
// src/curate/words-by-day.ts); later edits read only the days that may hold a changed term. An added
// term that most texts hold ("entwickler") is read everywhere: its cost is reported apart.
result.firstApplyMs = result.applyMs[0];
{
  const [name, topic] = Object.entries(config.topics)[0];
  const common = { ...config, topics: { ...config.topics, [name]: { ...topic, include: [...topic.include, 'entwickler'] } } };
  t = performance.now();
  await daemon.applyConfig(common);
  result.commonTermMs = performance.now() - t;
  await daemon.settled();
}
await daemon.close();
await store.close();
rmSync(workDir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify(result)}\n`);

/** The same config with one more include term in the first topic: new rules, new fingerprint. */
function withEditedRules(cfg, round) {
  const [first, ...rest] = Object.entries(cfg.topics);
  const [name, topic] = first;
  const edited = { ...topic, include: [...topic.include, `benchterm${round}`] };
  return { ...cfg, topics: Object.fromEntries([[name, edited], ...rest]) };
}

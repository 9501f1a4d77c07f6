/** Classification throughput and normalize cost, each measured in its own process (tasks/classify.mjs, tasks/normalize.mjs). */
import { fileURLToPath } from 'node:url';
import { runMeasured } from '../lib/processes.mjs';
import { median } from '../lib/stats.mjs';

const TASK = fileURLToPath(new URL('../tasks/classify.mjs', import.meta.url));
const NORMALIZE_TASK = fileURLToPath(new URL('../tasks/normalize.mjs', import.meta.url));

export async function benchClassify({ sources, rounds, seed, anchor, log }) {
  const res = await runMeasured(TASK, [String(sources), String(rounds), String(seed), String(anchor)]);
  const out = JSON.parse(res.stdout.trim().split('\n').pop());
  const result = {
    articles: out.articles,
    rounds,
    feedkuratorPerSecond: median(out.feedkuratorPerSecond),
    baselinePerSecond: median(out.baselinePerSecond),
    topicShare: out.topicShare,
  };
  log(`classification: ${Math.round(result.feedkuratorPerSecond)} articles/s vs ${Math.round(result.baselinePerSecond)} naive`);
  return result;
}

/** CPU per item of normalize on the same generated feeds; the HTML pass against the former sanitize-then-parse-again. */
export async function benchNormalize({ sources, rounds, seed, anchor, log }) {
  const res = await runMeasured(NORMALIZE_TASK, [String(sources), String(rounds), String(seed), String(anchor)]);
  const out = JSON.parse(res.stdout.trim().split('\n').pop());
  const result = {
    items: out.items,
    bodies: out.bodies,
    rounds,
    normalizeUs: median(out.normalizeUs),
    onePassUs: median(out.onePassUs),
    twoPassUs: median(out.twoPassUs),
  };
  log(`normalize: ${result.normalizeUs.toFixed(0)} µs CPU per item; summary from the body ${result.onePassUs.toFixed(0)} µs in one pass vs ${result.twoPassUs.toFixed(0)} µs in two`);
  return result;
}

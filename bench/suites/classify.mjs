/** Classification throughput, measured in its own process (tasks/classify.mjs). */
import { fileURLToPath } from 'node:url';
import { runMeasured } from '../lib/processes.mjs';
import { median } from '../lib/stats.mjs';

const TASK = fileURLToPath(new URL('../tasks/classify.mjs', import.meta.url));

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

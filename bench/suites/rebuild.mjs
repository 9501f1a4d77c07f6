/** Feed rebuild over a stored corpus, measured in its own process (tasks/rebuild.mjs). */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBenchConfig } from '../lib/bench-config.mjs';
import { runMeasured } from '../lib/processes.mjs';
import { median } from '../lib/stats.mjs';

const TASK = fileURLToPath(new URL('../tasks/rebuild.mjs', import.meta.url));

export async function benchRebuild({ dir, store, sources, rounds, log }) {
  const runDir = join(dir, 'rebuild');
  mkdirSync(runDir, { recursive: true });
  // The config names the sources the store was built from, so the OPML and source restrictions are realistic.
  const { file } = writeBenchConfig(runDir, { sources });
  const res = await runMeasured(TASK, [file, String(rounds)], { env: { FK_BENCH_STORE: store.storePath } });
  rmSync(runDir, { recursive: true, force: true });
  const out = JSON.parse(res.stdout.trim().split('\n').pop());
  const result = {
    articles: out.articles,
    entries: out.entries,
    routes: out.routes,
    rulesChangeMs: median(out.rulesChangeMs),
    curateMs: median(out.curateMs),
    afterPollMs: median(out.afterPollMs),
    baselineMs: median(out.baselineMs),
    rssKb: res.maxRssKb,
  };
  log(`rebuild at ${result.articles}: ${Math.round(result.rulesChangeMs)} ms after a rules change, ${Math.round(result.afterPollMs)} ms after a poll, library floor ${Math.round(result.baselineMs)} ms`);
  return result;
}

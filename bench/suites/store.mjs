/**
 * Store size rows: build a store of N articles through the real merge path
 * (once, not timed as a benchmark), then measure writes after a one-article
 * change — feedkurator's atomic write in one process, the plain
 * stringify+writeFile floor in another, so each peak RSS is its own.
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runMeasured } from '../lib/processes.mjs';
import { median } from '../lib/stats.mjs';

const BUILD = fileURLToPath(new URL('../tasks/build-store.mjs', import.meta.url));
const WRITE = fileURLToPath(new URL('../tasks/store-write.mjs', import.meta.url));

/** Stores of each size, built once through the real merge path (not itself a benchmark). */
export async function buildStores({ dir, sizes, seed, anchor, log }) {
  const res = await runMeasured(BUILD, [dir, String(seed), String(anchor), ...sizes.map(String)]);
  const stores = res.stdout.trim().split('\n').map((line) => JSON.parse(line));
  for (const s of stores) log(`store of ${s.articles} articles from ${s.sources} generated sources: ${(s.bytes / 1e6).toFixed(1)} MB`);
  log(`stores built in ${Math.round(res.wallMs)} ms`);
  return new Map(stores.map((s) => [s.articles, s]));
}

export async function benchStoreWrite({ store, runs, log }) {
  const samples = { feedkurator: [], baseline: [] };
  for (let run = 0; run < runs; run++) {
    for (const mode of run % 2 === 0 ? ['feedkurator', 'baseline'] : ['baseline', 'feedkurator']) {
      const res = await runMeasured(WRITE, [mode, store.storePath, '2']);
      const out = JSON.parse(res.stdout.trim().split('\n').pop());
      samples[mode].push({ writeMs: median(out.writeMs), openMs: out.openMs, rssKb: res.maxRssKb });
    }
    log(`store write ${store.articles}, run ${run + 1}/${runs}: ${Math.round(samples.feedkurator.at(-1).writeMs)} ms vs ${Math.round(samples.baseline.at(-1).writeMs)} ms plain`);
  }
  rmSync(`${store.storePath}.plain`, { force: true });
  const med = (mode, key) => median(samples[mode].map((s) => s[key]));
  return {
    articles: store.articles,
    fileBytes: store.bytes,
    feedkurator: { writeMs: med('feedkurator', 'writeMs'), openMs: med('feedkurator', 'openMs'), rssKb: med('feedkurator', 'rssKb') },
    baseline: { writeMs: med('baseline', 'writeMs'), openMs: med('baseline', 'openMs'), rssKb: med('baseline', 'rssKb') },
  };
}

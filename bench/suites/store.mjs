/**
 * Stores of N articles for the store, start, serving and rebuild rows,
 * built once through the real merge path (not itself a benchmark): see
 * tasks/build-store.mjs. The goal rows that measure them are in goals.mjs.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBenchConfig } from '../lib/bench-config.mjs';
import { runMeasured } from '../lib/processes.mjs';

const BUILD = fileURLToPath(new URL('../tasks/build-store.mjs', import.meta.url));

/** Stores of each size (keyed by the size asked for; `articles` is what whole sources gave). */
export async function buildStores({ dir, sizes, seed, anchor, log }) {
  // The default topic rules: the stored topics are those every bench config's fingerprint finds.
  mkdirSync(join(dir, 'build-config'), { recursive: true });
  const { file } = writeBenchConfig(join(dir, 'build-config'), { sources: [] });
  const res = await runMeasured(BUILD, [dir, String(seed), String(anchor), file, ...sizes.map(String)]);
  const stores = res.stdout.trim().split('\n').map((line) => JSON.parse(line));
  for (const s of stores) log(`store of ${s.articles} articles from ${s.sources} generated sources: ${(s.bytes / 1e6).toFixed(1)} MB in ${s.files} files`);
  log(`stores built in ${Math.round(res.wallMs)} ms`);
  return new Map(stores.map((s) => [s.size, s]));
}

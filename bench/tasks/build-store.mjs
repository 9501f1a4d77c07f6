/**
 * Build stores of N articles through the real API: generated feeds →
 * readFeedBody (decode, parse, normalize) → mergeItems → store.write().
 * Several sizes come from one build: the store of the smaller size is the
 * first N articles merged, exactly what merging fewer sources would give.
 *
 * Usage: node build-store.mjs DIR SEED ANCHOR_MS N [N…]
 * Prints one JSON line per size: {"articles":N,"sources":N,"storePath":…,"bytes":N,"ms":N}.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { generateSource } from '../lib/generate-feeds.mjs';
import { importDist } from '../lib/dist.mjs';

const [dir, seedArg, anchorArg, ...sizeArgs] = process.argv.slice(2);
const sizes = sizeArgs.map(Number).sort((a, b) => a - b);
const SHIFT_MS = 11.5 * 86_400_000;
const seed = Number(seedArg);
const anchor = Number(anchorArg);
const { openStore } = await importDist('store/store.js');
const { mergeItems } = await importDist('dedupe/merge-items.js');
const { readFeedBody } = await importDist('pipeline.js');

const started = performance.now();
const now = new Date(anchor);
const largest = sizes.at(-1);
const builder = await openStore(join(dir, `store-${largest}.json`));
const sourcesAt = new Map();
let index = 0;
while (builder.data.articles.length < largest) {
  // A store of this size spans weeks, not the 12 days one feed's 50 items cover: sources are shifted
  // back by up to 35 days (still inside the 60-day retention), so articles per day are like a real store's.
  const source = generateSource(index, { seed, anchor: anchor - (index % 4) * SHIFT_MS });
  const feed = await readFeedBody(source.body, source.contentType, `http://127.0.0.1/feeds/${index}.xml`, now);
  mergeItems(builder.data, source.name, feed.items, now);
  index++;
  for (const size of sizes) if (!sourcesAt.has(size) && builder.data.articles.length >= size) sourcesAt.set(size, index);
}
const all = builder.data.articles;
for (const size of sizes) {
  const store = size === largest ? builder : await openStore(join(dir, `store-${size}.json`));
  if (store !== builder) Object.assign(store.data, { ...builder.data, articles: all.slice(0, size) });
  else all.length = size;
  await store.write();
  await store.close();
  process.stdout.write(
    `${JSON.stringify({ articles: size, sources: sourcesAt.get(size), storePath: store.path, bytes: statSync(store.path).size, ms: performance.now() - started })}\n`,
  );
}

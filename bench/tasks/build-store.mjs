/**
 * Build stores of N articles through the real API, as months of polling
 * would: generated feeds → readFeedBody (decode, parse, normalize) →
 * mergeIntoStore → topics stored under the rules fingerprint → flush().
 * Each source's items are merged a day at a time with that day as "now", so
 * articles land in the day segments a real 60-day store has (about 45 days
 * here), not all in today's.
 * Several sizes come from one build: when the store reaches a size it is
 * flushed, copied for the next size, and merging goes on in the copy.
 *
 * Usage: node build-store.mjs DIR SEED ANCHOR_MS CONFIG N [N…]
 * Prints one JSON line per size:
 *   {"size":N,"articles":N,"sources":N,"storePath":…,"bytes":N,"files":N,"ms":N}
 * storePath is the manifest (DIR/store-N/feedkurator.json); bytes/files cover every store file.
 */
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { generateSource } from '../lib/generate-feeds.mjs';
import { importDist } from '../lib/dist.mjs';
import { measureStoreDir } from './store-files.mjs';

const [dir, seedArg, anchorArg, configFile, ...sizeArgs] = process.argv.slice(2);
const sizes = sizeArgs.map(Number).sort((a, b) => a - b);
const SHIFT_MS = 11.5 * 86_400_000;
const DAY_MS = 86_400_000;
const seed = Number(seedArg);
const anchor = Number(anchorArg);
const { openStore } = await importDist('store/open-store.js');
const { mergeIntoStore } = await importDist('dedupe/merge-source.js');
const { readFeedBody } = await importDist('pipeline.js');
const { loadConfig } = await importDist('config/load.js');
const { rulesFor } = await importDist('daemon/daemon.js');

const started = performance.now();
const config = loadConfig({ configPath: configFile, env: {} });
const { classifier, fingerprint } = rulesFor(config);
const storePathOf = (size) => join(dir, `store-${size}`, 'feedkurator.json');
mkdirSync(join(dir, `store-${sizes[0]}`), { recursive: true });
let store = await openStore({ storePath: storePathOf(sizes[0]), storage: {} });
let index = 0;
for (let s = 0; s < sizes.length; s++) {
  const size = sizes[s];
  while ((await store.countArticles()) < size) {
    // A store of this size spans weeks, not the 12 days one feed's 50 items cover: sources are shifted
    // back by up to 35 days (still inside the 60-day retention), so articles per day are like a real store's.
    const source = generateSource(index, { seed, anchor: anchor - (index % 4) * SHIFT_MS });
    const url = `http://127.0.0.1/feeds/${index}.xml`;
    const feed = await readFeedBody(source.body, source.contentType, url, new Date(anchor));
    await mergeByDay(source.name, url, feed.items);
    index++;
  }
  await store.flush();
  const articles = await store.countArticles();
  await store.close();
  // What the last `poll` on such a store leaves beside it: each segment's newest date (segment-dates.ts; builds without it skip this).
  const polled = await openStore({ storePath: storePathOf(size), storage: {} });
  await polled.saveSegmentDates?.();
  await polled.close();
  const { bytes, files } = measureStoreDir(storePathOf(size));
  process.stdout.write(`${JSON.stringify({ size, articles, sources: index, storePath: storePathOf(size), bytes, files, ms: performance.now() - started })}\n`);
  const next = sizes[s + 1];
  if (next !== undefined) {
    cpSync(join(dir, `store-${size}`), join(dir, `store-${next}`), { recursive: true });
    store = await openStore({ storePath: storePathOf(next), storage: {} });
  }
}

/** Merge a source's items day by day, each as if polled that day, with its topics stored as `poll` stores them. */
async function mergeByDay(name, url, items) {
  const byDay = new Map();
  for (const item of items) {
    const day = Math.floor(Math.min(Date.parse(item.published ?? '') || anchor, anchor) / DAY_MS);
    if (!byDay.has(day)) byDay.set(day, []);
    byDay.get(day).push(item);
  }
  for (const day of [...byDay.keys()].sort((a, b) => a - b)) {
    const now = new Date(Math.min((day + 1) * DAY_MS - 1, anchor));
    const state = { name, url, consecutiveErrors: 0, lastAttempt: now.toISOString(), lastSuccess: now.toISOString() };
    const plan = await mergeIntoStore(store, byDay.get(day), state, now);
    const topics = new Map();
    for (const write of plan.merge.writes) {
      if (write.content === undefined) continue;
      const article = { ...write.head, content: write.content };
      topics.set(article.id, classifier.classify({ ...article, sources: article.sources.map((x) => x.name) }).topics);
    }
    if (topics.size > 0) await store.putClassifications(fingerprint, topics);
  }
}

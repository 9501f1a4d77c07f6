// Child process of crash.test.ts: polls a fixture feed server in a loop like
// a daemon's cycle (fetch → merge → retention → one write) and reports each
// write only after it completed. The parent SIGKILLs it at random moments.
import { applyRetention } from '../../../src/dedupe/retention.js';
import { mergeItems } from '../../../src/dedupe/merge-items.js';
import { openStore } from '../../../src/store/store.js';
import type { NormalizedItem } from '../../../src/types.js';

const [storePath, feedUrl] = process.argv.slice(2) as [string, string];
const store = await openStore(storePath);
for (let cycle = 1; ; cycle++) {
  const startedAt = new Date();
  const response = await fetch(feedUrl);
  const items = (await response.json()) as NormalizedItem[];
  const counts = mergeItems(store.data, 'fixture', items, new Date());
  applyRetention(store.data, { retentionDays: 3650, maxItems: 1_000_000 }, new Date());
  const finishedAt = new Date().toISOString();
  store.data.lastCycle = {
    sources: 1, ok: 1, notModified: 0, failed: 0, ...counts, curated: 0, durationMs: 0, errors: [],
    startedAt: startedAt.toISOString(), finishedAt, skipped: 0,
  };
  process.stdout.write(`writing ${cycle}\n`);
  await store.write();
  process.stdout.write(`done ${cycle} ${store.data.articles.length} ${finishedAt}\n`);
}

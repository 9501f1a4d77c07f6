// Child process of crash.test.ts: polls a fixture feed server in a loop like
// a daemon's cycle (fetch → merge → retention → flush) and reports each
// flush only after it completed. The parent SIGKILLs it at random moments.
import { mergeIntoStore } from '../../../src/dedupe/merge-source.js';
import { openJsonStore } from '../../../src/store/json/json-store.js';
import type { NormalizedItem } from '../../../src/types.js';

const [storePath, feedUrl] = process.argv.slice(2) as [string, string];
// Compaction steps as often as possible, so that kills land in them too.
const store = await openJsonStore(storePath, { compaction: { maxJournalFiles: 1, maxJournalBytes: 100_000, daysPerStep: 2 } });
for (let cycle = 1; ; cycle++) {
  const startedAt = new Date();
  const response = await fetch(feedUrl);
  const items = (await response.json()) as NormalizedItem[];
  // Each cycle is a "day" of its own, so that cycles write several segments.
  const now = new Date(Date.UTC(2026, 0, 1 + cycle + Math.floor(Math.random() * 1000)));
  const plan = await mergeIntoStore(store, items, { name: 'fixture', url: feedUrl, consecutiveErrors: 0, lastSuccess: now.toISOString() }, now);
  await store.applyRetention({ retentionDays: 36500, maxItems: 1_000_000 }, now);
  const finishedAt = new Date().toISOString();
  await store.putLastCycle({
    sources: 1, ok: 1, notModified: 0, failed: 0, skipped: 0, ...plan.counts, curated: 0, durationMs: 0, errors: [],
    startedAt: startedAt.toISOString(), finishedAt,
  });
  process.stdout.write(`writing ${cycle}\n`);
  await store.flush();
  process.stdout.write(`done ${cycle} ${await store.countArticles()} ${finishedAt}\n`);
}

// Child process of crash.test.ts: polls a fixture feed server in a loop like
// a daemon's cycle (fetch → merge → retention → flush) and reports each
// flush only after it completed. The parent SIGKILLs it at random moments.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { mergeIntoStore } from '../../../src/dedupe/merge-source.js';
import { openJsonStore } from '../../../src/store/json/json-store.js';
import type { NormalizedItem } from '../../../src/types.js';

const [storePath, feedUrl, mode] = process.argv.slice(2) as [string, string, string | undefined];
// Compaction steps as often as possible, so that kills land in them too. With "stream", every cycle's flush
// folds and its day is written while its four "sources" merge (segment-stream.ts), so kills land in that too.
const streaming = mode === 'stream';
const store = await openJsonStore(storePath, {
  compaction: streaming
    ? { maxJournalFiles: 1, maxJournalBytes: 10_000, daysPerStep: 2, streamDayBytes: 2_000 }
    : { maxJournalFiles: 1, maxJournalBytes: 100_000, daysPerStep: 2 },
});
for (let cycle = 1; ; cycle++) {
  const startedAt = new Date();
  const response = await fetch(feedUrl);
  const items = (await response.json()) as NormalizedItem[];
  // Each cycle is a "day" of its own, so that cycles write several segments.
  const now = new Date(Date.UTC(2026, 0, 1 + cycle + Math.floor(Math.random() * 1000)));
  const state = { name: 'fixture', url: feedUrl, consecutiveErrors: 0, lastSuccess: now.toISOString() };
  const counts = { new: 0, updated: 0, duplicates: 0 };
  for (let from = 0; from < items.length; from += streaming ? 5 : items.length) {
    const plan = await mergeIntoStore(store, items.slice(from, from + (streaming ? 5 : items.length)), { ...state, name: `fixture-${from}` }, now);
    for (const key of Object.keys(counts) as (keyof typeof counts)[]) counts[key] += plan.counts[key];
    if (streaming) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const temp = join(dirname(storePath), `.feedkurator.articles-${now.toISOString().slice(0, 10)}.json.tmp`);
  if (streaming && existsSync(temp)) process.stdout.write(`streaming ${cycle}\n`);
  await store.applyRetention({ retentionDays: 36500, maxItems: 1_000_000 }, now);
  const finishedAt = new Date().toISOString();
  await store.putLastCycle({
    sources: 1, ok: 1, notModified: 0, failed: 0, skipped: 0, ...counts, curated: 0, durationMs: 0, errors: [],
    startedAt: startedAt.toISOString(), finishedAt,
  });
  process.stdout.write(`writing ${cycle}\n`);
  await store.flush();
  process.stdout.write(`done ${cycle} ${await store.countArticles()} ${finishedAt}\n`);
}

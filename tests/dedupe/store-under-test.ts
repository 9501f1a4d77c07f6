import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { MergeCounts } from '../../src/dedupe/merge-items.js';
import { mergeIntoStore } from '../../src/dedupe/merge-source.js';
import { openJsonStore } from '../../src/store/json/json-store.js';
import type { RetentionLimits, Store } from '../../src/store/store-api.js';
import type { NormalizedItem, StoredArticle } from '../../src/types.js';

/** A real (JSON) store in a temp dir, with the few verbs the dedupe tests use. */
export interface TestStore {
  store: Store;
  merge(source: string, items: readonly NormalizedItem[], now: Date): Promise<MergeCounts>;
  /** Stored articles in the order they were first stored (within one day). */
  articles(): Promise<StoredArticle[]>;
  retain(limits: RetentionLimits, now: Date): Promise<{ dropped: number }>;
  retired(): Promise<Map<string, string>>;
}

const open: Store[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export async function freshStore(): Promise<TestStore> {
  const dir = mkdtempSync(join(tmpdir(), 'fk-dedupe-'));
  dirs.push(dir);
  const store = await openJsonStore(join(dir, 'feedkurator.json'));
  open.push(store);
  return {
    store,
    async merge(source, items, now) {
      const plan = await mergeIntoStore(store, items, { name: source, url: `https://${source}.example/`, consecutiveErrors: 0 }, now);
      return plan.counts;
    },
    async articles() {
      const all: StoredArticle[] = [];
      for await (const batch of store.streamArticles()) all.push(...batch);
      return all;
    },
    retain: (limits, now) => store.applyRetention(limits, now),
    retired: () => store.listRetired(),
  };
}

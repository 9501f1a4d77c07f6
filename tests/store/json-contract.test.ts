/**
 * The Store contract against the JSON backend: with the default compaction
 * policy (changes stay in journal files), and folding every flush's changes
 * into the day segments at once (the other end of the same code).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openJsonStore, type CompactionPolicy } from '../../src/store/json/json-store.js';
import type { Store } from '../../src/store/store-api.js';
import { describeStoreContract } from './store-contract.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

for (const [name, compaction] of [
  ['json', {}],
  ['json, compacting every flush', { maxJournalFiles: 0, daysPerStep: 1_000 }],
] as [string, Partial<CompactionPolicy>][]) {
  const paths = new WeakMap<Store, string>();
  describeStoreContract(
    name,
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'fk-json-contract-'));
      dirs.push(dir);
      const path = join(dir, 'feedkurator.json');
      const store = await openJsonStore(path, { compaction });
      paths.set(store, path);
      return store;
    },
    { reopen: (closed) => openJsonStore(paths.get(closed)!, { compaction }) },
  );
}

/**
 * listCurated after any sequence of changes gives what a full sort of the
 * curated articles gives: the last answer merged with the changed ids only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Curation, classifyStoredArticle, insertSorted, mergeSorted, newestFirst } from '../../src/curate/curation.js';
import { rulesFor } from '../../src/daemon/daemon.js';
import { openStore } from '../../src/store/open-store.js';
import type { StoredArticle } from '../../src/types.js';
import { article, loadTestConfig } from '../fixtures/publish/german-linux-news.js';

const config = loadTestConfig();
const rules = rulesFor(config);
const dir = mkdtempSync(join(tmpdir(), 'fk-curation-order-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TITLES = ['Linux-Kernel 6.18 erschienen', 'Kubernetes 1.32 mit neuem Scheduler', 'Hoster senkt Preise', 'Kochrezepte für den Herbst'];
const change = fc.record({
  id: fc.nat(30),
  // Few distinct dates: ties are ordered by id.
  hour: fc.nat(5),
  title: fc.nat(TITLES.length - 1),
  remove: fc.boolean(),
});

function stored(id: number, hour: number, title: number): StoredArticle {
  return article({ id: `a${id}`, title: TITLES[title]!, contentHash: `h${id}-${title}`, published: new Date(Date.UTC(2026, 10, 20, hour)).toISOString() });
}

describe('Curation.listCurated', () => {
  it('matches a full sort after every batch of changes', async () => {
    const store = await openStore({ storePath: join(dir, 'feedkurator.json') });
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.array(change, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 }), async (batches) => {
          const curation = await Curation.open(store, rules);
          const live = new Map<string, StoredArticle>();
          // Enough articles that a small batch takes the merge path, not the full sort.
          await curation.applyRemote(Array.from({ length: 40 }, (_, i) => stored(100 + i, i % 6, i % TITLES.length)), []);
          for (let i = 0; i < 40; i++) live.set(`a${100 + i}`, stored(100 + i, i % 6, i % TITLES.length));
          expect(curation.listCurated()).toHaveLength(30);
          for (const batch of batches) {
            const written: StoredArticle[] = [];
            const removed: string[] = [];
            for (const c of batch) {
              if (c.remove) {
                removed.push(`a${c.id}`);
                live.delete(`a${c.id}`);
              } else {
                const a = stored(c.id, c.hour, c.title);
                written.push(a);
                live.set(a.id, a);
              }
            }
            // applyRemote takes the written ones first: an id both written and removed in one batch ends removed.
            for (const id of removed) live.delete(id);
            await curation.applyRemote(written, removed);
            expectFullSort(curation, live);
          }
        }),
        { numRuns: 30 },
      );
    } finally {
      await store.close();
    }
  }, 120_000);

  it('matches a full sort after cycles that add new articles and change held ones (the path that skips taking out)', async () => {
    const store = await openStore({ storePath: join(dir, 'feedkurator-cycles.json') });
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.array(fc.record({ id: fc.nat(400), hour: fc.nat(5), title: fc.nat(TITLES.length - 1) }), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 }), async (batches) => {
          const curation = await Curation.open(store, rules);
          const live = new Map<string, StoredArticle>();
          // A long list (about 150 curated) and small cycles: the binary-search insertion, not the linear merge.
          const base = Array.from({ length: 200 }, (_, i) => stored(1000 + i, i % 6, i % TITLES.length));
          await curation.applyCycle(store, { written: base, touched: [], dropped: 0 });
          for (const a of base) live.set(a.id, a);
          curation.listCurated();
          for (const batch of batches) {
            // New ids (a0…a400) and, now and then, one already held (a1000…) with another title or date.
            const written = batch.map((c) => (c.id % 5 === 0 ? stored(1000 + c.id / 5, c.hour, c.title) : stored(c.id, c.hour, c.title)));
            const byId = new Map(written.map((a) => [a.id, a]));
            for (const a of byId.values()) live.set(a.id, a);
            await curation.applyCycle(store, { written: [...byId.values()], touched: [], dropped: 0 });
            expectFullSort(curation, live);
          }
        }),
        { numRuns: 30 },
      );
    } finally {
      await store.close();
    }
  }, 120_000);
});

describe('insertSorted', () => {
  it('gives the list mergeSorted gives, ties included', () => {
    const head = fc.record({ id: fc.nat(500).map((n) => `a${n}`), hour: fc.nat(4) });
    // Long enough that a few are inserted by binary search (insertSorted falls back to the merge past 1 in 16).
    const sortedList = fc.uniqueArray(head, { selector: (h) => h.id, minLength: 100, maxLength: 200 }).map((hs) =>
      hs.map((h) => ({ head: stored(Number(h.id.slice(1)), h.hour, 0), topics: ['kernel'] })).sort((a, b) => newestFirst(a.head, b.head)),
    );
    fc.assert(
      fc.property(sortedList, fc.nat(8), (list, k) => {
        // Split one sorted list of distinct ids in two: a few to insert, the rest as the long list.
        const few = list.filter((_, i) => i % 9 === k % 9).slice(0, 6);
        const rest = list.filter((c) => !few.includes(c));
        expect(insertSorted(rest, few)).toEqual(mergeSorted(rest, few));
        expect(insertSorted(rest, few)).toEqual(list.filter((c) => few.includes(c) || rest.includes(c)));
      }),
      { numRuns: 300 },
    );
  });
});

/** listCurated equals classifying every live article anew and sorting them newest first. */
function expectFullSort(curation: Curation, live: ReadonlyMap<string, StoredArticle>): void {
  const expected = [...live.values()]
    .map((a) => ({ id: a.id, topics: classifyStoredArticle(rules.classifier, a).topics }))
    .filter((c) => c.topics.length > 0)
    .sort((a, b) => newestFirst(live.get(a.id)!, live.get(b.id)!));
  expect(curation.listCurated().map((c) => ({ id: c.head.id, topics: c.topics }))).toEqual(expected);
}

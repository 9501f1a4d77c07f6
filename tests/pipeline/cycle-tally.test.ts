/**
 * CycleTally: a cycle's written and touched articles and their topics,
 * gathered source by source as each is merged, with the topics handed to a
 * real JSON store in batches while sources are still being merged.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CycleTally } from '../../src/cycle-tally.js';
import { openJsonStore } from '../../src/store/json/json-store.js';
import type { Store } from '../../src/store/store-api.js';
import type { ArticleHead, ArticleWrite, Classification, StoredArticle } from '../../src/types.js';
import { makeTempDir } from '../helpers/cli.js';

const FINGERPRINT = 'rules-1';
const SEEN = '2026-12-03T08:00:00.000Z';

function head(id: string): ArticleHead {
  return {
    id,
    key: `url:example.test/${id}`,
    link: `https://example.test/${id}`,
    title: `Meldung ${id}`,
    summary: '',
    contentHash: `c-${id}`,
    categories: [],
    enclosures: [],
    published: SEEN,
    firstSeen: SEEN,
    sources: [{ name: 'Quelle', firstSeen: SEEN }],
  };
}

function withContent(id: string): ArticleWrite {
  return { head: head(id), content: `<p>Text ${id}</p>` };
}

function headOnly(id: string): ArticleWrite {
  return { head: head(id) };
}

/** Each write's topics as a source's merge found them: `kernel` for even numbers, none for odd ones. */
function topicsFor(writes: readonly ArticleWrite[]): Map<ArticleWrite, string[]> {
  return new Map(writes.filter((w) => w.content !== undefined).map((w) => [w, Number(w.head.id.slice(1)) % 2 === 0 ? ['kernel'] : []]));
}

const neverClassify = (): Classification => {
  throw new Error('every write had its topics');
};

const stores: Store[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

async function openStore(): Promise<Store> {
  const store = await openJsonStore(path.join(makeTempDir(), 'feedkurator.json'));
  stores.push(store);
  return store;
}

describe('CycleTally', () => {
  it('keeps articles with content as written and the others as touched, whichever comes first', async () => {
    const tally = new CycleTally(await openStore(), FINGERPRINT);
    // Source 1: a1 new, a2 only gains this source. Source 2: a2's text changed (after), a3 head only, a1 head only (after its content).
    const first = [withContent('a1'), headOnly('a2')];
    const second = [withContent('a2'), headOnly('a3'), headOnly('a1')];
    tally.add(first, topicsFor(first));
    tally.add(second, topicsFor(second));
    await tally.finish(neverClassify);
    expect([...tally.written.keys()].sort()).toEqual(['a1', 'a2']);
    expect([...tally.touched]).toEqual(['a3']);
    expect(tally.written.get('a2')!.write).toBe(second[0]);
  });

  it('hands topics to the store in batches while sources are merged, and the rest when it finishes', async () => {
    const store = await openStore();
    const tally = new CycleTally(store, FINGERPRINT);
    // 60 sources of 50 articles: the first batches go out before the last source.
    for (let s = 0; s < 60; s++) {
      const writes = Array.from({ length: 50 }, (_, i) => withContent(`a${s * 50 + i}`));
      tally.add(writes, topicsFor(writes));
    }
    // The batches are chained promises: give them a few turns.
    await new Promise((resolve) => setImmediate(resolve));
    const early = await store.getClassifications(FINGERPRINT);
    expect(early.size).toBeGreaterThanOrEqual(2_048);
    expect(early.size).toBeLessThan(3_000);

    const curated = await tally.finish(neverClassify);
    const stored = await store.getClassifications(FINGERPRINT);
    expect(stored.size).toBe(3_000);
    expect(stored.get('a42')).toEqual(['kernel']);
    expect(stored.get('a43')).toEqual([]);
    expect(curated).toBe(1_500);
  });

  it('says when the batches handed to the store so far are stored (retention waits for it)', async () => {
    const store = await openStore();
    const put = store.putClassifications.bind(store);
    let inFlight = 0;
    store.putClassifications = async (fingerprint, topics) => {
      inFlight++;
      await new Promise((resolve) => setTimeout(resolve, 30));
      await put(fingerprint, topics);
      inFlight--;
    };
    const tally = new CycleTally(store, FINGERPRINT);
    for (let s = 0; s < 3; s++) {
      const writes = Array.from({ length: 1_500 }, (_, i) => withContent(`a${s * 1_500 + i}`));
      tally.add(writes, topicsFor(writes));
    }
    expect(inFlight).toBe(0); // handed over, not yet begun: the chain starts on a later turn
    await tally.batchesStored();
    expect(inFlight).toBe(0);
    // One batch went (3,000 topics, once the second source passed 2,048); the third source's wait for finish().
    expect((await store.getClassifications(FINGERPRINT)).size).toBe(3_000);
    await tally.finish(neverClassify);
    expect((await store.getClassifications(FINGERPRINT)).size).toBe(4_500);
  });

  it('stores nothing once its rules are no longer in force, and says so', async () => {
    const store = await openStore();
    let inForce = true;
    const tally = new CycleTally(store, FINGERPRINT, () => inForce);
    const first = Array.from({ length: 2_100 }, (_, i) => withContent(`a${i}`));
    tally.add(first, topicsFor(first));
    await tally.batchesStored();
    expect((await store.getClassifications(FINGERPRINT)).size).toBe(2_100);
    expect(tally.withheld).toBe(false);
    // A rules edit replaced them: the rest is withheld (the store keeps the edit's fingerprint, not this one).
    inForce = false;
    const second = [withContent('b1'), withContent('b2')];
    tally.add(second, topicsFor(second));
    expect(await tally.finish(neverClassify)).toBe(1_050 + 1); // counted all the same: b2 is on topic
    expect(tally.withheld).toBe(true);
    expect((await store.getClassifications(FINGERPRINT)).size).toBe(2_100);
  });

  it('classifies at the end what a merge could not, and stores and counts it', async () => {
    const store = await openStore();
    const tally = new CycleTally(store, FINGERPRINT);
    const writes = [withContent('a1'), withContent('a2')];
    // a2's classification failed during its merge: no topics for it.
    tally.add(writes, new Map([[writes[0]!, ['kernel']]]));
    const asked: string[] = [];
    const curated = await tally.finish((article: StoredArticle) => {
      asked.push(article.id);
      expect(article.content).toBe('<p>Text a2</p>');
      return { topics: ['hosting'], matches: {}, excluded: {} };
    });
    expect(asked).toEqual(['a2']);
    expect(curated).toBe(2);
    expect(await store.getClassifications(FINGERPRINT)).toEqual(new Map([['a1', ['kernel']], ['a2', ['hosting']]]));
  });

  it('fails its finish when the classification at the end throws', async () => {
    const tally = new CycleTally(await openStore(), FINGERPRINT);
    tally.add([withContent('a1')], new Map());
    await expect(
      tally.finish(() => {
        throw new Error('rules broke');
      }),
    ).rejects.toThrow('rules broke');
  });

  it('stores no topics without a rules fingerprint, and still counts the curated ones', async () => {
    const store = await openStore();
    const tally = new CycleTally(store, undefined);
    const writes = Array.from({ length: 3_000 }, (_, i) => withContent(`a${i}`));
    tally.add(writes, topicsFor(writes));
    expect(await tally.finish(neverClassify)).toBe(1_500);
    expect((await store.getClassifications(FINGERPRINT)).size).toBe(0);
  });

  it('rejects its finish with a batch the store refused, and leaves no unhandled rejection when the cycle fails before', async () => {
    const store = await openStore();
    store.putClassifications = async () => {
      throw new Error('disk full');
    };
    // A cycle that fails before finish() (a source's store failure): the refused batch must not crash the process.
    const abandoned = new CycleTally(store, FINGERPRINT);
    const many = Array.from({ length: 2_100 }, (_, i) => withContent(`b${i}`));
    abandoned.add(many, topicsFor(many));
    await new Promise((resolve) => setTimeout(resolve, 20));

    const tally = new CycleTally(store, FINGERPRINT);
    tally.add(many, topicsFor(many));
    await expect(tally.finish(neverClassify)).rejects.toThrow('disk full');
  });
});

/**
 * The JSON store opened in stages (openJsonStoreStaged, for a `serve` start):
 * segments read in any order, then finished, give the store a whole load
 * gives (same heads in the same order, same keys, topics, fetch state and
 * tombstones, journal changes and removals on top); and the segment dates
 * bound what the unread segments hold: after any number of segments read
 * newest first, no article left unread was published after the horizon.
 * Real files in temp dirs.
 */
import { mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openJsonStore, openJsonStoreStaged } from '../../src/store/json/json-store.js';
import type { Store } from '../../src/store/store-api.js';
import type { ArticleHead, StoredArticle } from '../../src/types.js';

const root = mkdtempSync(join(tmpdir(), 'fk-staged-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const DAY = 86_400_000;
const BASE = Date.parse('2026-10-01T00:00:00.000Z');
let dirs = 0;

function article(n: number, seenDay: number, publishedMs: number, extra: Partial<StoredArticle> = {}): StoredArticle {
  const seen = new Date(BASE + seenDay * DAY + (n % 20) * 60_000).toISOString();
  return {
    id: `s${n}`,
    key: `url:https://example.test/${n}`,
    link: `https://example.test/${n}`,
    title: `Artikel ${n}`,
    summary: '',
    content: `<p>${n}</p>`,
    contentHash: `h${n}`,
    categories: [],
    enclosures: [],
    published: new Date(publishedMs).toISOString(),
    firstSeen: seen,
    sources: [{ name: 'q', firstSeen: seen }],
    ...extra,
  };
}

/**
 * Twelve days of articles, some published before or long after the day they were first seen; then, through
 * the journal, a changed head (its date moved forward), an article stored again under a taken key, and removals.
 */
async function build(): Promise<string> {
  const path = join(root, `s${dirs++}`, 'feedkurator.json');
  const store = await openJsonStore(path);
  const all: StoredArticle[] = [];
  for (let d = 0; d < 12; d++) for (let k = 0; k < 8; k++) all.push(article(d * 8 + k, d, BASE + d * DAY - k * 3_600_000));
  all.push(article(500, 2, BASE + 11 * DAY + 5 * 3_600_000)); // an old day's article published after every other
  all.push(article(501, 9, BASE - 40 * DAY)); // a back catalogue article
  await store.importData({ articles: all, sources: [{ name: 'q', url: 'https://example.test/feed' } as never] });
  await store.putClassifications('fp', new Map(all.map((a, i) => [a.id, i % 3 === 0 ? [] : ['kernel']])));
  await store.flush();
  await merge(store, [
    { ...article(3, 0, BASE + 10 * DAY + 3_600_000), title: 'Artikel 3, Datum berichtigt' },
    article(700, 11, BASE + 11 * DAY, { key: 'url:https://example.test/5' }),
  ]);
  await store.applyRetention({ retentionDays: 3650, maxItems: all.length - 3 }, new Date(BASE + 12 * DAY));
  await store.flush();
  await store.close();
  return path;
}

async function merge(store: Store, articles: StoredArticle[]): Promise<void> {
  await store.mergeSource({
    source: 'q',
    keys: [],
    ids: [],
    state: { name: 'q', url: 'https://example.test/feed' } as never,
    plan: () => ({ merge: { writes: articles.map(({ content, ...head }) => ({ head, content })), retiredSeen: [], day: '2026-10-12' }, result: undefined }),
  });
}

async function snapshot(store: Store): Promise<unknown> {
  return {
    heads: await store.listHeads(),
    topics: [...(await store.getClassifications('fp'))],
    sources: [...(await store.getSourceStates())],
    retired: [...(await store.listRetired())],
    // The key index: the first writer of a key wins, so its order shows in what a lookup finds.
    found: await store.mergeSource({ source: 'q', keys: ['url:https://example.test/5', 'url:https://example.test/7'], ids: [], state: { name: 'q', url: 'https://example.test/feed' } as never, plan: (f) => ({ merge: { writes: [], retiredSeen: [], day: '2026-10-12' }, result: [...f.byKey].map(([k, h]) => [k, h.id]) }) }),
  };
}

describe('a JSON store opened in stages', () => {
  it('is the store a whole load gives, whatever order its segments are read in', async () => {
    const path = await build();
    // Writable (the snapshot's lookup is a merge), never flushed: nothing reaches the files.
    const whole = await openJsonStore(path);
    const expected = await snapshot(whole);
    await whole.close();
    for (const order of ['newest', 'oldest', 'mixed'] as const) {
      const { store, load } = await openJsonStoreStaged(path);
      for (let i = 0; order !== 'oldest' && i < (order === 'mixed' ? 5 : 12); i++) await load.readMore();
      await load.finish();
      expect(load.horizon()).toEqual({ done: true });
      expect(await snapshot(store), order).toEqual(expected);
      await store.close();
    }
    // The rest of the load started while a segment is being read (a whole-store operation meanwhile): that read is awaited, not lost.
    const { store, load } = await openJsonStoreStaged(path);
    await load.readMore();
    const reading = load.readMore();
    await Promise.all([reading, store.countArticles(), load.readMore()]);
    expect(await snapshot(store), 'racing').toEqual(expected);
    await store.close();
  });

  it('reads of a day only what a curation under the given rules can show, and the rest when it finishes: the same store', async () => {
    const path = await build();
    const whole = await openJsonStore(path);
    const expected = await snapshot(whole);
    const allTopics = await whole.getClassifications('fp');
    await whole.close();
    const { store, load } = await openJsonStoreStaged(path);
    for (let i = 0; i < 5; i++) await load.readMore('fp');
    const loaded = load.loadedHeads();
    // Of the days read, the articles without topics for these rules are not parsed (the journal's heads are all there).
    const uncurated = loaded.filter((h) => allTopics.get(h.id)?.length === 0 && !['s3', 's700'].includes(h.id));
    expect(uncurated).toEqual([]);
    expect(loaded.length).toBeGreaterThan(20);
    expect(load.horizon()).toMatchObject({ done: false });
    await load.finish();
    expect(load.horizon()).toEqual({ done: true });
    expect(await snapshot(store)).toEqual(expected);
    await store.close();
    // Other rules than the stored topics': every article of a day is read.
    const other = await openJsonStoreStaged(path);
    await other.load.readMore('another');
    expect(other.load.loadedHeads().some((h) => allTopics.get(h.id)?.length === 0 && !['s3', 's700'].includes(h.id))).toBe(true);
    await other.store.close();
  });

  it('answers for the loaded articles with their HTML from the segments it read, without reading those files again', async () => {
    const path = await build();
    const whole = await openJsonStore(path, { readOnly: true });
    const { store, load } = await openJsonStoreStaged(path);
    for (let i = 0; i < 3; i++) await load.readMore();
    const ids = load.loadedHeads().map((h) => h.id);
    expect(ids.length).toBeGreaterThan(20);
    const expected = await whole.getArticles(ids);
    expect(expected.map((a) => a.id).sort()).toEqual([...ids].sort());
    // The files read are gone: what is answered comes from the load (and the journal, for what it holds).
    for (const day of new Set(load.loadedHeads().map((h) => h.firstSeen.slice(0, 10)))) rmSync(join(path, '..', `feedkurator.articles-${day}.json`), { force: true });
    expect(await store.getArticles(ids)).toEqual(expected);
    await store.close();
    await whole.close();
  });

  it('never leaves unread an article published after the horizon, and knows nothing of a segment changed since', async () => {
    const path = await build();
    // No dates yet: the horizon is unknown while any segment is unread.
    {
      const { store, load } = await openJsonStoreStaged(path);
      await load.readMore();
      expect(load.horizon()).toMatchObject({ done: false, newestPublished: undefined });
      await store.saveSegmentDates!();
      await store.close();
    }
    const reference = await openJsonStore(path, { readOnly: true });
    const heads = await reference.listHeads();
    await reference.close();
    const { store, load } = await openJsonStoreStaged(path);
    for (let read = 0; ; read++) {
      const horizon = load.horizon();
      if (horizon.done) break;
      const loaded = new Set(load.loadedHeads().map((h) => h.id));
      const unread = heads.filter((h: ArticleHead) => !loaded.has(h.id));
      expect(horizon.newestPublished, `after ${read} segments`).toBeDefined();
      for (const head of unread) expect(head.published <= horizon.newestPublished!, `${head.id} (${head.published}) after ${read} segments`).toBe(true);
      // The loaded heads are the current ones (the journal's, not a segment's older copy).
      for (const head of load.loadedHeads()) expect(head).toEqual(heads.find((h) => h.id === head.id));
      await load.readMore();
    }
    await store.close();

    // A segment whose file changed since its date was taken (its time moved): unknown until read again.
    const day = '2026-10-03';
    utimesSync(join(path, '..', `feedkurator.articles-${day}.json`), new Date(), new Date());
    const again = await openJsonStoreStaged(path);
    expect(again.load.horizon()).toMatchObject({ done: false, newestPublished: undefined });
    await again.load.readMore();
    expect(again.load.loadedHeads().some((h) => h.firstSeen.startsWith(day)), 'the changed segment is read first').toBe(true);
    expect(again.load.horizon()).toMatchObject({ done: false });
    expect((again.load.horizon() as { newestPublished?: string }).newestPublished).toBeDefined();
    await again.store.close();
  });

  it('finishes the load before any operation that needs the whole store', async () => {
    const path = await build();
    const whole = await openJsonStore(path, { readOnly: true });
    const count = await whole.countArticles();
    await whole.close();
    const { store, load } = await openJsonStoreStaged(path);
    await load.readMore();
    expect(load.horizon()).toMatchObject({ done: false });
    expect(await store.countArticles()).toBe(count);
    expect(load.horizon()).toEqual({ done: true });
    await store.close();
  });
});

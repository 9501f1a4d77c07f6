/**
 * The window selectEntries clusters: the articles first seen today plus a
 * part of earlier days that stays put all day (so a poll only extends the
 * clusters), or for a young store the newest articles as before. A real JSON
 * store in a temp dir, the real Curation and clusterer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Curation } from '../../src/curate/curation.js';
import { ContentCache, selectEntries } from '../../src/curate/select-entries.js';
import { createStoryClusterer, MIN_REFERENCE, type StoryClusterer } from '../../src/curate/story-clusterer.js';
import { rulesFor } from '../../src/daemon/daemon.js';
import { openStore } from '../../src/store/open-store.js';
import type { StoredArticle } from '../../src/types.js';
import { article, loadTestConfig } from '../fixtures/publish/german-linux-news.js';

const config = loadTestConfig();
const feed = { maxItems: config.feed.maxItems, topics: Object.keys(config.topics) };
const dir = mkdtempSync(join(tmpdir(), 'fk-select-window-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const DAY = Date.parse('2026-11-20T00:00:00.000Z');
const MINUTE = 60_000;

/** A curated article (a Linux kernel release: every title its own version) first seen at `seen`, published `ageMin` minutes before. */
function linux(n: number, seen: number, ageMin = 0): StoredArticle {
  const at = new Date(seen).toISOString();
  return { ...article({ id: `a${n}`, title: `Linux-Kernel 6.${n} erschienen`, published: new Date(seen - ageMin * MINUTE).toISOString() }), firstSeen: at, sources: [{ name: `Quelle ${n % 7}`, firstSeen: at }] };
}

/** The real clusterer, remembering what it was asked to cluster. */
function recording(): StoryClusterer & { windows: string[][] } {
  const inner = createStoryClusterer();
  return {
    windows: [],
    get lastRun() {
      return inner.lastRun;
    },
    async cluster(articles, day) {
      this.windows.push(articles.map((a) => a.head.id));
      return inner.cluster(articles, day);
    },
    readAhead: (head, content) => inner.readAhead(head, content),
    describe: () => inner.describe(),
    close: () => inner.close(),
  };
}

async function setUp(name: string, articles: StoredArticle[]): Promise<{ store: Awaited<ReturnType<typeof openStore>>; curation: Curation }> {
  const store = await openStore({ storePath: join(dir, name, 'feedkurator.json') });
  await store.importData({ articles });
  const curation = await Curation.open(store, rulesFor(config));
  return { store, curation };
}

/** A poll's articles: stored, then taken in by the curation. */
async function add(store: Awaited<ReturnType<typeof openStore>>, curation: Curation, articles: StoredArticle[]): Promise<void> {
  await store.importData({ articles });
  await curation.applyRemote(articles, []);
}

describe('ContentCache.sortEntries', () => {
  it('sorts newest first (then by id) whatever order the last sort left, entries gone and new ones included', () => {
    const entry = (n: number, hour: number) => ({ lead: { head: linux(n, DAY, -hour * 60), topics: [] }, others: [], topics: new Set<string>() });
    // Published at 24 distinct hours, several articles per hour (ties broken by id).
    const all = Array.from({ length: 60 }, (_, n) => entry(n, (n * 7) % 24));
    const plain = (list: typeof all) => [...list].sort((a, b) => (a.lead.head.published !== b.lead.head.published ? (a.lead.head.published < b.lead.head.published ? 1 : -1) : a.lead.head.id < b.lead.head.id ? -1 : 1));
    const cache = new ContentCache();
    let seed = 7;
    const shuffled = (list: typeof all) => list.map((e) => ({ e, k: (seed = (seed * 48271) % 2147483647) })).sort((x, y) => x.k - y.k).map((x) => x.e);
    for (let round = 0; round < 20; round++) {
      // A different part of the entries each time, given in a shuffled order.
      const some = shuffled(all).slice(0, 20 + round * 2);
      expect(cache.sortEntries(some)).toEqual(plain(some));
      expect(cache.sortEntries(shuffled(some))).toEqual(plain(some));
    }
  });
});

describe('the clustered window', () => {
  it('holds the articles first seen today and a part of earlier days that stays put all day; a poll extends the clusters', async () => {
    // Earlier days: one article every 20 minutes for three weeks.
    const earlier = Array.from({ length: 1500 }, (_, k) => linux(k, DAY - (k + 1) * 20 * MINUTE));
    const { store, curation } = await setUp('mature', earlier);
    try {
      const clusterer = recording();
      const cache = new ContentCache();
      const morning = [linux(5000, DAY + 6 * 60 * MINUTE, 30), linux(5001, DAY + 6 * 60 * MINUTE, 600)];
      await add(store, curation, morning);
      const first = await selectEntries(curation, store, cache, feed, clusterer, DAY + 6 * 60 * MINUTE);
      const base = clusterer.windows[0]!.filter((id) => !id.startsWith('a50'));
      expect(base.length).toBeGreaterThanOrEqual(MIN_REFERENCE);
      expect(base.length).toBeLessThan(earlier.length);
      expect(clusterer.windows[0]).toEqual(expect.arrayContaining(['a5000', 'a5001']));
      expect(first.map((e) => e.article.published)).toEqual(first.map((e) => e.article.published).sort().reverse());

      // Later the same day: a poll with an article published long ago (back catalogue) is in the window all the same.
      const evening = [linux(5002, DAY + 20 * 60 * MINUTE, 5), linux(5003, DAY + 20 * 60 * MINUTE, 60 * 24 * 30)];
      await add(store, curation, evening);
      const second = await selectEntries(curation, store, cache, feed, clusterer, DAY + 20 * 60 * MINUTE);
      expect(clusterer.windows[1]!.filter((id) => !id.startsWith('a50'))).toEqual(base);
      expect(clusterer.windows[1]).toEqual(expect.arrayContaining(['a5002', 'a5003']));
      expect(clusterer.lastRun).toEqual({ mode: 'extended', added: 2, frozen: true });
      expect(second.map((e) => e.article.published)).toEqual(second.map((e) => e.article.published).sort().reverse());
      expect(second[0]!.article.id).toBe('a5002');

      // The next day: its own earlier part (the back-catalogue article now too old for it), clustered anew.
      await selectEntries(curation, store, cache, feed, clusterer, DAY + 30 * 60 * MINUTE);
      expect(clusterer.windows[2]).toEqual(expect.arrayContaining(['a5000', 'a5001', 'a5002']));
      expect(clusterer.windows[2]).not.toContain('a5003');
      expect(clusterer.lastRun).toMatchObject({ mode: 'from scratch', reason: 'a new day' });
    } finally {
      await store.close();
    }
  }, 60_000);

  it('a young store (everything first seen today) clusters the newest articles only, as many as the rule gives', async () => {
    // A first poll bringing a month of back catalogue.
    const all = Array.from({ length: 1000 }, (_, k) => linux(k, DAY + 60 * MINUTE, k * 2 * 60));
    const { store, curation } = await setUp('young', all);
    try {
      const clusterer = recording();
      await selectEntries(curation, store, new ContentCache(), feed, clusterer, DAY + 2 * 60 * MINUTE);
      const window = clusterer.windows[0]!;
      expect(window.length).toBeLessThan(all.length);
      expect(window).toEqual(all.slice(0, window.length).map((a) => a.id));
      expect(clusterer.lastRun).toMatchObject({ mode: 'from scratch', frozen: false });
    } finally {
      await store.close();
    }
  }, 60_000);
});

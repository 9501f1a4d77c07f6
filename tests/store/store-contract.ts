/**
 * The Store contract (src/store/store-api.ts), backend-neutral: every
 * backend runs `describeStoreContract(name, openEmptyStore)` in its own test
 * file. It checks what the engine relies on, through the interface only.
 *
 * The merge plans here are small hand-written ones (new article unless the
 * lookup found it, else add the source): the contract is about what the store
 * looks up, applies and keeps, not about dedupe's rules.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { guidKeyOf, idForKey, urlKeyOf } from '../../src/dedupe/identity.js';
import { TOMBSTONE_MIN_DAYS } from '../../src/dedupe/retention.js';
import type { ArticleHead, MergeLookup, MergeRequest, SourceMerge, Store } from '../../src/store/store-api.js';
import type { CycleRecord, SourceState, StoredArticle } from '../../src/types.js';

export interface ContractOptions {
  /** Open the same store again after close() (persistence); omit when the backend cannot. */
  reopen?: (closed: Store) => Promise<Store>;
}

const NOW = new Date('2026-06-15T12:00:00.000Z');
const DAY_MS = 86_400_000;

export function makeArticle(n: number, overrides: Partial<StoredArticle> = {}): StoredArticle {
  const link = `https://news.example.test/artikel/${n}`;
  const key = urlKeyOf(link)!;
  const published = overrides.published ?? new Date(NOW.getTime() - n * 60_000).toISOString();
  return {
    id: idForKey(key),
    key,
    title: `Artikel ${n}: Kernel 6.${n} erschienen`,
    link,
    summary: `Zusammenfassung ${n}`,
    content: `<p>Inhalt ${n} – Umlaute äöü, Emoji 🐧, Zitat "x" & <b>y</b></p>`,
    categories: ['Linux', `Kategorie ${n % 3}`],
    enclosures: n % 2 ? [{ url: `https://news.example.test/img/${n}.jpg`, type: 'image/jpeg', length: 1234 }] : [],
    published,
    firstSeen: published,
    contentHash: `hash${n}`.padEnd(16, '0'),
    sources: [{ name: 'quelle-a', guid: `guid-${n}`, link, firstSeen: published }],
    ...overrides,
  };
}

export function headOf(article: StoredArticle): ArticleHead {
  const { content: _content, ...head } = article;
  return head;
}

export function stateOf(name: string, extra: Partial<SourceState> = {}): SourceState {
  return { name, url: `https://${name}.example.test/feed.xml`, consecutiveErrors: 0, lastAttempt: NOW.toISOString(), ...extra };
}

/** Keys a merge of this article by `source` would look up: identity, link, guid. */
export function keysOf(article: StoredArticle, source = 'quelle-a'): string[] {
  const guid = article.sources.find((s) => s.name === source)?.guid;
  return [article.key, ...(article.link ? [urlKeyOf(article.link)!] : []), ...(guid ? [guidKeyOf(source, guid)] : [])];
}

/** A merge request whose plan records what it was shown and applies `decide`. */
export function mergeRequest<T>(
  source: string,
  articles: readonly StoredArticle[],
  decide: (found: MergeLookup) => { merge: Omit<SourceMerge, 'day'> & { day?: string }; result: T },
  state: SourceState = stateOf(source),
): MergeRequest<T> & { seen: MergeLookup[] } {
  const seen: MergeLookup[] = [];
  return {
    source,
    keys: [...new Set(articles.flatMap((a) => keysOf(a, source)))],
    ids: articles.map((a) => a.id),
    plan(found) {
      seen.push(found);
      const { merge, result } = decide(found);
      return { merge: { day: merge.day ?? NOW.toISOString().slice(0, 10), ...merge }, result };
    },
    state,
    seen,
  };
}

/** Store new articles (the usual first merge). */
export async function storeNew(store: Store, source: string, articles: readonly StoredArticle[]): Promise<void> {
  await store.mergeSource(
    mergeRequest(source, articles, () => ({
      merge: { writes: articles.map((a) => ({ head: headOf(a), content: a.content })), retiredSeen: [] },
      result: undefined,
    })),
  );
}

async function collect(stream: AsyncIterable<StoredArticle[]>): Promise<StoredArticle[][]> {
  const batches: StoredArticle[][] = [];
  for await (const batch of stream) batches.push(batch);
  return batches;
}

const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function describeStoreContract(name: string, openEmptyStore: () => Promise<Store>, options: ContractOptions = {}): void {
  describe(`Store contract: ${name}`, () => {
    const open: Store[] = [];
    const fresh = async (): Promise<Store> => {
      const store = await openEmptyStore();
      open.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close().catch(() => {})));
    });

    it('starts empty', async () => {
      const store = await fresh();
      expect(store.readOnly).toBe(false);
      expect(store.openedSchemaVersion).toBeNull();
      expect(store.location).not.toBe('');
      expect(await store.countArticles()).toBe(0);
      expect(await store.listHeads()).toEqual([]);
      expect(await store.getArticles(['0123456789abcdef'])).toEqual([]);
      expect(await collect(store.streamArticles())).toEqual([]);
      expect(await store.getSourceStates()).toEqual(new Map());
      expect(await store.listRetired()).toEqual(new Map());
      expect(await store.getLastCycle()).toBeUndefined();
      expect(await store.getClassifications('rules-1')).toEqual(new Map());
    });

    it('merges new articles with the source state, and gives back the plan result', async () => {
      const store = await fresh();
      const articles = [makeArticle(1), makeArticle(2)];
      const state = stateOf('quelle-a', { etag: '"v1"' });
      const request = mergeRequest(
        'quelle-a',
        articles,
        () => ({ merge: { writes: articles.map((a) => ({ head: headOf(a), content: a.content })), retiredSeen: [] }, result: { new: 2 } }),
        state,
      );
      expect(await store.mergeSource(request)).toEqual({ new: 2 });
      expect(request.seen).toHaveLength(1);
      expect(request.seen[0]!.byKey.size).toBe(0);
      expect(request.seen[0]!.byId.size).toBe(0);
      await store.flush();

      expect(await store.countArticles()).toBe(2);
      expect((await store.listHeads()).sort(byId)).toEqual(articles.map(headOf).sort(byId));
      expect((await store.getArticles([articles[1]!.id, 'ffffffffffffffff'])).map((a) => a)).toEqual([articles[1]]);
      expect(await store.getSourceStates()).toEqual(new Map([['quelle-a', state]]));
    });

    it('looks articles up by identity key, link key, guid key and id', async () => {
      const store = await fresh();
      const [a, b] = [makeArticle(1), makeArticle(2, { sources: [{ name: 'quelle-a', guid: 'nur-guid', firstSeen: NOW.toISOString() }] })];
      await storeNew(store, 'quelle-a', [a!, b!]);
      const request = mergeRequest('quelle-a', [a!, b!], () => ({ merge: { writes: [], retiredSeen: [] }, result: null }));
      await store.mergeSource(request);
      const found = request.seen[0]!;
      expect(found.byKey.get(a!.key)).toEqual(headOf(a!));
      expect(found.byKey.get(guidKeyOf('quelle-a', 'guid-1'))?.id).toBe(a!.id);
      expect(found.byKey.get(guidKeyOf('quelle-a', 'nur-guid'))?.id).toBe(b!.id);
      expect(found.byId.get(b!.id)).toEqual(headOf(b!));
      expect(found.retired.size).toBe(0);
    });

    it('keeps the stored content on a head-only write, and finds the article under a second source\'s keys', async () => {
      const store = await fresh();
      const article = makeArticle(3);
      await storeNew(store, 'quelle-a', [article]);
      const seenAt = new Date(NOW.getTime() + 60_000).toISOString();
      const updated: ArticleHead = {
        ...headOf(article),
        sources: [...article.sources, { name: 'quelle-b', guid: 'b-3', link: 'https://aggregator.example.test/x/3', firstSeen: seenAt }],
      };
      await store.mergeSource(
        mergeRequest('quelle-b', [article], (found) => {
          expect(found.byKey.get(article.key)?.id).toBe(article.id);
          return { merge: { writes: [{ head: updated }], retiredSeen: [] }, result: null };
        }),
      );
      expect(await store.getArticles([article.id])).toEqual([{ ...updated, content: article.content }]);

      const again = mergeRequest('quelle-b', [], () => ({ merge: { writes: [], retiredSeen: [] }, result: null }));
      again.keys = [guidKeyOf('quelle-b', 'b-3')];
      await store.mergeSource(again);
      expect(again.seen[0]!.byKey.get(guidKeyOf('quelle-b', 'b-3'))?.id).toBe(article.id);
    });

    it('replaces content and head on a write with content', async () => {
      const store = await fresh();
      const article = makeArticle(4);
      await storeNew(store, 'quelle-a', [article]);
      const changed = { ...article, title: 'Neuer Titel', content: '<p>neu</p>', contentHash: 'ffffffffffffffff', updated: NOW.toISOString() };
      await storeNew(store, 'quelle-a', [changed]);
      expect(await store.getArticles([article.id])).toEqual([changed]);
      expect(await store.countArticles()).toBe(1);
    });

    it('gives a lookup key to the article that had it first', async () => {
      const store = await fresh();
      const first = makeArticle(5);
      const sharedGuid = guidKeyOf('quelle-a', 'guid-5');
      const second = makeArticle(6, { sources: [{ name: 'quelle-a', guid: 'guid-5', firstSeen: NOW.toISOString() }] });
      await storeNew(store, 'quelle-a', [first]);
      await storeNew(store, 'quelle-a', [second]);
      const request = mergeRequest('quelle-a', [], () => ({ merge: { writes: [], retiredSeen: [] }, result: null }));
      request.keys = [sharedGuid];
      await store.mergeSource(request);
      expect(request.seen[0]!.byKey.get(sharedGuid)?.id).toBe(first.id);
    });

    it('merges a source whole or not at all: a failing plan leaves articles and state as they were', async () => {
      const store = await fresh();
      await storeNew(store, 'quelle-a', [makeArticle(7)]);
      const before = await store.getSourceStates();
      const bug = new Error('plan bug');
      await expect(
        store.mergeSource(
          mergeRequest('quelle-a', [makeArticle(8)], () => {
            throw bug;
          }, stateOf('quelle-a', { etag: '"never"' })),
        ),
      ).rejects.toBe(bug);
      expect(await store.countArticles()).toBe(1);
      expect(await store.getSourceStates()).toEqual(before);
    });

    it('keeps source states apart from merges', async () => {
      const store = await fresh();
      const failed = stateOf('quelle-c', { consecutiveErrors: 2, lastError: 'HTTP 503', lastErrorCode: 'FK_HTTP_STATUS', nextDue: NOW.toISOString() });
      await store.putSourceState(failed);
      await store.putSourceState(stateOf('quelle-d'));
      await store.putSourceState({ ...failed, consecutiveErrors: 3 });
      const states = await store.getSourceStates();
      expect(states.get('quelle-c')).toEqual({ ...failed, consecutiveErrors: 3 });
      expect([...states.keys()].sort()).toEqual(['quelle-c', 'quelle-d']);
    });

    it('lets a fresh process claim every due source it asks for', async () => {
      const store = await fresh();
      const names = ['quelle-a', 'quelle-b', 'quelle-c'];
      const claimed = await store.claimSources({ names, attemptedBefore: NOW, leaseUntil: new Date(Date.now() + 60_000) });
      expect([...claimed].sort()).toEqual(names);
      expect(await store.getSourceStates()).toEqual(new Map());
    });

    it('keeps classifications per rules fingerprint', async () => {
      const store = await fresh();
      await storeNew(store, 'quelle-a', [makeArticle(1), makeArticle(2)]);
      const [a, b] = [makeArticle(1).id, makeArticle(2).id];
      await store.putClassifications('rules-1', new Map([[a, ['kernel']], [b, []]]));
      await store.putClassifications('rules-1', new Map([[b, ['containers', 'hosting']]]));
      expect(await store.getClassifications('rules-1')).toEqual(new Map([[a, ['kernel']], [b, ['containers', 'hosting']]]));
      expect(await store.getClassifications('rules-2')).toEqual(new Map());
    });

    it('keeps the last cycle', async () => {
      const store = await fresh();
      const cycle: CycleRecord = {
        sources: 3, ok: 1, notModified: 1, failed: 1, skipped: 0, new: 4, updated: 1, duplicates: 2, curated: 3, durationMs: 812,
        errors: [{ source: 'quelle-c', code: 'FK_HTTP_STATUS', error: 'HTTP 503' }],
        startedAt: NOW.toISOString(), finishedAt: new Date(NOW.getTime() + 812).toISOString(),
      };
      await store.putLastCycle(cycle);
      await store.putLastCycle({ ...cycle, new: 5 });
      expect(await store.getLastCycle()).toEqual({ ...cycle, new: 5 });
    });

    it('drops articles past retentionDays and beyond maxItems, leaving tombstones the next merge sees', async () => {
      const store = await fresh();
      const old = makeArticle(100, { published: new Date(NOW.getTime() - 40 * DAY_MS).toISOString() });
      const recent = [1, 2, 3, 4].map((n) => makeArticle(n));
      await storeNew(store, 'quelle-a', [old, ...recent]);
      await store.putClassifications('rules-1', new Map([[old.id, ['kernel']], [recent[0]!.id, ['kernel']]]));

      expect(await store.applyRetention({ retentionDays: 30, maxItems: 3 }, NOW)).toEqual({ dropped: 2 });
      // recent[3] is the oldest of the four (n minutes before NOW).
      expect((await store.listHeads()).map((h) => h.id).sort()).toEqual(recent.slice(0, 3).map((a) => a.id).sort());
      const today = NOW.toISOString().slice(0, 10);
      expect(await store.listRetired()).toEqual(new Map([[old.id, today], [recent[3]!.id, today]]));
      // (Whether a dropped article's classification is forgotten is the backend's business.)
      expect((await store.getClassifications('rules-1')).get(recent[0]!.id)).toEqual(['kernel']);

      const later = '2026-06-20';
      const request = mergeRequest('quelle-a', [old], (found) => ({
        merge: { writes: [], retiredSeen: [...found.retired], day: later },
        result: [...found.retired],
      }));
      expect(await store.mergeSource(request)).toEqual([old.id]);
      expect((await store.listRetired()).get(old.id)).toBe(later);
      expect(await store.applyRetention({ retentionDays: 30, maxItems: 3 }, NOW)).toEqual({ dropped: 0 });
    });

    it('keeps newest-first order on equal dates by first seen, then id', async () => {
      const store = await fresh();
      const published = NOW.toISOString();
      const articles = [1, 2, 3].map((n) => makeArticle(n, { published, firstSeen: published }));
      await storeNew(store, 'quelle-a', articles);
      await store.applyRetention({ retentionDays: 30, maxItems: 2 }, NOW);
      const kept = articles.map((a) => a.id).sort().slice(0, 2);
      expect((await store.listHeads()).map((h) => h.id).sort()).toEqual(kept);
    });

    it('expires tombstones not listed for TOMBSTONE_MIN_DAYS and caps their number', async () => {
      const store = await fresh();
      const day = (daysAgo: number): string => new Date(NOW.getTime() - daysAgo * DAY_MS).toISOString().slice(0, 10);
      const retired = new Map<string, string>();
      retired.set('aaaaaaaaaaaaaaaa', day(TOMBSTONE_MIN_DAYS + 1));
      retired.set('bbbbbbbbbbbbbbbb', day(TOMBSTONE_MIN_DAYS - 1));
      for (let i = 0; i < 1_001; i++) retired.set(`c${i.toString(16).padStart(15, '0')}`, day(i % 50));
      await store.importData({ retired });
      await store.applyRetention({ retentionDays: 30, maxItems: 10 }, NOW);
      const kept = await store.listRetired();
      // Cap: max(1,000, TOMBSTONE_FACTOR × 10) = 1,000, the least recently listed go first.
      expect(kept.size).toBe(1_000);
      expect(kept.has('aaaaaaaaaaaaaaaa')).toBe(false);
      expect(kept.has('bbbbbbbbbbbbbbbb')).toBe(false);
      expect([...kept.values()].sort().at(-1)).toBe(day(0));
    });

    it('imports in batches and streams every article once, with content', async () => {
      const store = await fresh();
      const articles = Array.from({ length: 7 }, (_, i) => makeArticle(i + 10));
      const sources = [stateOf('quelle-a'), stateOf('quelle-b', { etag: 'W/"x"' })];
      await store.importData({ articles: articles.slice(0, 4), sources });
      await store.importData({ articles: articles.slice(4), retired: new Map([['dddddddddddddddd', '2026-06-01']]) });
      const batches = await collect(store.streamArticles(3));
      expect(batches.every((b) => b.length <= 3)).toBe(true);
      expect(batches.flat().sort(byId)).toEqual([...articles].sort(byId));
      expect(await store.countArticles()).toBe(7);
      expect(await store.getSourceStates()).toEqual(new Map(sources.map((s) => [s.name, s])));
      expect(await store.listRetired()).toEqual(new Map([['dddddddddddddddd', '2026-06-01']]));
      // Imported articles are found by their keys like merged ones.
      const request = mergeRequest('quelle-a', [articles[0]!], () => ({ merge: { writes: [], retiredSeen: [] }, result: null }));
      await store.mergeSource(request);
      expect(request.seen[0]!.byKey.get(articles[0]!.key)?.id).toBe(articles[0]!.id);
    });

    it('reports what a flush wrote, and closes twice without harm', async () => {
      const store = await openEmptyStore();
      await storeNew(store, 'quelle-a', [makeArticle(1)]);
      const stats = await store.flush();
      expect(stats.bytes).toBeGreaterThanOrEqual(0);
      expect(stats.files).toBeGreaterThanOrEqual(0);
      await store.close();
      await store.close();
    });

    it.runIf(options.reopen !== undefined)('keeps everything across close and open', async () => {
      const store = await openEmptyStore();
      const article = makeArticle(1);
      await storeNew(store, 'quelle-a', [article]);
      await store.putLastCycle({
        sources: 1, ok: 1, notModified: 0, failed: 0, skipped: 0, new: 1, updated: 0, duplicates: 0, curated: 1, durationMs: 5,
        errors: [], startedAt: NOW.toISOString(), finishedAt: NOW.toISOString(),
      });
      await store.flush();
      await store.close();
      const again = await options.reopen!(store);
      open.push(again);
      expect(again.openedSchemaVersion).not.toBeNull();
      expect(await again.getArticles([article.id])).toEqual([article]);
      expect((await again.getSourceStates()).get('quelle-a')).toEqual(stateOf('quelle-a'));
      expect((await again.getLastCycle())?.new).toBe(1);
    });
  });
}

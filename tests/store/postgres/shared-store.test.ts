/**
 * What only a shared database has: several processes (here: several stores,
 * each with its own pool, as replicas have) merging, claiming and watching
 * one PostgreSQL database at the same time.
 */
import { describe, expect, it } from 'vitest';
import { openPostgresStore, type PostgresStore } from '../../../src/store/postgres/postgres-store.js';
import type { ArticleHead } from '../../../src/store/store-api.js';
import type { StoredArticle } from '../../../src/types.js';
import { postgresAvailable, usePostgresCluster } from '../../helpers/postgres.js';
import { headOf, makeArticle, mergeRequest, stateOf, storeNew } from '../store-contract.js';

const NOW = new Date('2026-06-15T12:00:00.000Z');

/** The merge every replica does for an article another source may already have: add this source, or create it. */
function addSource(source: string, articles: readonly StoredArticle[]) {
  return mergeRequest(source, articles, (found) => {
    const writes = articles.map((article) => {
      const existing = found.byKey.get(article.key) ?? found.byId.get(article.id);
      const entry = { name: source, guid: `${source}-${article.id}`, firstSeen: NOW.toISOString() };
      if (!existing) return { head: { ...headOf(article), sources: [entry] }, content: article.content };
      const head: ArticleHead = { ...existing, sources: [...existing.sources, entry] };
      return { head };
    });
    return { merge: { writes, retiredSeen: [] }, result: writes.length };
  });
}

async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.runIf(postgresAvailable())('PostgreSQL store shared by several processes', () => {
  const pgc = usePostgresCluster();
  const openReplicas = async (n: number, url?: string): Promise<PostgresStore[]> => {
    const target = url ?? (await pgc.cluster.createDatabase('shared'));
    const first = await openPostgresStore(target, { max: 4, replica: 'r0' });
    const rest = await Promise.all(Array.from({ length: n - 1 }, (_, i) => openPostgresStore(target, { max: 4, replica: `r${i + 1}` })));
    return [first, ...rest];
  };
  const closeAll = (stores: PostgresStore[]) => Promise.all(stores.map((s) => s.close()));

  it('loses no source when replicas merge the same articles at the same time', async () => {
    const stores = await openReplicas(4);
    try {
      const articles = Array.from({ length: 25 }, (_, i) => makeArticle(i + 1));
      // Every replica merges its own sources; all of them carry all 25 articles, none stored before.
      await Promise.all(
        stores.flatMap((store, r) => [0, 1, 2].map((k) => store.mergeSource(addSource(`quelle-${r}-${k}`, articles)))),
      );
      const heads = await stores[0]!.listHeads();
      expect(heads).toHaveLength(25);
      for (const head of heads) {
        expect(head.sources.map((s) => s.name).sort()).toEqual(
          stores.flatMap((_, r) => [0, 1, 2].map((k) => `quelle-${r}-${k}`)).sort(),
        );
      }
    } finally {
      await closeAll(stores);
    }
  });

  it('splits due sources between replicas claiming at once, each source to exactly one', async () => {
    const stores = await openReplicas(3);
    try {
      const names = Array.from({ length: 200 }, (_, i) => `quelle-${i}`);
      const request = { names, attemptedBefore: NOW, leaseUntil: new Date(Date.now() + 60_000) };
      const claims = await Promise.all(stores.map((s) => s.claimSources(request)));
      const all = claims.flat();
      expect(all.sort()).toEqual([...names].sort());
      expect(new Set(all).size).toBe(200);
      // Leased: nobody gets them again before the lease runs out.
      expect(await stores[0]!.claimSources(request)).toEqual([]);
    } finally {
      await closeAll(stores);
    }
  });

  it('gives a dead replica\'s sources to another once its lease expires', async () => {
    const [a, b] = await openReplicas(2);
    try {
      const names = ['quelle-x', 'quelle-y'];
      expect(await a!.claimSources({ names, attemptedBefore: NOW, leaseUntil: new Date(Date.now() + 400) })).toEqual(names);
      expect(await b!.claimSources({ names, attemptedBefore: NOW, leaseUntil: new Date(Date.now() + 60_000) })).toEqual([]);
      await a!.close(); // dies without writing any state
      await new Promise((r) => setTimeout(r, 600));
      expect(await b!.claimSources({ names, attemptedBefore: NOW, leaseUntil: new Date(Date.now() + 60_000) })).toEqual(names);
    } finally {
      await closeAll([a!, b!]);
    }
  });

  it('ends the lease with the source state, and counts the state\'s last attempt for the next due time', async () => {
    const [a, b] = await openReplicas(2);
    try {
      const lease = new Date(Date.now() + 60_000);
      expect(await a!.claimSources({ names: ['quelle-a', 'quelle-b'], attemptedBefore: NOW, leaseUntil: lease })).toEqual(['quelle-a', 'quelle-b']);
      const attempt = new Date(NOW.getTime() - 1_000).toISOString();
      await storeNew(a!, 'quelle-a', [makeArticle(1)]); // merge writes quelle-a's state (lastAttempt = NOW)
      await a!.putSourceState(stateOf('quelle-b', { lastAttempt: attempt }));
      // Polled at NOW and NOW-1 s: not due for a cycle that started before those attempts...
      expect(await b!.claimSources({ names: ['quelle-a', 'quelle-b'], attemptedBefore: new Date(NOW.getTime() - 2_000), leaseUntil: lease })).toEqual([]);
      // ...due again for the next one, though a's 60 s lease had not run out.
      expect(await b!.claimSources({ names: ['quelle-a', 'quelle-b'], attemptedBefore: new Date(NOW.getTime() + 1), leaseUntil: lease })).toEqual([
        'quelle-a',
        'quelle-b',
      ]);
    } finally {
      await closeAll([a!, b!]);
    }
  });

  it('tells the other replicas, not the writer, that articles changed', async () => {
    const [a, b] = await openReplicas(2);
    const seenByA: string[] = [];
    const seenByB: string[] = [];
    const stopA = await a!.watch((what) => seenByA.push(what));
    const stopB = await b!.watch((what) => seenByB.push(what));
    try {
      await a!.mergeSource(addSource('quelle-a', [makeArticle(1)]));
      await until(() => seenByB.length > 0);
      expect(seenByB).toEqual(['articles']);
      await b!.mergeSource(addSource('quelle-b', [makeArticle(2)]));
      await until(() => seenByA.length > 0);
      expect(seenByA).toEqual(['articles']);
      expect(seenByB).toEqual(['articles']);
    } finally {
      stopA();
      stopB();
      await closeAll([a!, b!]);
    }
  });

  it('finds the replica whose rules differ, and tells the others when rules change', async () => {
    const [a, b, c] = await openReplicas(3);
    const seenByA: string[] = [];
    const stopA = await a!.watch((what) => seenByA.push(what));
    try {
      expect((await a!.reportRules('rules-1', NOW)).agreed).toBe(true);
      expect((await b!.reportRules('rules-1', NOW)).agreed).toBe(true);
      const odd = await c!.reportRules('rules-2', NOW);
      expect(odd).toMatchObject({ agreed: false, reference: 'rules-1' });
      expect(odd.replicas.map((r) => [r.replica, r.fingerprint])).toEqual([
        ['r0', 'rules-1'],
        ['r1', 'rules-1'],
        ['r2', 'rules-2'],
      ]);
      await until(() => seenByA.includes('rules'));
      // Reporting the same rules again is no change.
      expect((await a!.reportRules('rules-1', new Date(NOW.getTime() + 60_000))).agreed).toBe(true);
    } finally {
      stopA();
      await closeAll([a!, b!, c!]);
    }
  });

  it('gives another replica what changed since its cursor: written heads and retired ids', async () => {
    const [a, b] = await openReplicas(2);
    try {
      const first = makeArticle(1);
      await storeNew(a!, 'quelle-a', [first]);
      const start = await b!.changesSince(null);
      expect(start.heads.map((h) => h.id)).toEqual([first.id]);
      expect(start.removed).toEqual([]);

      const second = makeArticle(2);
      await storeNew(a!, 'quelle-a', [second]);
      const next = await b!.changesSince(start.cursor);
      expect(next.heads.map((h) => h.id)).toEqual([second.id]);

      await a!.applyRetention({ retentionDays: 30, maxItems: 1 }, NOW);
      const after = await b!.changesSince(next.cursor);
      expect(after.removed).toEqual([second.id]);
      expect(after.heads).toEqual([]);
    } finally {
      await closeAll([a!, b!]);
    }
  });

  it('lists the newest articles through the index, newest first', async () => {
    const [store] = await openReplicas(1);
    try {
      const articles = Array.from({ length: 10 }, (_, i) => makeArticle(i + 1));
      await storeNew(store!, 'quelle-a', articles);
      const newest = await store!.listNewestHeads({ limit: 3 });
      expect(newest.map((h) => h.id)).toEqual(articles.slice(0, 3).map((a) => a.id));
      const window = await store!.listNewestHeads({ limit: 100, publishedAfter: new Date(NOW.getTime() - 4.5 * 60_000) });
      expect(window.map((h) => h.id)).toEqual(articles.slice(0, 4).map((a) => a.id));
    } finally {
      await store!.close();
    }
  });

  it('cuts beyond a large maxItems exactly once the table gets near it', async () => {
    const url = await pgc.cluster.createDatabase('bigcut');
    const [store] = await openReplicas(1, url);
    try {
      // Above 20,000 the cut is skipped while the statistics say the table is far below maxItems;
      // 20,010 articles, written by SQL for speed, article n published n seconds before NOW.
      await pgc.cluster.query(
        new URL(url).pathname.slice(1),
        `INSERT INTO articles (id, key, head, content, published, first_seen)
         SELECT id, 'url:big.example.test/' || g,
           json_build_object('id', id, 'key', 'url:big.example.test/' || g, 'title', 't', 'summary', '', 'categories', '[]'::json,
             'enclosures', '[]'::json, 'published', p, 'firstSeen', p, 'contentHash', '0', 'sources', '[]'::json),
           '', p::timestamptz, p::timestamptz
         FROM (SELECT g, 'b' || lpad(to_hex(g), 15, '0') AS id,
                 to_char(timestamp '2026-06-15 12:00:00' - g * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS p
               FROM generate_series(1, 20010) g) AS rows`,
      );
      await pgc.cluster.query(new URL(url).pathname.slice(1), 'ANALYZE articles'); // what autovacuum would do by now
      expect(await store!.applyRetention({ retentionDays: 3_650, maxItems: 100_000 }, NOW)).toEqual({ dropped: 0 });
      expect(await store!.applyRetention({ retentionDays: 3_650, maxItems: 20_001 }, NOW)).toEqual({ dropped: 9 });
      const oldest = Array.from({ length: 9 }, (_, i) => `b${(20_002 + i).toString(16).padStart(15, '0')}`);
      expect([...(await store!.listRetired()).keys()].sort()).toEqual(oldest.sort());
      expect(await store!.countArticles()).toBe(20_001);
    } finally {
      await store!.close();
    }
  });

  it('refuses work once closed, and forgets the classifications of dropped articles', async () => {
    const [store] = await openReplicas(1);
    const old = makeArticle(1, { published: new Date(NOW.getTime() - 90 * 86_400_000).toISOString() });
    await storeNew(store!, 'quelle-a', [old, makeArticle(2)]);
    await store!.putClassifications('rules-1', new Map([[old.id, ['kernel']], [makeArticle(2).id, []]]));
    await store!.applyRetention({ retentionDays: 30, maxItems: 10 }, NOW);
    expect([...(await store!.getClassifications('rules-1')).keys()]).toEqual([makeArticle(2).id]);
    await store!.close();
    await expect(store!.countArticles()).rejects.toThrow(/is closed/);
  });

  it('reports its health and pool', async () => {
    const [store] = await openReplicas(1);
    try {
      const health = await store!.checkHealth();
      expect(health.ok).toBe(true);
      expect(health.detail).toMatch(/^database "shared_\d+_\d+" on 127\.0\.0\.1:\d+, \d+ ms$/);
      expect(store!.poolStats()).toMatchObject({ waiting: 0 });
      expect(store!.poolStats().total).toBeGreaterThanOrEqual(1);
    } finally {
      await store!.close();
    }
  });
});

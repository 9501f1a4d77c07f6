/**
 * The database goes away and comes back: every operation in between fails
 * with a one-line StoreError naming the database (the daemon keeps serving
 * from memory and retries), nothing half-written stays behind, and the same
 * store object works again afterwards — pool and LISTEN connection included.
 */
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../../src/errors.js';
import { openPostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { postgresAvailable, usePostgresCluster } from '../../helpers/postgres.js';
import { makeArticle, storeNew } from '../store-contract.js';

describe.runIf(postgresAvailable())('PostgreSQL store when the database goes away', () => {
  const pgc = usePostgresCluster();

  it('fails clearly while it is gone, and carries on with the same store once it is back', async () => {
    const url = await pgc.cluster.createDatabase('outage');
    const store = await openPostgresStore(url, { max: 3, connectTimeoutMs: 2_000 });
    const other = await openPostgresStore(url, { max: 2 });
    const seen: string[] = [];
    const unwatch = await store.watch((what) => seen.push(what));
    try {
      await storeNew(store, 'quelle-a', [makeArticle(1)]);
      await pgc.cluster.pause();

      const err = await storeNew(store, 'quelle-a', [makeArticle(2)]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      const message = (err as Error).message;
      expect(message).toMatch(/^store postgres:\/\/fk:\*\*\*@127\.0\.0\.1:\d+\/outage_\d+_\d+: merging source "quelle-a" failed on database "outage_\d+_\d+" on 127\.0\.0\.1:\d+: /);
      expect(message).not.toContain('\n');
      const health = await store.checkHealth();
      expect(health.ok).toBe(false);
      expect(health.detail).toMatch(/health check failed on database "outage_\d+_\d+"/);

      const before = seen.length;
      await pgc.cluster.resume();
      // The pool replaces its dead connections; the merge that failed is simply done again.
      await storeNew(store, 'quelle-a', [makeArticle(2)]);
      expect((await store.listHeads()).map((h) => h.id).sort()).toEqual([makeArticle(1).id, makeArticle(2).id].sort());
      expect((await store.checkHealth()).ok).toBe(true);
      // The listener reconnects by itself and says "articles" (what was sent meanwhile is lost).
      const deadline = Date.now() + 20_000;
      while (seen.length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(seen.slice(before)).toContain('articles');
      const count = seen.length;
      await storeNew(other, 'quelle-b', [makeArticle(3)]);
      while (seen.length === count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(seen.length).toBeGreaterThan(count);
    } finally {
      unwatch();
      await store.close();
      await other.close();
    }
  }, 60_000);
});

/**
 * Last-Modified kept in the database (src/store/postgres/validators.ts): the
 * same body gets the same date in every process, a new body a later one,
 * an older body coming back a later one still, and a restamp is announced
 * so that the other replicas re-read the dates of what they serve.
 */
import { describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { postgresAvailable, usePostgresCluster } from '../../helpers/postgres.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(postgresAvailable())('PostgreSQL: Last-Modified shared by the replicas', () => {
  const pgc = usePostgresCluster();

  it('stamps a body once, moves forward on every change, and tells the others', async () => {
    const url = await pgc.cluster.createDatabase('stamps');
    const [a, b] = await Promise.all([openPostgresStore(url), openPostgresStore(url)]);
    const heard: string[] = [];
    const unwatch = await b.watch((what) => heard.push(what));
    try {
      const x = [
        { path: '/feed.xml', etag: '"x"' },
        { path: '/sources.opml', etag: '"o"' },
      ];
      const first = await a.stampPublication(x);
      expect([...first.keys()].sort()).toEqual(['/feed.xml', '/sources.opml']);
      for (const date of first.values()) expect(date.getMilliseconds()).toBe(0);
      // Another replica with the same bodies reads the same dates, whenever it publishes them.
      await sleep(1100);
      expect(await b.stampPublication(x)).toEqual(first);

      // A new body of one route: later than the route's last date, the other route untouched.
      const y = [{ path: '/feed.xml', etag: '"y"' }, x[1]!];
      const second = await a.stampPublication(y);
      expect(second.get('/feed.xml')!.getTime()).toBeGreaterThan(first.get('/feed.xml')!.getTime());
      expect(second.get('/sources.opml')).toEqual(first.get('/sources.opml'));

      // The first body coming back (a rules edit undone) does not take the old date back.
      const third = await a.stampPublication(x);
      expect(third.get('/feed.xml')!.getTime()).toBeGreaterThan(second.get('/feed.xml')!.getTime());
      // Replicas serving it re-read: the stored date is the new one; unknown bodies are left out.
      expect(await b.readPublicationStamps([...x, { path: '/feed.atom', etag: '"z"' }])).toEqual(third);
      const deadline = Date.now() + 10_000;
      while (!heard.includes('published') && Date.now() < deadline) await sleep(50);
      expect(heard).toContain('published');

      // Many replicas stamping the same new body at once agree on one date.
      const z = [{ path: '/feed.xml', etag: '"z"' }];
      const together = await Promise.all([a.stampPublication(z), b.stampPublication(z), a.stampPublication(z)]);
      expect(together[1]).toEqual(together[0]);
      expect(together[2]).toEqual(together[0]);
      expect(together[0]!.get('/feed.xml')!.getTime()).toBeGreaterThan(third.get('/feed.xml')!.getTime());
    } finally {
      unwatch();
      await Promise.all([a.close(), b.close()]);
    }
  }, 60_000);
});

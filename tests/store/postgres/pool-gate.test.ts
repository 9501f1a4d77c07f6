/**
 * Waiting for a pooled connection is not a database failure: with more
 * operations than connections, the later ones queue (in order) instead of
 * failing on pg's connect timeout, which bounds connecting only.
 */
import { describe, expect, it } from 'vitest';
import { createDatabase, createGate, inTransaction, query } from '../../../src/store/postgres/connect.js';
import { postgresAvailable, usePostgresCluster } from '../../helpers/postgres.js';

describe('the pool gate', () => {
  it('hands out its slots, then queues callers first come first served', async () => {
    const gate = createGate(2);
    const a = await gate.acquire();
    await gate.acquire();
    const order: string[] = [];
    const c = gate.acquire().then((release) => (order.push('c'), release));
    const d = gate.acquire().then((release) => (order.push('d'), release));
    await Promise.resolve();
    expect(order).toEqual([]);
    expect(gate.waiting()).toBe(2);
    a();
    a(); // a second release of the same slot frees nothing more
    const releaseC = await c;
    await Promise.resolve();
    expect(order).toEqual(['c']);
    expect(gate.waiting()).toBe(1);
    releaseC();
    await d;
    expect(order).toEqual(['c', 'd']);
    expect(gate.waiting()).toBe(0);
  });
});

describe.runIf(postgresAvailable())('more operations than pooled connections', () => {
  const pgc = usePostgresCluster();

  it('all succeed although the queue outlasts the connect timeout', async () => {
    const url = await pgc.cluster.createDatabase('gate');
    const db = createDatabase(url, { max: 2, connectTimeoutMs: 300 });
    try {
      // 24 × 50 ms on 2 connections: the last waits ~0.6 s, twice the connect timeout.
      const started = performance.now();
      const results = await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          i % 2 === 0
            ? query<{ n: number }>(db, 'sleeping', 'SELECT $1::int AS n, pg_sleep(0.05)', [i]).then((rows) => rows[0]!.n)
            : inTransaction(db, 'sleeping', async (client) => (await client.query<{ n: number }>('SELECT $1::int AS n, pg_sleep(0.05)', [i])).rows[0]!.n),
        ),
      );
      expect(results).toEqual(Array.from({ length: 24 }, (_, i) => i));
      expect(performance.now() - started).toBeGreaterThan(300); // the queue really outlasted the timeout
      expect(db.pool.totalCount).toBeLessThanOrEqual(2);
      expect(db.waiting()).toBe(0);
    } finally {
      await db.pool.end();
    }
  });
});

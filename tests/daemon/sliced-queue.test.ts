import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SlicedQueue } from '../../src/daemon/sliced-queue.js';

/** Hold the thread this long, as reading an article's words does. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

describe('SlicedQueue', () => {
  it('does every item, in order, after the push returns, split into slices of about sliceMs', async () => {
    const done: number[] = [];
    const queue = new SlicedQueue<number>({ work: (n) => (busy(1), done.push(n)), onError: () => {}, sliceMs: 3 });
    for (let n = 0; n < 30; n++) queue.push(n);
    expect(done).toEqual([]); // nothing in the caller's turn
    expect(queue.pending).toBe(30);
    await queue.drained();
    expect(done).toEqual(Array.from({ length: 30 }, (_, n) => n));
    expect(queue.pending).toBe(0);
    // 30 ms of work in slices of at most 3 ms (+ one item): at least 8 slices, not one.
    expect(queue.slices).toBeGreaterThanOrEqual(8);
    expect(queue.slices).toBeLessThanOrEqual(30);
  });

  it('answers an HTTP request while a long queue is being worked through', async () => {
    const server = http.createServer((_req, res) => res.end('ok'));
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const queue = new SlicedQueue<number>({ work: () => busy(1), onError: () => {}, sliceMs: 3 });
    for (let n = 0; n < 1_000; n++) queue.push(n); // about a second of work
    const answer = await new Promise<{ body: string; pendingThen: number }>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ body, pendingThen: queue.pending }));
        })
        .on('error', reject);
    });
    expect(answer.body).toBe('ok');
    expect(answer.pendingThen).toBeGreaterThan(0); // answered before the queue was through
    await queue.drained();
    expect(queue.pending).toBe(0);
  });

  it('goes on after an item that throws, and reports it', async () => {
    const done: number[] = [];
    const failed: [string, number][] = [];
    const queue = new SlicedQueue<number>({
      work: (n) => {
        if (n === 2) throw new Error('bad item');
        done.push(n);
      },
      onError: (err, n) => failed.push([(err as Error).message, n]),
    });
    for (let n = 0; n < 5; n++) queue.push(n);
    await queue.drained();
    expect(done).toEqual([0, 1, 3, 4]);
    expect(failed).toEqual([['bad item', 2]]);
  });

  it('drained() also waits for items pushed while it works, and the queue starts again after', async () => {
    const done: number[] = [];
    const queue = new SlicedQueue<number>({ work: (n) => (done.push(n), n === 0 && queue.push(10)), onError: () => {} });
    await queue.drained(); // empty: resolves at once
    queue.push(0);
    await queue.drained();
    expect(done).toEqual([0, 10]);
    queue.push(20);
    await queue.drained();
    expect(done).toEqual([0, 10, 20]);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AbortedError } from '../../src/errors.js';
import { HostLimiter, type Release } from '../../src/fetch/host-limiter.js';

describe('HostLimiter', () => {
  it('grants at once below the limits and queues above them', async () => {
    const limiter = new HostLimiter(3, 2);
    const a1 = await limiter.acquire('a');
    const a2 = await limiter.acquire('a');
    let a3: Release | undefined;
    void limiter.acquire('a').then((r) => (a3 = r));
    const b1 = await limiter.acquire('b');
    await Promise.resolve();
    expect(a3).toBeUndefined();
    expect(limiter.stats()).toEqual({ active: 3, queued: 1 });
    a1();
    await Promise.resolve();
    expect(a3).toBeDefined();
    a2();
    a3!();
    b1();
    expect(limiter.stats()).toEqual({ active: 0, queued: 0 });
  });

  it('lets a waiter for an idle host pass one for a busy host', async () => {
    const limiter = new HostLimiter(4, 1);
    const a = await limiter.acquire('a');
    const order: string[] = [];
    const waitingA = limiter.acquire('a').then((r) => (order.push('a'), r));
    const gotB = limiter.acquire('b').then((r) => (order.push('b'), r));
    (await gotB)();
    expect(order).toEqual(['b']);
    a();
    (await waitingA)();
    expect(order).toEqual(['b', 'a']);
  });

  it('a double release frees only one slot', async () => {
    const limiter = new HostLimiter(1, 1);
    const r = await limiter.acquire('a');
    r();
    r();
    expect(limiter.stats().active).toBe(0);
    await limiter.acquire('a');
    expect(limiter.stats().active).toBe(1);
  });

  it('removes an aborted waiter from the queue', async () => {
    const limiter = new HostLimiter(1, 1);
    const held = await limiter.acquire('a');
    const controller = new AbortController();
    const waiting = limiter.acquire('a', controller.signal);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(AbortedError);
    expect(limiter.stats()).toEqual({ active: 1, queued: 0 });
    held();
    expect(limiter.stats().active).toBe(0);
  });

  it('never exceeds either limit and serves every request (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.record({ host: fc.constantFrom('a', 'b', 'c'), work: fc.integer({ min: 0, max: 3 }) }), { maxLength: 40 }),
        async (globalLimit, hostLimit, jobs) => {
          const limiter = new HostLimiter(globalLimit, hostLimit);
          const perHost = new Map<string, number>();
          let active = 0;
          let violations = 0;
          await Promise.all(
            jobs.map(async ({ host, work }) => {
              const release = await limiter.acquire(host);
              active++;
              perHost.set(host, (perHost.get(host) ?? 0) + 1);
              if (active > globalLimit || perHost.get(host)! > hostLimit) violations++;
              for (let i = 0; i < work; i++) await Promise.resolve();
              active--;
              perHost.set(host, perHost.get(host)! - 1);
              release();
            }),
          );
          expect(violations).toBe(0);
          expect(limiter.stats()).toEqual({ active: 0, queued: 0 });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects nonsense limits', () => {
    expect(() => new HostLimiter(0, 2)).toThrow(RangeError);
  });
});

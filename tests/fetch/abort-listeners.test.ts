/**
 * A cycle starts every source's fetch at once, all watching the same
 * long-lived shutdown signal. 1,000 of them against real local servers must
 * not trip Node's MaxListenersExceededWarning, and the signal must carry no
 * listener once they end, whether they finished or were aborted.
 */
import { getEventListeners } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortedError } from '../../src/errors.js';
import { createFetcher, type Fetcher } from '../../src/fetch/fetcher.js';
import { watchAbort } from '../../src/fetch/abort-fanout.js';

const SOURCES = 1_000;
const BODY = '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>';

let servers: Server[];
let urls: string[];

beforeAll(async () => {
  servers = await Promise.all(
    Array.from({ length: 4 }, async () => {
      const server = createServer((req, res) => {
        // Every tenth source takes one redirect hop: hops watch the signal too.
        if (req.url?.endsWith('/moved')) res.writeHead(301, { location: req.url.replace('/moved', '') }).end();
        else res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(BODY);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return server;
    }),
  );
  urls = Array.from({ length: SOURCES }, (_, i) => {
    const { port } = servers[i % servers.length]!.address() as AddressInfo;
    return `http://127.0.0.1:${port}/feeds/${i}.xml${i % 10 === 0 ? '/moved' : ''}`;
  });
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

function makeFetcher(): Fetcher {
  return createFetcher({ timeoutMs: 20_000, maxBytes: 1 << 20, concurrency: 8, userAgent: 'feedkurator-test' });
}

/** Collects the process warnings emitted while `run` runs (they arrive on a later tick). */
async function collectWarnings<T>(run: () => Promise<T>): Promise<{ result: T; warnings: Error[] }> {
  const warnings: Error[] = [];
  const onWarning = (w: Error): void => void warnings.push(w);
  process.on('warning', onWarning);
  try {
    const result = await run();
    await new Promise((resolve) => setImmediate(resolve));
    return { result, warnings };
  } finally {
    process.off('warning', onWarning);
  }
}

describe('abort listeners on the caller signal', () => {
  it(`${SOURCES} concurrent fetches share one listener and leave none behind`, async () => {
    const fetcher = makeFetcher();
    const shutdown = new AbortController();
    let peak = 0;
    const { result, warnings } = await collectWarnings(async () => {
      const fetches = urls.map((url) => fetcher.fetch({ url, signal: shutdown.signal }));
      // Sample while most of them still wait for a slot.
      const sampler = setInterval(() => (peak = Math.max(peak, getEventListeners(shutdown.signal, 'abort').length)), 1);
      try {
        return await Promise.all(fetches);
      } finally {
        clearInterval(sampler);
      }
    });
    await fetcher.close();
    expect(result.filter((r) => r.kind === 'ok')).toHaveLength(SOURCES);
    expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([]);
    expect(peak).toBe(1);
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(0);
    expect(fetcher.stats()).toEqual({ active: 0, queued: 0 });
  });

  it('aborting the signal ends every waiting fetch as AbortedError and leaves no listener', async () => {
    const fetcher = makeFetcher();
    const shutdown = new AbortController();
    const { result: outcomes, warnings } = await collectWarnings(async () => {
      const fetches = urls.map((url) => fetcher.fetch({ url, signal: shutdown.signal }).then(() => 'ok', (err: unknown) => err));
      await new Promise((resolve) => setTimeout(resolve, 5));
      shutdown.abort();
      return Promise.all(fetches);
    });
    await fetcher.close();
    const aborted = outcomes.filter((o) => o instanceof AbortedError);
    // The few that finished before the abort are fine; none failed otherwise.
    expect(aborted.length).toBeGreaterThan(SOURCES / 2);
    expect(outcomes.filter((o) => o !== 'ok' && !(o instanceof AbortedError))).toEqual([]);
    expect(warnings).toEqual([]);
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(0);
    expect(fetcher.stats()).toEqual({ active: 0, queued: 0 });
  });
});

describe('watchAbort', () => {
  it('calls every watcher once on abort, none that stopped watching', () => {
    const controller = new AbortController();
    const calls: string[] = [];
    const stopA = watchAbort(controller.signal, () => calls.push('a'));
    watchAbort(controller.signal, () => calls.push('b'));
    const stopC = watchAbort(controller.signal, () => calls.push('c'));
    stopC();
    stopC();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    controller.abort();
    expect(calls).toEqual(['a', 'b']);
    stopA();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('removes its listener when the last watcher stops, and adds a fresh one for the next', () => {
    const controller = new AbortController();
    const stop1 = watchAbort(controller.signal, () => undefined);
    const stop2 = watchAbort(controller.signal, () => undefined);
    stop1();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    stop2();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    let fired = false;
    watchAbort(controller.signal, () => (fired = true));
    controller.abort();
    expect(fired).toBe(true);
  });
});

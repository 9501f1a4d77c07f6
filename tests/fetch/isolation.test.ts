/**
 * SPEC §7 at the fetch level: one batch with good and hostile sources at
 * once. Every hostile source fails alone with its own one-line error, every
 * good source arrives whole, memory stays bounded and the batch ends within
 * the timeout (plus slack), however the failures interleave.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BadUrlError,
  ConnectError,
  FetchError,
  GoneError,
  HttpStatusError,
  RedirectError,
  TimeoutError,
  TooLargeError,
} from '../../src/errors.js';
import { createFetcher, type FetchResult } from '../../src/fetch/fetcher.js';
import { measureRssGrowth } from './memory-probe.js';
import { closedPortUrl, readHostileFixture, startHostileServer, type HostileServer } from '../helpers/hostile-server.js';

const TIMEOUT_MS = 1_500;

interface Case {
  path: string;
  /** Expected error class, or 'ok' with the fixture the body must equal. */
  expect: (new (...args: never[]) => Error) | { ok: string };
  message?: RegExp;
}

const CASES: Case[] = [
  { path: '/feed.xml', expect: { ok: 'good-rss-akamai-kernel-org.xml' } },
  { path: '/feed.atom', expect: { ok: 'good-atom-linuxcon-containercon.xml' } },
  { path: '/gzip', expect: { ok: 'good-rss-akamai-kernel-org.xml' } },
  { path: '/br', expect: { ok: 'good-rss-akamai-kernel-org.xml' } },
  { path: '/redirect/hops/3?status=301', expect: { ok: 'good-rss-akamai-kernel-org.xml' } },
  // Bodies that are bad feeds are the parser's business: the fetcher delivers them.
  { path: '/not-a-feed', expect: { ok: 'not-a-feed.html' } },
  { path: '/billion-laughs', expect: { ok: 'billion-laughs.xml' } },
  { path: '/hang-headers', expect: TimeoutError, message: /no response headers within 1\.5 s$/ },
  { path: '/slow-body', expect: TimeoutError, message: /response body not complete within 1\.5 s$/ },
  { path: '/endless', expect: TooLargeError, message: /^response larger than 2097152 bytes as transferred$/ },
  { path: '/gzip-bomb', expect: TooLargeError, message: /^response larger than 2097152 bytes after decompression$/ },
  { path: '/brotli-bomb', expect: TooLargeError, message: /^response larger than 2097152 bytes after decompression$/ },
  { path: '/corrupt-gzip', expect: FetchError, message: /^corrupt gzip response body/ },
  { path: '/status/404', expect: HttpStatusError, message: /^HTTP 404 Not Found$/ },
  { path: '/status/500', expect: HttpStatusError, message: /^HTTP 500 Internal Server Error$/ },
  { path: '/status/410', expect: GoneError },
  { path: '/status/429?retry-after=60', expect: HttpStatusError, message: /^HTTP 429 Too Many Requests \(retry after / },
  { path: '/redirect/loop-a', expect: RedirectError, message: /^redirect loop: / },
  { path: '/redirect/hops/9', expect: RedirectError, message: /^too many redirects/ },
  { path: '/reset', expect: ConnectError },
];

let servers: HostileServer[];

beforeAll(async () => {
  // One server per case: the per-host limit must not be what keeps them apart.
  servers = await Promise.all(CASES.map(() => startHostileServer()));
  // Build the bombs before measuring memory.
  const warm = createFetcher({ timeoutMs: 5_000, maxBytes: 1024, concurrency: 2, userAgent: 'warm-up' });
  await Promise.allSettled([warm.fetch({ url: servers[0]!.url('/gzip-bomb') }), warm.fetch({ url: servers[0]!.url('/brotli-bomb') })]);
  await warm.close();
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe('a batch of good and hostile sources', () => {
  it('contains every failure to its own source', async () => {
    const fetcher = createFetcher({ timeoutMs: TIMEOUT_MS, maxBytes: 2 * 1024 * 1024, concurrency: 8, userAgent: 'feedkurator/test' });
    const unreachable = await closedPortUrl();
    const urls = [...CASES.map((c, i) => servers[i]!.url(c.path)), unreachable, 'ftp://127.0.0.1/feed.xml'];
    const expectations = [...CASES.map((c) => c.expect), ConnectError, BadUrlError];

    const started = performance.now();
    const { result: outcomes, growthMiB } = await measureRssGrowth(() => Promise.allSettled(urls.map((url) => fetcher.fetch({ url }))));
    const took = performance.now() - started;
    await fetcher.close();

    outcomes.forEach((outcome, i) => {
      const expected = expectations[i]!;
      const label = urls[i]!;
      if ('ok' in expected) {
        expect(outcome.status, label).toBe('fulfilled');
        const result = (outcome as PromiseFulfilledResult<FetchResult>).value;
        expect(result.kind, label).toBe('ok');
        if (result.kind === 'ok') expect(result.body.equals(readHostileFixture(expected.ok)), label).toBe(true);
      } else {
        expect(outcome.status, label).toBe('rejected');
        const err = (outcome as PromiseRejectedResult).reason as Error;
        expect(err, `${label}: ${String(err)}`).toBeInstanceOf(expected);
        expect(err.message, label).not.toMatch(/\n/);
        const message = CASES[i]?.message;
        if (message) expect(err.message, label).toMatch(message);
      }
    });

    // Concurrency 8, 22 sources, two of them take the full timeout: two waves at most.
    expect(took).toBeLessThan(2 * TIMEOUT_MS + 2_000);
    // Inflating the bombs alone would take 1.25 GiB; the fetcher holds at most
    // about 2 × maxBytes plus a decoder window per request in flight.
    expect(growthMiB).toBeLessThan(64);
    console.info(`isolation batch: ${urls.length} sources in ${Math.round(took)} ms, RSS growth ${growthMiB.toFixed(1)} MiB`);
  });
});

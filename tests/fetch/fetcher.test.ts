import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AbortedError,
  BadUrlError,
  ConnectError,
  FetchError,
  GoneError,
  HttpStatusError,
  RedirectError,
  TimeoutError,
  TooLargeError,
} from '../../src/errors.js';
import { buildUserAgent, createFetcher, type Fetcher, type FetcherOptions, type FetchResult } from '../../src/fetch/fetcher.js';
import { undoEncoding } from '../../src/fetch/undo-encoding.js';
import { measureRssGrowth } from './memory-probe.js';
import { closedPortUrl, readHostileFixture, startHostileServer, type HostileServer } from '../helpers/hostile-server.js';

const UA = buildUserAgent('0.1.0', 'http://localhost:8080');
const BASE: FetcherOptions = { timeoutMs: 5_000, maxBytes: 10 * 1024 * 1024, concurrency: 8, userAgent: UA };

let server: HostileServer;
let fetcher: Fetcher;

beforeAll(async () => {
  server = await startHostileServer();
  fetcher = createFetcher(BASE);
});
afterAll(async () => {
  await fetcher.close();
  await server.close();
});

/** Runs a fetch that must fail and returns the error. */
async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the fetch to fail');
}

function ok(result: FetchResult): Extract<FetchResult, { kind: 'ok' }> {
  if (result.kind !== 'ok') throw new Error(`expected ok, got ${result.kind}`);
  return result;
}

describe('buildUserAgent', () => {
  it('names feedkurator, its version and the base URL', () => {
    expect(buildUserAgent('0.1.0', 'https://news.example.de')).toBe('feedkurator/0.1.0 (+https://news.example.de)');
  });
});

describe('good responses', () => {
  it('returns the body, its type and the final URL', async () => {
    const result = ok(await fetcher.fetch({ url: server.url('/feed.xml') }));
    expect(result.status).toBe(200);
    expect(result.body.equals(readHostileFixture('good-rss-akamai-kernel-org.xml'))).toBe(true);
    expect(result.bytes).toBe(result.body.length);
    expect(result.contentType).toBe('application/rss+xml; charset=utf-8');
    expect(result.finalUrl).toBe(server.url('/feed.xml'));
    expect(result.permanentUrl).toBeUndefined();
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('sends User-Agent, Accept and Accept-Encoding', async () => {
    server.resetStats();
    await fetcher.fetch({ url: server.url('/feed.atom') });
    const headers = server.requests[0]!.headers;
    expect(headers['user-agent']).toBe(UA);
    expect(headers.accept).toContain('application/rss+xml');
    expect(headers.accept).toContain('application/atom+xml');
    expect(headers.accept).toContain('application/feed+json');
    expect(headers['accept-encoding']).toBe('gzip, deflate, br');
    expect(headers['if-none-match']).toBeUndefined();
    expect(headers['if-modified-since']).toBeUndefined();
  });

  it.each(['/gzip', '/deflate', '/deflate-raw', '/br'])('decompresses %s', async (path) => {
    const result = ok(await fetcher.fetch({ url: server.url(path) }));
    expect(result.body.equals(readHostileFixture('good-rss-akamai-kernel-org.xml'))).toBe(true);
    expect(result.transferredBytes).toBeLessThan(result.bytes!);
  });

  it.each([
    ['/gzip', 'gzip'],
    ['/br', 'br'],
  ])('leaves %s encoded when asked, saying how to undo it and with which cap', async (path, coding) => {
    const result = ok(await fetcher.fetch({ url: server.url(path), leaveEncoded: true }));
    expect(result.encoded).toEqual({ contentEncoding: coding, maxBytes: BASE.maxBytes });
    expect(result.bytes).toBeUndefined();
    expect(result.transferredBytes).toBe(result.body.length);
    expect(undoEncoding(result.body, result.encoded!).equals(readHostileFixture('good-rss-akamai-kernel-org.xml'))).toBe(true);
  });

  it.each(['/deflate', '/feed.xml'])('decodes %s all the same when asked to leave a gzip or br encoding', async (path) => {
    const result = ok(await fetcher.fetch({ url: server.url(path), leaveEncoded: true }));
    expect(result.encoded).toBeUndefined();
    expect(result.body.equals(readHostileFixture('good-rss-akamai-kernel-org.xml'))).toBe(true);
    expect(result.bytes).toBe(result.body.length);
  });

  it('sends credentials from the URL as Basic auth, and never shows them', async () => {
    server.resetStats();
    const url = server.url('/feed.xml').replace('http://', 'http://leser:geheim%21@');
    const result = ok(await fetcher.fetch({ url }));
    expect(server.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from('leser:geheim!').toString('base64')}`);
    expect(result.finalUrl).toBe(server.url('/feed.xml'));
  });
});

describe('conditional GET', () => {
  it('returns the validators, sends them back and gets not-modified', async () => {
    const first = ok(await fetcher.fetch({ url: server.url('/conditional') }));
    expect(first.etag).toBe('"v1"');
    expect(first.lastModified).toBe('Sat, 22 Nov 2025 04:00:00 GMT');

    server.resetStats();
    const second = await fetcher.fetch({ url: server.url('/conditional'), etag: first.etag!, lastModified: first.lastModified! });
    expect(second).toMatchObject({ kind: 'not-modified', finalUrl: server.url('/conditional'), etag: '"v1"' });
    expect(server.requests[0]!.headers['if-none-match']).toBe('"v1"');
    expect(server.requests[0]!.headers['if-modified-since']).toBe('Sat, 22 Nov 2025 04:00:00 GMT');
  });

  it('uses If-Modified-Since alone when there is no ETag', async () => {
    const result = await fetcher.fetch({ url: server.url('/conditional'), lastModified: 'Sun, 23 Nov 2025 00:00:00 GMT' });
    expect(result.kind).toBe('not-modified');
  });

  it('gets the full body again when the validator is stale', async () => {
    const result = await fetcher.fetch({ url: server.url('/conditional'), etag: '"v0"' });
    expect(result.kind).toBe('ok');
  });
});

describe('redirects', () => {
  it('follows up to 5 redirects', async () => {
    const result = ok(await fetcher.fetch({ url: server.url('/redirect/hops/5') }));
    expect(result.finalUrl).toBe(server.url('/feed.xml'));
    expect(result.permanentUrl).toBeUndefined();
  });

  it('fails on the sixth redirect and names the chain', async () => {
    const err = await failure(fetcher.fetch({ url: server.url('/redirect/hops/6') }));
    expect(err).toBeInstanceOf(RedirectError);
    expect(err.message).toMatch(/^too many redirects \(more than 5\): http:\/\/127\.0\.0\.1:\d+\/redirect\/hops\/6 → /);
    expect(err.message).toContain('/redirect/hops/1');
  });

  it('detects a loop', async () => {
    const err = await failure(fetcher.fetch({ url: server.url('/redirect/loop-a') }));
    expect(err).toBeInstanceOf(RedirectError);
    expect(err.message).toBe(
      `redirect loop: ${server.url('/redirect/loop-a')} → ${server.url('/redirect/loop-b')} → ${server.url('/redirect/loop-a')}`,
    );
  });

  it.each([301, 308])('reports an all-%i chain as permanentUrl', async (status) => {
    const result = ok(await fetcher.fetch({ url: server.url(`/redirect/hops/3?status=${status}`) }));
    expect(result.permanentUrl).toBe(server.url('/feed.xml'));
  });

  it('does not report a chain with a temporary hop as permanent', async () => {
    const result = ok(await fetcher.fetch({ url: server.url('/redirect/mixed') }));
    expect(result.finalUrl).toBe(server.url('/feed.xml'));
    expect(result.permanentUrl).toBeUndefined();
  });

  it('refuses a redirect to another scheme', async () => {
    const err = await failure(fetcher.fetch({ url: server.url('/redirect/scheme') }));
    expect(err).toBeInstanceOf(RedirectError);
    expect(err.message).toContain('unsupported scheme ftp:');
  });

  it('fails on a redirect without Location', async () => {
    const err = await failure(fetcher.fetch({ url: server.url('/redirect/no-location') }));
    expect(err).toBeInstanceOf(RedirectError);
    expect(err.message).toMatch(/^HTTP 302 redirect without a Location header/);
  });

  it('does not carry credentials to another origin', async () => {
    const other = await startHostileServer();
    try {
      server.route('/cross-origin', (_req, res) => {
        res.writeHead(302, { location: other.url('/feed.xml') });
        res.end();
      });
      const url = server.url('/cross-origin').replace('http://', 'http://leser:geheim@');
      ok(await fetcher.fetch({ url }));
      expect(other.requests[0]!.headers.authorization).toBeUndefined();
    } finally {
      await other.close();
    }
  });
});

describe('HTTP errors', () => {
  it.each([
    [404, 'HTTP 404 Not Found'],
    [500, 'HTTP 500 Internal Server Error'],
    [403, 'HTTP 403 Forbidden'],
  ])('turns %i into HttpStatusError', async (status, message) => {
    const err = await failure(fetcher.fetch({ url: server.url(`/status/${status}`) }));
    expect(err).toBeInstanceOf(HttpStatusError);
    expect(err).not.toBeInstanceOf(GoneError);
    expect((err as HttpStatusError).status).toBe(status);
    expect(err.message).toBe(message);
  });

  it('turns 410 into GoneError', async () => {
    const err = await failure(fetcher.fetch({ url: server.url('/status/410') }));
    expect(err).toBeInstanceOf(GoneError);
    expect((err as GoneError).code).toBe('FK_GONE');
    expect(err.message).toMatch(/^HTTP 410 Gone: /);
  });

  it('reads Retry-After in seconds on 429', async () => {
    const before = Date.now();
    const err = (await failure(fetcher.fetch({ url: server.url('/status/429?retry-after=120') }))) as HttpStatusError;
    expect(err).toBeInstanceOf(HttpStatusError);
    expect(err.status).toBe(429);
    const at = err.retryAfter!.getTime();
    expect(at).toBeGreaterThanOrEqual(before + 120_000 - 1000);
    expect(at).toBeLessThanOrEqual(Date.now() + 120_000 + 1000);
    expect(err.message).toMatch(/^HTTP 429 Too Many Requests \(retry after \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)$/);
  });

  it('reads Retry-After as an HTTP date on 503', async () => {
    const date = new Date(Date.now() + 3_600_000);
    date.setUTCMilliseconds(0);
    const err = (await failure(
      fetcher.fetch({ url: server.url(`/status/503?retry-after=${encodeURIComponent(date.toUTCString())}`) }),
    )) as HttpStatusError;
    expect(err.retryAfter?.toISOString()).toBe(date.toISOString());
    expect(err.message).toBe(`HTTP 503 Service Unavailable (retry after ${date.toISOString().replace('.000Z', 'Z')})`);
  });

  it('ignores an unreadable Retry-After', async () => {
    const err = (await failure(fetcher.fetch({ url: server.url('/status/503?retry-after=soon') }))) as HttpStatusError;
    expect(err.retryAfter).toBeUndefined();
    expect(err.message).toBe('HTTP 503 Service Unavailable');
  });
});

describe('broken connections and bodies', () => {
  it('reports a closed port as ConnectError', async () => {
    const err = await failure(fetcher.fetch({ url: await closedPortUrl() }));
    expect(err).toBeInstanceOf(ConnectError);
    expect(err.message).toMatch(/^127\.0\.0\.1:\d+: connection refused$/);
    expect((err as Error & { cause?: unknown }).cause).toBeDefined();
  });

  it('reports an untrusted certificate as ConnectError and names the TLS problem', async () => {
    const tls = await startHostileServer({ tls: true });
    try {
      const err = await failure(fetcher.fetch({ url: tls.url('/feed.xml') }));
      expect(err).toBeInstanceOf(ConnectError);
      expect(err.message).toMatch(/^127\.0\.0\.1:\d+: TLS handshake failed \(DEPTH_ZERO_SELF_SIGNED_CERT\)$/);
      expect(tls.requests).toHaveLength(0);
    } finally {
      await tls.close();
    }
  });

  it('reports a reset connection as ConnectError', async () => {
    const err = await failure(fetcher.fetch({ url: server.url('/reset') }));
    expect(err).toBeInstanceOf(ConnectError);
  });

  it('reports a non-HTTP answer as FetchError', async () => {
    const err = await failure(fetcher.fetch({ url: server.url('/garbage') }));
    expect(err).toBeInstanceOf(FetchError);
    expect(err.message).toMatch(/^127\.0\.0\.1:\d+: /);
  });

  it('reports a body cut short', async () => {
    const err = await failure(fetcher.fetch({ url: server.url('/short-body') }));
    expect(err).toBeInstanceOf(FetchError);
    expect(err.message).toMatch(/^127\.0\.0\.1:\d+: .*body/);
  });

  it('reports a corrupt gzip stream', async () => {
    const err = await failure(fetcher.fetch({ url: server.url('/corrupt-gzip') }));
    expect(err).toBeInstanceOf(FetchError);
    expect(err.message).toMatch(/^corrupt gzip response body: /);
  });

  it('refuses an unknown Content-Encoding', async () => {
    server.serve('/zstd', 'whatever', { headers: { 'content-encoding': 'zstd' } });
    const err = await failure(fetcher.fetch({ url: server.url('/zstd') }));
    expect(err).toBeInstanceOf(FetchError);
    expect(err.message).toBe('unsupported Content-Encoding "zstd" (only gzip, deflate and br)');
  });

  it.each([
    ['ftp://127.0.0.1/feed.xml', /unsupported scheme ftp:/],
    ['feed.xml', /not a valid absolute URL/],
    ['file:///etc/passwd', /unsupported scheme file:/],
  ])('refuses %s as BadUrlError', async (url, message) => {
    const err = await failure(fetcher.fetch({ url }));
    expect(err).toBeInstanceOf(BadUrlError);
    expect(err.message).toMatch(message);
  });
});

describe('size limits', () => {
  const small = { ...BASE, maxBytes: 1024 * 1024 };

  it('cuts off an endless body', async () => {
    const f = createFetcher(small);
    try {
      const err = await failure(f.fetch({ url: server.url('/endless') }));
      expect(err).toBeInstanceOf(TooLargeError);
      expect(err.message).toBe('response larger than 1048576 bytes as transferred');
    } finally {
      await f.close();
    }
  });

  it('accepts a body of exactly maxBytes', async () => {
    server.serve('/exact', Buffer.alloc(4096, 0x61));
    const f = createFetcher({ ...BASE, maxBytes: 4096 });
    try {
      expect(ok(await f.fetch({ url: server.url('/exact') })).bytes).toBe(4096);
      server.serve('/one-more', Buffer.alloc(4097, 0x61));
      expect(await failure(f.fetch({ url: server.url('/one-more') }))).toBeInstanceOf(TooLargeError);
    } finally {
      await f.close();
    }
  });

  it.each(['/gzip-bomb', '/brotli-bomb'])('cuts off %s after maxBytes of output with bounded memory', async (path) => {
    const f = createFetcher(BASE);
    try {
      // Warm up: builds the bomb in the server and zlib's buffers, so they do not count.
      await failure(createFetcher({ ...BASE, maxBytes: 1024 }).fetch({ url: server.url(path) }));
      const started = performance.now();
      const { result: err, growthMiB } = await measureRssGrowth(() => failure(f.fetch({ url: server.url(path) })));
      expect(err).toBeInstanceOf(TooLargeError);
      expect(err.message).toBe('response larger than 10485760 bytes after decompression');
      // Inflating the whole bomb would need 256-1024 MiB.
      expect(growthMiB).toBeLessThan(64);
      console.info(`${path}: cut off after ${Math.round(performance.now() - started)} ms, RSS growth ${growthMiB.toFixed(1)} MiB`);
    } finally {
      await f.close();
    }
  });
});

describe('timeouts', () => {
  const quick = { ...BASE, timeoutMs: 800 };

  it('gives up on hanging headers within timeoutMs', async () => {
    const f = createFetcher(quick);
    try {
      const started = performance.now();
      const err = await failure(f.fetch({ url: server.url('/hang-headers') }));
      const took = performance.now() - started;
      expect(err).toBeInstanceOf(TimeoutError);
      expect(err.message).toMatch(/^127\.0\.0\.1:\d+: no response headers within 0\.8 s$/);
      expect(took, (err as Error & { cause?: unknown }).cause?.toString()).toBeGreaterThanOrEqual(700);
      expect(took).toBeLessThan(800 + 2_000);
    } finally {
      await f.close();
    }
  });

  it('gives up on a body that trickles, within timeoutMs', async () => {
    const f = createFetcher(quick);
    try {
      const started = performance.now();
      const err = await failure(f.fetch({ url: server.url('/slow-body') }));
      const took = performance.now() - started;
      expect(err).toBeInstanceOf(TimeoutError);
      expect(err.message).toMatch(/^127\.0\.0\.1:\d+: response body not complete within 0\.8 s$/);
      expect(took).toBeLessThan(800 + 2_000);
    } finally {
      await f.close();
    }
  });

  it('counts redirect hops against the same deadline', async () => {
    server.route('/redirect/to-hang', (_req, res) => {
      setTimeout(() => {
        res.writeHead(302, { location: '/hang-headers' });
        res.end();
      }, 500);
    });
    const f = createFetcher(quick);
    try {
      const started = performance.now();
      const err = await failure(f.fetch({ url: server.url('/redirect/to-hang') }));
      expect(err).toBeInstanceOf(TimeoutError);
      expect(performance.now() - started).toBeLessThan(800 + 2_000);
    } finally {
      await f.close();
    }
  });
});

describe('abort', () => {
  it('ends a running fetch with AbortedError when the signal fires', async () => {
    const controller = new AbortController();
    const pending = failure(fetcher.fetch({ url: server.url('/hang-headers'), signal: controller.signal }));
    setTimeout(() => controller.abort(), 100);
    const err = await pending;
    expect(err).toBeInstanceOf(AbortedError);
  });

  it('does not start with an already aborted signal', async () => {
    server.resetStats();
    const err = await failure(fetcher.fetch({ url: server.url('/feed.xml'), signal: AbortSignal.abort() }));
    expect(err).toBeInstanceOf(AbortedError);
    expect(server.requests).toHaveLength(0);
  });

  it('refuses new fetches after close() without blaming the source', async () => {
    const f = createFetcher(BASE);
    await f.close();
    const err = await failure(f.fetch({ url: server.url('/feed.xml') }));
    expect(err).toBeInstanceOf(AbortedError);
    expect(err.message).toMatch(/closed/);
  });

  it('leaves no listener on a long-lived caller signal', async () => {
    const shutdown = new AbortController();
    for (let i = 0; i < 20; i++) await fetcher.fetch({ url: server.url('/feed.xml'), signal: shutdown.signal });
    await failure(fetcher.fetch({ url: server.url('/status/404'), signal: shutdown.signal }));
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(0);
  });
});

describe('concurrency', () => {
  it('never runs more than 2 requests at once against one host', async () => {
    const s = await startHostileServer();
    const f = createFetcher({ ...BASE, concurrency: 8 });
    try {
      const results = await Promise.all(Array.from({ length: 10 }, () => f.fetch({ url: s.url('/slow?ms=80') })));
      expect(results.every((r) => r.kind === 'ok')).toBe(true);
      expect(s.requests).toHaveLength(10);
      expect(s.maxActive).toBe(2);
      expect(f.stats()).toEqual({ active: 0, queued: 0 });
    } finally {
      await f.close();
      await s.close();
    }
  });

  it('honours the global limit across hosts', async () => {
    const servers = await Promise.all([startHostileServer(), startHostileServer(), startHostileServer()]);
    let active = 0;
    let maxActive = 0;
    for (const s of servers) {
      s.route('/counted', (_req, res) => {
        active++;
        maxActive = Math.max(maxActive, active);
        setTimeout(() => {
          active--;
          res.writeHead(200, { 'content-type': 'application/rss+xml' });
          res.end('<rss/>');
        }, 60);
      });
    }
    const f = createFetcher({ ...BASE, concurrency: 3 });
    try {
      await Promise.all(servers.flatMap((s) => Array.from({ length: 4 }, () => f.fetch({ url: s.url('/counted') }))));
      expect(maxActive).toBe(3);
    } finally {
      await f.close();
      await Promise.all(servers.map((s) => s.close()));
    }
  });

  it('lets a healthy host proceed while another host hangs', async () => {
    const hanging = await startHostileServer();
    const f = createFetcher({ ...BASE, timeoutMs: 1_500, concurrency: 4 });
    try {
      const stuck = Array.from({ length: 4 }, () => failure(f.fetch({ url: hanging.url('/hang-headers') })));
      expect(f.stats()).toEqual({ active: 2, queued: 2 });
      const started = performance.now();
      const good = await Promise.all(Array.from({ length: 4 }, () => f.fetch({ url: server.url('/feed.xml') })));
      expect(good.every((r) => r.kind === 'ok')).toBe(true);
      // Well before the hanging host times out.
      expect(performance.now() - started).toBeLessThan(1_200);
      expect(hanging.maxActive).toBe(2);
      for (const err of await Promise.all(stuck)) expect(err).toBeInstanceOf(TimeoutError);
    } finally {
      await f.close();
      await hanging.close();
    }
  });
});

/**
 * Whatever a server sends back — any status, any Content-Encoding, a wrong
 * Content-Length, a garbled or missing body, a bad Location, a connection
 * that just stops — the fetcher either returns a result or throws one of our
 * FetchErrors, and always within its deadline. Raw bytes on the socket, so
 * node:http cannot tidy anything up.
 */
import zlib from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchError } from '../../src/errors.js';
import { createFetcher, type Fetcher } from '../../src/fetch/fetcher.js';
import { readHostileFixture, startHostileServer, type HostileServer } from '../helpers/hostile-server.js';

const TIMEOUT_MS = 400;
const FEED = readHostileFixture('good-rss-akamai-kernel-org.xml');

interface RawResponse {
  status: number;
  encoding: string | undefined;
  body: 'feed' | 'compressed-feed' | 'random' | 'empty' | 'truncated-compressed';
  random: Uint8Array;
  contentLength: 'none' | 'right' | 'short' | 'long';
  location: string | undefined;
  ending: 'end' | 'hang' | 'destroy';
}

const arbResponse: fc.Arbitrary<RawResponse> = fc.record({
  status: fc.constantFrom(200, 203, 204, 206, 300, 301, 302, 303, 304, 307, 308, 400, 403, 404, 410, 429, 500, 503, 599),
  encoding: fc.constantFrom(undefined, 'gzip', 'deflate', 'br', 'identity', 'gzip, br', 'zstd', 'GZIP', ''),
  body: fc.constantFrom('feed', 'compressed-feed', 'random', 'empty', 'truncated-compressed'),
  random: fc.uint8Array({ maxLength: 2048 }),
  contentLength: fc.constantFrom('none', 'right', 'short', 'long'),
  location: fc.constantFrom(undefined, '/feed.xml', '/random', 'javascript:alert(1)', 'http://[', '', 'ftp://x/', '//127.0.0.1:1/x'),
  ending: fc.constantFrom('end', 'end', 'end', 'end', 'destroy', 'hang'),
});

function encode(encoding: string | undefined, data: Buffer): Buffer {
  switch (encoding?.toLowerCase()) {
    case 'gzip':
      return zlib.gzipSync(data);
    case 'deflate':
      return zlib.deflateSync(data);
    case 'br':
      return zlib.brotliCompressSync(data);
    case 'gzip, br':
      return zlib.brotliCompressSync(zlib.gzipSync(data));
    default:
      return data;
  }
}

function bodyOf(r: RawResponse): Buffer {
  switch (r.body) {
    case 'feed':
      return FEED;
    case 'compressed-feed':
      return encode(r.encoding, FEED);
    case 'truncated-compressed':
      return encode(r.encoding, FEED).subarray(0, 40);
    case 'random':
      return Buffer.from(r.random);
    case 'empty':
      return Buffer.alloc(0);
  }
}

let server: HostileServer;
let fetcher: Fetcher;
let current: RawResponse;

beforeAll(async () => {
  server = await startHostileServer();
  server.route('/random', (req) => {
    const r = current;
    const body = bodyOf(r);
    const lines = [`HTTP/1.1 ${r.status} Whatever`, 'Content-Type: application/rss+xml'];
    if (r.encoding !== undefined) lines.push(`Content-Encoding: ${r.encoding}`);
    if (r.location !== undefined) lines.push(`Location: ${r.location}`);
    const length = { none: undefined, right: body.length, short: Math.max(0, body.length - 10), long: body.length + 100 }[r.contentLength];
    if (length !== undefined) lines.push(`Content-Length: ${length}`);
    lines.push('Connection: close');
    const socket = req.socket;
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    socket.write(body);
    if (r.ending === 'end') socket.end();
    else if (r.ending === 'destroy') socket.destroy();
  });
  fetcher = createFetcher({ timeoutMs: TIMEOUT_MS, maxBytes: 64 * 1024, concurrency: 4, userAgent: 'feedkurator/test' });
});

afterAll(async () => {
  await fetcher.close();
  await server.close();
});

describe('fetcher against arbitrary responses', () => {
  it('returns or throws a FetchError, within the deadline (property)', async () => {
    await fc.assert(
      fc.asyncProperty(arbResponse, async (response) => {
        current = response;
        const started = performance.now();
        try {
          const result = await fetcher.fetch({ url: server.url('/random') });
          expect(['ok', 'not-modified']).toContain(result.kind);
          if (result.kind === 'ok') expect(result.body.length).toBeLessThanOrEqual(64 * 1024);
        } catch (err) {
          expect(err, String(err)).toBeInstanceOf(FetchError);
          expect((err as Error).message).not.toMatch(/\n/);
          expect((err as Error).message.length).toBeGreaterThan(0);
        }
        expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 1_500);
      }),
      { numRuns: 120 },
    );
  });
});

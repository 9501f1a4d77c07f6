import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FetchError, TooLargeError } from '../../src/errors.js';
import { readBody } from '../../src/fetch/read-body.js';
import { readHostileFixture } from '../helpers/hostile-server.js';

const FEED = readHostileFixture('good-rss-akamai-kernel-org.xml');
const LIMITS = { maxBytes: 1024 * 1024, maxRawBytes: 1024 * 1024 };

const ENCODERS: Record<string, (b: Buffer) => Buffer> = {
  gzip: (b) => zlib.gzipSync(b),
  deflate: (b) => zlib.deflateSync(b),
  'deflate-raw': (b) => zlib.deflateRawSync(b),
  br: (b) => zlib.brotliCompressSync(b),
  identity: (b) => b,
};

/** Splits a buffer at the given cut points, as a slow network would. */
function chunked(data: Buffer, cuts: number[]): Readable {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    parts.push(data.subarray(from, p));
    from = p;
  }
  parts.push(data.subarray(from));
  return Readable.from(parts.filter((p) => p.length > 0));
}

describe('readBody', () => {
  it('decodes every encoding however the bytes are split (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(ENCODERS)), fc.array(fc.nat(), { maxLength: 20 }), async (name, cuts) => {
        const header = name === 'deflate-raw' ? 'deflate' : name;
        const { body } = await readBody(chunked(ENCODERS[name]!(FEED), cuts), header, LIMITS);
        expect(body.equals(FEED)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('sniffs zlib-wrapped deflate even when the first chunk is one byte', async () => {
    const { body } = await readBody(chunked(zlib.deflateSync(FEED), [1, 2, 3]), 'deflate', LIMITS);
    expect(body.equals(FEED)).toBe(true);
  });

  it('undoes stacked encodings in reverse order', async () => {
    const data = zlib.brotliCompressSync(zlib.gzipSync(FEED));
    const { body, rawBytes } = await readBody(Readable.from([data]), 'gzip, br', LIMITS);
    expect(body.equals(FEED)).toBe(true);
    expect(rawBytes).toBe(data.length);
  });

  it('accepts upper-case and x-gzip tokens, and an empty body', async () => {
    expect((await readBody(Readable.from([zlib.gzipSync(FEED)]), 'X-GZIP', LIMITS)).body.equals(FEED)).toBe(true);
    expect((await readBody(Readable.from([]), 'deflate', LIMITS)).body.length).toBe(0);
  });

  it('enforces the decoded limit on output, not input', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(5 * 1024 * 1024));
    const err = await readBody(Readable.from([bomb]), 'gzip', { maxBytes: 1024 * 1024, maxRawBytes: 1024 * 1024 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TooLargeError);
    expect((err as Error).message).toBe('response larger than 1048576 bytes after decompression');
  });

  it('accepts a body of exactly the decoded limit and refuses one byte more, for every encoding', async () => {
    const limit = 64 * 1024;
    for (const name of Object.keys(ENCODERS)) {
      const header = name === 'deflate-raw' ? 'deflate' : name;
      const exact = Buffer.alloc(limit, 'a');
      const { body } = await readBody(Readable.from([ENCODERS[name]!(exact)]), header, { maxBytes: limit, maxRawBytes: 1024 * 1024 });
      expect(body.length, name).toBe(limit);
      const err = await readBody(Readable.from([ENCODERS[name]!(Buffer.alloc(limit + 1, 'a'))]), header, { maxBytes: limit, maxRawBytes: 1024 * 1024 }).catch(
        (e: unknown) => e,
      );
      expect(err, name).toBeInstanceOf(TooLargeError);
      expect((err as Error).message, name).toBe(`response larger than ${limit} bytes after decompression`);
    }
  });

  it('enforces the raw limit on the wire bytes', async () => {
    const err = await readBody(Readable.from([Buffer.alloc(2048)]), undefined, { maxBytes: 1e9, maxRawBytes: 1024 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TooLargeError);
    expect((err as Error).message).toBe('response larger than 1024 bytes as transferred');
  });

  it('reports a truncated gzip stream', async () => {
    const truncated = zlib.gzipSync(FEED).subarray(0, 100);
    const err = await readBody(Readable.from([truncated]), 'gzip', LIMITS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FetchError);
    expect((err as Error).message).toMatch(/^corrupt gzip response body: /);
  });

  it('reports garbage declared as br or deflate', async () => {
    for (const encoding of ['br', 'deflate']) {
      const err = await readBody(Readable.from([Buffer.from('<rss>plain text, not compressed</rss>')]), encoding, LIMITS).catch(
        (e: unknown) => e,
      );
      expect(err, encoding).toBeInstanceOf(FetchError);
      expect((err as Error).message).toMatch(new RegExp(`^corrupt ${encoding} response body: `));
    }
  });

  it('passes a source stream error through', async () => {
    const broken = new Readable({
      read() {
        this.destroy(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }));
      },
    });
    await expect(readBody(broken, undefined, LIMITS)).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
  });
});

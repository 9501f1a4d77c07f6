import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compressResource, createResource, type Resource } from '../../src/publish/resource.js';

const CHANGED = new Date('2026-11-20T08:00:00.000Z');
const BUILT = new Date('2026-11-22T05:00:00.000Z');
const resource = (text: string | Buffer): Resource => createResource({ contentType: 'text/plain', text, changed: CHANGED, generatedAt: BUILT });

// The settings resource.ts documents: gzip level 9; brotli quality 4 in text mode with a window of
// 2^ceil(log2(size + 1)) bytes, at least 2^16 and at most 2^24. The window is written into the brotli stream's
// header, so the bytes tell which one was used.
function brotliAsDocumented(body: Buffer, lgwin: number): Buffer {
  return brotliCompressSync(body, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 4,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      [constants.BROTLI_PARAM_LGWIN]: lgwin,
    },
  });
}

describe('compressResource: the documented settings', () => {
  it('gzip at level 9, brotli at quality 4 with the smallest window (2^16) for a feed of 10 KB', async () => {
    const text = Array.from({ length: 400 }, (_, i) => `Kernel 6.${i} bringt Treiber für ${i % 7} Geräte. `).join('');
    const r = resource(text);
    await compressResource(r);
    const body = Buffer.from(text, 'utf8');
    expect(r.bodies.gzip!.equals(gzipSync(body, { level: 9 }))).toBe(true);
    expect(r.bodies.gzip!.equals(gzipSync(body))).toBe(false); // level 6 differs: the check can tell
    expect(r.bodies.br!.equals(brotliAsDocumented(body, 16))).toBe(true);
    expect(r.bodies.br!.equals(brotliAsDocumented(body, 14))).toBe(false);
    expect(r.bodies.br!.equals(brotliAsDocumented(body, 24))).toBe(false);
  });

  it('a window fitted to the size: 2^18 for a body of exactly 2^17 bytes', async () => {
    const body = Buffer.alloc(2 ** 17);
    for (let i = 0; i < body.length; i++) body[i] = 97 + ((i * 7919) % 26);
    const r = resource(body);
    await compressResource(r);
    expect(r.bodies.br!.equals(brotliAsDocumented(body, 18))).toBe(true);
    expect(r.bodies.br!.equals(brotliAsDocumented(body, 17))).toBe(false);
    expect(brotliDecompressSync(r.bodies.br!).equals(body)).toBe(true);
  });
});

describe('compressResource: sharing and retrying', () => {
  it('adds the brotli body to a resource that has only a gzip one, keeping the gzip one', async () => {
    const r = resource('Container-Images signieren mit Sigstore. '.repeat(50));
    const gz = gzipSync(r.bodies.identity);
    r.bodies.gzip = gz;
    await compressResource(r);
    expect(r.bodies.gzip).toBe(gz);
    expect(brotliDecompressSync(r.bodies.br!).equals(r.bodies.identity)).toBe(true);
  });

  it('two callers for the same bodies share one compression', async () => {
    const r = resource('Hosting-Anbieter erhöht Preise. '.repeat(100));
    const first = compressResource(r);
    const second = compressResource(r);
    expect(second).toBe(first);
    await first;
    expect(gunzipSync(r.bodies.gzip!).equals(r.bodies.identity)).toBe(true);
  });

  it('a failed compression is tried again by the next caller', async () => {
    const r = resource('x');
    const good = r.bodies.identity;
    // A body zlib refuses makes the compression fail.
    (r.bodies as { identity: unknown }).identity = 42;
    await expect(compressResource(r)).rejects.toThrow();
    r.bodies.identity = good;
    await compressResource(r);
    expect(gunzipSync(r.bodies.gzip!).toString()).toBe('x');
    expect(brotliDecompressSync(r.bodies.br!).toString()).toBe('x');
  });
});

import { createHash } from 'node:crypto';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import { compressResource, createResource, withLastModified, type Resource } from '../../src/publish/resource.js';

const CHANGED = new Date('2026-11-20T08:00:00.999Z');
const BUILT = new Date('2026-11-22T05:00:00.500Z');

describe('createResource', () => {
  it('strong ETags per coding from the body\'s hash, Last-Modified in whole seconds, own copy of the headers', () => {
    const headers = { 'Content-Security-Policy': "default-src 'none'" };
    const r = createResource({ contentType: 'text/plain', text: 'Grüße', changed: CHANGED, generatedAt: BUILT, headers });
    const tag = createHash('sha256').update(Buffer.from('Grüße', 'utf8')).digest('base64url').slice(0, 27);
    expect(r.etags).toEqual({ identity: `"${tag}"`, gzip: `"${tag}-gz"`, br: `"${tag}-br"` });
    expect(r.bodies).toEqual({ identity: Buffer.from('Grüße', 'utf8') });
    expect(r.lastModified).toEqual(new Date('2026-11-20T08:00:00.000Z'));
    expect(r.contentType).toBe('text/plain');
    expect(r.headers).toEqual(headers);
    expect(r.headers).not.toBe(headers);
    expect(createResource({ contentType: 'text/plain', text: 'x', changed: CHANGED, generatedAt: BUILT }).headers).toEqual({});
  });

  it('takes an encoded body as it is', () => {
    const body = Buffer.from('<rss/>');
    const r = createResource({ contentType: 'application/rss+xml', text: body, changed: CHANGED, generatedAt: BUILT });
    expect(r.bodies.identity).toBe(body);
  });

  it('reuses an unchanged previous resource whole (compressed bodies and date), with the new headers', () => {
    const previous = createResource({ contentType: 'text/html', text: 'same', changed: CHANGED, generatedAt: BUILT, headers: { a: '1' } });
    const again = createResource({ contentType: 'text/html', text: 'same', changed: new Date('2026-11-23T00:00:00Z'), generatedAt: BUILT, headers: { b: '2' }, previous });
    expect(again.bodies).toBe(previous.bodies);
    expect(again.lastModified).toBe(previous.lastModified);
    expect(again.headers).toEqual({ b: '2' });
    const noHeaders = createResource({ contentType: 'text/html', text: 'same', changed: CHANGED, generatedAt: BUILT, previous });
    expect(noHeaders.headers).toEqual({});
    // Another content type is another resource, even with the same bytes.
    const retyped = createResource({ contentType: 'text/plain', text: 'same', changed: CHANGED, generatedAt: BUILT, previous });
    expect(retyped.bodies).not.toBe(previous.bodies);
  });

  it('a changed body never gets an older or equal Last-Modified than before', () => {
    const previous = createResource({ contentType: 'text/html', text: 'alt', changed: CHANGED, generatedAt: BUILT });
    // The data's date moved forward: it is used.
    const later = new Date('2026-11-21T09:00:00.700Z');
    expect(createResource({ contentType: 'text/html', text: 'neu', changed: later, generatedAt: BUILT, previous }).lastModified).toEqual(new Date('2026-11-21T09:00:00.000Z'));
    // The date did not move (a rules edit): the build time.
    expect(createResource({ contentType: 'text/html', text: 'neu', changed: CHANGED, generatedAt: BUILT, previous }).lastModified).toEqual(new Date('2026-11-22T05:00:00.000Z'));
    // Same second as before, built in that second as well: one second later than before.
    const sameSecond = createResource({ contentType: 'text/html', text: 'neu', changed: CHANGED, generatedAt: CHANGED, previous });
    expect(sameSecond.lastModified).toEqual(new Date('2026-11-20T08:00:01.000Z'));
    // An older date than before, built earlier than before too: still one second after the previous one.
    const older = createResource({ contentType: 'text/html', text: 'neu', changed: new Date('2026-01-01T00:00:00Z'), generatedAt: new Date('2026-01-01T00:00:00Z'), previous });
    expect(older.lastModified).toEqual(new Date('2026-11-20T08:00:01.000Z'));
  });
});

describe('withLastModified', () => {
  // Created before each test, not at collection, where a mutation run's mutants are not switched on (docs/mutation.md).
  let r: Resource;
  beforeEach(() => {
    r = createResource({ contentType: 'text/plain', text: 'x', changed: CHANGED, generatedAt: BUILT });
  });

  it('returns the same object when the date (in whole seconds) is the same', () => {
    expect(withLastModified(r, new Date('2026-11-20T08:00:00.400Z'))).toBe(r);
  });

  it('otherwise a copy with the store\'s date, sharing the bodies', () => {
    const other = withLastModified(r, new Date('2026-11-21T00:00:00.900Z'));
    expect(other).not.toBe(r);
    expect(other.lastModified).toEqual(new Date('2026-11-21T00:00:00.000Z'));
    expect(other.bodies).toBe(r.bodies);
    expect(r.lastModified).toEqual(new Date('2026-11-20T08:00:00.000Z'));
  });
});

describe('compressResource', () => {
  it('adds gzip and br bodies that decode to the identity body', async () => {
    const text = 'Kernel 6.12 ist da. '.repeat(500);
    const r = createResource({ contentType: 'text/plain', text, changed: CHANGED, generatedAt: BUILT });
    await compressResource(r);
    expect(gunzipSync(r.bodies.gzip!).toString()).toBe(text);
    expect(brotliDecompressSync(r.bodies.br!).toString()).toBe(text);
    expect(r.bodies.gzip!.length).toBeLessThan(text.length / 10);
    expect(r.bodies.br!.length).toBeLessThan(text.length / 10);
  });

  it('keeps compressed bodies a resource already has', async () => {
    const r = createResource({ contentType: 'text/plain', text: 'abc', changed: CHANGED, generatedAt: BUILT });
    const gz = Buffer.from('gz');
    const br = Buffer.from('br');
    r.bodies.gzip = gz;
    r.bodies.br = br;
    await compressResource(r);
    expect(r.bodies.gzip).toBe(gz);
    expect(r.bodies.br).toBe(br);
  });

  it('compresses an empty body too', async () => {
    const r = createResource({ contentType: 'text/plain', text: '', changed: CHANGED, generatedAt: BUILT });
    await compressResource(r);
    expect(gunzipSync(r.bodies.gzip!).toString()).toBe('');
    expect(brotliDecompressSync(r.bodies.br!).toString()).toBe('');
  });
});

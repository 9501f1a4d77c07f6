import { readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Publication } from '../../src/publish/build-publication.js';
import { loadSnapshot, saveSnapshot } from '../../src/publish/publication-snapshot.js';
import { bodyParts, compressResource, createResource } from '../../src/publish/resource.js';
import { makeTempDir } from '../helpers/cli.js';

async function publication(text: string): Promise<Publication> {
  const generatedAt = new Date('2026-11-30T10:00:00.500Z');
  const feed = createResource({ contentType: 'application/rss+xml; charset=utf-8', text: `<rss>${text}</rss>`, changed: generatedAt, generatedAt });
  const page = createResource({ contentType: 'text/html; charset=utf-8', text: `<p>${text}</p>`, changed: generatedAt, generatedAt, headers: { 'Content-Security-Policy': "default-src 'none'" } });
  await compressResource(feed);
  return {
    generatedAt,
    resources: new Map([
      ['/feed.xml', feed],
      ['/', page], // identity only: saved as it is
    ]),
    itemCount: 1,
    topics: [{ name: 'kernel', title: 'Kernel' }] as unknown as Publication['topics'],
  };
}

const bodyFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.bin'));

describe('publication snapshot', () => {
  it('gives back every encoding, validator and header it saved, for the same config only', async () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'store.publication.json');
    const saved = await publication('Kernel 6.18');
    await saveSnapshot(file, saved, 'key-a');

    const loaded = await loadSnapshot(file, 'key-a');
    expect(loaded).toBeDefined();
    expect(loaded!.generatedAt).toEqual(saved.generatedAt);
    expect(loaded!.itemCount).toBe(1);
    expect(loaded!.topics).toEqual(saved.topics);
    for (const [route, r] of saved.resources) {
      const back = loaded!.resources.get(route)!;
      expect(back.contentType).toBe(r.contentType);
      expect(back.etags).toEqual(r.etags);
      expect(back.lastModified).toEqual(r.lastModified);
      expect(back.headers).toEqual(r.headers);
      expect(back.bodies.identity.equals(r.bodies.identity)).toBe(true);
      expect(back.bodies.gzip).toEqual(r.bodies.gzip);
      expect(back.bodies.br).toEqual(r.bodies.br);
    }
    // The index is small JSON: the bodies are in one binary file beside it.
    expect(readFileSync(file, 'utf8')).not.toContain('Kernel 6.18');
    expect(bodyFiles(dir)).toHaveLength(1);
    expect(await loadSnapshot(file, 'key-b')).toBeUndefined();
  });

  it('saves a body kept in parts as its bytes in order, with the compressed bodies made from them', async () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'store.publication.json');
    const generatedAt = new Date('2026-11-30T10:00:00.500Z');
    const text = Buffer.from(`<rss>${'<item>Kernel – „neu“</item>\n'.repeat(500)}</rss>`);
    const parts = [text.subarray(0, 5), text.subarray(5, 7_000), text.subarray(7_000)];
    const feed = createResource({ contentType: 'application/rss+xml; charset=utf-8', text: parts, changed: generatedAt, generatedAt });
    expect(bodyParts(feed.bodies)).toHaveLength(3);
    await compressResource(feed);
    const saved: Publication = { generatedAt, resources: new Map([['/feed.xml', feed]]), itemCount: 500, topics: [] };
    await saveSnapshot(file, saved, 'key-a');
    const back = (await loadSnapshot(file, 'key-a'))!.resources.get('/feed.xml')!;
    expect(back.bodies.identity.equals(text)).toBe(true);
    expect(back.etags).toEqual(feed.etags);
    expect(gunzipSync(back.bodies.gzip!).equals(text)).toBe(true);
    expect(back.bodies.br!.equals(feed.bodies.br!)).toBe(true);
  });

  it('keeps only the body file of the last save', async () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'store.publication.json');
    await saveSnapshot(file, await publication('one'), 'k');
    await saveSnapshot(file, await publication('two'), 'k');
    expect(bodyFiles(dir)).toHaveLength(1);
    const loaded = await loadSnapshot(file, 'k');
    expect(loaded!.resources.get('/feed.xml')!.bodies.identity.toString()).toBe('<rss>two</rss>');
  });

  it('is no snapshot when a body file is damaged, cut short or missing, or the index is not JSON', async () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'store.publication.json');
    await saveSnapshot(file, await publication('Kernel'), 'k');
    const bin = path.join(dir, bodyFiles(dir)[0]!);
    const bytes = readFileSync(bin);

    const flipped = Buffer.from(bytes);
    flipped[3] = flipped[3]! ^ 0xff;
    writeFileSync(bin, flipped);
    expect(await loadSnapshot(file, 'k')).toBeUndefined();

    writeFileSync(bin, bytes.subarray(0, bytes.length - 1));
    expect(await loadSnapshot(file, 'k')).toBeUndefined();

    unlinkSync(bin);
    expect(await loadSnapshot(file, 'k')).toBeUndefined();

    writeFileSync(bin, bytes);
    expect(await loadSnapshot(file, 'k')).toBeDefined();

    const index = readFileSync(file, 'utf8');
    writeFileSync(file, index.replace(/"bodyFile":"[^"]+"/, '"bodyFile":"../elsewhere.bin"'));
    expect(await loadSnapshot(file, 'k')).toBeUndefined();

    writeFileSync(file, index.slice(0, 20));
    expect(await loadSnapshot(file, 'k')).toBeUndefined();
  });

  it('is no snapshot for a version 1 file (bodies inside the JSON)', async () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'store.publication.json');
    writeFileSync(file, JSON.stringify({ version: 1, configKey: 'k', generatedAt: new Date().toISOString(), itemCount: 0, topics: [], resources: [] }));
    expect(await loadSnapshot(file, 'k')).toBeUndefined();
  });
});

/**
 * A rebuilt feed body is kept in parts: its head and the new or changed items
 * copied once, the unchanged items referred to where an earlier body holds
 * them. The bytes, ETags and compressed bodies are those of the body joined.
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildPublication, type Publication } from '../../src/publish/build-publication.js';
import { bodyParts, compressResource, createResource, identityLength } from '../../src/publish/resource.js';
import type { CuratedEntry } from '../../src/types.js';
import { ALL_ENTRIES, article, loadTestConfig, manyEntries } from '../fixtures/publish/german-linux-news.js';

const config = loadTestConfig();
const START = Date.UTC(2026, 10, 22, 5);
const FEEDS = ['/feed.xml', '/feed.atom', '/feed.json', '/topics/kernel.xml', '/topics/containers.atom', '/topics/hosting.json'];

function fresh(n: number, topics: string[]): CuratedEntry {
  return {
    article: article({
      id: `neu${n}`,
      title: `Neu ${n}: Kernel und Container`,
      content: `<p>Artikel ${n} über den Kernel – „neu“</p>`,
      published: new Date(START + n * 60_000).toISOString(),
    }),
    topics,
    alsoAt: [],
  };
}

function joined(publication: Publication, path: string): Buffer {
  return Buffer.concat(bodyParts(publication.resources.get(path)!.bodies));
}

describe('feed bodies in parts', () => {
  it('a rebuild copies the head and the new item only; the rest is referred to where the previous body holds it', () => {
    const entries = [...manyEntries(60), ...ALL_ENTRIES];
    const first = buildPublication({ entries, config, generatedAt: new Date(START) });
    const earlier = new Set([...first.resources.values()].flatMap((r) => bodyParts(r.bodies).map((p) => p.buffer)));
    const changed = [...entries, fresh(1, ['kernel', 'containers'])];
    const second = buildPublication({ entries: changed, config, generatedAt: new Date(START + 60_000), previous: first });
    const scratch = buildPublication({ entries: changed, config, generatedAt: new Date(START + 60_000) });
    for (const path of FEEDS) {
      const bodies = second.resources.get(path)!.bodies;
      const parts = bodyParts(bodies);
      expect(parts.length, path).toBeGreaterThan(1);
      const copied = parts.filter((p) => !earlier.has(p.buffer)).reduce((sum, p) => sum + p.length, 0);
      expect(copied, path).toBeLessThan(identityLength(bodies) / 4);
      expect(joined(second, path).equals(scratch.resources.get(path)!.bodies.identity), path).toBe(true);
      expect(second.resources.get(path)!.etags).toEqual(scratch.resources.get(path)!.etags);
    }
  });

  it('stays within a few parts and keeps alive at most about twice its bytes over many rebuilds', () => {
    let entries = [...manyEntries(60), ...ALL_ENTRIES];
    let publication = buildPublication({ entries, config, generatedAt: new Date(START) });
    for (let step = 1; step <= 120; step++) {
      entries = [...entries, fresh(step, step % 3 === 0 ? ['hosting'] : ['kernel'])];
      // Now and then an older entry gets another outlet ("Auch bei"): rendered again, its old bytes left behind.
      if (step % 4 === 0) {
        const at = (step * 7) % entries.length;
        entries[at] = { ...entries[at]!, alsoAt: [...entries[at]!.alsoAt, { id: `quelle-${step}`, source: `Quelle ${step}`, title: 'Dasselbe', link: `https://example.org/${step}` }] };
      }
      const generatedAt = new Date(START + step * 60_000);
      publication = buildPublication({ entries, config, generatedAt, previous: publication });
      for (const path of FEEDS) {
        const bodies = publication.resources.get(path)!.bodies;
        const parts = bodyParts(bodies);
        expect(parts.length, `${path} step ${step}`).toBeLessThanOrEqual(24);
        const kept = new Set(parts.map((p) => p.buffer));
        const keptBytes = [...kept].reduce((sum, b) => sum + b.byteLength, 0);
        expect(keptBytes, `${path} step ${step}`).toBeLessThanOrEqual(2 * identityLength(bodies) + 65_536);
      }
      if (step % 20 === 0) {
        const scratch = buildPublication({ entries, config, generatedAt });
        for (const path of FEEDS) expect(joined(publication, path).equals(scratch.resources.get(path)!.bodies.identity), `${path} step ${step}`).toBe(true);
      }
    }
  });

  it('a resource from parts has the ETag, length, plain and compressed bodies of the same bytes in one buffer', async () => {
    const text = Buffer.from(`<rss>${'<item>Kernel – „neu“ &amp; mehr</item>\n'.repeat(3_000)}</rss>`);
    const cuts = [0, 1, 17, 4_096, 40_000, 40_000, 90_001, text.length];
    const parts = cuts.slice(1).map((end, i) => text.subarray(cuts[i], end));
    const generatedAt = new Date(START);
    const spec = { contentType: 'application/rss+xml; charset=utf-8', changed: generatedAt, generatedAt };
    const inParts = createResource({ ...spec, text: parts });
    const whole = createResource({ ...spec, text });
    expect(inParts.etags).toEqual(whole.etags);
    expect(identityLength(inParts.bodies)).toBe(text.length);
    expect(bodyParts(inParts.bodies)).toHaveLength(parts.length);
    await Promise.all([compressResource(inParts), compressResource(whole)]);
    expect(inParts.bodies.gzip!.equals(whole.bodies.gzip!)).toBe(true);
    expect(inParts.bodies.br!.equals(whole.bodies.br!)).toBe(true);
    // The bytes zlib's one-shot calls give (what every earlier build served for this body).
    expect(inParts.bodies.gzip!.equals(gzipSync(text, { level: 9 }))).toBe(true);
    const lgwin = Math.max(16, Math.min(24, Math.ceil(Math.log2(text.length + 1))));
    const params = { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT, [constants.BROTLI_PARAM_SIZE_HINT]: text.length, [constants.BROTLI_PARAM_LGWIN]: lgwin };
    expect(inParts.bodies.br!.equals(brotliCompressSync(text, { params }))).toBe(true);
    expect(inParts.bodies.identity.equals(text)).toBe(true);
  });
});

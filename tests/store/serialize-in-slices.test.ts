import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serializeInSlices } from '../../src/store/json/json-files.js';

describe('serializeInSlices: a segment or journal file serialized with the event loop free between parts', () => {
  it('joins to exactly what JSON.stringify writes, wherever the list stands and whatever it holds', async () => {
    const article = fc.record({ id: fc.string(), title: fc.string({ unit: 'grapheme' }), n: fc.option(fc.integer(), { nil: undefined }) });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(article, fc.constant(undefined)), { maxLength: 400 }), fc.boolean(), async (articles, listFirst) => {
        const data = listFirst ? { articles, schemaVersion: 3 } : { schemaVersion: 3, day: '2026-11-20', articles, removed: { a: '2026-11-19' } };
        expect(Buffer.concat(await serializeInSlices(data)).toString('utf8')).toBe(JSON.stringify(data));
      }),
      { numRuns: 40 },
    );
  });

  it('lets the event loop run while a long list is serialized', async () => {
    const articles = Array.from({ length: 4_000 }, (_, i) => ({ id: `${i}`, content: 'x'.repeat(2_000) }));
    let turns = 0;
    const timer = setInterval(() => turns++, 0);
    const data = { schemaVersion: 3, articles };
    const chunks = await serializeInSlices(data);
    clearInterval(timer);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(JSON.stringify(data));
    expect(turns).toBeGreaterThan(0);
  });
});

describe('serializeInSlices: the text as UTF-8 buffers', () => {
  it('keeps every character whole, also in articles longer than a buffer, and fills buffers up to 1 MB', async () => {
    const long = `${'ä€😀'.repeat(150_000)}"\\\u2028`; // 1.05 M UTF-16 units, 2.4 MB as UTF-8: a buffer of its own
    const articles = [
      ...Array.from({ length: 900 }, (_, i) => ({ id: `${i}`, title: `Überschrift „${i}“ – 😀`, content: 'ß'.repeat(1_000) })),
      { id: 'long', content: long },
      { id: 'after', title: 'ö' },
    ];
    const data = { schemaVersion: 3, seq: 7, articles, removed: { x: '2026-11-30' } };
    const chunks = await serializeInSlices(data);
    expect(chunks.every((chunk) => Buffer.isBuffer(chunk))).toBe(true);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(JSON.stringify(data));
    for (const chunk of chunks) expect(chunk.toString('utf8')).not.toContain('\uFFFD'); // no character cut between two buffers
    expect(chunks.filter((chunk) => chunk.length <= 1 << 20).length).toBe(chunks.length - 1);
    expect(chunks.length).toBeLessThan(6);
  });
});

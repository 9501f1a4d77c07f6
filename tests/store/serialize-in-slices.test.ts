import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serializeInSlices } from '../../src/store/json/json-files.js';

describe('serializeInSlices: a segment or journal file serialized with the event loop free between parts', () => {
  it('joins to exactly what JSON.stringify writes, wherever the list stands and whatever it holds', async () => {
    const article = fc.record({ id: fc.string(), title: fc.string({ unit: 'grapheme' }), n: fc.option(fc.integer(), { nil: undefined }) });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(article, fc.constant(undefined)), { maxLength: 400 }), fc.boolean(), async (articles, listFirst) => {
        const data = listFirst ? { articles, schemaVersion: 3 } : { schemaVersion: 3, day: '2026-11-20', articles, removed: { a: '2026-11-19' } };
        expect((await serializeInSlices(data)).join('')).toBe(JSON.stringify(data));
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
    expect(chunks.length).toBe(4_000 / 50 + 2);
    expect(turns).toBeGreaterThan(0);
  });
});

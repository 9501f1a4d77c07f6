import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serializeInChunks } from '../../src/store/durable-json-file.js';

describe('serializeInChunks', () => {
  it('joins to exactly what JSON.stringify writes, for any store-like object', () => {
    const article = fc.record({ id: fc.string(), title: fc.string({ unit: 'grapheme' }), n: fc.option(fc.integer(), { nil: undefined }) });
    fc.assert(
      fc.property(
        fc.array(article, { maxLength: 1_200 }),
        fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 4 }),
        fc.boolean(),
        (articles, extra, articlesFirst) => {
          const data = articlesFirst ? { articles, ...extra } : { schemaVersion: 2, ...extra, articles, retired: {} };
          expect(serializeInChunks(data).join('')).toBe(JSON.stringify(data));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('splits a large article list into several chunks', () => {
    const data = { schemaVersion: 2, articles: Array.from({ length: 2_000 }, (_, i) => ({ i })), sources: {} };
    expect(serializeInChunks(data).length).toBeGreaterThan(3);
  });
});

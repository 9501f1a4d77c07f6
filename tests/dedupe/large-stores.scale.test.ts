import { describe, expect, it } from 'vitest';
import { clusterStories } from '../../src/dedupe/story-clusters.js';
import type { StoredArticle } from '../../src/types.js';
import { makeItem } from './make-item.js';
import { freshStore } from './store-under-test.js';
import { loadPairs, toArticle } from './story-pairs.js';

// The 20,000-article cases, apart from the other dedupe tests so that mutation runs can leave them out
// (vitest.mutation.config.ts: 5-6 s each, and every mutant of the code they reach would run them; the smaller
// tests of merge-items.test.ts and story-clusters.test.ts assert the same behaviour in detail).
const T0 = new Date('2026-11-20T10:00:00.000Z');
const T1 = new Date('2026-11-20T10:15:00.000Z');

describe('merging a source into a large store', () => {
  it('finds every known item again in a 20,000-article store', async () => {
    const data = await freshStore();
    const items = Array.from({ length: 20_000 }, (_, i) => makeItem({ link: `https://example.org/a/${i}`, guid: `g${i}`, title: `Artikel ${i}` }));
    expect((await data.merge('s', items, T0)).new).toBe(20_000);
    const again = items.slice(0, 2_000);
    expect(await data.merge('s', again, T1)).toEqual({ new: 0, updated: 0, duplicates: 2_000 });
  });
});

describe('clusterStories on a large store', () => {
  it('handles 20,000 articles over 60 days (speed is measured in the benchmark)', () => {
    const pairs = loadPairs();
    const big: StoredArticle[] = [];
    const start = Date.parse('2026-09-01T00:00:00.000Z');
    for (let i = 0; i < 20_000; i++) {
      const p = pairs[i % pairs.length]!;
      const t = i % 2 === 0 ? p.a : p.b;
      const when = new Date(start + Math.floor(i / 2) * 518_400).toISOString(); // ~333 per day
      big.push(toArticle({ ...t, published: when, title: `${t.title} (${Math.floor(i / pairs.length / 2)})` }, `big:${i}`));
    }
    const clusters = clusterStories(big);
    expect(clusters.reduce((n, c) => n + 1 + c.others.length, 0)).toBe(20_000);
  });
});

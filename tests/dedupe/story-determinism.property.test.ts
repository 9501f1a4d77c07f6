import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import type { StoredArticle } from '../../src/types.js';
import { toStored, type NewsArticle } from './story-news-pairs.js';

/**
 * Replicas sharing one PostgreSQL store must publish byte-identical feeds, so
 * story clusters may depend only on the articles: not on the order a store
 * lists them in, nor on the words a process met before (word ids are handed
 * out in the order a process first sees each word). Each case clusters the
 * same crowded window in a fresh module instance, once as listed and once
 * after the process has read other texts first, with the articles shuffled.
 */
const SETS = ['news', 'fresh', 'v3'] as const;
const START = Date.parse('2026-03-02T06:00:00.000Z');

function readSet(set: string): NewsArticle[] {
  const file = new URL(`../fixtures/same-story/${set}/articles.json`, import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { articles: NewsArticle[] }).articles;
}

/** Every article of the three sets inside 40 hours, many in the same second (ties on time). */
function crowdedWindow(): StoredArticle[] {
  const items = SETS.flatMap((set) => readSet(set).map((item) => ({ set, item })));
  // Nine distinct times five hours apart: many articles share a second.
  return items.map(({ set, item }, k) => toStored(item, `${set}:${item.id}`, START + (k % 9) * 5 * 3_600_000));
}

function shuffled<T>(list: readonly T[], seed: number): T[] {
  const out = [...list];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The same text read backwards: the words come in another order, so the ids do. */
function reversed(article: StoredArticle): StoredArticle {
  const back = (text: string): string => text.split(/\s+/).reverse().join(' ');
  return { ...article, id: `${article.id}-r`, contentHash: `${article.contentHash}-r`, title: back(article.title), summary: back(article.summary), content: `<p>${back(article.content.replace(/<[^>]+>/g, ' '))}</p>` };
}

type Clusters = string[][];

async function clusterInFreshProcessState(articles: StoredArticle[], readFirst: StoredArticle[] = []): Promise<Clusters> {
  vi.resetModules();
  const { clusterStories } = await import('../../src/dedupe/story-clusters.js');
  if (readFirst.length > 0) clusterStories(readFirst);
  // Copies: the module caches words per article object.
  return clusterStories(articles.map((a) => ({ ...a })))
    .map((c) => [c.lead.id, ...c.others.map((o) => o.id)])
    .sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

describe('story clusters depend only on the articles', () => {
  it('the crowded window forms real clusters (the check below has something to compare)', async () => {
    const clusters = await clusterInFreshProcessState(crowdedWindow());
    expect(clusters.filter((c) => c.length > 1).length).toBeGreaterThan(10);
  });

  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`the same clusters after other texts were read first and in another listing order (seed ${seed})`, async () => {
      const window = crowdedWindow();
      const expected = await clusterInFreshProcessState(window);
      const decoys = shuffled(window, seed * 7).map(reversed);
      expect(await clusterInFreshProcessState(shuffled(window, seed), decoys)).toEqual(expected);
    });
  }
});

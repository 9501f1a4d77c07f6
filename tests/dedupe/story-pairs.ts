import { readFileSync } from 'node:fs';
import { idForKey } from '../../src/dedupe/identity.js';
import { clusterStories } from '../../src/dedupe/story-clusters.js';
import type { StoredArticle } from '../../src/types.js';

export interface TeaserFixture {
  source: string;
  title: string;
  summary: string;
  published: string;
}
export interface LabelledPair {
  name: string;
  label: 'same' | 'different';
  a: TeaserFixture;
  b: TeaserFixture;
}

export function loadPairs(file = 'pairs.json'): LabelledPair[] {
  const url = new URL(`../fixtures/same-story/${file}`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { pairs: LabelledPair[] }).pairs;
}

export function toArticle(t: TeaserFixture, key: string): StoredArticle {
  return {
    id: idForKey(key),
    key,
    title: t.title,
    summary: t.summary,
    content: '',
    categories: [],
    enclosures: [],
    published: t.published,
    firstSeen: t.published,
    contentHash: key,
    sources: [{ name: t.source, firstSeen: t.published }],
  };
}

export interface Evaluation {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
  wrongMerges: string[];
  missed: string[];
}

/** Cluster all pairs' articles at once (pairs lie five days apart) and score each labelled pair. */
export function evaluatePairs(pairs: readonly LabelledPair[]): Evaluation {
  const articles = pairs.flatMap((p, i) => [toArticle(p.a, `test:${i}:a`), toArticle(p.b, `test:${i}:b`)]);
  return scorePairs(pairs, articles, clusterStories(articles));
}

/**
 * Score labelled pairs against clusters: pair i is articles 2i and 2i+1,
 * merged when both sit in one cluster.
 */
export function scorePairs(
  pairs: readonly { name: string; label: 'same' | 'different' }[],
  articles: readonly StoredArticle[],
  clusters: readonly { lead: StoredArticle; others: StoredArticle[] }[],
): Evaluation {
  const clusterOf = new Map<string, number>();
  clusters.forEach((c, n) => {
    for (const a of [c.lead, ...c.others]) clusterOf.set(a.id, n);
  });
  const result: Evaluation = { truePositives: 0, falsePositives: 0, falseNegatives: 0, precision: 1, recall: 0, wrongMerges: [], missed: [] };
  pairs.forEach((p, i) => {
    const together = clusterOf.get(articles[2 * i]!.id) === clusterOf.get(articles[2 * i + 1]!.id);
    if (together && p.label === 'same') result.truePositives++;
    if (together && p.label === 'different') {
      result.falsePositives++;
      result.wrongMerges.push(p.name);
    }
    if (!together && p.label === 'same') {
      result.falseNegatives++;
      result.missed.push(p.name);
    }
  });
  const predicted = result.truePositives + result.falsePositives;
  result.precision = predicted === 0 ? 1 : result.truePositives / predicted;
  result.recall = result.truePositives / (result.truePositives + result.falseNegatives);
  return result;
}

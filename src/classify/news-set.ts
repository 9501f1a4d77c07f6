import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readLabelledSet, type LabelledExample } from './evaluate.js';

/**
 * The independent evaluation set (tests/fixtures/topics/news-set.jsonl, see
 * the README there) and its one-time split into a tuning and a held-out part.
 * The split is stored as data (news-split.json) so that it never changes when
 * items are added or code moves; `splitNewsSet` only documents and re-derives it.
 */
export interface NewsItem extends LabelledExample {
  id: string;
  source: string;
  provenance: Record<string, string>;
  /** Collection batch: absent for the first; later batches were added after tuning began (docs/labelling.md). */
  batch?: number;
}

export interface NewsSplit {
  seed: number;
  holdoutShare: number;
  method: string;
  tuning: string[];
  holdout: string[];
}

export const NEWS_SET_FILE = 'news-set.jsonl';
export const NEWS_SPLIT_FILE = 'news-split.json';

export function readNewsSet(file: string): NewsItem[] {
  const items = readLabelledSet(file) as NewsItem[];
  const ids = new Set<string>();
  items.forEach((item, i) => {
    if (typeof item.id !== 'string' || item.id === '') throw new Error(`${file}:${i + 1}: needs an "id"`);
    if (ids.has(item.id)) throw new Error(`${file}:${i + 1}: duplicate id "${item.id}"`);
    ids.add(item.id);
  });
  return items;
}

/** mulberry32: a tiny seeded generator, so the split (and a test's generated texts) is reproducible from its seed alone. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Random split, stratified by label combination so that the few positives of
 * each topic are not all drawn into one part by chance. Each stratum gives
 * ceil(share × size) items to the held-out part, so the held-out share is at
 * least `holdoutShare`. Every collection batch is split on its own by the same
 * rule and seed: a batch added later never moves an item of an earlier one.
 */
export function splitNewsSet(items: readonly NewsItem[], seed: number, holdoutShare: number): NewsSplit {
  const batches = new Map<number, NewsItem[]>();
  for (const item of items) batches.set(item.batch ?? 1, [...(batches.get(item.batch ?? 1) ?? []), item]);
  const tuning: string[] = [];
  const holdout: string[] = [];
  for (const batch of [...batches.keys()].sort((a, b) => a - b)) {
    const part = splitBatch(batches.get(batch)!, seed, holdoutShare);
    tuning.push(...part.tuning);
    holdout.push(...part.holdout);
  }
  return { seed, holdoutShare, method: SPLIT_METHOD, tuning: tuning.sort(), holdout: holdout.sort() };
}

export const SPLIT_METHOD =
  'per collection batch: stratified by label combination; mulberry32(seed) Fisher-Yates per stratum in sorted stratum order; first ceil(share*n) held out';

function splitBatch(items: readonly NewsItem[], seed: number, holdoutShare: number): { tuning: string[]; holdout: string[] } {
  const next = seededRandom(seed);
  const strata = new Map<string, string[]>();
  for (const item of items) {
    const key = [...item.labels].sort().join('+') || 'none';
    strata.set(key, [...(strata.get(key) ?? []), item.id]);
  }
  const tuning: string[] = [];
  const holdout: string[] = [];
  for (const key of [...strata.keys()].sort()) {
    const ids = strata.get(key)!;
    for (let i = ids.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    }
    const cut = Math.ceil(ids.length * holdoutShare);
    holdout.push(...ids.slice(0, cut));
    tuning.push(...ids.slice(cut));
  }
  return { tuning, holdout };
}

/** The two parts as labelled examples, in the set's order. */
export function loadNewsParts(dir: string): { tuning: NewsItem[]; holdout: NewsItem[]; split: NewsSplit } {
  const items = readNewsSet(path.join(dir, NEWS_SET_FILE));
  const split = JSON.parse(readFileSync(path.join(dir, NEWS_SPLIT_FILE), 'utf8')) as NewsSplit;
  const held = new Set(split.holdout);
  const tuned = new Set(split.tuning);
  for (const item of items) {
    if (held.has(item.id) === tuned.has(item.id)) throw new Error(`${NEWS_SPLIT_FILE}: item "${item.id}" must be in exactly one part`);
  }
  return { tuning: items.filter((i) => tuned.has(i.id)), holdout: items.filter((i) => held.has(i.id)), split };
}

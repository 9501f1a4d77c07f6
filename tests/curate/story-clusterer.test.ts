/**
 * The daemon's story clusterer: frozen word weights once the articles first
 * seen before the day are MIN_REFERENCE or more, the window's own weights
 * (from scratch on every call) below that; the index dropped when an article
 * of it changes, and the event loop served while a whole window is clustered.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createStoryClusterer, MIN_REFERENCE, type ClusterIds, type ClusterInput } from '../../src/curate/story-clusterer.js';
import { clusterStories } from '../../src/dedupe/story-clusters.js';
import type { StoredArticle } from '../../src/types.js';
import { toStored, type NewsArticle } from '../dedupe/story-news-pairs.js';

const HOUR = 3_600_000;
const texts: NewsArticle[] = ['news', 'fresh', 'v3'].flatMap(
  (set) => (JSON.parse(readFileSync(new URL(`../fixtures/same-story/${set}/articles.json`, import.meta.url), 'utf8')) as { articles: NewsArticle[] }).articles,
);
const DAY = Date.parse('2026-03-05T00:00:00.000Z');

/** `count` articles of the news sets, first seen `hoursBefore` hours before DAY and one hour apart going back. */
function articles(count: number, from = 0, hoursBefore = 1): StoredArticle[] {
  return Array.from({ length: count }, (_, k) => toStored(texts[(from + k) % texts.length]!, `article:${from + k}`, DAY - (hoursBefore + (k % 60)) * HOUR));
}

function asInput(list: readonly StoredArticle[]): ClusterInput[] {
  return list.map(({ content, ...head }) => ({ head, content }));
}

function expected(list: readonly StoredArticle[], reference?: readonly StoredArticle[]): ClusterIds[] {
  return clusterStories(list.map((a) => structuredClone(a)), reference?.map((a) => structuredClone(a))).map((c) => ({ lead: c.lead.id, others: c.others.map((o) => o.id) }));
}

describe('the story clusterer', () => {
  it('below MIN_REFERENCE articles of earlier days: the window weighs its words itself, from scratch on every call', async () => {
    const clusterer = createStoryClusterer();
    const young = articles(60);
    const first = asInput(young);
    const clusters = await clusterer.cluster(first, DAY);
    expect(clusters).toEqual(expected(young));
    expect(clusters.some((c) => c.others.length > 0)).toBe(true);
    expect(clusterer.lastRun).toEqual({ mode: 'from scratch', added: 60, frozen: false, reason: '60 articles first seen before the day (weights over the window)' });
    // Nothing kept: the next poll's weights are the new window's.
    const later = [...young, ...articles(4, 100, -2)];
    expect(await clusterer.cluster([...first, ...asInput(later.slice(60))], DAY)).toEqual(expected(later));
    expect(clusterer.lastRun).toMatchObject({ mode: 'from scratch', added: 64, frozen: false });
  });

  it(`from ${MIN_REFERENCE} such articles: their weights, kept for the day; a changed article clusters anew`, async () => {
    const clusterer = createStoryClusterer();
    const reference = articles(MIN_REFERENCE);
    const today = articles(5, 400, -10);
    const window = [...reference, ...today];
    const inputs = asInput(window);
    expect(await clusterer.cluster(inputs, DAY)).toEqual(expected(window, reference));
    expect(clusterer.lastRun).toMatchObject({ mode: 'from scratch', reason: 'no index kept', frozen: true });
    // Not the window's own weights: a word of today's articles only weighs as unseen.
    expect(await clusterer.cluster(inputs, DAY)).toEqual(expected(window, reference));
    expect(clusterer.lastRun).toEqual({ mode: 'extended', added: 0, frozen: true });

    const changed = [...window];
    changed[3] = { ...changed[3]!, title: `${changed[3]!.title} (Update)`, contentHash: 'changed' };
    const next = [...inputs];
    next[3] = asInput([changed[3]!])[0]!;
    expect(await clusterer.cluster(next, DAY)).toEqual(expected(changed, changed.slice(0, MIN_REFERENCE)));
    expect(clusterer.lastRun).toMatchObject({ mode: 'from scratch', reason: `${changed[3]!.id} changed`, frozen: true });

    // A fresh object of an unchanged article (a store read again) keeps the index.
    const copies = next.map(({ head, content }) => ({ head: structuredClone(head), content }));
    expect(await clusterer.cluster(copies, DAY)).toEqual(expected(changed, changed.slice(0, MIN_REFERENCE)));
    expect(clusterer.lastRun?.mode).toBe('extended');
  }, 60_000);

  it('words read ahead (as a cycle merges) are used only for the head and HTML they were read from', async () => {
    const clusterer = createStoryClusterer({ minReference: 10 });
    const window = articles(40);
    await clusterer.cluster(asInput(window), DAY);
    const today = articles(4, 300, -10);
    // A stale reading of today[0]: another article's text under its id, from an outlet of its own, first seen when today[0] was.
    const stale = { ...structuredClone(window[7]!), id: today[0]!.id, firstSeen: today[0]!.firstSeen, sources: [{ name: 'elsewhere', firstSeen: today[0]!.firstSeen }] };
    const staleWindow = [...window, stale, ...today.slice(1)];
    // Had that reading been used, today[0] would be clustered as window[7]'s text is: the test tells the two apart.
    expect(expected(staleWindow, window)).not.toEqual(expected([...window, ...today], window));
    const { content: staleContent, ...staleHead } = stale;
    clusterer.readAhead(staleHead, staleContent);
    for (const a of today.slice(1)) clusterer.readAhead(asInput([a])[0]!.head, a.content);
    expect(await clusterer.cluster(asInput([...window, ...today]), DAY)).toEqual(expected([...window, ...today], window));
    expect(clusterer.lastRun).toEqual({ mode: 'extended', added: 4, frozen: true });
    // Read ahead for the head and HTML clustered: the same clusters as reading them then.
    const more = articles(3, 500, -20);
    for (const a of more) clusterer.readAhead(asInput([a])[0]!.head, a.content);
    const all = [...window, ...today, ...more];
    expect(await clusterer.cluster(asInput(all), DAY)).toEqual(expected(all, window));
    expect(clusterer.lastRun).toEqual({ mode: 'extended', added: 3, frozen: true });
  });

  it('a new article first seen before the day, or before the last one clustered, clusters anew', async () => {
    const clusterer = createStoryClusterer({ minReference: 10 });
    const window = articles(30);
    await clusterer.cluster(asInput(window), DAY);
    const late = toStored(texts[50]!, 'article:late', DAY - 100 * HOUR);
    await clusterer.cluster(asInput([...window, late]), DAY);
    expect(clusterer.lastRun?.reason).toBe(`${late.id} is new but first seen before the day`);
    // First seen today, but before today's last clustered article.
    const today = articles(3, 200, -6);
    await clusterer.cluster(asInput([...window, late, ...today]), DAY);
    const early = toStored(texts[60]!, 'article:early', DAY + 1 * HOUR);
    await clusterer.cluster(asInput([...window, late, ...today, early]), DAY);
    expect(clusterer.lastRun?.reason).toBe(`${early.id} comes before articles clustered already (or the vocabulary was reset)`);
  });

  it('serves the event loop while a whole window is clustered', async () => {
    const clusterer = createStoryClusterer();
    // Copies of the sets a week apart: a window of a few thousand articles.
    const big = Array.from({ length: 12 }, (_, week) => articles(texts.length, week * texts.length, 24 * 7 * week + 1)).flat();
    let turns = 0;
    const timer = setInterval(() => turns++, 1);
    try {
      const clusters = await clusterer.cluster(asInput(big), DAY);
      expect(clusters.reduce((n, c) => n + 1 + c.others.length, 0)).toBe(big.length);
    } finally {
      clearInterval(timer);
    }
    expect(turns).toBeGreaterThan(3);
  }, 60_000);

  it('runs calls one after the other (a call that yields never sees another one half done)', async () => {
    const clusterer = createStoryClusterer({ minReference: 10 });
    const window = articles(80);
    const more = [...window, ...articles(6, 300, -10)];
    const [a, b] = await Promise.all([clusterer.cluster(asInput(window), DAY), clusterer.cluster(asInput(more), DAY)]);
    expect(a).toEqual(expected(window, window));
    expect(b).toEqual(expected(more, window));
  });
});

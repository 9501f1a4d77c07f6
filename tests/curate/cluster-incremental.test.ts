/**
 * Clustering as a daemon does it, rebuild after rebuild, gives exactly the
 * clusters a clustering from scratch with the same frozen word weights gives:
 * random sequences of polls that add articles (first seen at the poll's
 * time), articles changed and removed, and clocks crossing UTC midnight, each
 * followed by a rebuild. The incremental side is the daemon's clusterer,
 * which keeps its index between calls; the reference clusters fresh copies
 * of the same articles with the weights over those first seen before the day.
 *
 * Replicas: a daemon that ran all day (after reading other texts first, so
 * its word ids differ) and one started at the end, each in its own module
 * instance, publish the same clusters.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { createStoryClusterer, utcDay, type ClusterInput } from '../../src/curate/story-clusterer.js';
import { clusterStories } from '../../src/dedupe/story-clusters.js';
import type { StoredArticle } from '../../src/types.js';
import { toStored, type NewsArticle } from '../dedupe/story-news-pairs.js';

const HOUR = 3_600_000;
/** A small threshold: the property is about the frozen weights; the threshold is tested in story-clusterer.test.ts. */
const MIN_REFERENCE = 20;
// Every article of the news sets (same-story pairs of different outlets among them), reused under new ids.
const texts: NewsArticle[] = ['news', 'fresh', 'v3'].flatMap(
  (set) => (JSON.parse(readFileSync(new URL(`../fixtures/same-story/${set}/articles.json`, import.meta.url), 'utf8')) as { articles: NewsArticle[] }).articles,
);
const START = Date.parse('2026-03-02T18:00:00.000Z');

function article(serial: number, text: number, firstSeen: number, published: number): StoredArticle {
  const a = toStored(texts[text % texts.length]!, `article:${serial}`, published);
  const seen = new Date(firstSeen).toISOString();
  return { ...a, firstSeen: seen, sources: a.sources.map((s) => ({ ...s, firstSeen: seen })) };
}

/** Articles first seen over the three days before START (the reference of START's day). */
function history(count: number): StoredArticle[] {
  return Array.from({ length: count }, (_, k) => {
    const seen = START - 20 * HOUR - k * 2 * HOUR;
    return article(-1 - k, k * 7, seen, seen - (k % 5) * HOUR);
  });
}

type Op =
  | { kind: 'poll'; texts: number[]; ages: number[]; advance: number }
  | { kind: 'rewrite'; pick: number; from: number }
  | { kind: 'remove'; pick: number }
  | { kind: 'tick'; hours: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('poll' as const),
      texts: fc.array(fc.nat(texts.length - 1), { minLength: 1, maxLength: 6 }),
      ages: fc.array(fc.nat(30), { minLength: 6, maxLength: 6 }),
      advance: fc.nat(5),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rewrite' as const), pick: fc.nat(500), from: fc.nat(texts.length - 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), pick: fc.nat(500) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('tick' as const), hours: fc.integer({ min: 1, max: 30 }) }) },
);

function ids(clusters: readonly { lead: { id: string } | string; others: readonly ({ id: string } | string)[] }[]): string[][] {
  const id = (x: { id: string } | string): string => (typeof x === 'string' ? x : x.id);
  return clusters.map((c) => [id(c.lead), ...c.others.map(id)]);
}

/** The clusters from scratch of fresh copies (nothing cached on them), weights frozen for `now`'s day when the reference is large enough. */
function fromScratch(current: readonly StoredArticle[], now: number, minReference = MIN_REFERENCE): string[][] {
  const dayIso = new Date(utcDay(now)).toISOString();
  const reference = current.filter((a) => a.firstSeen < dayIso);
  return ids(clusterStories(current.map((a) => structuredClone(a)), reference.length >= minReference ? reference.map((a) => structuredClone(a)) : undefined));
}

/** One op applied as a poll or a store change would; `serial` numbers new articles. */
function apply(state: { current: StoredArticle[]; now: number; serial: number }, o: Op, step: number): void {
  if (o.kind === 'tick') state.now += o.hours * HOUR;
  else if (o.kind === 'poll') {
    state.now += o.advance * HOUR;
    for (const [k, text] of o.texts.entries()) state.current.push(article(state.serial++, text, state.now, state.now - o.ages[k]! * HOUR));
  } else if (state.current.length > 0) {
    const at = o.pick % state.current.length;
    if (o.kind === 'remove') state.current.splice(at, 1);
    else {
      const old = state.current[at]!;
      const t = texts[o.from]!;
      state.current[at] = { ...old, title: t.title, summary: t.summary, contentHash: `${old.contentHash}~${step}` };
    }
  }
}

function inputs(current: readonly StoredArticle[], heads: WeakMap<StoredArticle, ClusterInput>): ClusterInput[] {
  // One head object per stored article, as the curation keeps it (a changed article is a new object).
  return current.map((a) => {
    let input = heads.get(a);
    if (!input) {
      const { content, ...head } = a;
      heads.set(a, (input = { head, content }));
    }
    return input;
  });
}

describe('incremental story clustering', () => {
  it('gives the clusters of a clustering from scratch with the same frozen weights after every change of a random sequence', async () => {
    let formed = 0;
    const modes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 20 }), async (ops) => {
        const clusterer = createStoryClusterer({ minReference: MIN_REFERENCE });
        const heads = new WeakMap<StoredArticle, ClusterInput>();
        const state = { current: history(MIN_REFERENCE + 4), now: START, serial: 0 };
        for (const [step, o] of ops.entries()) {
          apply(state, o, step);
          const expected = fromScratch(state.current, state.now);
          expect(ids(await clusterer.cluster(inputs(state.current, heads), utcDay(state.now)))).toEqual(expected);
          const run = clusterer.lastRun!;
          const key = run.mode === 'extended' ? 'extended' : `${run.frozen ? 'frozen' : 'window'}: ${run.reason!.replace(/^\S+ (changed|comes before)/, 'article $1').replace(/^\d+ /, 'n ')}`;
          modes.set(key, (modes.get(key) ?? 0) + 1);
          formed += expected.filter((c) => c.length > 1).length;
        }
      }),
      { numRuns: 40, seed: 11 },
    );
    // The property is about real clusters, and about every way the index is kept or dropped.
    expect(formed).toBeGreaterThan(100);
    expect(modes.get('extended')).toBeGreaterThan(50);
    expect([...modes.keys()]).toEqual(
      expect.arrayContaining(['frozen: no index kept', 'frozen: a new day', 'frozen: article changed', 'frozen: n articles left the window']),
    );
  }, 300_000);

  it('extends the kept index by a poll: only the new articles are clustered', async () => {
    const clusterer = createStoryClusterer({ minReference: MIN_REFERENCE });
    const heads = new WeakMap<StoredArticle, ClusterInput>();
    const current = history(60);
    await clusterer.cluster(inputs(current, heads), utcDay(START));
    expect(clusterer.lastRun).toMatchObject({ mode: 'from scratch', added: 60, frozen: true });
    current.push(article(1, 3, START, START - HOUR), article(2, 4, START, START - 2 * HOUR));
    expect(ids(await clusterer.cluster(inputs(current, heads), utcDay(START)))).toEqual(fromScratch(current, START));
    expect(clusterer.lastRun).toEqual({ mode: 'extended', added: 2, frozen: true });
  });
});

describe('replicas', () => {
  it('a daemon that clustered all day and one started at the end publish the same clusters (other vocabulary histories)', async () => {
    const polls: StoredArticle[][] = Array.from({ length: 12 }, (_, p) =>
      Array.from({ length: 8 }, (_, k) => article(p * 8 + k, p * 8 + k, START + p * HOUR, START + p * HOUR - (k % 4) * 3 * HOUR)),
    );
    const base = history(40);
    const dayOf = (p: number): number => utcDay(START + p * HOUR);

    vi.resetModules();
    const running = await import('../../src/curate/story-clusterer.js');
    const stories = await import('../../src/dedupe/story-clusters.js');
    // Other texts read first: this module instance hands out other word ids.
    stories.clusterStories(texts.map((t, k) => toStored({ ...t, title: t.title.split(' ').reverse().join(' ') }, `decoy:${k}`, START - 400 * HOUR)));
    const daemon = running.createStoryClusterer({ minReference: MIN_REFERENCE });
    const heads = new WeakMap<StoredArticle, ClusterInput>();
    let current = [...base];
    let published: string[][] = [];
    for (const [p, poll] of polls.entries()) {
      current = [...current, ...poll];
      published = ids(await daemon.cluster(inputs(current, heads), dayOf(p)));
    }
    // The last polls came after midnight and extended the new day's index.
    expect(dayOf(polls.length - 1)).toBeGreaterThan(dayOf(0));
    expect(daemon.lastRun).toMatchObject({ mode: 'extended', added: 8 });

    vi.resetModules();
    const restarted = await import('../../src/curate/story-clusterer.js');
    const fresh = restarted.createStoryClusterer({ minReference: MIN_REFERENCE });
    const copies = current.map((a) => structuredClone(a));
    const theirs = ids(await fresh.cluster(inputs(copies, new WeakMap()), dayOf(polls.length - 1)));
    expect(fresh.lastRun?.mode).toBe('from scratch');
    expect(theirs).toEqual(published);
    expect(published.filter((c) => c.length > 1).length).toBeGreaterThan(3);
  }, 60_000);
});

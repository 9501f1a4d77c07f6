/**
 * splitWindow reads the curated list once and the rest lazily: it gives the
 * window and rest of the plain two-pass split (kept here as the reference)
 * for any list, young store or not.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newestFirst } from '../../src/curate/curation.js';
import { splitWindow, type Candidate } from '../../src/curate/select-entries.js';
import { MIN_REFERENCE } from '../../src/curate/story-clusterer.js';
import { STORY_WINDOW_HOURS } from '../../src/dedupe/story-clusters.js';
import { article } from '../fixtures/publish/german-linux-news.js';

const DAY_ISO = '2026-11-20T00:00:00.000Z';
const DAY = Date.parse(DAY_ISO);
const HOUR = 3_600_000;
const TOPICS = ['kernel', 'containers', 'hosting'];

/** The split as it was written first: every earlier article listed, then the whole list walked again. */
function reference(curated: readonly Candidate[], maxItems: number): { window: Candidate[]; rest: Candidate[] } {
  const end = (list: readonly Candidate[]): number => {
    const want = 2 * maxItems;
    const counts = new Map(TOPICS.map((t) => [t, 0]));
    let n = 0;
    while (n < list.length && n < 10 * maxItems) {
      if (n >= want && [...counts.values()].every((c) => c >= want)) break;
      for (const t of list[n]!.topics) counts.set(t, (counts.get(t) ?? 0) + 1);
      n++;
    }
    if (n === 0 || n >= list.length) return n;
    const floor = Date.parse(list[n - 1]!.head.published) - 3 * STORY_WINDOW_HOURS * HOUR;
    while (n < list.length && Date.parse(list[n]!.head.published) >= floor) n++;
    return n;
  };
  const earlier = curated.filter((c) => c.head.firstSeen < DAY_ISO);
  const baseEnd = end(earlier);
  if (baseEnd < MIN_REFERENCE) {
    const e = end(curated);
    return { window: curated.slice(0, e), rest: curated.slice(e) };
  }
  const inWindow = new Set(earlier.slice(0, baseEnd));
  return { window: curated.filter((c) => c.head.firstSeen >= DAY_ISO || inWindow.has(c)), rest: curated.filter((c) => !(c.head.firstSeen >= DAY_ISO || inWindow.has(c))) };
}

const candidate = fc.record({
  // Published up to 12 days before the day; first seen at or after publication, today for some (old dates included).
  publishedH: fc.nat(12 * 24),
  seenLagH: fc.nat(30 * 24),
  today: fc.nat(3).map((n) => n === 0),
  topics: fc.subarray(TOPICS, { minLength: 1 }),
});

describe('splitWindow', () => {
  it('gives the window and rest of the two-pass split', async () => {
    const paths = { young: 0, frozen: 0 };
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.array(candidate, { maxLength: 200 }), fc.array(candidate, { minLength: 800, maxLength: 1_500 })), fc.integer({ min: 5, max: 60 }), async (specs, maxItems) => {
        const curated: Candidate[] = specs
          .map((c, i) => {
            const published = DAY - c.publishedH * HOUR;
            const seen = c.today ? Math.max(DAY + (i % 20) * 60_000, published) : Math.min(published + c.seenLagH * HOUR, DAY - 1);
            const { content: _content, ...head } = article({ id: `a${i}`, title: `Linux 6.${i}`, published: new Date(published).toISOString() });
            return { head: { ...head, firstSeen: new Date(Math.max(seen, published)).toISOString() }, topics: c.topics };
          })
          .sort((a, b) => newestFirst(a.head, b.head));
        const { window, rest } = await splitWindow(curated, DAY_ISO, maxItems, TOPICS, async () => {});
        const expected = reference(curated, maxItems);
        const earlierInWindow = expected.window.filter((c) => c.head.firstSeen < DAY_ISO).length;
        paths[earlierInWindow >= MIN_REFERENCE ? 'frozen' : 'young']++;
        expect(window.map((c) => c.head.id)).toEqual(expected.window.map((c) => c.head.id));
        expect([...{ [Symbol.iterator]: () => rest }].map((c) => c.head.id)).toEqual(expected.rest.map((c) => c.head.id));
      }),
      { numRuns: 150 },
    );
    // Both kinds of window were split (a young store's and one with frozen weights).
    expect(paths.young).toBeGreaterThan(0);
    expect(paths.frozen).toBeGreaterThan(0);
  }, 120_000);
});

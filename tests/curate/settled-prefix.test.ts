/**
 * SettledPrefix: after any order of settling, the partial list and horizon it
 * gives are what a full sort says they must be (select-entries.ts, LoadHorizon):
 * every head not settled yet was published at or before the horizon, the list
 * is every settled curated head published after it, in curated order, plus the
 * curated heads first seen today wherever their dates put them, and there is no
 * answer while one first seen today is unsettled.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newestFirst } from '../../src/curate/curation.js';
import { SettledPrefix } from '../../src/curate/settled-prefix.js';
import type { ArticleHead } from '../../src/types.js';

const DAY = 86_400_000;
const TODAY = Date.UTC(2026, 11, 3);
const TODAY_ISO = new Date(TODAY).toISOString();

function head(id: number, publishedHours: number, seenHours: number): ArticleHead {
  const seen = new Date(TODAY - 10 * DAY + seenHours * 3_600_000).toISOString();
  return {
    id: `h${id}`,
    key: `url:https://example.test/${id}`,
    link: `https://example.test/${id}`,
    title: `Meldung ${id}`,
    summary: '',
    contentHash: `c${id}`,
    categories: [],
    enclosures: [],
    // Few distinct dates, hours and days apart: ties are ordered by id, days hold many heads.
    published: new Date(TODAY - 10 * DAY + publishedHours * 3_600_000).toISOString(),
    firstSeen: seen,
    sources: [{ name: 'Quelle', firstSeen: seen }],
  };
}

const noPause = async (): Promise<void> => {};

describe('SettledPrefix', () => {
  it('gives the list and horizon of a full sort after any order of settling', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ published: fc.nat(11 * 24), seen: fc.nat(11 * 24), curated: fc.boolean() }), { minLength: 1, maxLength: 60 }),
        fc.infiniteStream(fc.nat()),
        async (specs, picks) => {
          const heads = specs.map((s, i) => head(i, s.published, s.seen));
          const prefix = await SettledPrefix.of(heads, TODAY_ISO, noPause);
          const sorted = [...heads].sort(newestFirst);
          const topics = new Map<string, string[]>();
          const unsettled = heads.map((h) => h.id);
          const pick = picks[Symbol.iterator]();
          while (unsettled.length > 0) {
            const [id] = unsettled.splice(pick.next().value % unsettled.length, 1);
            topics.set(id!, specs[Number(id!.slice(1))]!.curated ? ['kernel'] : []);
            await prefix.advance(topics, noPause);
            const partial = prefix.partial(topics);
            const first = sorted.find((h) => !topics.has(h.id));
            expect(prefix.size).toBe(first ? sorted.indexOf(first) : sorted.length);
            const todayOpen = heads.some((h) => h.firstSeen >= TODAY_ISO && !topics.has(h.id));
            if (!first || todayOpen) {
              expect(partial).toBeUndefined();
              continue;
            }
            expect(partial!.horizon.unloadedNewest).toBe(first.published);
            for (const h of heads) if (!topics.has(h.id)) expect(h.published <= partial!.horizon.unloadedNewest).toBe(true);
            const expected = sorted.filter((h) => (topics.get(h.id)?.length ?? 0) > 0 && (newestFirst(h, first) < 0 || h.firstSeen >= TODAY_ISO));
            expect(partial!.curated.map((c) => c.head.id)).toEqual(expected.map((h) => h.id));
          }
          expect(prefix.partial(topics)).toBeUndefined();
        },
      ),
      { numRuns: 300 },
    );
  });
});

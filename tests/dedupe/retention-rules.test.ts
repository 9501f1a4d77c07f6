import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dayOf, pruneTombstones, selectExpired, tombstoneCap, tombstoneExpiryDay, TOMBSTONE_FACTOR, TOMBSTONE_MIN_CAP, TOMBSTONE_MIN_DAYS,
} from '../../src/dedupe/retention.js';

const DAY = 86_400_000;
const now = new Date('2026-11-22T12:00:00.000Z');
const at = (ms: number) => new Date(now.getTime() - ms).toISOString();

describe('selectExpired', () => {
  it('keeps an article published exactly retentionDays ago, drops one a millisecond older', () => {
    const articles = [
      { id: 'edge', published: at(60 * DAY), firstSeen: at(0) },
      { id: 'older', published: at(60 * DAY + 1), firstSeen: at(0) },
      { id: 'new', published: at(0), firstSeen: at(0) },
    ];
    expect(selectExpired(articles, { retentionDays: 60, maxItems: 10 }, now)).toEqual(['older']);
  });

  it('beyond maxItems drops the oldest; exactly maxItems drops none', () => {
    const articles = [1, 2, 3].map((d) => ({ id: `d${d}`, published: at(d * DAY), firstSeen: at(0) }));
    expect(selectExpired(articles, { retentionDays: 60, maxItems: 3 }, now)).toEqual([]);
    expect(selectExpired(articles, { retentionDays: 60, maxItems: 1 }, now)).toEqual(['d2', 'd3']);
    expect(selectExpired([...articles].reverse(), { retentionDays: 60, maxItems: 2 }, now)).toEqual(['d3']);
  });

  it('drops what sorting every kept article newest first and cutting at maxItems drops, in that order', () => {
    const dated = fc.record({ id: fc.string({ maxLength: 3 }), published: fc.nat(5).map((d) => at(d * DAY)), firstSeen: fc.nat(3).map((d) => at(d * DAY)) });
    fc.assert(
      fc.property(fc.uniqueArray(dated, { selector: (a) => a.id, maxLength: 60 }), fc.nat(70), (articles, maxItems) => {
        const byNewest = (a: (typeof articles)[number], b: (typeof articles)[number]): number =>
          a.published !== b.published ? (a.published < b.published ? 1 : -1) : a.firstSeen !== b.firstSeen ? (a.firstSeen < b.firstSeen ? 1 : -1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
        expect(selectExpired(articles, { retentionDays: 60, maxItems }, now)).toEqual([...articles].sort(byNewest).slice(maxItems).map((a) => a.id));
      }),
      { numRuns: 300 },
    );
  });

  it('ties on the date go by first sight (newer kept), then by id', () => {
    const same = at(DAY);
    const articles = [
      { id: 'b', published: same, firstSeen: at(5) },
      { id: 'late', published: same, firstSeen: at(1) },
      { id: 'a', published: same, firstSeen: at(5) },
      { id: 'early', published: same, firstSeen: at(9) },
    ];
    expect(selectExpired(articles, { retentionDays: 60, maxItems: 1 }, now)).toEqual(['a', 'b', 'early']);
    expect(selectExpired(articles, { retentionDays: 60, maxItems: 2 }, now)).toEqual(['b', 'early']);
    expect(selectExpired(articles, { retentionDays: 60, maxItems: 3 }, now)).toEqual(['early']);
  });

  it('an article dropped for age is not counted against maxItems', () => {
    const articles = [
      { id: 'old', published: at(100 * DAY), firstSeen: at(0) },
      { id: 'x', published: at(DAY), firstSeen: at(0) },
      { id: 'y', published: at(2 * DAY), firstSeen: at(0) },
    ];
    expect(selectExpired(articles, { retentionDays: 60, maxItems: 2 }, now)).toEqual(['old']);
  });
});

describe('tombstones', () => {
  it('expire after TOMBSTONE_MIN_DAYS, or retentionDays when that is longer', () => {
    expect(tombstoneExpiryDay({ retentionDays: 30, maxItems: 1 }, now)).toBe(dayOf(new Date(now.getTime() - TOMBSTONE_MIN_DAYS * DAY)));
    expect(tombstoneExpiryDay({ retentionDays: 30, maxItems: 1 }, now)).toBe('2026-08-24');
    expect(tombstoneExpiryDay({ retentionDays: 200, maxItems: 1 }, now)).toBe('2026-05-06');
  });

  it('are capped at TOMBSTONE_FACTOR × maxItems, never below TOMBSTONE_MIN_CAP', () => {
    expect(tombstoneCap({ retentionDays: 60, maxItems: 10 })).toBe(TOMBSTONE_MIN_CAP);
    expect(tombstoneCap({ retentionDays: 60, maxItems: 1000 })).toBe(TOMBSTONE_FACTOR * 1000);
    expect(TOMBSTONE_FACTOR * 200).toBe(TOMBSTONE_MIN_CAP);
    expect(tombstoneCap({ retentionDays: 60, maxItems: 201 })).toBe(1005);
  });

  it('pruning keeps the listed-on-expiry-day ones, drops older ones and live articles', () => {
    const limits = { retentionDays: 30, maxItems: 1 };
    const retired = new Map([
      ['edge', '2026-08-24'],
      ['expired', '2026-08-23'],
      ['live', '2026-11-20'],
      ['recent', '2026-11-21'],
    ]);
    expect(pruneTombstones(retired, (id) => id === 'live', limits, now)).toEqual(new Map([['edge', '2026-08-24'], ['recent', '2026-11-21']]));
  });

  it('beyond the cap the most recently listed stay', () => {
    const retired = new Map<string, string>();
    for (let i = 0; i < TOMBSTONE_MIN_CAP + 3; i++) retired.set(`id${i}`, i < 3 ? '2026-10-01' : i % 2 ? '2026-11-01' : '2026-11-02');
    const kept = pruneTombstones(retired, () => false, { retentionDays: 30, maxItems: 1 }, now);
    expect(kept.size).toBe(TOMBSTONE_MIN_CAP);
    for (const id of ['id0', 'id1', 'id2']) expect(kept.has(id), id).toBe(false);
    // At the cap exactly, nothing goes.
    const atCap = new Map([...retired].slice(3));
    expect(pruneTombstones(atCap, () => false, { retentionDays: 30, maxItems: 1 }, now).size).toBe(TOMBSTONE_MIN_CAP);
  });

  it('keeps what a stable sort by day (newest first) cut at the cap keeps, and hands back the same map when none goes', () => {
    // The former implementation, as the reference: filter, stable sort newest day first, the first `cap`.
    const reference = (retired: Map<string, string>, isLive: (id: string) => boolean, limits: { retentionDays: number; maxItems: number }) => {
      const expired = tombstoneExpiryDay(limits, now);
      let entries = [...retired].filter(([id, day]) => day >= expired && !isLive(id));
      const cap = tombstoneCap(limits);
      if (entries.length > cap) entries = entries.sort((a, b) => (a[1] < b[1] ? 1 : a[1] > b[1] ? -1 : 0)).slice(0, cap);
      return new Map(entries);
    };
    const days = ['2026-08-01', '2026-10-30', '2026-11-01', '2026-11-02', '2026-11-20'];
    let seed = 7;
    const random = (n: number): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648), seed % n);
    for (let round = 0; round < 40; round++) {
      const retired = new Map<string, string>();
      const size = TOMBSTONE_MIN_CAP - 50 + random(400);
      for (let i = 0; i < size; i++) retired.set(`id${random(1_000_000)}`, days[random(days.length)]!);
      const live = new Set([...retired.keys()].filter(() => random(10) === 0));
      const isLive = (id: string): boolean => round % 3 !== 0 && live.has(id);
      const limits = { retentionDays: round % 2 ? 30 : 200, maxItems: 1 };
      const kept = pruneTombstones(retired, isLive, limits, now);
      const expected = reference(retired, isLive, limits);
      expect([...kept].sort(), `round ${round}`).toEqual([...expected].sort());
      if (expected.size === retired.size) expect(kept, `round ${round}`).toBe(retired);
    }
  });

  it('days are UTC calendar days', () => {
    expect(dayOf(new Date('2026-11-22T23:59:59.999Z'))).toBe('2026-11-22');
    expect(dayOf(new Date('2026-11-23T00:30:00.000+01:00'))).toBe('2026-11-22');
  });
});

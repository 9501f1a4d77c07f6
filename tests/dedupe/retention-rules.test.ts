import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dayOf, selectExpired, tombstoneCap, Tombstones, tombstoneExpiryDay, TOMBSTONE_FACTOR, TOMBSTONE_MIN_CAP, TOMBSTONE_MIN_DAYS,
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

  it('reads a date in any form Date.parse reads, compared as a time (an offset, no milliseconds)', () => {
    const edge = now.getTime() - 60 * DAY;
    const articles = [
      { id: 'offset-kept', published: new Date(edge).toISOString().replace('Z', '+00:00'), firstSeen: at(0) },
      { id: 'plus-two-dropped', published: '2026-09-23T13:59:59+02:00', firstSeen: at(0) },
      { id: 'plus-two-kept', published: '2026-09-23T14:00:00+02:00', firstSeen: at(0) },
      { id: 'no-ms-dropped', published: '2026-09-23T11:59:59Z', firstSeen: at(0) },
      { id: 'canonical-kept', published: '2026-09-23T12:00:00.000Z', firstSeen: at(0) },
    ];
    expect(new Date(edge).toISOString()).toBe('2026-09-23T12:00:00.000Z');
    expect(selectExpired(articles, { retentionDays: 60, maxItems: 10 }, now)).toEqual(['plus-two-dropped', 'no-ms-dropped']);
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

  it('pruning keeps the listed-on-expiry-day ones and drops older ones', () => {
    const limits = { retentionDays: 30, maxItems: 1 };
    const tombstones = new Tombstones([
      ['edge', '2026-08-24'],
      ['expired', '2026-08-23'],
      ['recent', '2026-11-21'],
    ]);
    expect(tombstones.prune(limits, now)).toBe(1);
    expect([...tombstones.entries()]).toEqual([['edge', '2026-08-24'], ['recent', '2026-11-21']]);
    expect(tombstones.prune(limits, now)).toBe(0);
  });

  it('beyond the cap the most recently listed stay; listing again on a later day moves a tombstone behind the others', () => {
    const tombstones = new Tombstones();
    for (let i = 0; i < TOMBSTONE_MIN_CAP + 3; i++) tombstones.list(`id${i}`, i < 3 ? '2026-10-01' : '2026-11-01');
    expect(tombstones.list('id0', '2026-11-02')).toBe(true); // id0 listed again: now the most recent
    expect(tombstones.list('id0', '2026-11-02')).toBe(false);
    const limits = { retentionDays: 30, maxItems: 1 };
    expect(tombstones.prune(limits, now)).toBe(3);
    expect(tombstones.size).toBe(TOMBSTONE_MIN_CAP);
    for (const id of ['id1', 'id2', 'id3']) expect(tombstones.has(id), id).toBe(false);
    expect(tombstones.get('id0')).toBe('2026-11-02');
    // At the cap exactly, nothing goes.
    expect(tombstones.prune(limits, now)).toBe(0);
  });

  it('keeps what a stable sort by day cut from the oldest end keeps, whatever order the days come in', () => {
    // The reference: drop the expired, sort by day (stable), drop from the front while over the cap.
    const reference = (listed: readonly [string, string][], limits: { retentionDays: number; maxItems: number }) => {
      const latest = new Map<string, string>();
      for (const [id, day] of listed) {
        if (latest.get(id) === day) continue;
        latest.delete(id); // a later day moves it behind
        latest.set(id, day);
      }
      const expired = tombstoneExpiryDay(limits, now);
      const entries = [...latest].filter(([, day]) => day >= expired).sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
      return entries.slice(Math.max(0, entries.length - tombstoneCap(limits)));
    };
    const days = ['2026-08-01', '2026-10-30', '2026-11-01', '2026-11-02', '2026-11-20'];
    let seed = 7;
    const random = (n: number): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648), seed % n);
    for (let round = 0; round < 40; round++) {
      const listed: [string, string][] = [];
      const size = TOMBSTONE_MIN_CAP - 50 + random(400);
      // Even rounds: days only move forward (a poll after another); odd rounds: any order (an older file, a clock set back).
      for (let i = 0; i < size; i++) {
        const day = round % 2 ? days[random(days.length)]! : days[Math.min(days.length - 1, Math.floor((i / size) * days.length))]!;
        listed.push([`id${random(1_000_000)}`, day]);
      }
      const half = listed.length >> 1;
      const tombstones = new Tombstones(listed.slice(0, half));
      for (const [id, day] of listed.slice(half)) tombstones.list(id, day);
      const limits = { retentionDays: round % 4 < 2 ? 30 : 200, maxItems: 1 };
      const expected = reference(listed, limits);
      const before = tombstones.size;
      expect(tombstones.prune(limits, now), `round ${round}`).toBe(before - expected.length);
      expect([...tombstones.entries()], `round ${round}`).toEqual(expected);
    }
  });

  it('an article stored again loses its tombstone: delete() takes it out of every view, and only once', () => {
    const tombstones = new Tombstones([
      ['a', '2026-11-01'],
      ['b', '2026-11-02'],
    ]);
    expect(tombstones.delete('a')).toBe(true);
    expect(tombstones.delete('a')).toBe(false);
    expect(tombstones.has('a')).toBe(false);
    expect(tombstones.get('a')).toBeUndefined();
    expect(tombstones.size).toBe(1);
    expect([...tombstones.entries()]).toEqual([['b', '2026-11-02']]);
  });

  it('days are UTC calendar days', () => {
    expect(dayOf(new Date('2026-11-22T23:59:59.999Z'))).toBe('2026-11-22');
    expect(dayOf(new Date('2026-11-23T00:30:00.000+01:00'))).toBe('2026-11-22');
  });
});

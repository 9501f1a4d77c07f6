import { describe, expect, it } from 'vitest';
import { TOMBSTONE_MIN_DAYS } from '../../src/dedupe/retention.js';
import { makeItem } from './make-item.js';
import { freshStore } from './store-under-test.js';

const DAY = 86_400_000;
const now = new Date('2026-11-22T12:00:00.000Z');
const daysAgo = (d: number) => new Date(now.getTime() - d * DAY).toISOString();
const item = (n: number, ageDays: number) =>
  makeItem({ link: `https://www.golem.de/news/artikel-${n}.html`, guid: `golem-${n}`, title: `Artikel ${n}`, published: daysAgo(ageDays) });

describe('retention', () => {
  it('drops articles older than retentionDays and leaves tombstones', async () => {
    const data = await freshStore();
    await data.merge('golem.de', [item(1, 1), item(2, 59), item(3, 61), item(4, 400)], now);
    expect(await data.retain({ retentionDays: 60, maxItems: 100 }, now)).toEqual({ dropped: 2 });
    expect((await data.articles()).map((a) => a.title).sort()).toEqual(['Artikel 1', 'Artikel 2']);
    expect([...(await data.retired()).keys()]).toHaveLength(2);
  });

  it('keeps the newest maxItems', async () => {
    const data = await freshStore();
    await data.merge('golem.de', [item(1, 5), item(2, 1), item(3, 3), item(4, 2)], now);
    expect(await data.retain({ retentionDays: 60, maxItems: 2 }, now)).toEqual({ dropped: 2 });
    expect((await data.articles()).map((a) => a.title).sort()).toEqual(['Artikel 2', 'Artikel 4']);
  });

  it('does not let a dropped article come back as new while its source still lists it', async () => {
    const data = await freshStore();
    const feed = [item(1, 1), item(2, 70)];
    expect((await data.merge('golem.de', feed, now)).new).toBe(2);
    await data.retain({ retentionDays: 60, maxItems: 100 }, now);
    expect(await data.articles()).toHaveLength(1);

    // The feed still lists the old article for months: it stays out.
    for (let day = 1; day <= 200; day += 7) {
      const later = new Date(now.getTime() + day * DAY);
      expect(await data.merge('golem.de', feed, later)).toEqual({ new: 0, updated: 0, duplicates: 2 });
      await data.retain({ retentionDays: 60, maxItems: 100 }, later);
    }
    // Meanwhile retention dropped the other article too; both stay retired while listed.
    expect(await data.articles()).toHaveLength(0);
    expect([...(await data.retired()).keys()]).toHaveLength(2);
  });

  it('also keeps an article dropped for maxItems out when another source lists it', async () => {
    const data = await freshStore();
    await data.merge('golem.de', [item(1, 3), item(2, 1)], now);
    await data.retain({ retentionDays: 60, maxItems: 1 }, now);
    const aggregated = makeItem({ link: 'http://golem.de/news/artikel-1.html', guid: 'agg-1', published: daysAgo(3) });
    expect((await data.merge('Aggregator', [aggregated], now)).new).toBe(0);
  });

  it('forgets tombstones no source listed for TOMBSTONE_MIN_DAYS', async () => {
    const data = await freshStore();
    await data.merge('golem.de', [item(1, 70)], now);
    await data.retain({ retentionDays: 60, maxItems: 100 }, now);
    expect([...(await data.retired()).keys()]).toHaveLength(1);
    await data.retain({ retentionDays: 60, maxItems: 100 }, new Date(now.getTime() + (TOMBSTONE_MIN_DAYS - 1) * DAY));
    expect([...(await data.retired()).keys()]).toHaveLength(1);
    await data.retain({ retentionDays: 60, maxItems: 100 }, new Date(now.getTime() + (TOMBSTONE_MIN_DAYS + 1) * DAY));
    expect([...(await data.retired()).keys()]).toHaveLength(0);
  });

  it('bounds the number of tombstones, forgetting the least recently listed first', async () => {
    const data = await freshStore();
    const retired = new Map<string, string>();
    for (let i = 0; i < 1_500; i++) retired.set(`id${i}`, daysAgo(i % 30).slice(0, 10));
    retired.set('fresh', now.toISOString().slice(0, 10));
    await data.store.importData({ retired });
    await data.retain({ retentionDays: 60, maxItems: 10 }, now);
    expect([...(await data.retired()).keys()]).toHaveLength(1_000);
    expect((await data.retired()).get('fresh')).toBe(now.toISOString().slice(0, 10));
  });
});

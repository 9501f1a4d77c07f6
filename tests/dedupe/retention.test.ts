import { describe, expect, it } from 'vitest';
import { mergeItems } from '../../src/dedupe/merge-items.js';
import { applyRetention, TOMBSTONE_MIN_DAYS } from '../../src/dedupe/retention.js';
import { createEmptyStoreData } from '../../src/store/store.js';
import { makeItem } from './make-item.js';

const DAY = 86_400_000;
const now = new Date('2026-11-22T12:00:00.000Z');
const daysAgo = (d: number) => new Date(now.getTime() - d * DAY).toISOString();
const item = (n: number, ageDays: number) =>
  makeItem({ link: `https://www.golem.de/news/artikel-${n}.html`, guid: `golem-${n}`, title: `Artikel ${n}`, published: daysAgo(ageDays) });

describe('applyRetention', () => {
  it('drops articles older than retentionDays and leaves tombstones', () => {
    const data = createEmptyStoreData();
    mergeItems(data, 'golem.de', [item(1, 1), item(2, 59), item(3, 61), item(4, 400)], now);
    expect(applyRetention(data, { retentionDays: 60, maxItems: 100 }, now)).toEqual({ dropped: 2 });
    expect(data.articles.map((a) => a.title).sort()).toEqual(['Artikel 1', 'Artikel 2']);
    expect(Object.keys(data.retired)).toHaveLength(2);
  });

  it('keeps the newest maxItems', () => {
    const data = createEmptyStoreData();
    mergeItems(data, 'golem.de', [item(1, 5), item(2, 1), item(3, 3), item(4, 2)], now);
    expect(applyRetention(data, { retentionDays: 60, maxItems: 2 }, now)).toEqual({ dropped: 2 });
    expect(data.articles.map((a) => a.title).sort()).toEqual(['Artikel 2', 'Artikel 4']);
  });

  it('does not let a dropped article come back as new while its source still lists it', () => {
    const data = createEmptyStoreData();
    const feed = [item(1, 1), item(2, 70)];
    expect(mergeItems(data, 'golem.de', feed, now).new).toBe(2);
    applyRetention(data, { retentionDays: 60, maxItems: 100 }, now);
    expect(data.articles).toHaveLength(1);

    // The feed still lists the old article for months: it stays out.
    for (let day = 1; day <= 200; day += 7) {
      const later = new Date(now.getTime() + day * DAY);
      expect(mergeItems(data, 'golem.de', feed, later)).toEqual({ new: 0, updated: 0, duplicates: 2 });
      applyRetention(data, { retentionDays: 60, maxItems: 100 }, later);
    }
    // Meanwhile retention dropped the other article too; both stay retired while listed.
    expect(data.articles).toHaveLength(0);
    expect(Object.keys(data.retired)).toHaveLength(2);
  });

  it('also keeps an article dropped for maxItems out when another source lists it', () => {
    const data = createEmptyStoreData();
    mergeItems(data, 'golem.de', [item(1, 3), item(2, 1)], now);
    applyRetention(data, { retentionDays: 60, maxItems: 1 }, now);
    const aggregated = makeItem({ link: 'http://golem.de/news/artikel-1.html', guid: 'agg-1', published: daysAgo(3) });
    expect(mergeItems(data, 'Aggregator', [aggregated], now).new).toBe(0);
  });

  it('forgets tombstones no source listed for TOMBSTONE_MIN_DAYS', () => {
    const data = createEmptyStoreData();
    mergeItems(data, 'golem.de', [item(1, 70)], now);
    applyRetention(data, { retentionDays: 60, maxItems: 100 }, now);
    expect(Object.keys(data.retired)).toHaveLength(1);
    applyRetention(data, { retentionDays: 60, maxItems: 100 }, new Date(now.getTime() + (TOMBSTONE_MIN_DAYS - 1) * DAY));
    expect(Object.keys(data.retired)).toHaveLength(1);
    applyRetention(data, { retentionDays: 60, maxItems: 100 }, new Date(now.getTime() + (TOMBSTONE_MIN_DAYS + 1) * DAY));
    expect(Object.keys(data.retired)).toHaveLength(0);
  });

  it('bounds the number of tombstones, forgetting the least recently listed first', () => {
    const data = createEmptyStoreData();
    for (let i = 0; i < 1_500; i++) data.retired[`id${i}`] = daysAgo(i % 30).slice(0, 10);
    data.retired['fresh'] = now.toISOString().slice(0, 10);
    applyRetention(data, { retentionDays: 60, maxItems: 10 }, now);
    expect(Object.keys(data.retired)).toHaveLength(1_000);
    expect(data.retired['fresh']).toBeDefined();
  });
});

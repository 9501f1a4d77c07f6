import { describe, expect, it } from 'vitest';
import { SegmentCache } from '../../src/store/json/segment-cache.js';
import type { StoredArticle } from '../../src/types.js';

function article(id: string, day: string): StoredArticle {
  const at = `${day}T08:00:00.000Z`;
  return { id, key: `url:https://example.org/${id}`, title: id, summary: '', content: `<p>${id}</p>`, categories: [], enclosures: [], published: at, firstSeen: at, contentHash: id, sources: [] };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('segment cache', () => {
  it('drops the clean segments once none was read for the idle time, and reads them from disk again', async () => {
    const reads: string[] = [];
    const cache = new SegmentCache(async (day) => {
      reads.push(day);
      return [article(`a-${day}`, day)];
    }, { cleanIdleMs: 60 });
    expect((await cache.read('2026-11-30')).get('a-2026-11-30')?.content).toBe('<p>a-2026-11-30</p>');
    await cache.read('2026-12-01');
    await cache.read('2026-11-30');
    expect(reads).toEqual(['2026-11-30', '2026-12-01']);
    expect(cache.cleanCount).toBe(2);

    await sleep(250);
    expect(cache.cleanCount).toBe(0);
    await cache.read('2026-11-30');
    expect(reads).toEqual(['2026-11-30', '2026-12-01', '2026-11-30']);
    cache.close();
    expect(cache.cleanCount).toBe(0);
  });

  it('keeps them while reads go on, and keeps a changed segment until it is written', async () => {
    const cache = new SegmentCache(async (day) => [article(`a-${day}`, day)], { cleanIdleMs: 1_000 });
    await cache.read('2026-11-29');
    const edited = await cache.edit('2026-12-01');
    edited.set('b', article('b', '2026-12-01'));
    // Reads every 20 ms for about 300 ms: never quiet for a second, so the clean one stays.
    for (let i = 0; i < 15; i++) {
      await sleep(20);
      await cache.read('2026-11-29');
    }
    expect(cache.cleanCount).toBe(1);
    await sleep(2_000);
    expect(cache.cleanCount).toBe(0);
    expect(cache.dirtyDays()).toEqual(['2026-12-01']);
    expect(cache.dirtyArticles('2026-12-01').map((a) => a.id).sort()).toEqual(['a-2026-12-01', 'b']);
    cache.markClean('2026-12-01');
    expect(cache.cleanCount).toBe(1);
    cache.close();
  });
});

import { describe, expect, it } from 'vitest';
import { indexKeysOf, KeyIndex } from '../../src/dedupe/article-keys.js';
import type { ArticleHead, ArticleSource } from '../../src/types.js';

function head(id: string, key: string, link: string | undefined, sources: ArticleSource[]): ArticleHead {
  return {
    id, key, title: 't', summary: '', categories: [], enclosures: [], published: '2026-11-20T08:00:00.000Z',
    firstSeen: '2026-11-20T08:00:00.000Z', contentHash: 'h', sources, ...(link ? { link } : {}),
  };
}
const seen = '2026-11-20T08:00:00.000Z';

describe('indexKeysOf: the keys an article is found under', () => {
  it('an article identified by its link: the identity key, every source link and every guid', () => {
    const a = head('a', 'url:golem.de/news/1', 'https://www.golem.de/news/1', [
      { name: 'golem.de', guid: 'g-1', link: 'https://www.golem.de/news/1', firstSeen: seen },
      { name: 'Aggregator', guid: 'agg 9', link: 'https://golem.de/news/1?id=7', firstSeen: seen },
      { name: 'Ohne', firstSeen: seen },
    ]);
    expect(indexKeysOf(a)).toEqual(['url:golem.de/news/1', 'guid:golem.de:g-1', 'url:golem.de/news/1?id=7', 'guid:Aggregator:agg 9']);
  });

  it('an article identified by guid or hash: its links are no keys (a front page must not pull others in)', () => {
    const byGuid = head('b', 'guid:blog:p-7', 'https://blog.example/', [{ name: 'blog', guid: 'p-7', link: 'https://blog.example/news/7', firstSeen: seen }]);
    expect(indexKeysOf(byGuid)).toEqual(['guid:blog:p-7']);
    const byHash = head('c', 'hash:blog:abc', 'https://blog.example/x', [{ name: 'blog', link: 'https://blog.example/x', firstSeen: seen }]);
    expect(indexKeysOf(byHash)).toEqual(['hash:blog:abc']);
  });

  it('links that are no web address give no key', () => {
    const a = head('d', 'url:a.example/1', 'mailto:x@a.example', [{ name: 's', link: 'ftp://a.example/1', firstSeen: seen }]);
    expect(indexKeysOf(a)).toEqual(['url:a.example/1']);
  });
});

describe('KeyIndex: first writer wins', () => {
  const first = head('first', 'url:a.example/1', 'https://a.example/1', [{ name: 's', guid: 'shared', firstSeen: seen }]);
  const second = head('second', 'url:a.example/2', 'https://a.example/2', [{ name: 's', guid: 'shared', link: 'https://a.example/1', firstSeen: seen }]);

  it('a key claimed by one article is not stolen by another', () => {
    const index = new KeyIndex();
    index.add(first);
    index.add(second);
    expect(index.get('url:a.example/1')).toBe('first');
    expect(index.get('guid:s:shared')).toBe('first');
    expect(index.get('url:a.example/2')).toBe('second');
    expect(index.get('url:a.example/3')).toBeUndefined();
    expect(index.size).toBe(3);
  });

  it('removing an article forgets only the keys that point at it', () => {
    const index = new KeyIndex();
    index.add(first);
    index.add(second);
    index.remove(second);
    expect(index.get('url:a.example/1')).toBe('first');
    expect(index.get('guid:s:shared')).toBe('first');
    expect(index.get('url:a.example/2')).toBeUndefined();
    expect(index.size).toBe(2);
    index.remove(first);
    expect(index.size).toBe(0);
  });

  it('removing by ids forgets, in one pass, exactly what removing each article does, and keys an older version left', () => {
    const third = head('third', 'url:a.example/3', 'https://a.example/3', [{ name: 't', guid: 'g3', firstSeen: seen }]);
    const moved = { ...third, link: 'https://a.example/3b', key: 'url:a.example/3' };
    const byEach = new KeyIndex();
    const byIds = new KeyIndex();
    for (const index of [byEach, byIds]) for (const article of [first, second, third, moved]) index.add(article);
    expect(byIds.get('url:a.example/3b')).toBe('third');
    byEach.remove(second);
    byEach.remove(third);
    byIds.removeIds(new Set(['second', 'third', 'unknown']));
    for (const key of ['url:a.example/1', 'guid:s:shared', 'url:a.example/2', 'url:a.example/3', 'guid:t:g3']) expect(byIds.get(key), key).toBe(byEach.get(key));
    expect(byIds.get('url:a.example/3b')).toBeUndefined();
    expect(byIds.size).toBe(2);
    byIds.removeIds(new Set());
    expect(byIds.size).toBe(2);
  });
});

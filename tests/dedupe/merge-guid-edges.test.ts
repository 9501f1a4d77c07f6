import { describe, expect, it } from 'vitest';
import { indexKeysOf } from '../../src/dedupe/article-keys.js';
import { planMerge, prepareItems, type MergePlan } from '../../src/dedupe/merge-items.js';
import type { ArticleHead, MergeLookup, NormalizedItem } from '../../src/types.js';
import { makeItem } from './make-item.js';

const T0 = new Date('2026-11-20T10:00:00.000Z');
const T1 = new Date('2026-11-21T10:00:00.000Z');

function lookupOf(heads: ArticleHead[]): MergeLookup {
  const byKey = new Map<string, ArticleHead>();
  for (const head of heads) for (const key of indexKeysOf(head)) if (!byKey.has(key)) byKey.set(key, head);
  return { byKey, byId: new Map(heads.map((h) => [h.id, h])), retired: new Set() };
}

const plan = (source: string, items: NormalizedItem[], stored: ArticleHead[] = [], now = T0): MergePlan =>
  planMerge(lookupOf(stored), prepareItems(source, items), now);
const stored = (source: string, item: NormalizedItem): ArticleHead => plan(source, [item]).merge.writes[0]!.head;

describe('guids with blanks around them', () => {
  it('are the same guid: a re-poll with the blanks writes nothing', () => {
    const item = makeItem({ guid: '  g-1  ' });
    const head = stored('s', item);
    expect(head.sources[0]!.guid).toBe('g-1');
    expect(plan('s', [item], [head], T1)).toEqual({ merge: { writes: [], retiredSeen: [], day: '2026-11-21' }, counts: { new: 0, updated: 0, duplicates: 1 } });
  });

  it('find the article again after its link changed', () => {
    const head = stored('s', makeItem({ guid: ' g-1 ', link: 'https://a.example/1' }));
    const { counts } = plan('s', [makeItem({ guid: ' g-1 ', link: 'https://a.example/1-neu' })], [head], T1);
    expect(counts).toEqual({ new: 0, updated: 0, duplicates: 1 });
  });

  it('a re-poll of an article without guid writes nothing', () => {
    const item = makeItem({ guid: undefined });
    const head = stored('s', item);
    expect(plan('s', [item], [head], T1).merge.writes).toEqual([]);
  });
});

describe('links shared in one feed', () => {
  it('an item with a blank guid does not make its link "shared": both items stay one article by that link', () => {
    const items = [
      makeItem({ guid: 'p-1', link: 'https://blog.example/news/', title: 'A' }),
      makeItem({ guid: '   ', link: 'https://blog.example/news/', title: 'B' }),
    ];
    expect(prepareItems('blog', items).entries.map((e) => e.identity.key)).toEqual(['url:blog.example/news', 'url:blog.example/news']);
    expect(plan('blog', items).counts).toEqual({ new: 1, updated: 0, duplicates: 1 });
  });
});

describe('keys an article gained earlier in the same batch', () => {
  it('a second item of the batch under the guid a first one just added to a stored article is that article', () => {
    const head = stored('first', makeItem({ guid: 'x-1', link: 'https://a.example/1' }));
    const items = [
      makeItem({ guid: 'G', link: 'https://a.example/1' }),
      makeItem({ guid: 'G', link: undefined, title: 'Anders betitelt' }),
    ];
    const { counts, merge } = plan('second', items, [head], T1);
    expect(counts).toEqual({ new: 0, updated: 0, duplicates: 2 });
    expect(merge.writes).toHaveLength(1);
    expect(merge.writes[0]!.head.sources.map((s) => [s.name, s.guid])).toEqual([['first', 'x-1'], ['second', 'G']]);
  });
});

/**
 * In memory every head has one shape: an absent field is an undefined
 * property (so that the code reading heads sees one object layout). What is
 * written — the store's JSON, the published feeds, `poll --json` — leaves it
 * out, exactly as before; these tests state that on the serialized form.
 */
const serialized = (value: unknown): Record<string, unknown> => JSON.parse(JSON.stringify(value)) as Record<string, unknown>;

describe('the fields a write carries', () => {
  it('a new article without guid, link or author: none of them is written', () => {
    const head = stored('s', makeItem({ guid: undefined, link: undefined, author: undefined }));
    const json = serialized(head);
    expect(Object.keys((json.sources as object[])[0]!)).toEqual(['name', 'firstSeen']);
    expect(Object.hasOwn(json, 'link')).toBe(false);
    expect(Object.hasOwn(json, 'author')).toBe(false);
    expect(Object.hasOwn(json, 'dateProblem')).toBe(false);
    expect(Object.hasOwn(json, 'updated')).toBe(false);
    expect(head.link).toBeUndefined();
    expect(head.author).toBeUndefined();
  });

  it('the written keys keep the stored order, with or without the optional fields', () => {
    const full = serialized(stored('s', makeItem({ guid: 'g-1', author: 'A. Autor' })));
    expect(Object.keys(full)).toEqual(['id', 'key', 'title', 'link', 'summary', 'author', 'categories', 'enclosures', 'published', 'firstSeen', 'contentHash', 'sources']);
    expect(Object.keys((full.sources as object[])[0]!)).toEqual(['name', 'firstSeen', 'guid', 'link']);
    const { published: _p, ...undated } = makeItem({ guid: undefined, link: undefined, author: undefined });
    expect(Object.keys(serialized(stored('s', undated)))).toEqual(['id', 'key', 'title', 'summary', 'categories', 'enclosures', 'published', 'dateProblem', 'firstSeen', 'contentHash', 'sources']);
  });

  it('every head and source entry a plan makes has one set of properties, whichever fields are present', () => {
    const { published: _p, ...undated } = makeItem({ guid: undefined, link: undefined, author: undefined });
    const bare = stored('s', undated);
    const full = stored('s', makeItem({ guid: 'g-1', author: 'A. Autor' }));
    expect(Object.keys(bare)).toEqual(Object.keys(full));
    expect(Object.keys(bare.sources[0]!)).toEqual(Object.keys(full.sources[0]!));
    // A stored head parsed from JSON (fields left out) comes back from the plan in the same shape.
    const { published: _q, ...linked } = makeItem({ guid: undefined, author: undefined });
    const fromJson = serialized(stored('s', linked)) as unknown as ArticleHead;
    expect(Object.keys(fromJson)).not.toEqual(Object.keys(full));
    const second = plan('other', [{ ...linked, guid: 'x' }], [fromJson], T1).merge.writes[0]!.head;
    expect(second.id).toBe(fromJson.id);
    expect(Object.keys(second)).toEqual(Object.keys(full));
    expect(second.sources.map((s) => Object.keys(s))).toEqual([Object.keys(full.sources[0]!), Object.keys(full.sources[0]!)]);
  });

  it('a text update without an author does not write the field', () => {
    const head = stored('s', makeItem({ guid: 'g-1', author: undefined }));
    const write = plan('s', [makeItem({ guid: 'g-1', author: undefined, title: 'Neu' })], [head], T1).merge.writes[0]!;
    expect(write.head.title).toBe('Neu');
    expect(write.head.author).toBeUndefined();
    expect(Object.hasOwn(serialized(write.head), 'author')).toBe(false);
  });

  it('a second source keeps the stored categories and enclosures, and the stored head is not changed', () => {
    const head = stored('first', makeItem({ guid: 'g-1', categories: ['Kernel'], enclosures: [{ url: 'https://cdn.example/a.mp3', type: 'audio/mpeg' }] }));
    const write = plan('second', [makeItem({ guid: 'g-2', categories: ['Anderes'], enclosures: [] })], [head], T1).merge.writes[0]!;
    expect(write.head.categories).toEqual(['Kernel']);
    expect(write.head.enclosures).toEqual([{ url: 'https://cdn.example/a.mp3', type: 'audio/mpeg' }]);
    expect(write.head.sources.map((s) => s.name)).toEqual(['first', 'second']);
    expect(head.sources.map((s) => s.name)).toEqual(['first']);
  });
});

describe('the article link on updates', () => {
  it('an article stored without a link takes the link its first source gives later with new text', () => {
    const head = stored('s', makeItem({ guid: 'g-1', link: undefined }));
    const write = plan('s', [makeItem({ guid: 'g-1', link: 'https://a.example/1', title: 'Neu' })], [head], T1).merge.writes[0]!;
    expect(write.head.link).toBe('https://a.example/1');
  });

  it('an http link replaces an http link with new text; only an https one is kept against http', () => {
    const head = stored('s', makeItem({ guid: 'g-1', link: 'http://a.example/1' }));
    const moved = plan('s', [makeItem({ guid: 'g-1', link: 'http://a.example/1-neu', title: 'Neu' })], [head], T1).merge.writes[0]!;
    expect(moved.head.link).toBe('http://a.example/1-neu');
  });

  it('a re-poll without a link, or with the same http link, changes nothing', () => {
    const head = stored('s', makeItem({ guid: 'g-1', link: 'http://a.example/1' }));
    expect(plan('s', [makeItem({ guid: 'g-1', link: undefined })], [head], T1).merge.writes).toEqual([]);
    expect(plan('s', [makeItem({ guid: 'g-1', link: 'http://a.example/1' })], [head], T1).merge.writes).toEqual([]);
  });
});

describe('a link two items share under one guid', () => {
  it('is not "shared" when only the titles differ: both stay keyed by the link', () => {
    const items = [1, 2].map((n) => makeItem({ guid: 'p-1', link: 'https://blog.example/news/', title: `T${n}` }));
    expect(prepareItems('blog', items).entries.map((e) => e.identity.key)).toEqual(['url:blog.example/news', 'url:blog.example/news']);
  });
});

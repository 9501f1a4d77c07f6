import { beforeEach, describe, expect, it } from 'vitest';
import { indexKeysOf } from '../../src/dedupe/article-keys.js';
import { hashContent, MAX_SUMMARY_CHARS, MAX_TITLE_CHARS, planMerge, prepareItems, type MergePlan } from '../../src/dedupe/merge-items.js';
import type { ArticleHead, MergeLookup, NormalizedItem } from '../../src/types.js';
import { makeItem } from './make-item.js';

/**
 * planMerge is pure: these tests answer its lookup from a list of stored
 * heads, as a store would, and read the plan it returns.
 */
const T0 = new Date('2026-11-20T10:00:00.000Z');
const T1 = new Date('2026-11-21T10:00:00.000Z');

function lookupOf(heads: ArticleHead[], retired: string[] = []): MergeLookup {
  const byKey = new Map<string, ArticleHead>();
  for (const head of heads) for (const key of indexKeysOf(head)) if (!byKey.has(key)) byKey.set(key, head);
  return { byKey, byId: new Map(heads.map((h) => [h.id, h])), retired: new Set(retired) };
}

function plan(source: string, items: NormalizedItem[], stored: ArticleHead[] = [], now = T0, retired: string[] = []): MergePlan {
  return planMerge(lookupOf(stored, retired), prepareItems(source, items), now);
}

/** The head a first merge stores for one item. */
function stored(source: string, item: NormalizedItem, now = T0): ArticleHead {
  return plan(source, [item], [], now).merge.writes[0]!.head;
}

describe('planMerge: a new article', () => {
  it('takes the item\'s fields, the source with its guid and link, and the content hash', () => {
    const item = makeItem({ author: 'Berk Kutsal', guid: '  g-1  ', enclosures: [{ url: 'https://cdn.example/a.mp3', type: 'audio/mpeg' }] });
    const { merge, counts } = plan('ip-insider', [item]);
    expect(counts).toEqual({ new: 1, updated: 0, duplicates: 0 });
    expect(merge.day).toBe('2026-11-20');
    expect(merge.retiredSeen).toEqual([]);
    expect(merge.writes).toHaveLength(1);
    const { head, content } = merge.writes[0]!;
    expect(content).toBe(item.content);
    expect(head).toEqual({
      id: head.id,
      key: 'url:ip-insider.de/akamai-hostet-kernelorg-a-1234567',
      title: item.title,
      link: item.link,
      summary: item.summary,
      author: 'Berk Kutsal',
      categories: ['Open Source'],
      enclosures: [{ url: 'https://cdn.example/a.mp3', type: 'audio/mpeg' }],
      published: item.published,
      firstSeen: T0.toISOString(),
      contentHash: hashContent(item.title, item.summary, item.content),
      sources: [{ name: 'ip-insider', guid: 'g-1', link: item.link, firstSeen: T0.toISOString() }],
    });
  });

  it('without a date: first seen stands in, with the reason (missing unless the item says otherwise)', () => {
    const { published: _p, ...undated } = makeItem();
    expect(stored('s', undated)).toMatchObject({ published: T0.toISOString(), dateProblem: 'missing' });
    expect(stored('s', { ...undated, dateProblem: 'future' })).toMatchObject({ published: T0.toISOString(), dateProblem: 'future' });
    // In memory an absent field is an undefined property (one shape for every head); it is not written.
    expect(stored('s', makeItem()).dateProblem).toBeUndefined();
    expect(JSON.parse(JSON.stringify(stored('s', makeItem())))).not.toHaveProperty('dateProblem');
  });

  it('without link, author or guid: none of them is set, nor written', () => {
    const { link: _l, guid: _g, ...bare } = makeItem();
    const head = stored('s', bare);
    expect(head.link).toBeUndefined();
    expect(head.author).toBeUndefined();
    expect(head.sources).toEqual([{ name: 's', firstSeen: T0.toISOString() }]);
    const json = JSON.parse(JSON.stringify(head)) as ArticleHead;
    expect(json).not.toHaveProperty('link');
    expect(json).not.toHaveProperty('author');
    expect(json.sources).toStrictEqual([{ name: 's', firstSeen: T0.toISOString() }]);
  });

  it('caps title and summary', () => {
    const head = stored('s', makeItem({ title: 'Wort '.repeat(200), summary: 'Satz '.repeat(1000) }));
    expect(head.title.length).toBeLessThanOrEqual(MAX_TITLE_CHARS);
    expect(head.title.length).toBeGreaterThan(MAX_TITLE_CHARS - 20);
    expect(head.summary.length).toBeLessThanOrEqual(MAX_SUMMARY_CHARS);
    expect(head.summary.length).toBeGreaterThan(MAX_SUMMARY_CHARS - 20);
  });

  it('an identity retention dropped is not stored again; listing it is reported', () => {
    const item = makeItem();
    const id = stored('s', item).id;
    const { merge, counts } = plan('s', [item], [], T1, [id]);
    expect(merge.writes).toEqual([]);
    expect(merge.retiredSeen).toEqual([id]);
    expect(counts).toEqual({ new: 0, updated: 0, duplicates: 1 });
  });
});

describe('planMerge: an article already stored', () => {
  const original = makeItem({ guid: 'g-1' });
  // Stored before each test, not at collection, where a mutation run's mutants are not switched on (docs/mutation.md).
  let head: ArticleHead;
  beforeEach(() => {
    head = stored('outlet', original);
  });

  it('the same item again changes nothing and writes nothing', () => {
    const { merge, counts } = plan('outlet', [original], [head], T1);
    expect(counts).toEqual({ new: 0, updated: 0, duplicates: 1 });
    expect(merge.writes).toEqual([]);
  });

  it('changed text from the first source updates it in place, with every field and the new hash', () => {
    const edited = makeItem({ guid: 'g-1', title: 'Neu', summary: 'Neu auch', content: '<p>neu</p>', author: 'Ada', categories: ['Kernel'], enclosures: [{ url: 'https://cdn.example/b.ogg' }] });
    const { merge, counts } = plan('outlet', [edited], [head], T1);
    expect(counts).toEqual({ new: 0, updated: 1, duplicates: 0 });
    expect(merge.writes).toHaveLength(1);
    expect(merge.writes[0]!.content).toBe('<p>neu</p>');
    expect(merge.writes[0]!.head).toEqual({
      ...head,
      title: 'Neu', summary: 'Neu auch', author: 'Ada', categories: ['Kernel'], enclosures: [{ url: 'https://cdn.example/b.ogg' }],
      contentHash: hashContent('Neu', 'Neu auch', '<p>neu</p>'), updated: T1.toISOString(),
    });
    // The stored head the lookup answered with is never changed.
    expect(head.title).toBe(original.title);
  });

  it('the update time is the source\'s own when it is later than the last one and not in the future', () => {
    const edit = (updated: string | undefined) => plan('outlet', [makeItem({ guid: 'g-1', title: 'Neu', ...(updated ? { updated } : {}) })], [head], T1).merge.writes[0]!.head.updated;
    expect(edit('2026-11-21T09:00:00.000Z')).toBe('2026-11-21T09:00:00.000Z');
    expect(edit(T1.toISOString())).toBe(T1.toISOString());
    // Before the publication date, equal to it, or after now: now.
    expect(edit('2026-11-19T00:00:00.000Z')).toBe(T1.toISOString());
    expect(edit(head.published)).toBe(T1.toISOString());
    expect(edit('2026-11-21T10:00:00.001Z')).toBe(T1.toISOString());
    expect(edit(undefined)).toBe(T1.toISOString());
    // A second edit compares with the first edit's time, not the publication date.
    const once = { ...head, updated: '2026-11-21T08:00:00.000Z' };
    const again = plan('outlet', [makeItem({ guid: 'g-1', title: 'Neu', updated: '2026-11-21T07:00:00.000Z' })], [once], T1).merge.writes[0]!.head;
    expect(again.updated).toBe(T1.toISOString());
  });

  it('a second source is remembered but cannot change the text', () => {
    const aggregated = makeItem({ guid: 'agg-1', title: 'Gekürzt: Akamai', link: 'https://ip-insider.de/akamai-hostet-kernelorg-a-1234567/?utm_source=agg' });
    const { merge, counts } = plan('Aggregator', [aggregated], [head], T1);
    expect(counts).toEqual({ new: 0, updated: 0, duplicates: 1 });
    const written = merge.writes[0]!;
    expect(written).not.toHaveProperty('content');
    expect(written.head.title).toBe(original.title);
    expect(written.head.sources).toEqual([...head.sources, { name: 'Aggregator', guid: 'agg-1', link: aggregated.link, firstSeen: T1.toISOString() }]);
    // Listed again by both: nothing new to write.
    expect(plan('Aggregator', [aggregated], [written.head], T1).merge.writes).toEqual([]);
  });

  it('a source that changed its guid or link for the article: the head is written, the text is not updated', () => {
    const regid = plan('outlet', [makeItem({ guid: 'g-2' })], [head], T1);
    expect(regid.counts).toEqual({ new: 0, updated: 0, duplicates: 1 });
    expect(regid.merge.writes[0]!.head.sources[0]!.guid).toBe('g-2');
    const moved = plan('outlet', [makeItem({ guid: 'g-1', link: 'https://www.ip-insider.de/akamai-neu-a-1234567/' })], [head], T1);
    expect(moved.merge.writes[0]!.head.id).toBe(head.id);
    expect(moved.merge.writes[0]!.head.sources[0]!.link).toBe('https://www.ip-insider.de/akamai-neu-a-1234567/');
  });

  it('a real date from the first source replaces the first-seen stand-in', () => {
    const { published: _p, ...undated } = makeItem({ guid: 'g-9', link: 'https://a.example/9' });
    const before = stored('outlet', undated);
    const dated = plan('outlet', [{ ...undated, published: '2026-11-19T08:00:00.000Z' }], [before], T1).merge.writes[0]!.head;
    expect(dated.published).toBe('2026-11-19T08:00:00.000Z');
    expect(dated.dateProblem).toBeUndefined();
    expect(JSON.parse(JSON.stringify(dated))).not.toHaveProperty('dateProblem');
    // From a second source, the stand-in stays.
    const other = plan('other', [{ ...undated, guid: 'x', published: '2026-11-19T08:00:00.000Z' }], [before], T1).merge.writes[0]!.head;
    expect(other.dateProblem).toBe('missing');
  });

  it('an https link from any source replaces the article\'s http link; never the other way round', () => {
    const http = stored('cross', makeItem({ guid: 'c', link: 'http://www.golem.de/news/a.html' }));
    const upgraded = plan('golem', [makeItem({ guid: 'g', link: 'https://www.golem.de/news/a.html' })], [http], T1).merge.writes[0]!.head;
    expect(upgraded.link).toBe('https://www.golem.de/news/a.html');
    const https = stored('golem', makeItem({ guid: 'g', link: 'https://www.golem.de/news/a.html' }));
    const kept = plan('golem', [makeItem({ guid: 'g', title: 'Neu', link: 'http://www.golem.de/news/a.html' })], [https], T1).merge.writes[0]!.head;
    expect(kept.link).toBe('https://www.golem.de/news/a.html');
    // The first source's text update takes its new link unless it would downgrade https.
    const relinked = plan('golem', [makeItem({ guid: 'g', title: 'Neu', link: 'https://www.golem.de/news/a.html?id=2' })], [https], T1).merge.writes[0]!.head;
    expect(relinked.link).toBe('https://www.golem.de/news/a.html?id=2');
  });
});

describe('planMerge: several items in one batch', () => {
  it('the same article twice in one feed is one write and one duplicate', () => {
    const item = makeItem();
    const { merge, counts } = plan('s', [item, { ...item, title: 'Ältere Fassung' }]);
    expect(counts).toEqual({ new: 1, updated: 0, duplicates: 1 });
    expect(merge.writes.map((w) => w.head.title)).toEqual([item.title]);
  });

  it('an item whose link changed is found by its guid, among new items of the batch', () => {
    const a = makeItem({ guid: 'g-1', link: 'https://a.example/1' });
    const b = makeItem({ guid: 'g-1', link: 'https://a.example/1-neu' });
    const head = stored('s', a);
    const { counts } = plan('s', [makeItem({ guid: 'g-2', link: 'https://a.example/2' }), b], [head], T1);
    expect(counts.new).toBe(1);
  });

  it('a guid every item shares identifies nothing: the items stay apart by link', () => {
    const items = [1, 2, 3].map((n) => makeItem({ guid: 'https://blog.example/', link: `https://blog.example/p/${n}`, title: `T${n}` }));
    const prepared = prepareItems('blog', items);
    expect(prepared.entries.every((e) => e.guid === undefined)).toBe(true);
    expect(prepared.keys).toEqual(['url:blog.example/p/1', 'url:blog.example/p/2', 'url:blog.example/p/3']);
    expect(plan('blog', items).counts).toEqual({ new: 3, updated: 0, duplicates: 0 });
  });

  it('a link shared by items with different guids and titles is ignored for them; with one title it is one article', () => {
    const front = (n: number, title: string) => makeItem({ guid: `p-${n}`, link: 'https://blog.example/news/', title });
    const shared = prepareItems('blog', [front(1, 'A'), front(2, 'B')]);
    expect(shared.entries.map((e) => e.identity.key)).toEqual(['guid:blog:p-1', 'guid:blog:p-2']);
    const sameTitle = prepareItems('blog', [front(1, 'A'), front(2, 'A')]);
    expect(sameTitle.entries.map((e) => e.identity.key)).toEqual(['url:blog.example/news', 'url:blog.example/news']);
    expect(sameTitle.keys).toEqual(['url:blog.example/news', 'guid:blog:p-1', 'guid:blog:p-2']);
    // Items without guid never make a link "shared".
    const noGuid = prepareItems('blog', [makeItem({ guid: undefined, link: 'https://blog.example/x', title: 'A' }), makeItem({ guid: ' ', link: 'https://blog.example/x', title: 'B' })]);
    expect(noGuid.entries.map((e) => e.identity.key)).toEqual(['url:blog.example/x', 'url:blog.example/x']);
  });
});

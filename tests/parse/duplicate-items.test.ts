import { describe, expect, it } from 'vitest';
import { dedupeItems } from '../../src/parse/dedupe-items.js';
import type { RawItem } from '../../src/types.js';

describe('dedupeItems: one article per guid within a feed', () => {
  it('drops repeats of one article under one guid, keeps the first, and says how often it was listed', () => {
    const first = { guid: 'g1', link: 'https://a.example/1', title: 'Eins' };
    const items: RawItem[] = [first, { guid: 'g2', link: 'https://a.example/2' }, { guid: 'g1', link: 'https://a.example/1', title: 'Eins, geändert' }, { guid: 'g1', link: 'https://a.example/1' }];
    const { items: kept, warnings } = dedupeItems(items);
    expect(kept).toEqual([first, { guid: 'g2', link: 'https://a.example/2' }]);
    expect(kept[0]).toBe(first);
    expect(warnings).toEqual(['guid "g1" listed 3 times for the same article; kept the first']);
  });

  it('forgets a guid shared by different articles but keeps every one of them', () => {
    const items: RawItem[] = [
      { guid: 'same', link: 'https://a.example/1' },
      { guid: 'same', link: 'https://a.example/2' },
      { guid: 'own', link: 'https://a.example/3' },
    ];
    const { items: kept, warnings } = dedupeItems(items);
    expect(kept).toEqual([{ link: 'https://a.example/1' }, { link: 'https://a.example/2' }, { guid: 'own', link: 'https://a.example/3' }]);
    expect(warnings).toEqual(['guid "same" used by 2 different articles; ignored it for them']);
  });

  it('without links, the title tells articles under one guid apart', () => {
    const same = dedupeItems([{ guid: 'x', title: 'A' }, { guid: 'x', title: 'A' }]);
    expect(same.items).toEqual([{ guid: 'x', title: 'A' }]);
    const different = dedupeItems([{ guid: 'x', title: 'A' }, { guid: 'x', title: 'B' }]);
    expect(different.items).toEqual([{ title: 'A' }, { title: 'B' }]);
    // A link makes the title irrelevant: same link, other title is still the same article.
    const linked = dedupeItems([{ guid: 'x', link: 'https://a.example/', title: 'A' }, { guid: 'x', link: 'https://a.example/', title: 'B' }]);
    expect(linked.items).toHaveLength(1);
  });

  it('items without guid: the same link twice is one article, items without link are all kept', () => {
    const { items, warnings } = dedupeItems([
      { link: 'https://a.example/1', title: 'A' },
      { link: 'https://a.example/1', title: 'A (Update)' },
      { title: 'ohne Link' },
      { title: 'ohne Link' },
      { link: 'https://a.example/2' },
    ]);
    expect(items).toEqual([{ link: 'https://a.example/1', title: 'A' }, { title: 'ohne Link' }, { title: 'ohne Link' }, { link: 'https://a.example/2' }]);
    expect(warnings).toEqual(['link https://a.example/1 listed twice; kept the first']);
  });

  it('an item that lost its shared guid is then compared by link', () => {
    const { items, warnings } = dedupeItems([
      { guid: 'cms', link: 'https://a.example/1' },
      { guid: 'cms', link: 'https://a.example/2' },
      { link: 'https://a.example/1' },
    ]);
    expect(items).toEqual([{ link: 'https://a.example/1' }, { link: 'https://a.example/2' }]);
    expect(warnings).toEqual(['guid "cms" used by 2 different articles; ignored it for them', 'link https://a.example/1 listed twice; kept the first']);
  });

  it('shortens long guids and links in warnings to 80 characters', () => {
    const long = `https://a.example/${'x'.repeat(100)}`;
    const exact = `https://a.example/${'y'.repeat(62)}`;
    expect(exact).toHaveLength(80);
    const { warnings } = dedupeItems([{ guid: long, link: long }, { guid: long, link: long }, { link: exact }, { link: exact }]);
    expect(warnings).toEqual([`guid "${long.slice(0, 77)}…" listed 2 times for the same article; kept the first`, `link ${exact} listed twice; kept the first`]);
  });

  it('items with their own guids are kept even when they share a link', () => {
    const items: RawItem[] = [{ guid: 'a', link: 'https://a.example/' }, { guid: 'b', link: 'https://a.example/' }];
    expect(dedupeItems(items)).toEqual({ items, warnings: [] });
  });

  it('leaves a feed without repeats alone', () => {
    const items: RawItem[] = [{ guid: 'a' }, { guid: 'b' }, { link: 'https://a.example/' }];
    expect(dedupeItems(items)).toEqual({ items, warnings: [] });
  });
});

import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../src/parse/parse-feed.js';

const NS = 'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:media="http://search.yahoo.com/mrss/" xmlns:content="http://purl.org/rss/1.0/modules/content/"';
const CHANNEL = '<title>T</title><link>https://site.example/blog/</link>';
const URL_FETCHED = 'https://feed.example/x/feed.xml';

async function read(items: string, channel = CHANNEL) {
  return parseFeed(`<rss version="2.0" ${NS}><channel>${channel}${items}</channel></rss>`, { url: URL_FETCHED });
}
async function itemOf(xml: string) {
  const feed = await read(xml);
  expect(feed.items).toHaveLength(1);
  return feed.items[0];
}

describe('RSS items: guid and link', () => {
  it('a guid marked isPermaLink="false" (in any case) is no link; blank text fields are left out', async () => {
    expect(await itemOf('<item><title> A </title><guid isPermaLink="false">/p/1</guid><description> </description><content:encoded>  </content:encoded></item>')).toEqual({ guid: '/p/1', title: 'A' });
    expect(await itemOf('<item><title>C2</title><guid isPermaLink="FALSE">https://x.example/4</guid></item>')).toEqual({ guid: 'https://x.example/4', title: 'C2' });
  });

  it('a permalink guid is the link when it looks like a path; a bare number is an id only', async () => {
    expect(await itemOf('<item><title>B</title><guid>12345</guid></item>')).toEqual({ guid: '12345', title: 'B' });
    expect(await itemOf('<item><title>C</title><guid>p/3</guid></item>')).toEqual({ guid: 'p/3', link: 'https://site.example/blog/p/3', title: 'C' });
  });

  it('the written link wins over the guid, resolved against the channel link', async () => {
    expect(await itemOf('<item><title>D</title><link> artikel/5 </link><guid>https://g.example/5</guid></item>')).toEqual({ guid: 'https://g.example/5', link: 'https://site.example/blog/artikel/5', title: 'D' });
  });

  it('an item\'s own xml:base is its base, and reported as such', async () => {
    expect(await itemOf('<item xml:base="https://other.example/dir/"><title>K</title><link>x</link></item>')).toEqual({ link: 'https://other.example/dir/x', title: 'K', baseUrl: 'https://other.example/dir/' });
  });
});

describe('RSS items: dates', () => {
  it('pubDate is the publication, a different dc:date beside it the update', async () => {
    expect(await itemOf('<item><title>E</title><pubDate>Mon, 01 Dec 2025 10:00:00 GMT</pubDate><dc:date>2025-12-02T10:00:00Z</dc:date></item>')).toEqual({
      title: 'E', published: 'Mon, 01 Dec 2025 10:00:00 GMT', updated: '2025-12-02T10:00:00Z',
    });
  });

  it('dc:date alone is the publication; the same text twice is no update', async () => {
    expect(await itemOf('<item><title>F</title><dc:date>2025-12-02T10:00:00Z</dc:date></item>')).toEqual({ title: 'F', published: '2025-12-02T10:00:00Z' });
    expect(await itemOf('<item><title>G</title><pubDate>x</pubDate><dc:date>x</dc:date></item>')).toEqual({ title: 'G', published: 'x' });
  });
});

describe('RSS items: authors, categories, enclosures', () => {
  it('dc:creator and author, each name once; iTunes author only when there is no other', async () => {
    expect(await itemOf('<item><title>H</title><dc:creator>Ada</dc:creator><author>Bob</author><dc:creator>Ada</dc:creator><itunes:author>Pod</itunes:author></item>')).toEqual({ title: 'H', author: 'Ada, Bob' });
    expect(await itemOf('<item><title>I</title><itunes:author> Pod </itunes:author><category>Kernel</category><dc:subject>Linux</dc:subject><category> </category></item>')).toEqual({
      title: 'I', author: 'Pod', categories: ['Kernel', 'Linux'],
    });
  });

  it('enclosures: http(s) only, resolved, type trimmed, length or fileSize when positive; then Media RSS files and thumbnails', async () => {
    const item = await itemOf('<item><title>J</title><enclosure url="/a.mp3" type=" audio/mpeg " length="12"/><enclosure url="b.ogg" fileSize="7"/><enclosure url="javascript:x"/><enclosure href="c.mp4" length="-1"/><media:thumbnail url="t.jpg"/><media:content url="m.mp4" type="video/mp4"/></item>');
    expect(item?.enclosures).toEqual([
      { url: 'https://site.example/a.mp3', type: 'audio/mpeg', length: 12 },
      { url: 'https://site.example/blog/b.ogg', length: 7 },
      { url: 'https://site.example/blog/c.mp4' },
      { url: 'https://site.example/blog/m.mp4', type: 'video/mp4' },
      { url: 'https://site.example/blog/t.jpg' },
    ]);
  });
});

describe('RSS titles', () => {
  it('the item title falls back to dc:title when blank; no title at all leaves it out', async () => {
    expect(await itemOf('<item><dc:title>L</dc:title><title> </title></item>')).toEqual({ title: 'L' });
    expect(await itemOf('<item><description>Nur Text</description></item>')).toEqual({ summary: 'Nur Text' });
  });

  it('the channel title falls back to dc:title and is read as text; without a channel link the fetched URL is the base', async () => {
    const dc = await read('<item><title>M</title></item>', '<dc:title>DC-Titel</dc:title>');
    expect(dc.title).toBe('DC-Titel');
    expect(dc.baseUrl).toBe(URL_FETCHED);
    expect(dc).not.toHaveProperty('link');
    expect((await read('<item><title>N</title></item>', '<title>Kernel &amp;lt;b&amp;gt;</title>')).title).toBe('Kernel <b>');
  });
});

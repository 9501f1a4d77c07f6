import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../src/parse/parse-feed.js';

const URL_FETCHED = 'https://feed.example/atom.xml';

async function read(entries: string, head = '<title>T</title>') {
  return parseFeed(`<feed xmlns="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">${head}${entries}</feed>`, { url: URL_FETCHED });
}
async function entryOf(xml: string, head?: string) {
  const feed = await read(xml, head);
  expect(feed.items).toHaveLength(1);
  return feed.items[0];
}

describe('Atom entries: links', () => {
  it('without a link, an http(s) id is the link', async () => {
    expect(await entryOf('<entry><id> https://a.example/1 </id><title>A</title></entry>')).toEqual({ guid: 'https://a.example/1', link: 'https://a.example/1', title: 'A' });
  });

  it('an HTML alternate beats another type; enclosures are links with rel="enclosure"; other relations are ignored', async () => {
    expect(await entryOf('<entry><id>urn:x:1</id><title>B</title><link rel="alternate" type="application/atom+xml" href="https://a.example/atom"/><link href="https://a.example/html"/><link rel="enclosure" href="/e.mp3" type="audio/mpeg" length="5"/><link rel="related" href="https://r.example/"/></entry>')).toEqual({
      guid: 'urn:x:1', link: 'https://a.example/html', enclosures: [{ url: 'https://feed.example/e.mp3', type: 'audio/mpeg', length: 5 }], title: 'B',
    });
  });

  it('of two HTML alternates the first; a link written as text content counts too', async () => {
    expect((await entryOf('<entry><title>C</title><link type="text/html" href="https://a.example/first"/><link type="text/html" href="https://a.example/second"/></entry>'))?.link).toBe('https://a.example/first');
    expect((await entryOf('<entry><title>C2</title><link>https://a.example/text-link</link></entry>'))?.link).toBe('https://a.example/text-link');
  });
});

describe('Atom entries: dates', () => {
  it('published and a different updated; updated alone dates the entry; Atom 0.3 issued, modified and created', async () => {
    expect(await entryOf('<entry><title>D</title><published>2025-01-01T00:00:00Z</published><updated>2025-01-02T00:00:00Z</updated></entry>')).toEqual({ title: 'D', published: '2025-01-01T00:00:00Z', updated: '2025-01-02T00:00:00Z' });
    expect(await entryOf('<entry><title>E</title><updated>2025-01-02T00:00:00Z</updated></entry>')).toEqual({ title: 'E', published: '2025-01-02T00:00:00Z' });
    expect(await entryOf('<entry><title>E2</title><issued>2025-01-01T00:00:00Z</issued><modified>2025-01-01T00:00:00Z</modified></entry>')).toEqual({ title: 'E2', published: '2025-01-01T00:00:00Z' });
    expect(await entryOf('<entry><title>E3</title><created>2025-01-03T00:00:00Z</created></entry>')).toEqual({ title: 'E3', published: '2025-01-03T00:00:00Z' });
  });
});

describe('Atom entries: authors and categories', () => {
  const head = '<title>T</title><author><name>Feed-Autor</name></author>';

  it('the entry\'s authors, else its dc:creator, else the feed\'s authors', async () => {
    expect((await entryOf('<entry><title>F</title><author><name> Ada </name></author><author><name></name></author><dc:creator>Creator</dc:creator></entry>', head))?.author).toBe('Ada');
    expect((await entryOf('<entry><title>F2</title><dc:creator> Creator </dc:creator></entry>', head))?.author).toBe('Creator');
    expect((await entryOf('<entry><title>F3</title></entry>', head))?.author).toBe('Feed-Autor');
  });

  it('a category\'s label, else its term; blank ones are dropped', async () => {
    expect((await entryOf('<entry><title>G</title><category term="kernel" label="Kernel"/><category term="rust"/><category term=" "/></entry>'))?.categories).toEqual(['Kernel', 'rust']);
  });
});

describe('Atom text constructs', () => {
  it('text is escaped, html kept, text/* MIME types are text', async () => {
    expect(await entryOf('<entry><title type="text">a &lt;b&gt;</title><summary type="html">&lt;p&gt;s&lt;/p&gt;</summary><content type="text/plain">c &amp; d</content></entry>')).toEqual({
      title: 'a &lt;b&gt;', summary: '<p>s</p>', content: 'c &amp; d',
    });
  });

  it('content by reference (src) and types that are no text are left out', async () => {
    expect(await entryOf('<entry><title>H</title><content src="https://a.example/c"/><summary type="image/png">x</summary></entry>')).toEqual({ title: 'H' });
  });

  it('Atom 0.3 base64: decoded when it is UTF-8 text, else left out', async () => {
    expect((await entryOf('<entry><title>I</title><content type="text/html" mode="base64">PHA+SGFsbG88L3A+</content></entry>'))?.content).toBe('<p>Hallo</p>');
    expect(await entryOf('<entry><title>I2</title><content mode="base64">!!!</content><summary mode="BASE64">/w==</summary></entry>')).toEqual({ title: 'I2' });
  });
});

describe('Atom bases', () => {
  it('the xml:base of the HTML shown (content, else summary) is the item\'s base; an entry\'s xml:base resolves its links', async () => {
    expect(await entryOf('<entry><title>J</title><summary xml:base="https://s.example/dir/">x</summary></entry>')).toEqual({ title: 'J', summary: 'x', baseUrl: 'https://s.example/dir/' });
    expect(await entryOf('<entry xml:base="https://e.example/d/"><title>K</title><link href="k"/><content xml:base="sub/">x</content></entry>')).toEqual({
      link: 'https://e.example/d/k', title: 'K', content: 'x', baseUrl: 'https://e.example/d/sub/',
    });
  });

  it('titles fall back to dc:title, for entry and feed; the feed link is its alternate', async () => {
    const feed = await read('<entry><title> </title><dc:title>DC</dc:title></entry>', '<dc:title>Feed DC</dc:title><link href="https://home.example/"/>');
    expect(feed.title).toBe('Feed DC');
    expect(feed.link).toBe('https://home.example/');
    expect(feed.items).toEqual([{ title: 'DC' }]);
  });
});

describe('Atom entries: out-of-line content', () => {
  it('content with a src is not the text, even when a feed writes text into it as well (RFC 4287 §4.1.3.2: it must be empty)', async () => {
    expect(await entryOf('<entry><title>F</title><summary>Kurz</summary><content type="html" src="https://a.example/f.html">&lt;p&gt;nicht dies&lt;/p&gt;</content></entry>')).toEqual({ title: 'F', summary: 'Kurz' });
  });
});

import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../src/parse/parse-feed.js';
import { parseJsonFeed } from '../../src/parse/parse-json-feed.js';

const URL_FETCHED = 'https://feed.example/blog/feed.json';
const V11 = 'https://jsonfeed.org/version/1.1';

function json(doc: unknown): string {
  return JSON.stringify(doc);
}

async function read(doc: unknown, url = URL_FETCHED) {
  return parseFeed(typeof doc === 'string' ? doc : json(doc), { url });
}

async function refusal(text: string): Promise<{ code: string; message: string }> {
  try {
    await parseFeed(text, { url: URL_FETCHED });
  } catch (err) {
    const { code, message } = err as { code: string; message: string };
    return { code, message };
  }
  throw new Error('expected a refusal');
}

describe('JSON Feed: what is refused, with which code', () => {
  it('broken JSON is FK_PARSE with the parser message on one line', async () => {
    // V8 quotes the text around the error, line breaks included.
    const broken = await refusal('{"a": \n\nx}');
    expect(broken.code).toBe('FK_PARSE');
    expect(broken.message).toMatch(/^broken JSON: \S/);
    expect(broken.message).toContain('"{"a": x}"');
    expect(broken.message).not.toMatch(/\n/);
    await expect(parseFeed('{"a": x}', { url: URL_FETCHED })).rejects.toMatchObject({ cause: expect.any(SyntaxError) });
  });

  it('a JSON document that is not an object is FK_NOT_A_FEED', () => {
    // parseFeed sends only text starting with "{" here; the check guards direct callers.
    for (const text of ['[{"version": "https://jsonfeed.org/version/1.1"}]', 'null', '"https://jsonfeed.org/version/1.1"']) {
      expect(() => parseJsonFeed(text, URL_FETCHED), text).toThrow(expect.objectContaining({
        code: 'FK_NOT_A_FEED', message: 'the JSON document is not an object, so not a JSON Feed',
      }));
    }
  });

  it('only a leading byte order mark is removed: one inside a value stays', async () => {
    // No leading one here: a replace of "the first" BOM anywhere would take the one in the value.
    const feed = await read(json({ version: V11, items: [{ id: 'a\uFEFFb' }] }));
    expect(feed.items[0]?.guid).toBe('a\uFEFFb');
  });

  it('a byte order mark before the object is no reason to refuse', async () => {
    const feed = await read(`\uFEFF${json({ version: V11, items: [{ id: '1' }] })}`);
    expect(feed.format).toBe('jsonfeed1.1');
    expect(feed.items).toEqual([{ guid: '1' }]);
  });

  it('without a version, or with an unknown one, the object is not a JSON Feed', async () => {
    expect(await refusal(json({ title: 'x', items: [] }))).toEqual({ code: 'FK_NOT_A_FEED', message: 'the JSON document has no JSON Feed "version"' });
    expect(await refusal(json({ version: 11, items: [] }))).toEqual({ code: 'FK_NOT_A_FEED', message: 'the JSON document has no JSON Feed "version"' });
    const unknown = await refusal(json({ version: 'https://jsonfeed.org/version/2\n\t beta', items: [] }));
    expect(unknown).toEqual({ code: 'FK_NOT_A_FEED', message: 'unknown JSON Feed version "https://jsonfeed.org/version/2 beta"' });
    const long = await refusal(json({ version: `v${'9'.repeat(200)}` }));
    expect(long.message).toBe(`unknown JSON Feed version "v${'9'.repeat(79)}"`);
    for (const version of ['https://jsonfeed.org/version/1.2', 'xhttps://jsonfeed.org/version/1', 'https://jsonfeed.org/version/1.1/x', 'https://jsonfeedXorg/version/1']) {
      expect((await refusal(json({ version, items: [] }))).code, version).toBe('FK_NOT_A_FEED');
    }
  });

  it('"items" that is not an array is FK_PARSE; no "items" is an empty feed', async () => {
    expect(await refusal(json({ version: V11, items: { id: '1' } }))).toEqual({ code: 'FK_PARSE', message: 'JSON Feed "items" is not an array' });
    expect((await read({ version: V11, title: 'Leer' })).items).toEqual([]);
  });
});

describe('JSON Feed: versions and feed fields', () => {
  it('knows 1.0 and 1.1, over http or https, with or without a trailing slash', async () => {
    const cases: [string, string][] = [
      ['https://jsonfeed.org/version/1', 'jsonfeed1.0'],
      ['http://jsonfeed.org/version/1/', 'jsonfeed1.0'],
      ['https://jsonfeed.org/version/1.1/', 'jsonfeed1.1'],
      ['http://jsonfeed.org/version/1.1', 'jsonfeed1.1'],
    ];
    for (const [version, format] of cases) expect((await read({ version, items: [] })).format, version).toBe(format);
  });

  it('the home page is the base of relative links when it is a web address, else the fetched URL', async () => {
    const item = { id: 'a', url: 'artikel/1' };
    const withHome = await read({ version: V11, home_page_url: ' https://blog.example/de/ ', items: [item] });
    expect(withHome.link).toBe('https://blog.example/de/');
    expect(withHome.baseUrl).toBe('https://blog.example/de/');
    expect(withHome.items[0]?.link).toBe('https://blog.example/de/artikel/1');
    const relativeHome = await read({ version: V11, home_page_url: '/start/', items: [item] });
    expect(relativeHome.link).toBe('https://feed.example/start/');
    expect(relativeHome.items[0]?.link).toBe('https://feed.example/start/artikel/1');
    for (const home of ['mailto:redaktion@blog.example', '', 42]) {
      const feed = await read({ version: V11, home_page_url: home, items: [item] });
      expect(feed.link, String(home)).toBeUndefined();
      expect(feed.baseUrl).toBe(URL_FETCHED);
      expect(feed.items[0]?.link).toBe('https://feed.example/blog/artikel/1');
    }
  });

  it('the title is read as text (markup in it is text), and left out when blank', async () => {
    expect((await read({ version: V11, title: '  Kernel & <Co>  ', items: [] })).title).toBe('Kernel & <Co>');
    const untitled = await read({ version: V11, title: '   ', items: [] });
    expect('title' in untitled).toBe(false);
    expect('link' in untitled).toBe(false);
    expect(untitled.warnings).toBeUndefined();
  });
});

describe('JSON Feed: items', () => {
  it('reads every field of a full 1.1 item', async () => {
    const feed = await read({
      version: V11,
      home_page_url: 'https://blog.example/',
      items: [{
        id: ' urn:x:1 ',
        url: '/a?b=1',
        external_url: 'https://elsewhere.example/',
        title: ' Rust & <Linux> ',
        summary: ' Kurz > lang ',
        content_html: '<p>HTML</p>',
        content_text: 'Text',
        date_published: '2025-04-15T11:23:00+02:00',
        date_modified: '2025-04-16T08:00:00+02:00',
        authors: [{ name: ' Ada ' }, { name: '' }, { url: 'https://x.example/' }, 'Bob', null, { name: 'Linus' }],
        tags: [' Kernel ', '', '   ', 7, 'Rust'],
        attachments: [
          { url: 'folge.mp3', mime_type: ' audio/mpeg ', size_in_bytes: 4096 },
          { url: 'ftp://files.example/x.iso', size_in_bytes: 1 },
          'https://blog.example/not-an-object.mp3',
          null,
          { url: 'https://cdn.example/b.ogg', size_in_bytes: 0 },
          { url: 'https://cdn.example/c.ogg', size_in_bytes: -5, mime_type: '' },
          { url: 'https://cdn.example/d.ogg', size_in_bytes: 1.5 },
          { url: 'https://cdn.example/e.ogg', size_in_bytes: '300' },
          { url: 'https://cdn.example/f.ogg', size_in_bytes: 2 ** 60 },
          { url: 'https://cdn.example/g.ogg', size_in_bytes: 1 },
        ],
      }],
    });
    expect(feed.items).toEqual([{
      guid: 'urn:x:1',
      link: 'https://blog.example/a?b=1',
      title: 'Rust &amp; &lt;Linux&gt;',
      summary: 'Kurz &gt; lang',
      content: '<p>HTML</p>',
      published: '2025-04-15T11:23:00+02:00',
      updated: '2025-04-16T08:00:00+02:00',
      author: 'Ada, Linus',
      categories: ['Kernel', 'Rust'],
      enclosures: [
        { url: 'https://blog.example/folge.mp3', type: 'audio/mpeg', length: 4096 },
        { url: 'https://cdn.example/b.ogg' },
        { url: 'https://cdn.example/c.ogg' },
        { url: 'https://cdn.example/d.ogg' },
        { url: 'https://cdn.example/e.ogg' },
        { url: 'https://cdn.example/f.ogg' },
        { url: 'https://cdn.example/g.ogg', length: 1 },
      ],
    }]);
  });

  it('an empty item stays an item with nothing set', async () => {
    const feed = await read({ version: V11, items: [{}, { id: '  ', url: ' ', title: '', tags: 'Kernel', attachments: { url: 'https://x.example/a' } }] });
    // Strict: a field that is absent must not be there as undefined either.
    expect(feed.items).toStrictEqual([{}, {}]);
    const partial = await read({ version: V11, items: [{ id: 'x', attachments: [{ url: 'https://c.example/a', mime_type: ' ', size_in_bytes: 0 }] }] });
    expect(partial.items[0]?.enclosures).toStrictEqual([{ url: 'https://c.example/a' }]);
  });

  it('entries that are not objects are skipped', async () => {
    const feed = await read({ version: V11, items: ['x', null, [{ id: 'nested' }], 3, { id: 'real' }] });
    expect(feed.items).toEqual([{ guid: 'real' }]);
  });

  it('numeric ids become strings; external_url is the link when url is missing; an unresolvable link is kept as written', async () => {
    const feed = await read({ version: 'https://jsonfeed.org/version/1', items: [
      { id: 42, external_url: 'https://docker.example/blog/' },
      { id: 0, url: 'http://[broken' },
      { id: true, url: '  ' , external_url: 'https://ext.example/' },
    ] });
    expect(feed.items).toEqual([
      { guid: '42', link: 'https://docker.example/blog/' },
      { guid: '0', link: 'http://[broken' },
      { link: 'https://ext.example/' },
    ]);
  });

  it('plain text content is escaped and keeps its line breaks; HTML content wins over it', async () => {
    const feed = await read({ version: V11, items: [
      { id: '1', content_text: 'Zeile <1> & so\r\nZeile 2\nZeile 3' },
      { id: '2', content_html: '  ', content_text: 'nur Text' },
    ] });
    expect(feed.items[0]?.content).toBe('Zeile &lt;1&gt; &amp; so<br>\nZeile 2<br>\nZeile 3');
    expect(feed.items[1]?.content).toBe('nur Text');
  });

  it('dates: modified stands in for a missing published date; updated only when it differs', async () => {
    const feed = await read({ version: V11, items: [
      { id: '1', date_modified: ' 2025-01-02T00:00:00Z ' },
      { id: '2', date_published: '2025-01-01T00:00:00Z', date_modified: '2025-01-01T00:00:00Z' },
      { id: '3', date_published: '2025-01-01T00:00:00Z' },
      { id: '4', date_published: '', date_modified: 5 },
    ] });
    expect(feed.items).toEqual([
      { guid: '1', published: '2025-01-02T00:00:00Z' },
      { guid: '2', published: '2025-01-01T00:00:00Z' },
      { guid: '3', published: '2025-01-01T00:00:00Z' },
      { guid: '4' },
    ]);
  });

  it('authors: the item\'s own (1.1 list or 1.0 object) before the feed\'s', async () => {
    const v11 = await read({ version: V11, authors: [{ name: 'Redaktion' }], items: [
      { id: '1' },
      { id: '2', authors: [{ name: 'Ada' }] },
      { id: '3', authors: [] },
      { id: '4', author: { name: 'Alt' }, authors: 'kein Array' },
    ] });
    expect(v11.items.map((i) => i.author)).toEqual(['Redaktion', 'Ada', 'Redaktion', 'Alt']);
    const v10 = await read({ version: 'https://jsonfeed.org/version/1', author: { name: 'Feed-Autor' }, items: [
      { id: '1' },
      { id: '2', author: { name: 'Grace' } },
      { id: '3', author: 'Nur ein String' },
      { id: '4', author: [{ name: 'Liste' }] },
    ] });
    expect(v10.items.map((i) => i.author)).toEqual(['Feed-Autor', 'Grace', 'Feed-Autor', 'Feed-Autor']);
    const none = await read({ version: V11, items: [{ id: '1' }] });
    expect('author' in none.items[0]!).toBe(false);
  });
});

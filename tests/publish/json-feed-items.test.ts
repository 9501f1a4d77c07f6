import { describe, expect, it } from 'vitest';
import type { FeedItem, FeedModel } from '../../src/publish/feed-model.js';
import { joinJsonFeed, renderJsonFeed, renderJsonFeedHead, renderJsonFeedItem } from '../../src/publish/render-json-feed.js';

const URLS = { rss: 'https://f.example/feed.xml', atom: 'https://f.example/feed.atom', json: 'https://f.example/feed.json', html: 'https://f.example/' };

function feedItem(overrides: Partial<FeedItem> = {}): FeedItem {
  return {
    articleId: 'abc', guid: 'urn:feedkurator:abc', title: 'Kernel 6.12', url: 'https://a.example/k', hasOriginalLink: true,
    published: new Date('2026-11-20T08:00:00Z'), updated: new Date('2026-11-21T08:00:00Z'), changed: new Date('2026-11-21T08:00:00Z'),
    summary: '', contentHtml: '', source: { name: 'heise online' }, topics: [{ name: 'kernel', title: 'Kernel' }], alsoAt: [], why: [], enclosures: [],
    ...overrides,
  };
}

const parse = (text: string) => JSON.parse(text) as Record<string, unknown>;

describe('renderJsonFeedItem', () => {
  it('a bare item: content from the title, the source as author, no summary, no attachments', () => {
    const item = parse(renderJsonFeedItem(feedItem({ title: 'A & <B>' }), 'de'));
    expect(item).toEqual({
      id: 'urn:feedkurator:abc',
      url: 'https://a.example/k',
      title: 'A & <B>',
      content_html: '<p>A &amp; &lt;B&gt;</p>',
      date_published: '2026-11-20T08:00:00.000Z',
      date_modified: '2026-11-21T08:00:00.000Z',
      authors: [{ name: 'heise online' }],
      tags: ['kernel'],
      language: 'de',
      _feedkurator: { article_id: 'abc', source: { name: 'heise online' }, topics: [{ name: 'kernel', title: 'Kernel' }], also_at: [] },
    });
  });

  it('a full item: its HTML, summary, author with the site, attachments with sizes, outlets with and without link', () => {
    const item = parse(renderJsonFeedItem(feedItem({
      contentHtml: '<p>Text</p>', summary: 'Kurz', author: 'Ada',
      source: { name: 'golem.de', feedUrl: 'https://rss.golem.de/rss.php', siteUrl: 'https://www.golem.de/' },
      enclosures: [{ url: 'https://cdn.example/a.mp3', type: 'audio/mpeg', length: 42 }, { url: 'https://cdn.example/b.ogg', type: 'audio/ogg' }],
      alsoAt: [{ source: 'heise', title: 'Auch', url: 'https://heise.example/x' }, { source: 'Blog', title: 'Ohne Link' }],
    }), 'en'));
    expect(item).toMatchObject({
      content_html: '<p>Text</p>',
      summary: 'Kurz',
      authors: [{ name: 'Ada', url: 'https://www.golem.de/' }],
      language: 'en',
      attachments: [{ url: 'https://cdn.example/a.mp3', mime_type: 'audio/mpeg', size_in_bytes: 42 }, { url: 'https://cdn.example/b.ogg', mime_type: 'audio/ogg' }],
      _feedkurator: {
        source: { name: 'golem.de', feed_url: 'https://rss.golem.de/rss.php' },
        also_at: [{ source: 'heise', title: 'Auch', url: 'https://heise.example/x' }, { source: 'Blog', title: 'Ohne Link' }],
      },
    });
  });

  it('is indented as the second level of the document and keeps "</" inert', () => {
    const text = renderJsonFeedItem(feedItem({ contentHtml: '<p>a</p><script>x</script>' }), 'de');
    expect(text.startsWith('    {\n      "id": ')).toBe(true);
    expect(text.endsWith('\n    }')).toBe(true);
    expect(text).not.toContain('</');
    expect(text).toContain('<p>a<\\/p><script>x<\\/script>');
    expect(parse(text)['content_html']).toBe('<p>a</p><script>x</script>');
  });
});

describe('the JSON Feed document', () => {
  const model: FeedModel = {
    title: 'Linux </title>', description: 'Auswahl', language: 'de', homeUrl: 'https://f.example/', updated: new Date('2026-11-21T08:00:00Z'),
    items: [feedItem(), feedItem({ articleId: 'def', guid: 'urn:feedkurator:def' })],
  };

  it('is what JSON.stringify(document, null, 2) writes, item by item', () => {
    const text = renderJsonFeed(model, URLS);
    const doc = parse(text);
    expect(text).toBe(`${JSON.stringify(doc, null, 2).replace(/<\//g, '<\\/')}\n`);
    expect(doc).toMatchObject({
      version: 'https://jsonfeed.org/version/1.1', title: 'Linux </title>', home_page_url: 'https://f.example/', feed_url: URLS.json,
      description: 'Auswahl', language: 'de', authors: [{ name: 'feedkurator', url: 'https://f.example/' }],
    });
    expect((doc['items'] as { id: string }[]).map((i) => i.id)).toEqual(['urn:feedkurator:abc', 'urn:feedkurator:def']);
  });

  it('without items, "items" is an empty array written the same way', () => {
    const text = joinJsonFeed(renderJsonFeedHead({ ...model, items: [] }, URLS), []);
    expect(text).toBe(`${JSON.stringify(parse(text), null, 2).replace(/<\//g, '<\\/')}\n`);
    expect(parse(text)['items']).toEqual([]);
  });
});

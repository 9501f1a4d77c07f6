import { describe, expect, it } from 'vitest';
import type { FeedItem, FeedModel } from '../../src/publish/feed-model.js';
import { ATOM_TAIL, joinDocument, renderAtom, renderAtomEntry, renderAtomHead, renderRss, renderRssHead, renderRssItem, RSS_TAIL } from '../../src/publish/render-xml-feeds.js';
import { parseStrictXml } from './strict-xml.js';

const URLS = { rss: 'https://f.example/feed.xml?a=1&b=2', atom: 'https://f.example/feed.atom', json: 'https://f.example/feed.json' };

function feedItem(overrides: Partial<FeedItem> = {}): FeedItem {
  return {
    articleId: 'abc', guid: 'urn:feedkurator:abc', title: 'Kernel <6.12> & mehr', url: 'https://a.example/k?x=1&y=2', hasOriginalLink: true,
    published: new Date('2026-11-20T08:00:00Z'), updated: new Date('2026-11-21T08:00:00Z'), changed: new Date('2026-11-21T08:00:00Z'),
    summary: '', contentHtml: '', source: { name: 'heise online' }, topics: [], alsoAt: [], why: [], enclosures: [],
    ...overrides,
  };
}

const full = feedItem({
  summary: 'a < b', contentHtml: '<p>Text</p>', author: 'Ada',
  source: { name: 'golem.de', feedUrl: 'https://rss.golem.de/rss.php?feed=RSS2.0&x=1', siteUrl: 'https://www.golem.de/' },
  topics: [{ name: 'kernel', title: 'Kernel & Co' }, { name: 'hosting', title: 'Hosting' }],
  enclosures: [{ url: 'https://cdn.example/a.mp3', type: 'audio/mpeg', length: 42 }, { url: 'https://cdn.example/b.ogg', type: 'audio/ogg' }],
});

describe('RSS items', () => {
  it('a bare item: the title stands in for description and content, the source name for the creator', () => {
    expect(renderRssItem(feedItem())).toBe([
      '        <item>',
      '            <title>Kernel &lt;6.12&gt; &amp; mehr</title>',
      '            <link>https://a.example/k?x=1&amp;y=2</link>',
      '            <guid isPermaLink="false">urn:feedkurator:abc</guid>',
      '            <pubDate>Fri, 20 Nov 2026 08:00:00 GMT</pubDate>',
      '            <description>Kernel &amp;lt;6.12&amp;gt; &amp;amp; mehr</description>',
      '            <content:encoded>&lt;p&gt;Kernel &amp;lt;6.12&amp;gt; &amp;amp; mehr&lt;/p&gt;</content:encoded>',
      '            <dc:creator>heise online</dc:creator>',
      '        </item>',
    ].join('\n'));
  });

  it('a full item: categories, the first enclosure only, the author and the source feed', () => {
    expect(renderRssItem(full)).toBe([
      '        <item>',
      '            <title>Kernel &lt;6.12&gt; &amp; mehr</title>',
      '            <link>https://a.example/k?x=1&amp;y=2</link>',
      '            <guid isPermaLink="false">urn:feedkurator:abc</guid>',
      '            <pubDate>Fri, 20 Nov 2026 08:00:00 GMT</pubDate>',
      '            <description>a &amp;lt; b</description>',
      '            <content:encoded>&lt;p&gt;Text&lt;/p&gt;</content:encoded>',
      '            <category>kernel</category>',
      '            <category>hosting</category>',
      '            <enclosure length="42" type="audio/mpeg" url="https://cdn.example/a.mp3"/>',
      '            <dc:creator>Ada</dc:creator>',
      '            <source url="https://rss.golem.de/rss.php?feed=RSS2.0&amp;x=1">golem.de</source>',
      '        </item>',
    ].join('\n'));
  });

  it('an enclosure without a length says 0, as RSS requires the attribute', () => {
    expect(renderRssItem(feedItem({ enclosures: [{ url: 'https://cdn.example/b.ogg', type: 'audio/ogg' }] }))).toContain('<enclosure length="0" type="audio/ogg" url="https://cdn.example/b.ogg"/>');
  });
});

describe('Atom entries', () => {
  it('a bare entry: no summary, the title as content, a source with its name only', () => {
    expect(renderAtomEntry(feedItem())).toBe([
      '    <entry>',
      '        <title type="text">Kernel &lt;6.12&gt; &amp; mehr</title>',
      '        <id>urn:feedkurator:abc</id>',
      '        <link href="https://a.example/k?x=1&amp;y=2"/>',
      '        <updated>2026-11-21T08:00:00.000Z</updated>',
      '        <content type="html">&lt;p&gt;Kernel &amp;lt;6.12&amp;gt; &amp;amp; mehr&lt;/p&gt;</content>',
      '        <author>',
      '            <name>heise online</name>',
      '        </author>',
      '        <published>2026-11-20T08:00:00.000Z</published>',
      '        <source><title>heise online</title></source>',
      '    </entry>',
    ].join('\n'));
  });

  it('a full entry: summary, categories with labels, every enclosure, the source feed and site', () => {
    expect(renderAtomEntry(full)).toBe([
      '    <entry>',
      '        <title type="text">Kernel &lt;6.12&gt; &amp; mehr</title>',
      '        <id>urn:feedkurator:abc</id>',
      '        <link href="https://a.example/k?x=1&amp;y=2"/>',
      '        <updated>2026-11-21T08:00:00.000Z</updated>',
      '        <summary type="text">a &lt; b</summary>',
      '        <content type="html">&lt;p&gt;Text&lt;/p&gt;</content>',
      '        <author>',
      '            <name>Ada</name>',
      '        </author>',
      '        <category label="Kernel &amp; Co" term="kernel"/>',
      '        <category label="Hosting" term="hosting"/>',
      '        <published>2026-11-20T08:00:00.000Z</published>',
      '        <link rel="enclosure" type="audio/mpeg" href="https://cdn.example/a.mp3" length="42"/>',
      '        <link rel="enclosure" type="audio/ogg" href="https://cdn.example/b.ogg"/>',
      '        <source><id>https://rss.golem.de/rss.php?feed=RSS2.0&amp;x=1</id><title>golem.de</title>'
        + '<link rel="self" href="https://rss.golem.de/rss.php?feed=RSS2.0&amp;x=1"/><link rel="alternate" type="text/html" href="https://www.golem.de/"/></source>',
      '    </entry>',
    ].join('\n'));
  });
});

describe('documents', () => {
  const model: FeedModel = {
    title: 'Linux & Co', description: 'Auswahl <neu>', language: 'de', homeUrl: 'https://f.example/', updated: new Date('2026-11-21T08:00:00Z'),
    items: [feedItem(), full],
  };

  it('RSS head and tail around the items, strictly parseable', () => {
    expect(renderRssHead(model, URLS)).toBe([
      '<?xml version="1.0" encoding="utf-8"?>',
      '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom">',
      '    <channel>',
      '        <title>Linux &amp; Co</title>',
      '        <link>https://f.example/</link>',
      '        <description>Auswahl &lt;neu&gt;</description>',
      '        <lastBuildDate>Sat, 21 Nov 2026 08:00:00 GMT</lastBuildDate>',
      '        <docs>https://validator.w3.org/feed/docs/rss2.html</docs>',
      '        <generator>feedkurator</generator>',
      '        <language>de</language>',
      '        <atom:link href="https://f.example/feed.xml?a=1&amp;b=2" rel="self" type="application/rss+xml"/>',
    ].join('\n'));
    const rss = renderRss(model, URLS);
    expect(rss).toBe(`${renderRssHead(model, URLS)}\n${renderRssItem(model.items[0]!)}\n${renderRssItem(full)}\n${RSS_TAIL}`);
    expect(parseStrictXml(rss).name).toBe('rss');
  });

  it('Atom head with a subtitle only when there is a description', () => {
    expect(renderAtomHead(model, URLS)).toBe([
      '<?xml version="1.0" encoding="utf-8"?>',
      '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">',
      '    <id>https://f.example/feed.atom</id>',
      '    <title>Linux &amp; Co</title>',
      '    <updated>2026-11-21T08:00:00.000Z</updated>',
      '    <generator>feedkurator</generator>',
      '    <author>',
      '        <name>feedkurator</name>',
      '        <uri>https://f.example/</uri>',
      '    </author>',
      '    <link rel="alternate" type="text/html" href="https://f.example/"/>',
      '    <link rel="self" href="https://f.example/feed.atom"/>',
      '    <subtitle>Auswahl &lt;neu&gt;</subtitle>',
    ].join('\n'));
    expect(renderAtomHead({ ...model, description: '' }, URLS)).not.toContain('subtitle');
    expect(parseStrictXml(renderAtom(model, URLS)).name).toBe('feed');
  });

  it('joinDocument: head and tail on their own lines, with or without items', () => {
    expect(joinDocument('H', [], ATOM_TAIL)).toBe('H\n</feed>');
    expect(joinDocument('H', ['a', 'b'], 'T')).toBe('H\na\nb\nT');
    expect(parseStrictXml(renderAtom({ ...model, items: [] }, URLS)).name).toBe('feed');
  });
});

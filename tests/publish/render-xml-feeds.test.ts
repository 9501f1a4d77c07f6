import { describe, expect, it } from 'vitest';
import type { FeedItem, FeedModel } from '../../src/publish/feed-model.js';
import { renderAtom, renderRss } from '../../src/publish/render-xml-feeds.js';
import { parseStrictXml } from './strict-xml.js';

const urls = { rss: 'https://f.example/feed.xml', atom: 'https://f.example/feed.atom', json: 'https://f.example/feed.json' };
const model: FeedModel = {
  title: 'Linux & <Co>',
  description: 'Nachrichten',
  language: 'de',
  homeUrl: 'https://f.example/',
  updated: new Date('2026-11-21T20:00:00Z'),
  items: [
    {
      articleId: 'a1',
      guid: 'urn:feedkurator:a1',
      title: 'Kernel "6.18" ]]> &amp; mehr',
      url: 'https://n.example/a?x=1&y=2',
      hasOriginalLink: true as boolean,
      published: new Date('2026-11-21T18:00:00Z'),
      updated: new Date('2026-11-21T19:00:00Z'),
      changed: new Date('2026-11-21T19:00:00Z'),
      summary: 'Teaser <b>',
      contentHtml: '<p>Text &amp; mehr</p>',
      source: { name: 'Quelle', feedUrl: 'https://n.example/rss?a=1&b=2', siteUrl: 'https://n.example/' },
      topics: [{ name: 'kernel', title: 'Kernel & Treiber' }],
      alsoAt: [] as FeedItem['alsoAt'],
      enclosures: [{ url: 'https://n.example/a.mp3', type: 'audio/mpeg', length: 42 }],
      // Fields the XML renderers do not read (the page's) may be added to FeedItem without touching this test.
    } as FeedItem,
  ],
};

describe('renderRss', () => {
  it('writes each value escaped once, the description escaped again as HTML, no CDATA', () => {
    const xml = renderRss(model, urls);
    parseStrictXml(xml);
    expect(xml).toBe(
      [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom">',
        '    <channel>',
        '        <title>Linux &amp; &lt;Co&gt;</title>',
        '        <link>https://f.example/</link>',
        '        <description>Nachrichten</description>',
        '        <lastBuildDate>Sat, 21 Nov 2026 20:00:00 GMT</lastBuildDate>',
        '        <docs>https://validator.w3.org/feed/docs/rss2.html</docs>',
        '        <generator>feedkurator</generator>',
        '        <language>de</language>',
        '        <atom:link href="https://f.example/feed.xml" rel="self" type="application/rss+xml"/>',
        '        <item>',
        '            <title>Kernel &quot;6.18&quot; ]]&gt; &amp;amp; mehr</title>',
        '            <link>https://n.example/a?x=1&amp;y=2</link>',
        '            <guid isPermaLink="false">urn:feedkurator:a1</guid>',
        '            <pubDate>Sat, 21 Nov 2026 18:00:00 GMT</pubDate>',
        '            <description>Teaser &amp;lt;b&amp;gt;</description>',
        '            <content:encoded>&lt;p&gt;Text &amp;amp; mehr&lt;/p&gt;</content:encoded>',
        '            <category>kernel</category>',
        '            <enclosure length="42" type="audio/mpeg" url="https://n.example/a.mp3"/>',
        '            <dc:creator>Quelle</dc:creator>',
        '            <source url="https://n.example/rss?a=1&amp;b=2">Quelle</source>',
        '        </item>',
        '    </channel>',
        '</rss>',
      ].join('\n'),
    );
  });
});

describe('renderAtom', () => {
  it('types titles and summaries as text, keeps the enclosure type and names the source', () => {
    const xml = renderAtom(model, urls);
    parseStrictXml(xml);
    expect(xml).toBe(
      [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">',
        '    <id>https://f.example/feed.atom</id>',
        '    <title>Linux &amp; &lt;Co&gt;</title>',
        '    <updated>2026-11-21T20:00:00.000Z</updated>',
        '    <generator>feedkurator</generator>',
        '    <author>',
        '        <name>feedkurator</name>',
        '        <uri>https://f.example/</uri>',
        '    </author>',
        '    <link rel="alternate" type="text/html" href="https://f.example/"/>',
        '    <link rel="self" href="https://f.example/feed.atom"/>',
        '    <subtitle>Nachrichten</subtitle>',
        '    <entry>',
        '        <title type="text">Kernel &quot;6.18&quot; ]]&gt; &amp;amp; mehr</title>',
        '        <id>urn:feedkurator:a1</id>',
        '        <link href="https://n.example/a?x=1&amp;y=2"/>',
        '        <updated>2026-11-21T19:00:00.000Z</updated>',
        '        <summary type="text">Teaser &lt;b&gt;</summary>',
        '        <content type="html">&lt;p&gt;Text &amp;amp; mehr&lt;/p&gt;</content>',
        '        <author>',
        '            <name>Quelle</name>',
        '        </author>',
        '        <category label="Kernel &amp; Treiber" term="kernel"/>',
        '        <published>2026-11-21T18:00:00.000Z</published>',
        '        <link rel="enclosure" type="audio/mpeg" href="https://n.example/a.mp3" length="42"/>',
        '        <source><id>https://n.example/rss?a=1&amp;b=2</id><title>Quelle</title><link rel="self" href="https://n.example/rss?a=1&amp;b=2"/><link rel="alternate" type="text/html" href="https://n.example/"/></source>',
        '    </entry>',
        '</feed>',
      ].join('\n'),
    );
  });

  it('writes a feed without items or description', () => {
    const xml = renderAtom({ ...model, description: '', items: [] }, urls);
    parseStrictXml(xml);
    expect(xml).not.toContain('<subtitle');
    expect(xml.endsWith('<link rel="self" href="https://f.example/feed.atom"/>\n</feed>')).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { commonFeedUrls, findFeedLinks } from '../../src/discover/find-feed-links.js';

describe('findFeedLinks', () => {
  it('finds RSS, Atom and JSON Feed alternate links, absolute, in document order, comment feeds last', () => {
    const html = `<!doctype html><html><head>
      <link rel="alternate" type="application/rss+xml" title="Blog &raquo; Kommentar-Feed" href="/comments/feed/">
      <link rel="stylesheet" type="text/css" href="a.css">
      <link rel="alternate" hreflang="en" href="/en/">
      <LINK REL="Alternate" TYPE="Application/Atom+XML; charset=utf-8" href="atom.xml">
      <link rel="alternate feed" type="application/feed+json" href="https://cdn.example.org/feed.json">
      <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
      <link rel="alternate" type="application/rss+xml" href="atom.xml">
      </head><body><link rel="alternate" type="application/rss+xml" href="//other.example.net/rss"></body></html>`;
    expect(findFeedLinks(html, 'https://example.org/blog/post')).toEqual([
      { url: 'https://example.org/blog/atom.xml', type: 'application/atom+xml' },
      { url: 'https://cdn.example.org/feed.json', type: 'application/feed+json' },
      { url: 'https://other.example.net/rss', type: 'application/rss+xml' },
      { url: 'https://example.org/comments/feed/', type: 'application/rss+xml', title: 'Blog » Kommentar-Feed' },
    ]);
  });

  it('resolves against <base href>', () => {
    const html = '<head><base href="https://static.example.org/site/"><link rel="alternate" type="application/rss+xml" href="rss.xml"></head>';
    expect(findFeedLinks(html, 'https://example.org/').map((l) => l.url)).toEqual(['https://static.example.org/site/rss.xml']);
  });

  it('finds nothing on a page without feed links', () => {
    expect(findFeedLinks('<p>Hallo <a href="/feed/">Feed</a></p>', 'https://example.org/')).toEqual([]);
  });
});

describe('commonFeedUrls', () => {
  it('tries the usual paths on the page’s origin', () => {
    expect(commonFeedUrls('https://example.org/blog/post?x=1')).toEqual([
      'https://example.org/feed/',
      'https://example.org/rss',
      'https://example.org/feed.xml',
      'https://example.org/atom.xml',
      'https://example.org/index.xml',
      'https://example.org/rss.xml',
      'https://example.org/feed.json',
    ]);
  });
});

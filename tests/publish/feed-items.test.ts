import { describe, expect, it } from 'vitest';
import { anchorFor, guidFor, listTopics, renderAlsoAtHtml, sortEntries, toFeedItem, validDate } from '../../src/publish/feed-model.js';
import type { CuratedEntry } from '../../src/types.js';
import { article, loadTestConfig } from '../fixtures/publish/german-linux-news.js';

const config = loadTestConfig();
const FALLBACK = new Date('2026-11-22T05:00:00.000Z');

function entry(overrides: Parameters<typeof article>[0], extra: Partial<CuratedEntry> = {}): CuratedEntry {
  return { article: article(overrides), topics: ['kernel'], alsoAt: [], ...extra };
}

describe('toFeedItem: dates', () => {
  it('published, updated (only when later) and changed (the later of first sight and update)', () => {
    const item = toFeedItem(entry({ id: 'a', title: 't', published: '2026-11-20T08:00:00.000Z', firstSeen: '2026-11-20T09:00:00.000Z', updated: '2026-11-21T08:00:00.000Z' }), config, FALLBACK);
    expect(item.published).toEqual(new Date('2026-11-20T08:00:00.000Z'));
    expect(item.updated).toEqual(new Date('2026-11-21T08:00:00.000Z'));
    expect(item.changed).toEqual(new Date('2026-11-21T08:00:00.000Z'));
    const earlier = toFeedItem(entry({ id: 'b', title: 't', published: '2026-11-20T08:00:00.000Z', firstSeen: '2026-11-20T09:00:00.000Z', updated: '2026-11-19T08:00:00.000Z' }), config, FALLBACK);
    expect(earlier.updated).toEqual(earlier.published);
    expect(earlier.changed).toEqual(new Date('2026-11-20T09:00:00.000Z'));
    const same = toFeedItem(entry({ id: 'c', title: 't', published: '2026-11-20T08:00:00.000Z', updated: '2026-11-20T08:00:00.000Z' }), config, FALLBACK);
    expect(same.updated).toEqual(same.published);
  });

  it('an unreadable date falls back to first sight, then to the build time', () => {
    const noPublished = toFeedItem(entry({ id: 'd', title: 't', published: 'kaputt', firstSeen: '2026-11-19T00:00:00.000Z' }), config, FALLBACK);
    expect(noPublished.published).toEqual(new Date('2026-11-19T00:00:00.000Z'));
    const nothing = toFeedItem(entry({ id: 'e', title: 't', published: 'kaputt', firstSeen: '' }), config, FALLBACK);
    expect(nothing.published).toEqual(FALLBACK);
    expect(nothing.changed).toEqual(FALLBACK);
  });

  it('validDate takes 1970 to 9999 only', () => {
    expect(validDate(undefined)).toBeUndefined();
    expect(validDate('')).toBeUndefined();
    expect(validDate('nie')).toBeUndefined();
    expect(validDate('1970-01-01T00:00:00.000Z')).toEqual(new Date(0));
    expect(validDate('1969-12-31T23:59:59.999Z')).toBeUndefined();
    expect(validDate('9999-12-31T23:59:59.999Z')).toEqual(new Date('9999-12-31T23:59:59.999Z'));
    expect(validDate('+010000-01-01T00:00:00.000Z')).toBeUndefined();
  });
});

describe('toFeedItem: text, links and sources', () => {
  it('cleans the title; without one it says so; without an http(s) link the item points at its anchor on our page', () => {
    const item = toFeedItem(entry({ id: 'x/1', title: '  \u0001 ', link: 'javascript:alert(1)' }), config, FALLBACK);
    expect(item.title).toBe('(ohne Titel)');
    expect(item.url).toBe('http://feeds.example.org/linux/#a-x_1');
    expect(item.hasOriginalLink).toBe(false);
    expect(item.guid).toBe('urn:feedkurator:x%2F1');
    const linked = toFeedItem(entry({ id: 'y', title: ' Kernel\n 6.12 ', link: 'https://a.example/k' }), config, FALLBACK);
    expect(linked.title).toBe('Kernel 6.12');
    expect(linked.url).toBe('https://a.example/k');
    expect(linked.hasOriginalLink).toBe(true);
  });

  it('content: guarded HTML, else the summary as a paragraph, else nothing; then the outlets', () => {
    expect(toFeedItem(entry({ id: 'a', title: 't', content: '<p>x</p><script>y</script>', summary: 's' }), config, FALLBACK).contentHtml).toBe('<p>x</p>');
    expect(toFeedItem(entry({ id: 'b', title: 't', content: '', summary: ' a < b ' }), config, FALLBACK).contentHtml).toBe('<p>a &lt; b</p>');
    expect(toFeedItem(entry({ id: 'c', title: 't', content: '', summary: '' }), config, FALLBACK).contentHtml).toBe('');
    const withOutlets = toFeedItem(entry({ id: 'd', title: 't', content: '<p>x</p>' }, { alsoAt: [{ id: 'o', source: 'golem.de', title: 'Auch', link: 'https://golem.example/a' }] }), config, FALLBACK);
    expect(withOutlets.contentHtml).toBe('<p>x</p><p class="feedkurator-also-at">Auch bei: <a href="https://golem.example/a" title="Auch">golem.de</a></p>');
  });

  it('the author only when there is one, cleaned', () => {
    expect(toFeedItem(entry({ id: 'a', title: 't', author: ' Ada \n Lovelace ' }), config, FALLBACK).author).toBe('Ada Lovelace');
    expect(toFeedItem(entry({ id: 'b', title: 't' }), config, FALLBACK)).not.toHaveProperty('author');
  });

  it('the source: the first one, its configured feed and the site of its link (or the article\'s)', () => {
    const configured = toFeedItem(entry({ id: 'a', title: 't', link: 'https://www.golem.de/news/x.html', sources: [{ name: 'golem.de', firstSeen: '2026-11-20T08:00:00.000Z' }, { name: 'heise online', firstSeen: '2026-11-20T08:00:00.000Z' }] }), config, FALLBACK);
    expect(configured.source).toEqual({ name: 'golem.de', feedUrl: 'https://rss.golem.de/rss.php?feed=RSS2.0', siteUrl: 'https://www.golem.de/' });
    const ownLink = toFeedItem(entry({ id: 'b', title: 't', link: 'https://www.golem.de/x', sources: [{ name: 'Weg', link: 'https://blog.example:8080/p/1', firstSeen: '2026-11-20T08:00:00.000Z' }] }), config, FALLBACK);
    expect(ownLink.source).toEqual({ name: 'Weg', siteUrl: 'https://blog.example:8080/' });
    const none = toFeedItem(entry({ id: 'c', title: 't', sources: [] }), config, FALLBACK);
    expect(none.source).toEqual({ name: 'unbekannte Quelle' });
  });

  it('topics with their titles, and per topic the deciding terms (blank ones dropped)', () => {
    const item = toFeedItem(entry({ id: 'a', title: 't' }, { topics: ['kernel', 'hosting', 'gaming'], matches: { kernel: ['kernel', '  '], hosting: [' \u0001'], gaming: ['spiel'] } }), config, FALLBACK);
    expect(item.topics).toEqual([{ name: 'kernel', title: 'Kernel' }, { name: 'hosting', title: 'Hosting' }, { name: 'gaming', title: 'gaming' }]);
    expect(item.why).toEqual([{ topic: { name: 'kernel', title: 'Kernel' }, terms: ['kernel'] }, { topic: { name: 'gaming', title: 'gaming' }, terms: ['spiel'] }]);
    expect(toFeedItem(entry({ id: 'b', title: 't' }), config, FALLBACK).why).toEqual([]);
  });

  it('enclosures: http(s) only, a valid type kept or guessed from the file name, a length only when positive', () => {
    const item = toFeedItem(entry({ id: 'a', title: 't', enclosures: [
      { url: 'https://cdn.example/a.MP3', type: 'audio/mpeg', length: 10 },
      { url: 'https://cdn.example/b.ogg', type: 'kein typ', length: 0 },
      { url: 'https://cdn.example/c.pdf?x=1' },
      { url: 'https://cdn.example/d', type: '' },
      { url: 'https://cdn.example/e.JPG', length: -1 },
      { url: 'ftp://cdn.example/f.mp3' },
      { url: 'https://cdn.example/g.webm', type: 'video/webm; codecs=vp9' },
    ] }), config, FALLBACK);
    expect(item.enclosures).toEqual([
      { url: 'https://cdn.example/a.MP3', type: 'audio/mpeg', length: 10 },
      { url: 'https://cdn.example/b.ogg', type: 'audio/ogg' },
      { url: 'https://cdn.example/c.pdf?x=1', type: 'application/pdf' },
      { url: 'https://cdn.example/d', type: 'application/octet-stream' },
      { url: 'https://cdn.example/e.JPG', type: 'image/jpeg' },
      { url: 'https://cdn.example/g.webm', type: 'video/webm' },
    ]);
  });
});

describe('helpers of the model', () => {
  it('renderAlsoAtHtml: nothing without outlets; escaped links, plain names without a link', () => {
    expect(renderAlsoAtHtml([])).toBe('');
    expect(renderAlsoAtHtml([{ source: 'A&B', title: '"Zitat"', url: 'https://a.example/?x=1&y=2' }, { source: '<Blog>', title: 't' }])).toBe(
      '<p class="feedkurator-also-at">Auch bei: <a href="https://a.example/?x=1&amp;y=2" title="&quot;Zitat&quot;">A&amp;B</a>, &lt;Blog&gt;</p>',
    );
  });

  it('sortEntries: newest first, ties and unreadable dates by id', () => {
    const e = (id: string, published: string) => entry({ id, title: id, published });
    const sorted = sortEntries([e('b', '2026-11-20T08:00:00Z'), e('c', '2026-11-21T08:00:00Z'), e('a', '2026-11-20T08:00:00Z'), e('z', 'kaputt'), e('y', 'kaputt')]);
    expect(sorted.map((x) => x.article.id).slice(0, 3)).toEqual(['c', 'a', 'b']);
    expect(sortEntries([e('y', 'kaputt'), e('x', 'kaputt')]).map((x) => x.article.id)).toEqual(['x', 'y']);
    expect(sortEntries([e('b', '2026-11-20T08:00:00Z'), e('b', '2026-11-20T08:00:00Z')])).toHaveLength(2);
  });

  it('anchors and guids are safe for HTML ids and URNs', () => {
    expect(anchorFor('Ab9_-x.y/z ä')).toBe('a-Ab9_-x_y_z__');
    expect(guidFor('a b/ä')).toBe('urn:feedkurator:a%20b%2F%C3%A4');
  });

  it('listTopics: the configured title, else the name', () => {
    const topics = listTopics(loadTestConfig(`
server:
  baseUrl: http://feeds.example.org/
topics:
  kernel:
    title: "  Linux-Kernel  "
    include: [kernel]
  hosting:
    include: [hoster]
sources:
  - name: a
    url: https://a.example/feed
`));
    expect(topics).toEqual([{ name: 'kernel', title: 'Linux-Kernel' }, { name: 'hosting', title: 'hosting' }]);
  });
});

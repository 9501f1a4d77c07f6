import { describe, expect, it } from 'vitest';
import type { FeedItem, FeedModel } from '../../src/publish/feed-model.js';
import { renderPage } from '../../src/publish/render-page.js';

// renderPage keeps its date formats per time zone for the process: only the first render in a zone makes them,
// so the first test here (the first to render in Europe/Vienna) checks every format.
const ZONE = 'Europe/Vienna';

function item(id: string, published: string, overrides: Partial<FeedItem> = {}): FeedItem {
  const at = new Date(published);
  return {
    articleId: id, guid: `urn:feedkurator:${id}`, title: `Artikel ${id}`, url: `https://news.example/${id}`, hasOriginalLink: true,
    published: at, updated: at, changed: at, summary: '', contentHtml: '', source: { name: 'heise online' },
    topics: [], alsoAt: [], why: [], enclosures: [], ...overrides,
  };
}

function page(items: FeedItem[], sourceCount = 3, topics = [{ name: 'kernel', title: 'Kernel' }]): string {
  const model: FeedModel = {
    title: 'Linux-News', description: 'Kernel und mehr', language: 'de', homeUrl: 'https://news.example/',
    updated: new Date('2026-11-30T22:30:00.000Z'), items,
  };
  return renderPage({ model, topics, sourceCount, timezone: ZONE });
}

describe('renderPage: dates in the configured zone', () => {
  it('day headings, day keys, times and the status line in German, in that zone', () => {
    // 23:30 UTC on the 29th is 00:30 on the 30th in Vienna.
    const html = page([item('a', '2026-11-30T08:05:00.000Z'), item('b', '2026-11-29T23:30:00.000Z')]);
    expect(html).toContain('<h2 class="day"><time datetime="2026-11-30">Montag, 30. November 2026</time></h2>');
    expect(html).not.toContain('datetime="2026-11-29"');
    expect(html).toContain('<time datetime="2026-11-30T08:05:00.000Z">09:05 Uhr</time>');
    expect(html).toContain('<time datetime="2026-11-29T23:30:00.000Z">00:30 Uhr</time>');
    expect(html).toContain('<p>2 Artikel · zuletzt aktualisiert 30. November 2026 um 23:30 Uhr</p>');
  });
});

describe('renderPage: layout of the lists', () => {
  it('articles of a day, days, and subscribe rows each on their own line', () => {
    const html = page([item('a', '2026-11-30T10:00:00.000Z'), item('b', '2026-11-30T09:00:00.000Z'), item('c', '2026-11-28T09:00:00.000Z')]);
    expect(html).toContain('</article>\n<article id="a-b">');
    expect(html).toContain('</article>\n</section>\n<section aria-label="Samstag, 28. November 2026">');
    expect(html).toContain(
      '<ul>\n<li><span class="label">Alle Themen</span><a href="feed.xml">RSS</a><a href="feed.atom">Atom</a><a href="feed.json">JSON Feed</a></li>\n'
      + '<li><span class="label">Kernel</span><a href="topics/kernel.xml">RSS</a>',
    );
  });

  it('an article without teaser, other outlets or deciding terms has no empty blocks for them', () => {
    const html = page([item('a', '2026-11-30T10:00:00.000Z')]);
    const article = html.slice(html.indexOf('<article'), html.indexOf('</article>') + '</article>'.length);
    expect(article).toMatch(/<\/ul><\/div>\n<\/article>$/);
    expect(article).not.toContain('Stryker');
  });

  it('counts its sources: one Quelle, otherwise Quellen', () => {
    expect(page([item('a', '2026-11-30T10:00:00.000Z')], 1)).toContain('<footer>Kuratiert von feedkurator aus 1 Quelle · ');
    expect(page([item('a', '2026-11-30T10:00:00.000Z')], 2)).toContain('<footer>Kuratiert von feedkurator aus 2 Quellen · ');
    expect(page([], 1)).toContain('feedkurator hat in den 1 Quelle noch keinen Artikel zu den Themen Kernel gefunden.');
    expect(page([], 1)).toContain('<p>noch keine Artikel</p>');
    expect(page([], 4)).toContain('feedkurator hat in den 4 Quellen noch keinen Artikel');
  });
});

describe('renderPage: the teaser', () => {
  const teaserOf = (summary: string) => {
    const html = page([item('a', '2026-11-30T10:00:00.000Z', { summary })]);
    return /<p class="teaser">([^<]*)<\/p>/.exec(html)?.[1];
  };

  it('a summary of up to 240 characters is shown whole', () => {
    const exact = `${'Wort '.repeat(47)}Ende.`; // 240 characters
    expect(exact).toHaveLength(240);
    expect(teaserOf(exact)).toBe(exact);
  });

  it('a longer one is cut at the last blank of its first 240 characters, without trailing punctuation', () => {
    const summary = `${'Kernel '.repeat(30)}Treiber,; ${'x'.repeat(100)}`; // last blank of the first 240 at 219
    expect(teaserOf(summary)).toBe(`${'Kernel '.repeat(30)}Treiber …`);
  });

  it('a blank only early in the text (before 60 % of it) is not used: the cut is at 240', () => {
    const summary = `Kurz ${'x'.repeat(300)}`;
    expect(teaserOf(summary)).toBe(`${summary.slice(0, 240)} …`);
    // A blank just after 60 % (144 characters) is used.
    const later = `${'y'.repeat(145)} ${'z'.repeat(200)}`;
    expect(teaserOf(later)).toBe(`${'y'.repeat(145)} …`);
    // One at exactly 144 is not.
    const at = `${'y'.repeat(144)} ${'z'.repeat(200)}`;
    expect(teaserOf(at)).toBe(`${at.slice(0, 240)} …`);
  });
});

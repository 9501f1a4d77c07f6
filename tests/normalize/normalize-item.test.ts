import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../src/normalize/html-to-text.js';
import { normalizeItem } from '../../src/normalize/normalize-item.js';
import { sanitizeContent } from '../../src/normalize/sanitize-html.js';
import { decodeBody } from '../../src/parse/decode-body.js';
import { parseFeed } from '../../src/parse/parse-feed.js';
import { listFixtures, readFixtureBytes } from '../parse/run-fixture.js';

const ctx = { baseUrl: 'https://www.golem.de/', now: new Date('2025-06-01T12:00:00Z') };
const seedParagraph =
  'Es ist ein Paukenschlag in der Welt der Open-Source-Infrastruktur: Der CDN- und Cloud-Spezialist Akamai übernimmt das Hosting von kernel.org – der zentralen Plattform für die Entwicklung und Distribution des Linux-Kernels. Damit wird ein essenzielles Stück Internet-Infrastruktur künftig nicht mehr von klassischen Non-Profit-Hosts oder Universitätsrechnern getragen, sondern von einem börsennotierten Cloudanbieter mit Milliardenumsatz.';

describe('normalizeItem', () => {
  it('cuts the summary at a word boundary with an ellipsis, within the limit', () => {
    const item = normalizeItem({ title: 't', content: `<p>${seedParagraph}</p>` }, ctx);
    expect(item.summary.endsWith('…')).toBe(true);
    expect(Array.from(item.summary).length).toBeLessThanOrEqual(300);
    expect(seedParagraph.startsWith(item.summary.slice(0, -1))).toBe(true);
    expect(seedParagraph[item.summary.length - 1]).toBe(' ');
    const short = normalizeItem({ title: 't', summary: 'Kurz.' }, { ...ctx, summaryMaxChars: 80 });
    expect(short.summary).toBe('Kurz.');
    expect(Array.from(normalizeItem({ title: 't', summary: seedParagraph }, { ...ctx, summaryMaxChars: 80 }).summary).length).toBeLessThanOrEqual(80);
  });

  it('turns HTML titles and summaries into plain text with words kept apart', () => {
    const item = normalizeItem({ title: '  <b>Kernel</b>&nbsp;6.14\n\t&ndash;  <i>neu</i> ', summary: '<p>Eins</p><p>Zwei<br>Drei</p><ul><li>Vier</li></ul>' }, ctx);
    expect(item.title).toBe('Kernel 6.14 – neu');
    expect(item.summary).toBe('Eins Zwei Drei Vier');
  });

  it('takes the later updated date only when it is valid and after published', () => {
    const item = normalizeItem({ title: 't', published: '2025-04-15T10:00:00Z', updated: '2025-04-16T10:00:00Z' }, ctx);
    expect(item).toMatchObject({ published: '2025-04-15T10:00:00.000Z', updated: '2025-04-16T10:00:00.000Z' });
    expect(normalizeItem({ title: 't', published: '2025-04-15T10:00:00Z', updated: 'kaputt' }, ctx).updated).toBeUndefined();
    expect(normalizeItem({ title: 't', published: 'kaputt', updated: '2025-04-16T10:00:00Z' }, ctx)).toMatchObject({ published: '2025-04-16T10:00:00.000Z' });
  });

  it('cleans authors, categories and enclosures', () => {
    const item = normalizeItem(
      {
        title: 't',
        author: 'redaktion@golem.de (Golem Redaktion)',
        categories: ['Kernel', ' kernel ', '<b>Container</b>', ''],
        enclosures: [{ url: '/a.mp3', type: 'audio/mpeg', length: 5 }, { url: '/a.mp3' }, { url: 'javascript:x' }, { url: '/b.jpg', type: 'kaputt', length: -1 }],
      },
      ctx,
    );
    expect(item.author).toBe('Golem Redaktion');
    expect(item.categories).toEqual(['Kernel', 'Container']);
    expect(item.enclosures).toEqual([{ url: 'https://www.golem.de/a.mp3', type: 'audio/mpeg', length: 5 }, { url: 'https://www.golem.de/b.jpg' }]);
  });

  it('resolves against the item base (xml:base) before the feed base', () => {
    const item = normalizeItem({ title: 't', link: 'x.html', content: '<img src="i.png">', baseUrl: 'https://www.heise.de/news/' }, ctx);
    expect(item.link).toBe('https://www.heise.de/news/x.html');
    expect(item.content).toBe('<img src="https://www.heise.de/news/i.png" />');
  });
});

describe('the summary from the same walk as the content', () => {
  it('reads the sanitized content when the feed wrote no summary: words apart, code and hidden fallback gone', () => {
    const item = normalizeItem(
      { title: 't', content: '<p>Eins</p><p>Zwei<br>Drei &amp; <b>vier</b></p><script>track()</script><iframe src="https://v.example/">Kein Frame</iframe><ul><li>Fünf</li></ul>' },
      ctx,
    );
    expect(item.summary).toBe('Eins Zwei Drei & vier Fünf');
    expect(item.content).toBe('<p>Eins</p><p>Zwei<br />Drei &amp; <b>vier</b></p><ul><li>Fünf</li></ul>');
  });

  it('reads a summary-only item once: the summary is both the content and the text', () => {
    const item = normalizeItem({ title: 't', summary: 'Teaser mit <a href="/mehr">Link</a>,&nbsp;&amp;auml; und <object data="x.swf">Ersatztext</object>' }, ctx);
    expect(item.content).toBe('Teaser mit <a href="https://www.golem.de/mehr" rel="noopener noreferrer">Link</a>,\u00a0&amp;auml; und Ersatztext');
    expect(item.summary).toBe('Teaser mit Link, ä und Ersatztext');
  });

  it('prefers the written summary to the content text, and falls back when the summary has no text', () => {
    expect(normalizeItem({ title: 't', summary: '<p>Kurz</p>', content: '<p>Lang und breit</p>' }, ctx).summary).toBe('Kurz');
    expect(normalizeItem({ title: 't', summary: '<img src="/x.png">', content: '<p>Lang und breit</p>' }, ctx).summary).toBe('Lang und breit');
  });

  it('gives every fixture item the summary and content of the former two-pass way (sanitize, then parse again)', async () => {
    let compared = 0;
    for (const fixture of listFixtures()) {
      const expected = JSON.parse(readFileSync(new URL(fixture.expected, new URL('../fixtures/feeds/', import.meta.url)), 'utf8')) as { url: string; now: string; contentType?: string };
      let feed;
      try {
        feed = await parseFeed(decodeBody(readFixtureBytes(fixture.input), expected.contentType).text, { url: expected.url });
      } catch {
        continue; // the refused fixtures have no items
      }
      for (const raw of feed.items) {
        const base = raw.baseUrl ?? feed.baseUrl ?? expected.url;
        const content = sanitizeContent(raw.content ?? raw.summary ?? '', base);
        const twoPass = htmlToText(raw.summary ?? '') || htmlToText(content);
        const item = normalizeItem(raw, { baseUrl: feed.baseUrl ?? expected.url, now: new Date(expected.now), summaryMaxChars: 100_000 });
        expect(item.content, fixture.name).toBe(content);
        expect(item.summary, fixture.name).toBe(twoPass);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(40);
  });
});

describe('normalizeItem, field by field', () => {
  it('falls back for the title: written title, else the start of the text (100 chars), else the link, else "(ohne Titel)"', () => {
    expect(normalizeItem({ title: '<b></b>', summary: 'Nur ein Teaser.' }, ctx).title).toBe('Nur ein Teaser.');
    const long = normalizeItem({ summary: seedParagraph }, ctx).title;
    expect(Array.from(long).length).toBeLessThanOrEqual(100);
    expect(Array.from(long).length).toBeGreaterThan(80);
    expect(long.endsWith('…')).toBe(true);
    expect(normalizeItem({ link: '/artikel.html?utm_source=rss' }, ctx).title).toBe('https://www.golem.de/artikel.html');
    expect(normalizeItem({}, ctx)).toEqual({ title: '(ohne Titel)', summary: '', content: '', categories: [], enclosures: [], dateProblem: 'missing' });
  });

  it('keeps a trimmed guid and drops a blank one', () => {
    expect(normalizeItem({ title: 't', guid: '  urn:x:1 ' }, ctx).guid).toBe('urn:x:1');
    expect(normalizeItem({ title: 't', guid: '   ' }, ctx)).not.toHaveProperty('guid');
    expect(normalizeItem({ title: 't', link: 'javascript:alert(1)' }, ctx)).not.toHaveProperty('link');
  });

  it('reports the published date problem, and takes updated only when it is later', () => {
    expect(normalizeItem({ title: 't' }, ctx)).toMatchObject({ dateProblem: 'missing' });
    expect(normalizeItem({ title: 't', published: 'gestern' }, ctx)).toMatchObject({ dateProblem: 'unparseable' });
    expect(normalizeItem({ title: 't', published: '2030-01-01T00:00:00Z' }, ctx)).toMatchObject({ dateProblem: 'future' });
    // The same unparseable text in both fields: still the published problem, no date.
    const same = normalizeItem({ title: 't', published: 'kaputt', updated: 'kaputt' }, ctx);
    expect(same.dateProblem).toBe('unparseable');
    expect(same).not.toHaveProperty('published');
    expect(same).not.toHaveProperty('updated');
    // Only an updated date: it is the published one, not also a later update.
    const onlyUpdated = normalizeItem({ title: 't', updated: '2025-04-16T10:00:00Z' }, ctx);
    expect(onlyUpdated.published).toBe('2025-04-16T10:00:00.000Z');
    expect(onlyUpdated).not.toHaveProperty('updated');
    expect(onlyUpdated).not.toHaveProperty('dateProblem');
    const earlier = normalizeItem({ title: 't', published: '2025-04-16T10:00:00Z', updated: '2025-04-15T10:00:00Z' }, ctx);
    expect(earlier.published).toBe('2025-04-16T10:00:00.000Z');
    expect(earlier).not.toHaveProperty('updated');
    const equal = normalizeItem({ title: 't', published: '2025-04-16T10:00:00Z', updated: '2025-04-16T12:00:00+02:00' }, ctx);
    expect(equal).not.toHaveProperty('updated');
    expect(normalizeItem({ title: 't', published: '2025-04-16T10:00:00Z' }, ctx)).not.toHaveProperty('dateProblem');
  });

  it('reads authors: the name of "mail (Name)", plain names as written, at most 200 chars, none when blank', () => {
    expect(normalizeItem({ title: 't', author: 'Anna Beispiel' }, ctx).author).toBe('Anna Beispiel');
    expect(normalizeItem({ title: 't', author: 'a@b.de ( Anna Beispiel )' }, ctx).author).toBe('Anna Beispiel');
    expect(normalizeItem({ title: 't', author: 'Anna (Redaktion)' }, ctx).author).toBe('Anna (Redaktion)');
    expect(normalizeItem({ title: 't', author: 'a@b.de' }, ctx).author).toBe('a@b.de');
    expect(normalizeItem({ title: 't', author: '<i></i>' }, ctx)).not.toHaveProperty('author');
    const long = normalizeItem({ title: 't', author: 'Name '.repeat(60) }, ctx).author!;
    expect(Array.from(long).length).toBeLessThanOrEqual(200);
    expect(Array.from(long).length).toBeGreaterThan(190);
  });

  it('cuts categories at 100 chars and compares them case-insensitively after cutting', () => {
    const long = 'Kategorie '.repeat(20);
    const [cut, ...rest] = normalizeItem({ title: 't', categories: [long, long.toUpperCase(), 'Kernel'] }, ctx).categories;
    expect(Array.from(cut!).length).toBeLessThanOrEqual(100);
    expect(Array.from(cut!).length).toBeGreaterThan(90);
    expect(rest).toEqual(['Kernel']);
  });

  it('keeps only http(s) enclosures, once each, with a MIME type and a positive integer length', () => {
    const item = normalizeItem(
      {
        title: 't',
        enclosures: [
          { url: 'http://[kaputt' },
          { url: 'ftp://x.de/a.mp3' },
          { url: ' https://cdn.example/a.mp3 ', type: ' audio/mpeg ', length: 0 },
          { url: 'https://cdn.example/a.mp3', type: 'video/mp4', length: 9 },
          { url: 'https://cdn.example/b.ogg', type: 'audio', length: 1.5 },
          { url: 'https://cdn.example/c.ogg', type: 'audio/ogg; codecs=vorbis', length: 2 ** 60 },
          { url: 'https://cdn.example/d.ogg', length: 1 },
        ],
      },
      ctx,
    );
    expect(item.enclosures).toEqual([
      { url: 'https://cdn.example/a.mp3', type: 'audio/mpeg' },
      { url: 'https://cdn.example/b.ogg' },
      { url: 'https://cdn.example/c.ogg', type: 'audio/ogg; codecs=vorbis' },
      { url: 'https://cdn.example/d.ogg', length: 1 },
    ]);
  });

  it('uses the default summary length of 300 and a shorter one when asked', () => {
    const text = 'Wort '.repeat(200);
    expect(Array.from(normalizeItem({ title: 't', summary: text }, ctx).summary).length).toBeGreaterThan(290);
    expect(Array.from(normalizeItem({ title: 't', summary: text }, ctx).summary).length).toBeLessThanOrEqual(300);
    expect(Array.from(normalizeItem({ title: 't', summary: text }, { ...ctx, summaryMaxChars: 50 }).summary).length).toBeLessThanOrEqual(50);
  });

  it('reports the published problem, not the updated one, when neither gives a date', () => {
    expect(normalizeItem({ title: 't', updated: 'kaputt' }, ctx).dateProblem).toBe('missing');
    expect(normalizeItem({ title: 't', published: 'gestern', updated: '2030-01-01T00:00:00Z' }, ctx).dateProblem).toBe('unparseable');
  });

  it('reads "mail (Name)" only as the whole author field, with or without a space before the bracket', () => {
    expect(normalizeItem({ title: 't', author: 'a@b.de(Anna)' }, ctx).author).toBe('Anna');
    expect(normalizeItem({ title: 't', author: 'Team a@b.de (Anna)' }, ctx).author).toBe('Team a@b.de (Anna)');
    expect(normalizeItem({ title: 't', author: 'a@b.de (Anna) und Bert' }, ctx).author).toBe('a@b.de (Anna) und Bert');
  });

  it('compares categories by their lower case, so "Straße" and "STRASSE" stay two', () => {
    expect(normalizeItem({ title: 't', categories: ['Straße', 'STRASSE', 'strasse'] }, ctx).categories).toEqual(['Straße', 'STRASSE']);
  });

  it('keeps http enclosures, refuses other schemes wherever "https:" appears, and wants the MIME type at the start', () => {
    const item = normalizeItem(
      {
        title: 't',
        enclosures: [
          { url: 'http://cdn.example/a.mp3', type: 'kaputt audio/mpeg' },
          { url: 'ftp://cdn.example/https://b.mp3' },
        ],
      },
      ctx,
    );
    expect(item.enclosures).toEqual([{ url: 'http://cdn.example/a.mp3' }]);
  });
});


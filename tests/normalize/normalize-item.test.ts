import { describe, expect, it } from 'vitest';
import { normalizeItem } from '../../src/normalize/normalize-item.js';
import { truncateText } from '../../src/normalize/html-to-text.js';

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

describe('truncateText', () => {
  it('never exceeds the limit, even without spaces or with astral characters', () => {
    expect(truncateText('a'.repeat(50), 10)).toBe(`${'a'.repeat(9)}…`);
    expect(Array.from(truncateText('🐧'.repeat(50), 10)).length).toBe(10);
    expect(truncateText('Linux Kernel, Container', 16)).toBe('Linux Kernel…');
  });
});

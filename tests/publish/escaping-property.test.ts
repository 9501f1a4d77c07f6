/**
 * Property: whatever characters a source puts into title, summary, author or
 * source name, every XML feed still parses strictly and the text comes back
 * exactly, minus the characters XML cannot carry.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildPublication, renderFeed } from '../../src/publish/build-publication.js';
import { stripIllegalChars } from '../../src/publish/xml-text.js';
import { article, loadTestConfig } from '../fixtures/publish/german-linux-news.js';
import { child, childrenNamed, parseStrictXml, textOf } from './strict-xml.js';

const config = loadTestConfig();
// Markup-ish fragments and raw code points, including controls and lone surrogates.
const nasty = fc
  .array(
    fc.oneof(
      fc.constantFrom(']]>', '<![CDATA[', '&amp;', '&', '<', '>', '"', "'", '</title>', '\u0000', '\u000b', '\ud800', '\udfff', '\ufffe', '\u0085', 'Kernel', 'ä', '😀'),
      fc.string({ unit: 'binary', maxLength: 6 }),
    ),
    { minLength: 1, maxLength: 12 },
  )
  .map((parts) => parts.join(''));

function expected(text: string): string {
  return stripIllegalChars(text).replace(/\s+/g, ' ').trim();
}

describe('escaping', () => {
  it('keeps every feed strictly parseable and round-trips the text', () => {
    fc.assert(
      fc.property(nasty, nasty, nasty, (title, summary, author) => {
        const entry = {
          article: article({ id: 'prop', title, summary, author, content: `<p>${summary}</p>` }),
          topics: ['kernel'],
          alsoAt: [],
        };
        const publication = buildPublication({ entries: [entry], config, generatedAt: new Date('2026-11-22T05:00:00Z') });
        const rssItem = childrenNamed(child(parseStrictXml(renderFeed(publication, 'rss') as string), 'channel'), 'item')[0];
        const atomEntry = childrenNamed(parseStrictXml(renderFeed(publication, 'atom') as string), 'entry')[0];
        const json = JSON.parse(renderFeed(publication, 'json') as string) as { items: { title: string; summary?: string }[] };
        const wantTitle = expected(title) || '(ohne Titel)';
        expect(textOf(rssItem!, 'title')).toBe(wantTitle);
        expect(textOf(atomEntry!, 'title')).toBe(wantTitle);
        expect(json.items[0]?.title).toBe(wantTitle);
        if (expected(summary)) expect(textOf(atomEntry!, 'summary')).toBe(expected(summary));
        if (expected(author)) expect(textOf(rssItem!, 'dc:creator')).toBe(expected(author));
        parseStrictXml(publication.resources.get('/sources.opml')?.bodies.identity.toString() as string);
      }),
      { numRuns: 150 },
    );
  });
});

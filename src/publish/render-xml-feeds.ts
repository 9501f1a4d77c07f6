/**
 * RSS 2.0 and Atom 1.0, written by us like the JSON Feed: every value from
 * data is escaped exactly once by escapeMarkup, text is never put in CDATA
 * (where a "]]>" would end it), titles and summaries are Atom type="text",
 * and enclosures keep their real media type. The `feed` package did the
 * structure, but its text handling (CDATA titles typed as html, "&amp;"
 * un-escaped, types guessed from file extensions) needed its output patched
 * by regular expressions; a renderer this size is simpler than the patches.
 */
import type { FeedItem, FeedModel } from './feed-model.js';
import { escapeMarkup as esc } from './xml-text.js';

export interface FeedUrls {
  rss: string;
  atom: string;
  json: string;
}

const GENERATOR = 'feedkurator';
const DECLARATION = '<?xml version="1.0" encoding="utf-8"?>';

/**
 * One element per line, indented four spaces per level, as feed readers' debug views and diffs like it.
 * A document is its head, one fragment per item and its tail joined by newlines: an item's fragment
 * depends on the item alone, so a rebuild reuses the fragments of unchanged items (entry-fragments.ts).
 */
class Lines {
  private readonly lines: string[] = [];

  add(depth: number, markup: string): this {
    this.lines.push(`${'    '.repeat(depth)}${markup}`);
    return this;
  }

  text(depth: number, name: string, value: string, attrs = ''): this {
    return this.add(depth, `<${name}${attrs}>${esc(value)}</${name}>`);
  }

  toString(): string {
    return this.lines.join('\n');
  }
}

/** The item body as HTML: the guarded content, else the title as a paragraph. */
function contentOf(item: FeedItem): string {
  return item.contentHtml || `<p>${esc(item.title)}</p>`;
}

export function renderRss(model: FeedModel, urls: FeedUrls): string {
  return joinDocument(renderRssHead(model, urls), model.items.map(renderRssItem), RSS_TAIL);
}

export function renderAtom(model: FeedModel, urls: FeedUrls): string {
  return joinDocument(renderAtomHead(model, urls), model.items.map(renderAtomEntry), ATOM_TAIL);
}

/** A whole document from its pieces (the item fragments in feed order). */
export function joinDocument(head: string, items: readonly string[], tail: string): string {
  return items.length === 0 ? `${head}\n${tail}` : `${head}\n${items.join('\n')}\n${tail}`;
}

export const RSS_TAIL = '    </channel>\n</rss>';
export const ATOM_TAIL = '</feed>';

export function renderRssHead(model: FeedModel, urls: FeedUrls): string {
  return new Lines()
    .add(0, DECLARATION)
    .add(0, '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom">')
    .add(1, '<channel>')
    .text(2, 'title', model.title)
    .text(2, 'link', model.homeUrl)
    .text(2, 'description', model.description)
    .text(2, 'lastBuildDate', model.updated.toUTCString())
    .text(2, 'docs', 'https://validator.w3.org/feed/docs/rss2.html')
    .text(2, 'generator', GENERATOR)
    .text(2, 'language', model.language)
    .add(2, `<atom:link href="${esc(urls.rss)}" rel="self" type="application/rss+xml"/>`)
    .toString();
}

export function renderRssItem(item: FeedItem): string {
  const out = new Lines()
    .add(2, '<item>')
    .text(3, 'title', item.title)
    .text(3, 'link', item.url)
    .text(3, 'guid', item.guid, ' isPermaLink="false"')
    .text(3, 'pubDate', item.published.toUTCString())
    // RSS readers treat description as HTML: the plain-text summary is escaped once for HTML and once for XML.
    .text(3, 'description', esc(item.summary || item.title))
    .text(3, 'content:encoded', contentOf(item));
  for (const topic of item.topics) out.text(3, 'category', topic.name);
  const enclosure = item.enclosures[0];
  if (enclosure) out.add(3, `<enclosure length="${enclosure.length ?? 0}" type="${esc(enclosure.type)}" url="${esc(enclosure.url)}"/>`);
  out.text(3, 'dc:creator', item.author ?? item.source.name);
  if (item.source.feedUrl) out.text(3, 'source', item.source.name, ` url="${esc(item.source.feedUrl)}"`);
  return out.add(2, '</item>').toString();
}

export function renderAtomHead(model: FeedModel, urls: FeedUrls): string {
  const out = new Lines()
    .add(0, DECLARATION)
    .add(0, `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${esc(model.language)}">`)
    .text(1, 'id', urls.atom)
    .text(1, 'title', model.title)
    .text(1, 'updated', model.updated.toISOString())
    .text(1, 'generator', GENERATOR)
    .add(1, '<author>')
    .text(2, 'name', GENERATOR)
    .text(2, 'uri', model.homeUrl)
    .add(1, '</author>')
    .add(1, `<link rel="alternate" type="text/html" href="${esc(model.homeUrl)}"/>`)
    .add(1, `<link rel="self" href="${esc(urls.atom)}"/>`);
  if (model.description) out.text(1, 'subtitle', model.description);
  return out.toString();
}

export function renderAtomEntry(item: FeedItem): string {
  const out = new Lines()
    .add(1, '<entry>')
    .text(2, 'title', item.title, ' type="text"')
    .text(2, 'id', item.guid)
    .add(2, `<link href="${esc(item.url)}"/>`)
    .text(2, 'updated', item.updated.toISOString());
  if (item.summary) out.text(2, 'summary', item.summary, ' type="text"');
  out
    .text(2, 'content', contentOf(item), ' type="html"')
    .add(2, '<author>')
    .text(3, 'name', item.author ?? item.source.name)
    .add(2, '</author>');
  for (const topic of item.topics) out.add(2, `<category label="${esc(topic.title)}" term="${esc(topic.name)}"/>`);
  out.text(2, 'published', item.published.toISOString());
  for (const e of item.enclosures) {
    out.add(2, `<link rel="enclosure" type="${esc(e.type)}" href="${esc(e.url)}"${e.length ? ` length="${e.length}"` : ''}/>`);
  }
  return out.add(2, renderAtomSource(item)).add(1, '</entry>').toString();
}

/** The originating source, so that a reader can tell outlets apart. */
function renderAtomSource(item: FeedItem): string {
  const { feedUrl, siteUrl, name } = item.source;
  const id = feedUrl ? `<id>${esc(feedUrl)}</id>` : '';
  const self = feedUrl ? `<link rel="self" href="${esc(feedUrl)}"/>` : '';
  const alternate = siteUrl ? `<link rel="alternate" type="text/html" href="${esc(siteUrl)}"/>` : '';
  return `<source>${id}<title>${esc(name)}</title>${self}${alternate}</source>`;
}

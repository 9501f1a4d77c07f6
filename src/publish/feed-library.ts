/**
 * RSS 2.0 and Atom 1.0 through the `feed` package, which gets the document
 * structure right (namespaces, channel/feed elements, RFC 822 and RFC 3339
 * dates, guid, atom:link self) but not the text: it wraps titles in CDATA as
 * type="html", closes CDATA wrongly on a second "]]>", un-escapes "&amp;" in
 * text, escapes only '"' in attributes, guesses enclosure types from file
 * extensions and throws on relative URLs.
 *
 * So every string that comes from data goes in as an opaque slot marker and
 * is escaped by us afterwards; URLs are validated (absolute http(s)) before
 * they reach it; Atom enclosures and source elements are written by us.
 */
import { randomBytes } from 'node:crypto';
import { Feed, type Item } from 'feed';
import type { FeedItem, FeedModel } from './feed-model.js';
import { escapeMarkup } from './xml-text.js';

export interface FeedUrls {
  rss: string;
  atom: string;
  json: string;
}

const GENERATOR = 'feedkurator';

type SlotKind = 'text' | 'html';

/** Opaque markers that carry text past the library; a random nonce makes them unforgeable by data. */
class Slots {
  private readonly values: { text: string; kind: SlotKind }[] = [];
  private readonly nonce = randomBytes(8).toString('hex');

  text(value: string): string {
    return this.put(value, 'text');
  }

  html(value: string): string {
    return this.put(value, 'html');
  }

  private put(text: string, kind: SlotKind): string {
    this.values.push({ text, kind });
    return `FKSLOT${this.nonce}N${this.values.length - 1}X`;
  }

  /** Replaces every marker (bare, or wrapped in CDATA by the library) with our escaped text. */
  fill(xml: string, onTypedHtml?: (kind: SlotKind) => string): string {
    const marker = `FKSLOT${this.nonce}N(\\d+)X`;
    const pattern = new RegExp(`( type="html">)?(?:<!\\[CDATA\\[${marker}\\]\\]>|${marker})`, 'g');
    const out = xml.replace(pattern, (_m, typed: string | undefined, a: string | undefined, b: string | undefined) => {
      const slot = this.values[Number(a ?? b)];
      if (!slot) throw new Error('feed rendering lost a text slot');
      const prefix = typed ? ` type="${onTypedHtml ? onTypedHtml(slot.kind) : 'html'}">` : '';
      return prefix + escapeMarkup(slot.text);
    });
    if (out.includes(`FKSLOT${this.nonce}`)) throw new Error('feed rendering left a text slot unfilled');
    return out;
  }
}

function createFeed(model: FeedModel, urls: FeedUrls, slots: Slots, self: string): Feed {
  return new Feed({
    id: self,
    title: slots.text(model.title),
    description: slots.text(model.description),
    link: model.homeUrl,
    language: model.language,
    updated: model.updated,
    generator: GENERATOR,
    feedLinks: { rss: urls.rss, atom: urls.atom, json: urls.json },
    author: { name: GENERATOR, link: model.homeUrl },
  });
}

export function renderRss(model: FeedModel, urls: FeedUrls): string {
  const slots = new Slots();
  const feed = createFeed(model, urls, slots, urls.rss);
  for (const item of model.items) {
    const enclosure = item.enclosures[0];
    const extensions: NonNullable<Item['extensions']> = [{ name: 'dc:creator', objects: { _text: slots.text(item.author ?? item.source.name) } }];
    if (item.source.feedUrl) {
      extensions.push({ name: 'source', objects: { _attributes: { url: slots.text(item.source.feedUrl) }, _text: slots.text(item.source.name) } });
    }
    feed.addItem({
      title: slots.text(item.title),
      link: item.url,
      guid: item.guid,
      date: item.updated,
      published: item.published,
      // RSS readers treat description as HTML: the plain-text summary is escaped once for HTML here and once for XML by fill().
      description: slots.text(escapeMarkup(item.summary || item.title)),
      content: slots.html(item.contentHtml || `<p>${escapeMarkup(item.title)}</p>`),
      category: item.topics.map((t) => ({ name: slots.text(t.name) })),
      ...(enclosure ? { enclosure: { url: enclosure.url, type: enclosure.type, length: enclosure.length ?? 0 } } : {}),
      extensions,
    });
  }
  return slots.fill(feed.rss2());
}

export function renderAtom(model: FeedModel, urls: FeedUrls): string {
  const slots = new Slots();
  const feed = createFeed(model, urls, slots, urls.atom);
  const extras: string[] = [];
  for (const item of model.items) {
    feed.addItem({
      title: slots.text(item.title),
      id: item.guid,
      link: item.url,
      date: item.updated,
      published: item.published,
      ...(item.summary ? { description: slots.text(item.summary) } : {}),
      content: slots.html(item.contentHtml || `<p>${escapeMarkup(item.title)}</p>`),
      author: [{ name: slots.text(item.author ?? item.source.name) }],
      category: item.topics.map((t) => ({ term: slots.text(t.name), name: slots.text(t.title) })),
    });
    extras.push(renderAtomExtras(item));
  }
  let index = 0;
  const xml = slots.fill(feed.atom1(), (kind) => kind).replace(/<\/entry>/g, () => `${extras[index++] ?? ''}</entry>`);
  // The library writes neither the feed's language nor the alternate link's type; readers use both.
  return xml
    .replace('<feed xmlns="http://www.w3.org/2005/Atom">', `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${escapeMarkup(model.language)}">`)
    .replace(/<link rel="alternate" href="([^"]*)"\/>/, '<link rel="alternate" type="text/html" href="$1"/>');
}

/** Enclosures with their real media type, and the originating source. */
function renderAtomExtras(item: FeedItem): string {
  const parts = item.enclosures.map(
    (e) => `<link rel="enclosure" type="${escapeMarkup(e.type)}" href="${escapeMarkup(e.url)}"${e.length ? ` length="${e.length}"` : ''}/>`,
  );
  const sourceLinks = [
    item.source.feedUrl ? `<link rel="self" href="${escapeMarkup(item.source.feedUrl)}"/>` : '',
    item.source.siteUrl ? `<link rel="alternate" type="text/html" href="${escapeMarkup(item.source.siteUrl)}"/>` : '',
  ].join('');
  const sourceId = item.source.feedUrl ? `<id>${escapeMarkup(item.source.feedUrl)}</id>` : '';
  parts.push(`<source>${sourceId}<title>${escapeMarkup(item.source.name)}</title>${sourceLinks}</source>`);
  return parts.map((p) => `    ${p}\n    `).join('');
}

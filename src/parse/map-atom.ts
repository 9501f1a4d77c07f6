import { isUtf8 } from 'node:buffer';
import type { Enclosure, ParsedFeed, RawItem } from '../types.js';
import { htmlToText } from '../normalize/html-to-text.js';
import type { XmlFeedTree } from './read-xml-feed.js';
import { mediaEnclosures, mediaTitle, toEnclosure } from './map-rss.js';
import { attributeOf, attributesOf, childOf, escapeHtml, nodeList, textOf, trimmedText, type XmlNode } from './read-xml-node.js';
import { resolveHttpUrl } from './resolve-url.js';

/** Atom 1.0 (RFC 4287), and the Atom 0.3 names still in the wild (issued, modified, mode="escaped"). */
export function mapAtom(tree: XmlFeedTree, url: string): ParsedFeed {
  const feedAttrs = ownAttributes(tree.feed);
  const baseUrl = resolveHttpUrl(feedAttrs['xml:base'], url) ?? url;
  const feedAuthors = authorNames(tree.feed['author']);
  const feed: ParsedFeed = {
    format: 'atom1.0',
    baseUrl,
    items: tree.items.map((entry) => mapEntry(entry, baseUrl, feedAuthors)),
  };
  const title = textConstruct(tree.feed['title']) ?? textConstruct(tree.feed['dc:title']);
  const plainTitle = title === undefined ? '' : htmlToText(title);
  if (plainTitle) feed.title = plainTitle;
  const link = pickLinks(tree.feed['fk:link'], baseUrl).alternate;
  if (link) feed.link = link;
  return feed;
}

function mapEntry(raw: Record<string, XmlNode>, feedBase: string, feedAuthors: string[]): RawItem {
  const base = resolveHttpUrl(ownAttributes(raw)['xml:base'], feedBase) ?? feedBase;
  const item: RawItem = {};
  const id = trimmedText(raw['id']);
  if (id) item.guid = id;

  const links = pickLinks(raw['fk:link'], base);
  const link = links.alternate ?? resolveHttpUrl(id);
  if (link) item.link = link;
  const enclosures = [...links.enclosures, ...mediaEnclosures(raw, base)];
  if (enclosures.length) item.enclosures = enclosures;

  const title = textConstruct(raw['title']) ?? textConstruct(raw['dc:title']) ?? mediaTitle(raw);
  if (title !== undefined) item.title = title;
  const summary = textConstruct(raw['summary']);
  if (summary !== undefined) item.summary = summary;
  const content = textConstruct(raw['content']);
  if (content !== undefined) item.content = content;

  const published = trimmedText(raw['fk:published']) ?? trimmedText(raw['issued']) ?? trimmedText(raw['created']);
  const updated = trimmedText(raw['fk:updated']) ?? trimmedText(raw['modified']);
  // RFC 4287 makes <updated> mandatory and <published> optional: an entry without published dates by updated.
  if (published ?? updated) item.published = (published ?? updated)!;
  if (published && updated && updated !== published) item.updated = updated;

  const authors = authorNames(raw['author']);
  const creators = nodeList(raw['dc:creator']).flatMap((node) => trimmedText(node) ?? []);
  const names = authors.length ? authors : creators.length ? creators : feedAuthors;
  if (names.length) item.author = names.join(', ');

  const categories = nodeList(raw['category']).flatMap((node) => {
    const name = (attributeOf(node, 'label') ?? attributeOf(node, 'term') ?? textOf(node) ?? '').trim();
    return name ? [name] : [];
  });
  if (categories.length) item.categories = categories;

  // The HTML shown is the content, else the summary: its xml:base is the base of its links.
  const htmlNode = item.content !== undefined ? raw['content'] : raw['summary'];
  const htmlBase = resolveHttpUrl(attributeOf(htmlNode, 'xml:base'), base) ?? base;
  if (htmlBase !== feedBase) item.baseUrl = htmlBase;
  return item;
}

/**
 * The HTML of an Atom text construct (RFC 4287 §3.1, and Atom 0.3's MIME
 * types and modes): text is escaped, html and xhtml kept (xhtml and
 * mode="xml" arrive unwrapped as CDATA, see prepare-xml), base64 decoded first.
 */
function textConstruct(node: XmlNode): string | undefined {
  if (node === undefined || attributeOf(node, 'src')) return undefined;
  let text = textOf(node);
  if (text === undefined || !text.trim()) return undefined;
  const type = (attributeOf(node, 'type') ?? 'text').trim().toLowerCase();
  if (attributeOf(node, 'mode')?.trim().toLowerCase() === 'base64') {
    text = decodeBase64(text);
    if (text === undefined) return undefined;
  }
  if (type === 'html' || type === 'xhtml' || /^(?:text\/html|application\/xhtml\+xml)\b/.test(type)) return text;
  if (type === 'text' || type.startsWith('text/')) return escapeHtml(text);
  return undefined;
}

/** Atom 0.3 mode="base64": UTF-8 text, or nothing when the bytes are not. */
function decodeBase64(encoded: string): string | undefined {
  const compact = encoded.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
  const bytes = Buffer.from(compact, 'base64');
  if (!isUtf8(bytes)) return undefined;
  const text = bytes.toString('utf8');
  return text.trim() ? text : undefined;
}

function pickLinks(node: XmlNode, base: string): { alternate?: string; enclosures: Enclosure[] } {
  let alternate: string | undefined;
  let alternateIsHtml = false;
  const enclosures: Enclosure[] = [];
  for (const each of nodeList(node)) {
    const attrs = attributesOf(each);
    const linkBase = resolveHttpUrl(attrs['xml:base'], base) ?? base;
    const rel = (attrs['rel'] ?? 'alternate').trim().toLowerCase();
    if (rel === 'enclosure') {
      enclosures.push(...toEnclosure(attrs, linkBase));
      continue;
    }
    if (rel !== 'alternate') continue;
    // An Atom <link> without href (text content) is invalid but common.
    const href = resolveHttpUrl(attrs['href'] ?? textOf(each), linkBase);
    if (!href) continue;
    const isHtml = !attrs['type'] || /html/i.test(attrs['type']);
    if (!alternate || (isHtml && !alternateIsHtml)) {
      alternate = href;
      alternateIsHtml = isHtml;
    }
  }
  return alternate ? { alternate, enclosures } : { enclosures };
}

function authorNames(node: XmlNode): string[] {
  return nodeList(node).flatMap((author) => {
    const name = trimmedText(childOf(author, 'name')) ?? trimmedText(author);
    return name ? [name] : [];
  });
}

function ownAttributes(raw: Record<string, XmlNode>): Record<string, string> {
  return raw['$'] === undefined ? {} : attributesOf({ $: raw['$'] });
}

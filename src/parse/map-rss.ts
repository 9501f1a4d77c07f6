import type { Enclosure, FeedFormat, ParsedFeed, RawItem } from '../types.js';
import { htmlToText } from '../normalize/html-to-text.js';
import type { XmlFeedTree } from './read-xml-feed.js';
import { attributesOf, nodeList, textOf, trimmedText, type XmlNode } from './read-xml-node.js';
import { resolveHttpUrl, resolveUrl } from './resolve-url.js';

/** RSS 0.9x, 1.0 (RDF) and 2.0 share one item vocabulary (plus Dublin Core). */
export function mapRss(tree: XmlFeedTree, format: FeedFormat, url: string): ParsedFeed {
  const feedLink = trimmedText(tree.feed.link);
  const baseUrl = resolveHttpUrl(feedLink, url) ?? url;
  const title = textOf(tree.feed.title);
  const feed: ParsedFeed = { format, baseUrl, items: tree.items.map((item) => mapItem(item, baseUrl)) };
  const plainTitle = title === undefined ? '' : htmlToText(title);
  if (plainTitle) feed.title = plainTitle;
  const link = resolveHttpUrl(feedLink, url);
  if (link) feed.link = link;
  return feed;
}

function mapItem(raw: Record<string, XmlNode>, feedBase: string): RawItem {
  const attrs = attributesOf(raw['$'] === undefined ? undefined : { $: raw['$'] });
  const base = resolveHttpUrl(attrs['xml:base'], feedBase) ?? feedBase;
  const item: RawItem = {};

  const guidNode = raw['guid'];
  const guid = trimmedText(guidNode) ?? attrs['rdf:about']?.trim();
  if (guid) item.guid = guid;

  const written = firstText(raw['link']);
  const permalink = attributesOf(guidNode)['isPermaLink']?.toLowerCase() !== 'false' ? trimmedText(guidNode) : undefined;
  const candidates = [written, permalink, attrs['rdf:about']];
  for (const candidate of candidates) {
    const link = candidate === written ? resolveUrl(candidate, base) ?? candidate : resolveHttpUrl(candidate);
    if (link) {
      item.link = link;
      break;
    }
  }

  const title = textOf(raw['title']);
  if (title !== undefined) item.title = title;
  const description = textOf(raw['description']);
  if (description !== undefined && description.trim()) item.summary = description;
  const encoded = textOf(raw['content:encoded']);
  if (encoded !== undefined && encoded.trim()) item.content = encoded;

  const published = firstText(raw['pubDate']) ?? firstText(raw['dc:date']) ?? firstText(raw['issued']);
  if (published) item.published = published;
  const updated = firstText(raw['modified']) ?? (firstText(raw['pubDate']) ? firstText(raw['dc:date']) : undefined);
  if (updated && updated !== published) item.updated = updated;

  const authors = [...allTexts(raw['dc:creator']), ...allTexts(raw['author'])];
  if (authors.length) item.author = [...new Set(authors)].join(', ');

  const categories = [...allTexts(raw['category']), ...allTexts(raw['dc:subject'])];
  if (categories.length) item.categories = categories;

  const enclosures = nodeList(raw['enclosure']).flatMap((node) => toEnclosure(attributesOf(node), base));
  if (enclosures.length) item.enclosures = enclosures;
  if (base !== feedBase) item.baseUrl = base;
  return item;
}

function firstText(node: XmlNode): string | undefined {
  for (const each of nodeList(node)) {
    const text = trimmedText(each);
    if (text) return text;
  }
  return undefined;
}

function allTexts(node: XmlNode): string[] {
  return nodeList(node).flatMap((each) => trimmedText(each) ?? []);
}

export function toEnclosure(attrs: Record<string, string>, base: string): Enclosure[] {
  const url = resolveHttpUrl(attrs['url'] ?? attrs['href'], base);
  if (!url) return [];
  const enclosure: Enclosure = { url };
  if (attrs['type']?.trim()) enclosure.type = attrs['type'].trim();
  const length = Number(attrs['length'] ?? attrs['fileSize']);
  if (Number.isSafeInteger(length) && length > 0) enclosure.length = length;
  return [enclosure];
}

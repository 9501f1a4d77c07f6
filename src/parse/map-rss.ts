import type { Enclosure, FeedFormat, ParsedFeed, RawItem } from '../types.js';
import { htmlToText } from '../normalize/html-to-text.js';
import type { XmlFeedTree } from './read-xml-feed.js';
import { readAttribute } from './detect-format.js';
import { attributeOf, attributesOf, childOf, nodeList, textOf, trimmedText, type XmlNode } from './read-xml-node.js';
import { resolveHttpUrl, resolveUrl } from './resolve-url.js';

/**
 * RSS 0.9x, 1.0 (RDF) and 2.0 share one item vocabulary (plus Dublin Core,
 * iTunes and Media RSS fallbacks). Relative links resolve against xml:base
 * (root, channel, item, element), else the channel link, else the document's URL.
 */
export function mapRss(tree: XmlFeedTree, format: FeedFormat, url: string, rootTag = ''): ParsedFeed {
  const declaredBase = resolveHttpUrl(readAttribute(rootTag, 'xml:base'), url);
  const channelBase = resolveHttpUrl(ownAttributes(tree.feed)['xml:base'], declaredBase ?? url) ?? declaredBase;
  const feedLink = trimmedText(tree.feed.link);
  const link = resolveHttpUrl(feedLink, channelBase ?? url);
  const baseUrl = channelBase ?? link ?? url;
  const feed: ParsedFeed = { format, baseUrl, items: tree.items.map((item) => mapItem(item, baseUrl)) };
  const title = firstText(tree.feed.title) ?? firstText(tree.feed['dc:title']) ?? firstText(tree.feed['itunes:title']);
  const plainTitle = title === undefined ? '' : htmlToText(title);
  if (plainTitle) feed.title = plainTitle;
  if (link) feed.link = link;
  return feed;
}

function mapItem(raw: Record<string, XmlNode>, feedBase: string): RawItem {
  const attrs = ownAttributes(raw);
  const base = resolveHttpUrl(attrs['xml:base'], feedBase) ?? feedBase;
  const item: RawItem = {};

  const guidNode = raw['guid'];
  const guid = trimmedText(guidNode) ?? attrs['rdf:about']?.trim();
  if (guid) item.guid = guid;

  const linkBase = resolveHttpUrl(attributeOf(raw['link'], 'xml:base'), base) ?? base;
  const written = firstText(raw['link']);
  const permalink = attributeOf(guidNode, 'isPermaLink')?.toLowerCase() !== 'false' ? trimmedText(guidNode) : undefined;
  const candidates = [written, permalink, attrs['rdf:about']];
  for (const candidate of candidates) {
    // A relative permalink guid must at least look like a path: "12345" is an id, not a page.
    const link = candidate === written ? resolveUrl(candidate, linkBase) ?? candidate : resolveHttpUrl(candidate, candidate?.includes('/') ? base : undefined);
    if (link) {
      item.link = link;
      break;
    }
  }

  const title = firstText(raw['title']) ?? firstText(raw['dc:title']) ?? firstText(raw['itunes:title']) ?? mediaTitle(raw);
  if (title !== undefined) item.title = title;
  const description = textOf(raw['description']);
  if (description !== undefined && description.trim()) item.summary = description;
  const encoded = textOf(raw['content:encoded']);
  if (encoded !== undefined && encoded.trim()) item.content = encoded;

  const published = firstText(raw['pubDate']) ?? firstText(raw['dc:date']) ?? firstText(raw['issued']);
  if (published) item.published = published;
  const updated = firstText(raw['modified']) ?? (firstText(raw['pubDate']) ? firstText(raw['dc:date']) : undefined);
  if (updated && updated !== published) item.updated = updated;

  const bylines = [...allTexts(raw['dc:creator']), ...allTexts(raw['author'])];
  const authors = bylines.length ? bylines : allTexts(raw['itunes:author']);
  if (authors.length) item.author = [...new Set(authors)].join(', ');

  const categories = [...allTexts(raw['category']), ...allTexts(raw['dc:subject'])];
  if (categories.length) item.categories = categories;

  const enclosures = [...nodeList(raw['enclosure']).flatMap((node) => toEnclosure(attributesOf(node), base)), ...mediaEnclosures(raw, base)];
  if (enclosures.length) item.enclosures = enclosures;
  if (base !== feedBase) item.baseUrl = base;
  return item;
}

/** Media RSS: elements directly in the item, in <media:group>, or (titles) in <media:content>. */
function mediaNodes(raw: Record<string, XmlNode>, name: string): XmlNode[] {
  // Most items have no Media RSS at all: nothing to gather.
  if (raw[name] === undefined && raw['media:group'] === undefined && (name !== 'media:title' || raw['media:content'] === undefined)) return [];
  const groups = nodeList(raw['media:group']);
  const nested = name === 'media:title' ? [...groups, ...nodeList(raw['media:content'])] : groups;
  return [...nodeList(raw[name]), ...nested.flatMap((parent) => nodeList(childOf(parent, name)))];
}

export function mediaTitle(raw: Record<string, XmlNode>): string | undefined {
  return firstText(mediaNodes(raw, 'media:title'));
}

/** media:content (files, images) and media:thumbnail (a picture for the item). */
export function mediaEnclosures(raw: Record<string, XmlNode>, base: string): Enclosure[] {
  const files = mediaNodes(raw, 'media:content').flatMap((node) => toEnclosure(attributesOf(node), base));
  const thumbnails = mediaNodes(raw, 'media:thumbnail').flatMap((node) => toEnclosure(attributesOf(node), base));
  return [...files, ...thumbnails];
}

function ownAttributes(raw: Record<string, XmlNode>): Record<string, string> {
  return raw['$'] === undefined ? {} : attributesOf({ $: raw['$'] });
}

function firstText(node: XmlNode): string | undefined {
  for (const each of nodeList(node)) {
    const text = trimmedText(each);
    if (text) return text;
  }
  return undefined;
}

function allTexts(node: XmlNode): string[] {
  const texts: string[] = [];
  if (node === undefined) return texts;
  for (const each of nodeList(node)) {
    const text = trimmedText(each);
    if (text) texts.push(text);
  }
  return texts;
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

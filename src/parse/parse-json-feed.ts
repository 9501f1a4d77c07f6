import type { Enclosure, ParsedFeed, RawItem } from '../types.js';
import { NotAFeedError, ParseError } from '../errors.js';
import { htmlToText } from '../normalize/html-to-text.js';
import { escapeHtml } from './read-xml-node.js';
import { resolveHttpUrl, resolveUrl } from './resolve-url.js';

/** JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1); rss-parser does not read them. */
export function parseJsonFeed(text: string, url: string): ParsedFeed {
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (cause) {
    throw new ParseError(`broken JSON: ${oneLine((cause as Error).message)}`, { cause });
  }
  if (!isObject(doc)) throw new NotAFeedError('the JSON document is not an object, so not a JSON Feed');
  const version = typeof doc['version'] === 'string' ? doc['version'] : '';
  const match = version.match(/^https?:\/\/jsonfeed\.org\/version\/(1(?:\.1)?)\/?$/);
  if (!match) {
    throw new NotAFeedError(version ? `unknown JSON Feed version "${version.replace(/\s+/g, " ").slice(0, 80)}"` : 'the JSON document has no JSON Feed "version"');
  }
  if (doc['items'] !== undefined && !Array.isArray(doc['items'])) throw new ParseError('JSON Feed "items" is not an array');

  const homePage = resolveHttpUrl(str(doc['home_page_url']), url);
  const baseUrl = homePage ?? url;
  const feedAuthors = authorNames(doc);
  const items = ((doc['items'] as unknown[] | undefined) ?? []).filter(isObject).map((item) => mapItem(item, baseUrl, feedAuthors));
  const feed: ParsedFeed = { format: match[1] === '1.1' ? 'jsonfeed1.1' : 'jsonfeed1.0', baseUrl, items };
  const title = htmlToText(escapeHtml(str(doc['title']) ?? ''));
  if (title) feed.title = title;
  if (homePage) feed.link = homePage;
  return feed;
}

function mapItem(raw: Record<string, unknown>, base: string, feedAuthors: string[]): RawItem {
  const item: RawItem = {};
  // Some generators write numeric ids; the spec says string, the meaning is the same.
  const id = typeof raw['id'] === 'number' ? String(raw['id']) : str(raw['id']);
  if (id) item.guid = id;
  const written = str(raw['url']) ?? str(raw['external_url']);
  const link = resolveUrl(written, base) ?? written;
  if (link) item.link = link;
  const title = str(raw['title']);
  if (title) item.title = escapeHtml(title);
  const summary = str(raw['summary']);
  if (summary) item.summary = escapeHtml(summary);
  const html = str(raw['content_html']);
  const plain = str(raw['content_text']);
  if (html) item.content = html;
  else if (plain) item.content = escapeHtml(plain).replace(/\r?\n/g, '<br>\n');
  const published = str(raw['date_published']);
  const updated = str(raw['date_modified']);
  if (published ?? updated) item.published = (published ?? updated)!;
  if (published && updated && published !== updated) item.updated = updated;
  const authors = authorNames(raw);
  const names = authors.length ? authors : feedAuthors;
  if (names.length) item.author = names.join(', ');
  const tags = Array.isArray(raw['tags']) ? raw['tags'].flatMap((tag) => (typeof tag === 'string' && tag.trim() ? [tag.trim()] : [])) : [];
  if (tags.length) item.categories = tags;
  const enclosures = Array.isArray(raw['attachments']) ? raw['attachments'].filter(isObject).flatMap((a) => toEnclosure(a, base)) : [];
  if (enclosures.length) item.enclosures = enclosures;
  return item;
}

/** 1.1 has `authors` (array), 1.0 a single `author`. */
function authorNames(object: Record<string, unknown>): string[] {
  const list = Array.isArray(object['authors']) ? object['authors'] : isObject(object['author']) ? [object['author']] : [];
  return list.filter(isObject).flatMap((author) => str(author['name']) ?? []);
}

function toEnclosure(attachment: Record<string, unknown>, base: string): Enclosure[] {
  const url = resolveHttpUrl(str(attachment['url']), base);
  if (!url) return [];
  const enclosure: Enclosure = { url };
  const type = str(attachment['mime_type']);
  if (type) enclosure.type = type;
  const size = attachment['size_in_bytes'];
  if (typeof size === 'number' && Number.isSafeInteger(size) && size > 0) enclosure.length = size;
  return [enclosure];
}

function str(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed ? trimmed : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** V8 quotes the surrounding JSON, newlines included; errors are one line. */
function oneLine(message: string): string {
  const flat = message.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 157)}…` : flat;
}

import Parser from 'rss-parser';
import { ParseError } from '../errors.js';
import type { XmlNode } from './read-xml-node.js';
import { readPlainXml } from './read-plain-xml.js';

/**
 * The one place rss-parser is used: it reads the XML (via xml2js/sax) and
 * finds the channel and its items for RSS 0.9x, 1.0 and 2.0 and Atom. We take
 * its raw element trees (custom fields with keepArray) and interpret them
 * ourselves, because its own interpretation has traps: an invalid Atom
 * <published> or <updated> throws and loses the whole feed, garbage dates
 * silently become wrong dates, an Atom <link> without attributes crashes it,
 * Atom categories are not extracted.
 */

export interface XmlFeedTree {
  /** Raw channel/feed elements by name (arrays as in the XML). */
  feed: Record<string, XmlNode>;
  items: Record<string, XmlNode>[];
}

const RAW = { keepArray: true } as const;
const FEED_FIELDS = ['$', 'title', 'link', 'fk:link', 'author', 'description', 'subtitle', 'id', 'language', 'dc:title', 'itunes:title'];
const ITEM_FIELDS = [
  '$', 'title', 'link', 'fk:link', 'guid', 'id', 'description', 'summary', 'content', 'content:encoded',
  'pubDate', 'dc:date', 'fk:published', 'fk:updated', 'issued', 'modified', 'created', 'author', 'dc:creator',
  'category', 'dc:subject', 'enclosure',
  // Fallbacks real feeds rely on: podcast and video titles, Media RSS images and files.
  'dc:title', 'itunes:title', 'itunes:author', 'media:title', 'media:content', 'media:thumbnail', 'media:group',
];

/** Atom elements rss-parser would interpret (and choke on) are renamed out of its way. */
const ATOM_RENAMES: Record<string, string> = { published: 'fk:published', updated: 'fk:updated', link: 'fk:link' };

export interface ReadOptions {
  atom: boolean;
  /** Element prefix of the feed vocabulary (<atom:feed>): its elements are read without it. */
  prefix?: string | undefined;
}

/**
 * Element names as the mappers look for them: without the feed vocabulary's
 * prefix, iTunes names in lower case (feeds write <itunes:Title>), Atom
 * elements rss-parser would interpret renamed out of its way.
 */
function nameElement(options: ReadOptions): (name: string) => string {
  const own = options.prefix ? `${options.prefix}:` : undefined;
  return (written) => {
    let name = own && written.startsWith(own) ? written.slice(own.length) : written;
    if (/^itunes:/i.test(name)) name = name.toLowerCase();
    return options.atom ? (ATOM_RENAMES[name] ?? name) : name;
  };
}

type XmlObject = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * rss-parser with its own reading of each item left out: we keep only the
 * raw fields, so the text snippets it makes of every description and full
 * text (HTML stripped by regular expressions, entities decoded: a tenth of
 * reading a bench feed) and its ISO dates were thrown away. What of that
 * reading can fail is kept, so that a document it refused is still refused
 * with the same message: the Atom link lookup (a <link> without attributes)
 * and the Atom dates (invalid ones), where the renames above do not apply.
 * The rest cannot fail on a parsed document (the snippet and date code
 * catches or works on strings; rendering a description that holds elements
 * back to XML only sees names and characters the XML reader accepted).
 */
class RawItemParser extends Parser<Record<string, XmlNode>, Record<string, XmlNode>> {
  parseItemRss(xmlItem: XmlObject): XmlObject {
    return copyRawFields(xmlItem);
  }

  parseItemAtom(entry: XmlObject): XmlObject {
    if (entry.link && entry.link.length) alternateLink(entry.link);
    let dated = false;
    if (entry.published && entry.published.length && entry.published[0].length) dated = Boolean(new Date(entry.published[0]).toISOString());
    if (!dated && entry.updated && entry.updated.length && entry.updated[0].length) new Date(entry.updated[0]).toISOString();
    return copyRawFields(entry);
  }
}

/** rss-parser's getLink, for the errors it raises: a link element without attributes fails the feed. */
function alternateLink(links: XmlObject[]): unknown {
  for (let i = 0; i < links.length; ++i) {
    if (links[i]!.$.rel === 'alternate') return links[i]!.$.href;
  }
  return links[0] ? links[0].$.href : undefined;
}

/** The item fields' keys in rss-parser's output, made once: a key built per item and field was a string to make and look up each time. */
const RAW_ITEM_KEYS = ITEM_FIELDS.map((field) => `raw:${field}`);

/** What rss-parser's custom fields with keepArray give: each element's array as the XML reader made it. */
function copyRawFields(element: XmlObject): XmlObject {
  const item: XmlObject = {};
  for (let i = 0; i < ITEM_FIELDS.length; i++) {
    const value = element[ITEM_FIELDS[i]!];
    if (value !== undefined) item[RAW_ITEM_KEYS[i]!] = value;
  }
  return item;
}

/** What rss-parser calls on its xml2js parser. */
interface TreeReader {
  parseString(xml: string, done: (err: unknown, tree: unknown) => void): unknown;
}

export async function readXmlFeed(xml: string, options: ReadOptions): Promise<XmlFeedTree> {
  const name = nameElement(options);
  // A fresh parser per document: a reused one misbehaves after an error.
  const parser = new RawItemParser({
    xml2js: { tagNameProcessors: [name] },
    defaultRSS: 2,
    customFields: {
      feed: FEED_FIELDS.map((field) => [field, `raw:${field}`, RAW]) as never,
      item: ITEM_FIELDS.map((field) => [field, `raw:${field}`, RAW]) as never,
    },
  });
  readPlainXmlFirst(parser, name);
  let output: Record<string, unknown>;
  try {
    output = (await parser.parseString(xml)) as unknown as Record<string, unknown>;
  } catch (cause) {
    throw new ParseError(`broken XML: ${describeXmlError(cause)}`, { cause });
  }
  const items = Array.isArray(output.items) ? (output.items as Record<string, unknown>[]) : [];
  return { feed: pickRaw(output), items: items.map(pickRawItem) };
}

/**
 * rss-parser interprets whatever tree its xml2js parser hands it: plain XML's
 * tree is built without sax (read-plain-xml.ts). The holder is rss-parser's
 * own field, not its API: should a release rename it, documents are read by
 * xml2js as before (same trees, slower), and the parse tests say so.
 */
function readPlainXmlFirst(parser: Parser<unknown, unknown>, name: (written: string) => string): void {
  const holder = parser as unknown as { xmlParser?: TreeReader };
  const xml2js = holder.xmlParser;
  if (typeof xml2js?.parseString !== 'function') return;
  holder.xmlParser = {
    parseString: (text, done) => {
      const tree = readPlainXml(text, name);
      return tree === undefined ? xml2js.parseString(text, done) : done(null, tree);
    },
  };
}

/** Whether this rss-parser still has the field readPlainXmlFirst replaces. */
export function canReadPlainXmlFirst(): boolean {
  const holder = new Parser() as unknown as { xmlParser?: TreeReader };
  return typeof holder.xmlParser?.parseString === 'function';
}

/** pickRaw for an item: its raw keys are those copyRawFields writes, read in the order it writes them. */
function pickRawItem(object: Record<string, unknown>): Record<string, XmlNode> {
  const raw: Record<string, XmlNode> = Object.create(null);
  for (let i = 0; i < RAW_ITEM_KEYS.length; i++) {
    const value = object[RAW_ITEM_KEYS[i]!];
    if (value !== undefined) raw[ITEM_FIELDS[i]!] = value;
  }
  return raw;
}

function pickRaw(object: Record<string, unknown>): Record<string, XmlNode> {
  const raw: Record<string, XmlNode> = Object.create(null);
  for (const [key, value] of Object.entries(object)) {
    if (key.startsWith('raw:')) raw[key.slice(4)] = value;
  }
  return raw;
}

/** sax puts line, column and character on extra lines; we want one line. */
function describeXmlError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const [what, ...rest] = message.split('\n');
  const where = rest.join(' ').match(/Line:\s*(\d+)\s*Column:\s*(\d+)/);
  const text = err instanceof TypeError ? `unexpected structure (${what})` : (what ?? 'unknown error');
  return where ? `${text} at line ${Number(where[1]) + 1}, column ${where[2]}` : text;
}

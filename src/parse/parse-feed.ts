import type { ParsedFeed } from '../types.js';
import { ParseError, SourceError } from '../errors.js';
import { detectFormat } from './detect-format.js';
import { dedupeItems } from './dedupe-items.js';
import { mapAtom } from './map-atom.js';
import { mapRss } from './map-rss.js';
import { parseJsonFeed } from './parse-json-feed.js';
import { prepareXml, refuseEntityDeclarations } from './prepare-xml.js';
import { readXmlFeed, type ReadOptions, type XmlFeedTree } from './read-xml-feed.js';
import { recoverXml } from './recover-xml.js';
import { wrapMarkupFields } from './wrap-markup-fields.js';
import { resolveHttpUrl } from './resolve-url.js';

export interface ParseOptions {
  /** Where the feed was fetched (after redirects). */
  url: string;
  /** The response's Content-Location header: the document's own address, the base of its relative links (RFC 3986 §5.1.2). */
  contentLocation?: string | undefined;
}

/** Every warning about a repair starts with this, so logs, `inspect` and /healthz can tell them apart. */
export const RECOVERED = 'recovered: ';

/**
 * Reads decoded feed text into source-shaped items. The format comes from
 * the content; the fetched URL (or Content-Location) is the base of relative
 * links. XML a strict parser refuses is read a second time leniently and
 * keeps its complete items, with a "recovered: …" warning.
 * Throws NotAFeedError (HTML page, unknown JSON) or ParseError (XML with
 * nothing to recover, broken JSON, forbidden DTD entities); nothing else escapes.
 */
export async function parseFeed(text: string, options: ParseOptions): Promise<ParsedFeed> {
  try {
    return await readFeed(text, options);
  } catch (err) {
    if (err instanceof SourceError) throw err;
    // A shape no mapper foresaw (deeply nested XML, odd element trees) still costs only this source.
    const message = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').slice(0, 200);
    throw new ParseError(`cannot read the feed: ${message}`, { cause: err });
  }
}

async function readFeed(text: string, options: ParseOptions): Promise<ParsedFeed> {
  const base = resolveHttpUrl(options.contentLocation, options.url) ?? options.url;
  const sniffed = detectFormat(text);
  let feed: ParsedFeed;
  const warnings: string[] = [];
  if (sniffed.kind === 'json') {
    feed = parseJsonFeed(text, base);
  } else {
    let xml = text;
    // Entity declarations are refused wherever they stand before the root, not only in a well-formed DOCTYPE.
    refuseEntityDeclarations(text.slice(0, sniffed.rootStart));
    if (sniffed.junkBefore !== undefined) {
      const junk = text.slice(0, sniffed.junkBefore);
      xml = text.slice(sniffed.junkBefore);
      warnings.push(`${RECOVERED}${describeJunk(junk)} before <${sniffed.root}> ignored`);
    }
    if (sniffed.prefix && sniffed.root.includes(':') && !/^rdf:/i.test(sniffed.root)) {
      warnings.push(`${RECOVERED}root element <${sniffed.root}> read as <${sniffed.root.slice(sniffed.prefix.length + 1)}>`);
    }
    const prepared = prepareXml(xml);
    warnings.push(...prepared.repairs.map((repair) => RECOVERED + repair));
    const atom = sniffed.format === 'atom1.0';
    const tree = await readLeniently(prepared.xml, { atom, prefix: sniffed.prefix }, warnings);
    feed = atom ? mapAtom(tree, base) : mapRss(tree, sniffed.format, base, sniffed.rootTag);
  }
  const deduped = dedupeItems(feed.items);
  feed.items = deduped.items;
  warnings.push(...(feed.warnings ?? []), ...deduped.warnings);
  if (warnings.length) feed.warnings = warnings;
  return feed;
}

/** Strict first; when that refuses the document, the lenient pass, which must keep at least one complete item. */
async function readLeniently(xml: string, options: ReadOptions, warnings: string[]): Promise<XmlFeedTree> {
  try {
    return await readXmlFeed(xml, options);
  } catch (strictError) {
    if (!(strictError instanceof ParseError)) throw strictError;
    const recovered = recoverXml(xml);
    if (recovered.keptItems === 0) throw strictError;
    let tree: XmlFeedTree;
    try {
      tree = await readXmlFeed(wrapMarkupFields(recovered.xml), options);
    } catch {
      throw strictError;
    }
    const kept = `kept ${recovered.keptItems} complete item${recovered.keptItems === 1 ? '' : 's'}`;
    const dropped = recovered.droppedItems ? `, dropped ${recovered.droppedItems} incomplete` : '';
    const cut = recovered.truncated ? ' (the document ends early)' : '';
    warnings.push(`${RECOVERED}${strictError.message.replace(/\.$/, '')}${cut}; ${kept}${dropped}`);
    return tree;
  }
}

function describeJunk(junk: string): string {
  const text = junk.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  if (!text) return 'markup';
  return `text "${text.length > 40 ? `${text.slice(0, 39)}…` : text}"`;
}

import type { ParsedFeed } from '../types.js';
import { ParseError, SourceError } from '../errors.js';
import { detectFormat } from './detect-format.js';
import { dedupeItems } from './dedupe-items.js';
import { mapAtom } from './map-atom.js';
import { mapRss } from './map-rss.js';
import { parseJsonFeed } from './parse-json-feed.js';
import { prepareXml } from './prepare-xml.js';
import { readXmlFeed } from './read-xml-feed.js';

/**
 * Reads decoded feed text into source-shaped items. The format comes from
 * the content; `url` is where it was fetched, the base of relative links.
 * Throws NotAFeedError (HTML page, unknown JSON) or ParseError (broken XML or
 * JSON, forbidden DTD entities); nothing else escapes.
 */
export async function parseFeed(text: string, options: { url: string }): Promise<ParsedFeed> {
  try {
    return await readFeed(text, options.url);
  } catch (err) {
    if (err instanceof SourceError) throw err;
    // A shape no mapper foresaw (deeply nested XML, odd element trees) still costs only this source.
    const message = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').slice(0, 200);
    throw new ParseError(`cannot read the feed: ${message}`, { cause: err });
  }
}

async function readFeed(text: string, url: string): Promise<ParsedFeed> {
  const sniffed = detectFormat(text);
  let feed: ParsedFeed;
  if (sniffed.kind === 'json') {
    feed = parseJsonFeed(text, url);
  } else {
    const atom = sniffed.format === 'atom1.0';
    const tree = await readXmlFeed(prepareXml(text, { atom }), { atom });
    feed = atom ? mapAtom(tree, url) : mapRss(tree, sniffed.format, url);
  }
  const { items, warnings } = dedupeItems(feed.items);
  feed.items = items;
  if (warnings.length) feed.warnings = [...(feed.warnings ?? []), ...warnings];
  return feed;
}

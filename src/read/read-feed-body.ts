/**
 * Reading a fetched body: decode → parse → normalize, in whichever thread
 * calls it. The pipeline calls it through a FeedReader (feed-reader.ts),
 * which runs it in worker threads; `inspect` and the benches call it directly.
 */
import { normalizeFeed } from '../normalize/normalize-feed.js';
import { decodeBody } from '../parse/decode-body.js';
import { parseFeed } from '../parse/parse-feed.js';
import type { FeedFormat, NormalizedItem } from '../types.js';

/** A feed body read through decode → parse → normalize. */
export interface ReadFeed {
  format: FeedFormat;
  charset: string;
  title?: string;
  link?: string;
  items: NormalizedItem[];
  warnings: string[];
}

/**
 * Decode, parse and normalize one fetched body. `url` is where it came from,
 * `contentLocation` the response's Content-Location header: the base for
 * relative links (RFC 3986 §5.1).
 */
export async function readFeedBody(body: Buffer, contentType: string | undefined, url: string, now: Date, contentLocation?: string): Promise<ReadFeed> {
  const decoded = decodeBody(body, contentType);
  const feed = await parseFeed(decoded.text, { url, ...(contentLocation ? { contentLocation } : {}) });
  return {
    format: feed.format,
    charset: decoded.charset,
    ...(feed.title !== undefined ? { title: feed.title } : {}),
    ...(feed.link !== undefined ? { link: feed.link } : {}),
    items: normalizeFeed(feed, { url, now }),
    warnings: [...decoded.warnings, ...(feed.warnings ?? [])],
  };
}

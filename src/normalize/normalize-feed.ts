import type { NormalizedItem, ParsedFeed } from '../types.js';
import { normalizeItem } from './normalize-item.js';

/** All items of a parsed feed, against the right base: the feed's own base, else the fetched URL. */
export function normalizeFeed(feed: ParsedFeed, ctx: { url: string; now: Date; summaryMaxChars?: number }): NormalizedItem[] {
  const base = { baseUrl: feed.baseUrl ?? ctx.url, now: ctx.now, ...(ctx.summaryMaxChars ? { summaryMaxChars: ctx.summaryMaxChars } : {}) };
  return feed.items.map((raw) => normalizeItem(raw, base));
}

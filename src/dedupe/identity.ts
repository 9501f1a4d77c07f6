/**
 * THE IDENTITY RULE — how feedkurator decides that two items are one article.
 *
 * Every item gets a canonical `key`, chosen by the first rule that applies:
 *
 *  1. `url:<host><path>?<query>` — the item's canonical link (canonicalizeUrl
 *     in src/normalize/canonical-url.ts: tracking parameters, fragments and
 *     default ports dropped, host lower-cased), made
 *     scheme-less and with a leading `www.` removed, so that the http/https and
 *     www/non-www variants of one article, announced by a news site and by an
 *     aggregator with other tracking parameters, are one article. A trailing
 *     slash of a non-root path is dropped; the remaining query keeps its order
 *     (on many CMS `?id=…` is the article). A link to a site's front page
 *     (no path, no query) names no article and is skipped, as is a link that
 *     merge-items found shared by different articles of one feed.
 *  2. `guid:<source>:<guid>` — the source's own guid/id when the item has no
 *     link. Scoped by source name because guids are only unique per feed.
 *  3. `hash:<source>:<sha256(title|date)>` — neither link nor guid: the
 *     whitespace- and case-folded title plus the source's date (if any).
 *
 * The public `id` is the first 16 hex digits (64 bits) of sha256(key): the
 * same in every process, poll and output format, and unguessable enough to
 * never collide in a store of 50,000 articles (p ≈ 7e-11).
 *
 * Once stored, an article keeps its id forever, even if its source later
 * changes the link (merge-items matches it by the source's guid then).
 */
import { hash } from 'node:crypto';
import { canonicalUrl } from '../normalize/canonical-url.js';
import type { NormalizedItem } from '../types.js';

export interface ItemIdentity {
  id: string;
  key: string;
}

export function identifyItem(item: NormalizedItem, sourceName: string): ItemIdentity {
  const key = buildKey(item, sourceName);
  // The read worker's id of the link's key, when the key is that one (item-digests.ts).
  return { id: item.link && key === item.linkKey && item.linkKeyId !== undefined ? item.linkKeyId : idForKey(key), key };
}

export function idForKey(key: string): string {
  // The one-shot hash (Node >= 20.12): a Hash object per call cost ~3 µs more, twice per merged item.
  return hash('sha256', key, 'hex').slice(0, 16);
}

function buildKey(item: NormalizedItem, sourceName: string): string {
  const urlKey = item.link ? urlKeyOf(item.link) : undefined;
  if (urlKey && !isFrontPage(urlKey)) return urlKey;
  const guid = item.guid?.trim();
  if (guid) return guidKeyOf(sourceName, guid);
  const title = item.title.normalize('NFC').replace(/\s+/g, ' ').trim().toLowerCase();
  const digest = hash('sha256', `${title}|${item.published ?? ''}`, 'hex').slice(0, 32);
  return `hash:${sourceName}:${digest}`;
}

function isFrontPage(urlKey: string): boolean {
  return !urlKey.slice(4).includes('/') && !urlKey.includes('?');
}

export function guidKeyOf(sourceName: string, guid: string): string {
  return `guid:${sourceName}:${guid.trim()}`;
}

/**
 * The `url:` key of a link, or undefined for anything that is not an absolute
 * http(s) URL (such a link cannot identify an article across sources).
 */
export function urlKeyOf(link: string): string | undefined {
  // A merge asks for the key of one link about five times (shared-link check,
  // identity, the plan's index, the store's index): two URL parses each, half
  // of a cold poll's merge time before this memo.
  const known = urlKeys.get(link);
  if (known !== undefined || urlKeys.has(link)) return known;
  const key = computeUrlKey(link);
  keepUrlKey(link, key);
  return key;
}

/** A link's url key as the read worker computed it with urlKeyOf: later look-ups of the link need no URL parse. */
export function rememberUrlKey(link: string, key: string): void {
  if (!urlKeys.has(link)) keepUrlKey(link, key);
}

function keepUrlKey(link: string, key: string | undefined): void {
  if (urlKeys.size >= URL_KEY_MEMO_SIZE) urlKeys.clear();
  urlKeys.set(link, key);
}

/** Enough for the items of every source a cycle merges at once; cleared whole when full (a pure function: only speed depends on it). */
const URL_KEY_MEMO_SIZE = 8192;
const urlKeys = new Map<string, string | undefined>();

function computeUrlKey(link: string): string | undefined {
  // Normalize already canonicalized the link; repeating it (idempotent) keeps
  // the key right for any caller, e.g. links stored by an older version.
  const url = canonicalUrl(link);
  return url ? urlKeyOfCanonical(url) : undefined;
}

/** The `url:` key of a canonical URL (canonicalUrl's, or its href parsed again: the same parts). */
export function urlKeyOfCanonical(url: URL): string {
  const host = url.hostname.toLowerCase().replace(/^www\./, '').replace(/\.$/, '');
  const port = url.port && url.port !== '80' && url.port !== '443' ? `:${url.port}` : '';
  let path = url.pathname;
  if (path.length > 1 && path.endsWith('/')) path = path.replace(/\/+$/, '');
  if (path === '/') path = '';
  return `url:${host}${port}${path}${url.search}`;
}

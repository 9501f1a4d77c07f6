/**
 * From what an editor pastes (a feed URL or a site's page) to a feed that
 * feedkurator can read: the URL itself, else the page's autodiscovery links,
 * else the common feed paths of the site. Every candidate is fetched and read
 * with the real fetcher and parser, so "found" means "the poll will read it".
 */
import { describeError, FetchError, NotAFeedError } from '../errors.js';
import type { Fetcher } from '../fetch/fetcher.js';
import { readFeedBody, type ReadFeed } from '../read/read-feed-body.js';
import { COMMON_FEED_PATHS, commonFeedUrls, findFeedLinks } from './find-feed-links.js';

export interface DiscoveredFeed {
  /** The URL to configure: as requested, before redirects, so the poll's redirect handling stays in charge. */
  feedUrl: string;
  /** How it was found. */
  via: 'direct' | 'link' | 'common-path';
  feed: ReadFeed;
}

type Attempt = { ok: true; feed: ReadFeed } | { ok: false; reason: string };

export async function discoverFeed(url: string, options: { fetcher: Fetcher; now?: Date }): Promise<DiscoveredFeed> {
  const now = options.now ?? new Date();
  const page = await fetchBody(url, options.fetcher);
  let directReason: string;
  try {
    return { feedUrl: url, via: 'direct', feed: await readFeedBody(page.body, page.contentType, page.finalUrl, now) };
  } catch (err) {
    directReason = describeError(err);
  }

  const tried = new Set([url, page.finalUrl]);
  const links = findFeedLinks(decodePage(page.body), page.finalUrl).filter((l) => !tried.has(l.url));
  const failures: string[] = [];
  for (const link of links) {
    tried.add(link.url);
    const attempt = await tryRead(link.url, options.fetcher, now);
    if (attempt.ok) return { feedUrl: link.url, via: 'link', feed: attempt.feed };
    failures.push(`${link.url}: ${attempt.reason}`);
  }
  for (const candidate of commonFeedUrls(page.finalUrl)) {
    if (tried.has(candidate)) continue;
    tried.add(candidate);
    const attempt = await tryRead(candidate, options.fetcher, now);
    if (attempt.ok) return { feedUrl: candidate, via: 'common-path', feed: attempt.feed };
  }

  const origin = new URL(page.finalUrl).origin;
  const what = isHtml(page.contentType, page.body) ? 'an HTML page' : `not a feed (${directReason})`;
  throw new NotAFeedError(
    links.length > 0
      ? `${url} is ${what}, and its feed link${links.length === 1 ? '' : 's'} could not be read: ${failures.join('; ')}`
      : `no feed found at ${url}: it is ${what} without a <link rel="alternate"> feed link, and none of the common paths on ${origin} ` +
          `(${COMMON_FEED_PATHS.join(', ')}) is a feed`,
  );
}

async function fetchBody(url: string, fetcher: Fetcher) {
  const result = await fetcher.fetch({ url });
  if (result.kind !== 'ok') throw new FetchError(`${url}: unexpected 304 Not Modified without a conditional request`);
  return result;
}

async function tryRead(url: string, fetcher: Fetcher, now: Date): Promise<Attempt> {
  try {
    const result = await fetchBody(url, fetcher);
    return { ok: true, feed: await readFeedBody(result.body, result.contentType, result.finalUrl, now, result.contentLocation) };
  } catch (err) {
    return { ok: false, reason: describeError(err) };
  }
}

/** UTF-8 where the bytes are UTF-8, else Latin-1: tags and URLs survive either way. */
function decodePage(body: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return body.toString('latin1');
  }
}

function isHtml(contentType: string | undefined, body: Buffer): boolean {
  if (contentType && /^\s*(text\/html|application\/xhtml\+xml)\b/i.test(contentType)) return true;
  return /^\s*(<!doctype html|<html\b)/i.test(body.subarray(0, 512).toString('latin1').replace(/^\uFEFF|^\xEF\xBB\xBF/, ''));
}

import { Parser } from 'htmlparser2';

/** The feed types of autodiscovery links (RSS Advisory Board, RFC 4287 practice, JSON Feed 1.0 and 1.1). */
const FEED_TYPES = new Set([
  'application/rss+xml',
  'application/atom+xml',
  'application/rdf+xml',
  'application/feed+json',
  'application/json',
]);

/** Where sites without autodiscovery links commonly serve their feed, tried in this order. */
export const COMMON_FEED_PATHS: readonly string[] = ['/feed/', '/rss', '/feed.xml', '/atom.xml', '/index.xml', '/rss.xml', '/feed.json'];

export interface FeedLink {
  url: string;
  type: string;
  title?: string;
}

/**
 * The `<link rel="alternate">` feed links of an HTML page, absolute (against
 * `<base href>` where the page sets one, else the page URL), in document
 * order with comment feeds last: WordPress lists the site feed and the
 * comments feed, and an editor means the site feed.
 */
export function findFeedLinks(html: string, pageUrl: string): FeedLink[] {
  let base = pageUrl;
  const raw: { href: string; type: string; title?: string }[] = [];
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (name === 'base' && attrs.href) base = resolve(attrs.href, pageUrl) ?? base;
        if (name !== 'link' || !attrs.href) return;
        const rel = (attrs.rel ?? '').toLowerCase().split(/\s+/);
        const type = (attrs.type ?? '').toLowerCase().split(';')[0]!.trim();
        if (rel.includes('alternate') && FEED_TYPES.has(type)) raw.push({ href: attrs.href.trim(), type, ...(attrs.title ? { title: attrs.title } : {}) });
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();

  const seen = new Set<string>();
  const links: FeedLink[] = [];
  for (const { href, type, title } of raw) {
    const url = resolve(href, base);
    if (!url || seen.has(url)) continue;
    seen.add(url);
    links.push({ url, type, ...(title ? { title } : {}) });
  }
  const isComments = (l: FeedLink): boolean => /comment|kommentar/i.test(`${l.title ?? ''} ${l.url}`);
  return [...links.filter((l) => !isComments(l)), ...links.filter(isComments)];
}

/** The common feed paths on the page's origin. */
export function commonFeedUrls(pageUrl: string): string[] {
  const origin = new URL(pageUrl).origin;
  return COMMON_FEED_PATHS.map((p) => new URL(p, origin).href);
}

function resolve(href: string, base: string): string | undefined {
  try {
    const url = new URL(href, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

import { BadUrlError, RedirectError } from '../errors.js';
import { truncateText } from '../text/truncate.js';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const PERMANENT_STATUSES = new Set([301, 308]);

export function isRedirectStatus(status: number): boolean {
  return REDIRECT_STATUSES.has(status);
}

/** Parses a URL we are about to request; only http and https leave the process. */
export function parseHttpUrl(raw: string, what = 'URL'): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (cause) {
    throw new BadUrlError(`${what} is not a valid absolute URL: ${truncate(raw)}`, { cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BadUrlError(`${what} uses unsupported scheme ${url.protocol} (only http and https): ${truncate(raw)}`);
  }
  url.hash = '';
  return url;
}

/**
 * Splits `https://user:pass@host/feed` into the URL without credentials (the
 * only form that may appear in messages and state) and a Basic authorization
 * header, which the fetcher sends to that origin only.
 */
export function splitCredentials(url: URL): { url: URL; authorization?: string } {
  if (!url.username && !url.password) return { url };
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  const clean = new URL(url.href);
  clean.username = '';
  clean.password = '';
  return { url: clean, authorization: `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}` };
}

/**
 * Credentials from the configured URL go to its origin only, and to the same
 * host upgraded from http to https (a common redirect that only makes them
 * safer); never to another host or port.
 */
export function mayReceiveCredentials(start: URL, target: URL): boolean {
  if (target.origin === start.origin) return true;
  return start.protocol === 'http:' && target.protocol === 'https:' && target.hostname === start.hostname && start.port === '' && target.port === '';
}

/**
 * The hops of one fetch. Pure bookkeeping: the fetcher asks it where to go
 * next and it says whether that is allowed and whether the chain so far is
 * permanent (only an all-301/308 chain may replace the configured URL).
 */
export class RedirectChain {
  private readonly urls: string[];
  private allPermanent = true;

  constructor(
    start: URL,
    private readonly maxRedirects: number,
  ) {
    this.urls = [start.href];
  }

  get current(): string {
    return this.urls[this.urls.length - 1]!;
  }

  get redirects(): number {
    return this.urls.length - 1;
  }

  /** Set when at least one hop happened and every hop was 301 or 308. */
  get permanentUrl(): string | undefined {
    return this.redirects > 0 && this.allPermanent ? this.current : undefined;
  }

  /** Validates a 3xx hop and returns the URL to request next. */
  follow(status: number, location: string | undefined): URL {
    if (location === undefined || location.trim() === '') {
      throw new RedirectError(`HTTP ${status} redirect without a Location header from ${this.current}`);
    }
    let next: URL;
    try {
      next = new URL(location.trim(), this.current);
    } catch (cause) {
      throw new RedirectError(`HTTP ${status} redirect to an invalid URL ${truncate(location)} from ${this.current}`, { cause });
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw new RedirectError(`redirect to unsupported scheme ${next.protocol} (only http and https): ${this.current} → ${truncate(next.href)}`);
    }
    next.hash = '';
    if (this.urls.includes(next.href)) {
      const loopStart = this.urls.indexOf(next.href);
      throw new RedirectError(`redirect loop: ${[...this.urls.slice(loopStart), next.href].join(' → ')}`);
    }
    if (this.redirects >= this.maxRedirects) {
      throw new RedirectError(`too many redirects (more than ${this.maxRedirects}): ${[...this.urls, next.href].join(' → ')}`);
    }
    if (!PERMANENT_STATUSES.has(status)) this.allPermanent = false;
    this.urls.push(next.href);
    return next;
  }
}

/** URLs in messages are the caller's input: long ones are cut so that a message stays one readable line. */
function truncate(text: string): string {
  return truncateText(text, 200);
}

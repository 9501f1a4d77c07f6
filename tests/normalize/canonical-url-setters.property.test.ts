import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { urlKeyOf } from '../../src/dedupe/identity.js';
import { canonicalizeUrl, isTrackingParameter } from '../../src/normalize/canonical-url.js';

/** canonicalizeUrl as it was before it skipped the setters that change nothing: both setters on every link. */
function everySetter(url: string, base?: string): string | undefined {
  const trimmed = url.trim();
  if (!trimmed) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(trimmed, base);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  if (!parsed.hostname) return undefined;
  parsed.hash = '';
  if (parsed.hostname.endsWith('.')) parsed.hostname = parsed.hostname.replace(/\.+$/, '');
  const kept = parsed.search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '' && !isTrackingParameter(safeName(pair)));
  parsed.search = kept.length ? `?${kept.join('&')}` : '';
  return parsed.href;
}

function safeName(pair: string): string {
  const name = pair.split('=', 1)[0]!;
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

const piece = fc.constantFrom('', 'a', 'utm_source=x', 'id=5', '%20', '+', '?', '#', '&', '=', 'ä', '%zz', ' ', "'", '"', '<', '/', '.', '%23', '%3F', 'fbclid');
const text = fc.array(piece, { maxLength: 6 }).map((parts) => parts.join(''));

describe('canonicalizeUrl without the setters that change nothing', () => {
  it('gives what setting the fragment and the query on every link gave', () => {
    fc.assert(
      fc.property(fc.constantFrom('https://x.de', 'http://Host.example.:80', 'https://b\u00fccher.example', ''), text, text, text, (origin, path, query, fragment) => {
        const url = `${origin}/${path}?${query}#${fragment}`;
        for (const candidate of [url, url.replace('#', ''), url.replace('?', ''), `${origin}/${path}`, `${origin}/${path}?`, `${origin}/${path}#`]) {
          expect(canonicalizeUrl(candidate, 'https://base.example/dir/')).toBe(everySetter(candidate, 'https://base.example/dir/'));
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('drops an empty query and an empty fragment as before', () => {
    expect(canonicalizeUrl('https://x.de/a?')).toBe('https://x.de/a');
    expect(canonicalizeUrl('https://x.de/a#')).toBe('https://x.de/a');
    expect(canonicalizeUrl('https://x.de/a?#')).toBe('https://x.de/a');
    expect(canonicalizeUrl('https://x.de/a?b=1#')).toBe('https://x.de/a?b=1');
  });
});

/**
 * A canonical link read again is the same link: the read worker keys an item by its canonical link, a
 * link stored by an older version is canonicalized again, and an aggregator may announce the canonical
 * spelling of a link another source writes otherwise. One more step on a second reading would give one
 * article two spellings.
 */
describe('canonicalizeUrl, read again', () => {
  const part = fc.constantFrom('', 'a', 'A', '.', '..', '%2e', '/', '?', '#', '&', '=', ';', ':', '@', '\\', '%', '%41', '%zz', '%C3%A4', 'ä', ' ', '\t', '~', '|', '^', '`', '{', 'utm_source=x', 'id=5', 'fbclid');
  const path = fc.array(part, { maxLength: 8 }).map((parts) => parts.join(''));
  const origin = fc.constantFrom('https://x.de', 'HTTP://WWW.X.DE:443', 'http://Host.example.:80', 'https://x.de.:443', 'https://b\u00fccher.example', 'https://[::1]:8080', 'http://1.2.3.4.', 'https://user:pw@x.de', '');

  it('gives the link it gave, and the same url key as the link it was made of', () => {
    fc.assert(
      fc.property(origin, path, path, path, (start, rest, query, fragment) => {
        for (const url of [`${start}/${rest}?${query}#${fragment}`, `${start}${rest}`, `${rest}?${query}`]) {
          const once = canonicalizeUrl(url, 'https://base.example/dir/');
          if (once === undefined) continue;
          expect(canonicalizeUrl(once), url).toBe(once);
          if (URL.canParse(url.trim())) expect(urlKeyOf(once), url).toBe(urlKeyOf(url));
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('drops every trailing dot of a host', () => {
    expect(canonicalizeUrl('https://x.de../a')).toBe('https://x.de/a');
    expect(canonicalizeUrl('https://x.de./a')).toBe('https://x.de/a');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { urlKeyOf, urlKeyOfCanonical } from '../../src/dedupe/identity.js';
import { canonicalizeUrl } from '../../src/normalize/canonical-url.js';
import { parseUrl } from '../../src/normalize/parse-url.js';

/** What `new URL(input, base)` gives: its href, or that it throws. */
function outcome(parse: () => URL): string {
  try {
    return parse().href;
  } catch (err) {
    return `throws ${(err as { code?: string }).code ?? (err as Error).name}`;
  }
}

const scheme = fc.constantFrom('http', 'https', 'HTTP', 'hTtPs', 'ftp', 'file', 'mailto', 'javascript', 'web+x', 'http ', ' https');
const joint = fc.constantFrom('://', ':/', ':', ':///', ':\\\\', ':/\\', ':\t//', '://\t', ':// ', ':');
const host = fc.constantFrom('x.de', 'WWW.Heise.DE', 'b\u00fccher.example', 'x.de.', '127.0.0.1', '[::1]', 'a:8080', 'u:p@h.example', '', '%41.example', 'x.de:443');
const rest = fc
  .array(fc.constantFrom('/', 'a', '..', '.', '?', '#', '&', '=', '%20', '\u00e4', ' ', '\\', '\t', '\n', 'utm_source=x'), { maxLength: 8 })
  .map((parts) => parts.join(''));
/** Links as feeds write them: absolute, scheme-relative, relative, mis-spelt. */
const input = fc.oneof(
  fc.tuple(scheme, joint, host, rest).map(([s, j, h, r]) => `${s}${j}${h}${r}`),
  fc.tuple(fc.constantFrom('//', '/', '', './', '../', '?', '#', ' ', '\t'), host, rest).map(([p, h, r]) => `${p}${h}${r}`),
);
const base = fc.constantFrom(
  undefined,
  'https://www.heise.de/news/',
  'http://127.0.0.1:8080/feeds/a.xml',
  'https://b\u00fccher.example/x/y?q=1#f',
  'file:///srv/feeds/a.xml',
  'mailto:redaktion@example.org',
  'web+x://host/path',
  'not a url',
  '',
  '//x.de/a',
);

describe('parseUrl', () => {
  it('gives what new URL(input, base) gives, or throws where it throws', () => {
    fc.assert(
      fc.property(input, base, (i, b) => {
        expect(outcome(() => parseUrl(i, b))).toBe(outcome(() => new URL(i, b)));
      }),
      { numRuns: 20_000 },
    );
  });

  it('still refuses an absolute link against an invalid base, after a valid one and back', () => {
    const link = 'https://x.de/a';
    for (const b of ['https://ok.example/', 'not a url', 'https://ok.example/', '', 'http://[::1', 'https://ok.example/']) {
      expect(outcome(() => parseUrl(link, b))).toBe(outcome(() => new URL(link, b)));
    }
  });

  it('leaves a scheme without its two slashes to the base, as the URL parser does', () => {
    // "http:foo" against an http base is relative to it; without the base it is a host named foo.
    expect(parseUrl('http:foo', 'http://x.de/dir/').href).toBe('http://x.de/dir/foo');
    expect(parseUrl('HTTPS://Y.DE/a', 'http://x.de/dir/').href).toBe('https://y.de/a');
  });
});

describe("a link's url key from its canonical URL, not a second parse of it", () => {
  it('is the key the canonical href parsed again gives', () => {
    let n = 0;
    fc.assert(
      fc.property(input, (i) => {
        // A new spelling per run: urlKeyOf remembers the links it has seen.
        const link = `${i}${i.includes('?') ? '&' : '?'}k=${n++}`;
        const canonical = canonicalizeUrl(link);
        expect(urlKeyOf(link)).toBe(canonical === undefined ? undefined : urlKeyOfCanonical(new URL(canonical)));
      }),
      { numRuns: 10_000 },
    );
  });
});

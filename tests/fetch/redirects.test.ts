import { describe, expect, it } from 'vitest';
import { BadUrlError, RedirectError } from '../../src/errors.js';
import { mayReceiveCredentials, parseHttpUrl, RedirectChain, splitCredentials } from '../../src/fetch/redirects.js';
import { formatInstant, parseRetryAfter } from '../../src/fetch/retry-after.js';

describe('RedirectChain', () => {
  const start = new URL('https://a.example/feed');

  it('resolves relative locations and drops fragments', () => {
    const chain = new RedirectChain(start, 5);
    expect(chain.follow(302, '../neu/feed.xml#top').href).toBe('https://a.example/neu/feed.xml');
    expect(chain.current).toBe('https://a.example/neu/feed.xml');
  });

  it('is permanent only when every hop was 301 or 308', () => {
    const permanent = new RedirectChain(start, 5);
    expect(permanent.permanentUrl).toBeUndefined();
    permanent.follow(301, 'https://b.example/feed');
    permanent.follow(308, 'https://c.example/feed');
    expect(permanent.permanentUrl).toBe('https://c.example/feed');

    const mixed = new RedirectChain(start, 5);
    mixed.follow(301, 'https://b.example/feed');
    mixed.follow(307, 'https://c.example/feed');
    expect(mixed.permanentUrl).toBeUndefined();
  });

  it('names the loop from where it starts', () => {
    const chain = new RedirectChain(start, 5);
    chain.follow(302, 'https://b.example/');
    chain.follow(302, 'https://c.example/');
    expect(() => chain.follow(302, 'https://b.example/')).toThrow(
      new RedirectError('redirect loop: https://b.example/ → https://c.example/ → https://b.example/'),
    );
  });

  it('allows exactly maxRedirects hops', () => {
    const chain = new RedirectChain(start, 2);
    chain.follow(302, '/1');
    chain.follow(302, '/2');
    expect(() => chain.follow(302, '/3')).toThrow(/^too many redirects \(more than 2\): https:\/\/a\.example\/feed → .* → https:\/\/a\.example\/3$/);
  });

  it('refuses schemes other than http and https', () => {
    for (const location of ['javascript:alert(1)', 'file:///etc/passwd', 'ftp://a.example/feed']) {
      expect(() => new RedirectChain(start, 5).follow(302, location)).toThrow(RedirectError);
    }
  });
});

describe('parseHttpUrl and splitCredentials', () => {
  it('accepts http and https only', () => {
    expect(parseHttpUrl('http://a.example/x#frag').href).toBe('http://a.example/x');
    expect(() => parseHttpUrl('gopher://a.example/')).toThrow(BadUrlError);
    expect(() => parseHttpUrl('/relative')).toThrow(BadUrlError);
  });

  it('turns user info into a Basic header and removes it from the URL', () => {
    const { url, authorization } = splitCredentials(new URL('https://me%40home:p%C3%A4ss@a.example/feed'));
    expect(url.href).toBe('https://a.example/feed');
    expect(Buffer.from(authorization!.replace('Basic ', ''), 'base64').toString('utf8')).toBe('me@home:päss');
    expect(splitCredentials(new URL('https://a.example/')).authorization).toBeUndefined();
  });
});

describe('mayReceiveCredentials', () => {
  const start = new URL('http://feeds.example.de/private.xml');
  it.each([
    ['http://feeds.example.de/other.xml', true],
    ['https://feeds.example.de/private.xml', true],
    ['https://feeds.example.de:8443/private.xml', false],
    ['http://feeds.example.de:8080/private.xml', false],
    ['https://cdn.example.de/private.xml', false],
    ['http://evil.example/private.xml', false],
  ])('from %s: %s', (target, expected) => {
    expect(mayReceiveCredentials(start, new URL(target))).toBe(expected);
  });

  it('never downgrades https credentials to http', () => {
    expect(mayReceiveCredentials(new URL('https://a.example/'), new URL('http://a.example/'))).toBe(false);
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2026-11-22T04:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', now)?.toISOString()).toBe('2026-11-22T04:02:00.000Z');
    expect(parseRetryAfter(' 0 ', now)?.toISOString()).toBe('2026-11-22T04:00:00.000Z');
  });

  it('reads the three HTTP date forms', () => {
    expect(parseRetryAfter('Sun, 22 Nov 2026 05:00:00 GMT', now)?.toISOString()).toBe('2026-11-22T05:00:00.000Z');
    expect(parseRetryAfter('Sunday, 22-Nov-26 05:00:00 GMT', now)?.toISOString()).toBe('2026-11-22T05:00:00.000Z');
    expect(parseRetryAfter('Sun Nov 22 05:00:00 2026', now)).toBeDefined();
  });

  it('ignores garbage, negatives and past dates', () => {
    for (const v of [undefined, '', 'soon', '-5', '1.5', 'Sat, 21 Nov 2026 05:00:00 GMT']) {
      expect(parseRetryAfter(v, now)).toBeUndefined();
    }
  });

  it('formats instants without milliseconds', () => {
    expect(formatInstant(new Date('2026-11-22T05:00:00.123Z'))).toBe('2026-11-22T05:00:00Z');
  });
});

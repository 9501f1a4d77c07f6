import { describe, expect, it } from 'vitest';
import { chooseEncoding, isNotModified } from '../../src/server/negotiate.js';
import { pathOf, resolveRoute } from '../../src/server/routes.js';

describe('chooseEncoding', () => {
  it.each([
    [undefined, 'identity'],
    ['', 'identity'],
    ['x-gzip', 'gzip'],
    ['GZIP', 'gzip'],
    ['br;q=0.9, gzip;q=0.9', 'br'],
    ['gzip;q=0.9, br;q=0.8', 'gzip'],
    ['br;q=abc, gzip', 'gzip'],
    ['br;q=2, gzip', 'gzip'],
    ['*;q=0.5, br;q=0', 'gzip'],
    ['identity;q=0, *;q=0', 'identity'],
    ['identity;q=0, gzip;q=0.1', 'gzip'],
  ] as const)('%s -> %s', (header, expected) => {
    expect(chooseEncoding(header)).toBe(expected);
  });
});

describe('isNotModified', () => {
  const etags = ['"abc"', '"abc-gz"', '"abc-br"'];
  const lastModified = new Date('2026-11-21T20:00:00Z');
  it('compares entity tags weakly and ignores If-Modified-Since when If-None-Match is present', () => {
    expect(isNotModified('W/"abc-br"', undefined, etags, lastModified)).toBe(true);
    expect(isNotModified('"abc" ', undefined, etags, lastModified)).toBe(true);
    expect(isNotModified('abc', undefined, etags, lastModified)).toBe(false);
    expect(isNotModified('"x"', 'Sun, 22 Nov 2026 00:00:00 GMT', etags, lastModified)).toBe(false);
    expect(isNotModified(undefined, 'Sat, 21 Nov 2026 20:00:00 GMT', etags, lastModified)).toBe(true);
    expect(isNotModified(undefined, 'Sat, 21 Nov 2026 19:59:59 GMT', etags, lastModified)).toBe(false);
    expect(isNotModified(undefined, undefined, etags, lastModified)).toBe(false);
  });
});

describe('routes', () => {
  const has = new Set(['/', '/feed.xml', '/topics/kernel.atom']);
  it('routes by exact path, ignoring query and fragment, for absolute-form targets too', () => {
    expect(pathOf('/feed.xml?x=1#y')).toBe('/feed.xml');
    expect(pathOf('http://example.org/topics/kernel.atom?a')).toBe('/topics/kernel.atom');
    expect(pathOf('*')).toBe('');
    expect(pathOf('/feed.xml#a?b')).toBe('/feed.xml');
    expect(resolveRoute('GET', 'http://example.org/feed.xml', has)).toEqual({ kind: 'resource', path: '/feed.xml', label: '/feed.xml' });
    expect(resolveRoute('HEAD', '/index.html', has)).toEqual({ kind: 'resource', path: '/', label: '/' });
    expect(resolveRoute('GET', '/healthz?verbose', has).kind).toBe('healthz');
    expect(resolveRoute('GET', '/metrics', has).kind).toBe('metrics');
    expect(resolveRoute('GET', '/topics/../feed.xml', has).kind).toBe('not-found');
    expect(resolveRoute('PROPFIND', '/feed.xml', has).kind).toBe('method-not-allowed');
    expect(resolveRoute('get', '/feed.xml', has).kind).toBe('method-not-allowed');
  });
  it('answers a path with the same route object each time (no allocation per request)', () => {
    expect(resolveRoute('GET', '/feed.xml?a', has)).toBe(resolveRoute('HEAD', '/feed.xml', has));
    expect(resolveRoute('GET', '/nothing', has)).toBe(resolveRoute('GET', '/nothing-else', has));
  });
});

import { describe, expect, it } from 'vitest';
import { resolveHttpUrl, resolveUrl } from '../../src/parse/resolve-url.js';

describe('resolveUrl and resolveHttpUrl', () => {
  it('nothing for a missing or blank reference (not the base itself)', () => {
    expect(resolveUrl(undefined, 'https://a.example/')).toBeUndefined();
    expect(resolveUrl('   ', 'https://a.example/')).toBeUndefined();
    expect(resolveHttpUrl('  ', 'https://a.example/')).toBeUndefined();
  });

  it('resolves against the base; nothing when that fails', () => {
    expect(resolveUrl(' b/c ', 'https://a.example/x/')).toBe('https://a.example/x/b/c');
    expect(resolveUrl('b', undefined)).toBeUndefined();
    expect(resolveUrl('mailto:a@b.example')).toBe('mailto:a@b.example');
  });

  it('only http and https count as web addresses, by their scheme', () => {
    expect(resolveHttpUrl('http://a.example/')).toBe('http://a.example/');
    expect(resolveHttpUrl('HTTPS://a.example/')).toBe('https://a.example/');
    expect(resolveHttpUrl('ftp://a.example/https:x')).toBeUndefined();
    expect(resolveHttpUrl('mailto:a@b.example')).toBeUndefined();
  });
});

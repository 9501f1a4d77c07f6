import { describe, expect, it } from 'vitest';
import { TRACKING_PARAMETERS, canonicalizeUrl, isTrackingParameter } from '../../src/normalize/canonical-url.js';

describe('canonicalizeUrl', () => {
  it.each([
    ['HTTPS://WWW.Heise.DE:443/news/Kernel-6.14.html#kommentare', 'https://www.heise.de/news/Kernel-6.14.html'],
    ['http://golem.de:80/a', 'http://golem.de/a'],
    ['http://golem.de:8080/a', 'http://golem.de:8080/a'],
    ['https://www.heise.de/news/x.html?wt_mc=rss.red.ho.ho.atom.beitrag.beitrag', 'https://www.heise.de/news/x.html'],
    ['https://golem.de/news/x.html?utm_source=rss&utm_medium=feed&UTM_Campaign=x', 'https://golem.de/news/x.html'],
    ['https://x.de/a?b=2&fbclid=abc&a=1&gclid=z&mc_cid=1&mc_eid=2&wt_zmc=q&c=%20d', 'https://x.de/a?b=2&a=1&c=%20d'],
    ['https://x.de/a?id=5&&utm_term=x&', 'https://x.de/a?id=5'],
    ['https://x.de/suche?q=a+b&mtm_campaign=x&pk_kwd=y', 'https://x.de/suche?q=a+b'],
    ['https://Bücher.example/ä', 'https://xn--bcher-kva.example/%C3%A4'],
    ['https://linux.example./x', 'https://linux.example/x'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalizeUrl(input)).toBe(expected);
  });

  it('resolves relative links against a base', () => {
    expect(canonicalizeUrl('../b?utm_source=x', 'https://x.de/a/c/')).toBe('https://x.de/a/b');
    expect(canonicalizeUrl('//cdn.x.de/i.png', 'https://x.de/')).toBe('https://cdn.x.de/i.png');
  });

  it('only publishes http(s) links', () => {
    for (const bad of ['javascript:alert(1)', 'data:text/html,x', 'mailto:a@b.de', 'ftp://x.de/f', '', '   ', 'nicht eine url', 'http://']) {
      expect(canonicalizeUrl(bad), bad).toBeUndefined();
    }
  });

  it('documents its list and matches names case-insensitively', () => {
    expect(TRACKING_PARAMETERS.length).toBeGreaterThan(20);
    expect(isTrackingParameter('WT_MC')).toBe(true);
    expect(isTrackingParameter('utm_anything')).toBe(true);
    expect(isTrackingParameter('page')).toBe(false);
    expect(isTrackingParameter('id')).toBe(false);
  });
});

describe('canonicalizeUrl, query names', () => {
  it('compares the decoded name: percent-encoded and "+" spellings of a tracker go too', () => {
    expect(canonicalizeUrl('https://x.de/a?%75tm_source=rss&id=1')).toBe('https://x.de/a?id=1');
    expect(canonicalizeUrl('https://x.de/a?WT%5FMC=x&id=1')).toBe('https://x.de/a?id=1');
    expect(canonicalizeUrl('https://x.de/a?utm_source=a=b&id=1')).toBe('https://x.de/a?id=1');
    // "+" is a space in a query name: "wt+mc" is "wt mc", not the tracker "wt_mc".
    expect(canonicalizeUrl('https://x.de/a?wt+mc=1')).toBe('https://x.de/a?wt+mc=1');
  });

  it('keeps a parameter whose name does not decode, as written', () => {
    expect(canonicalizeUrl('https://x.de/a?%E0%A4%A=1&utm_medium=x')).toBe('https://x.de/a?%E0%A4%A=1');
  });

  it('matches the pattern families whole, not as substrings', () => {
    for (const name of ['at_medium', 'AT_Campaign', 'at_custom12', 'ns_campaign', 'pk_campaign', 'piwik_kwd', 'mtm_source', 'mc_eid', '_hsenc', 'igshid', 'from_rss']) {
      expect(isTrackingParameter(name), name).toBe(true);
    }
    for (const name of ['at_home', 'cat_medium', 'ns_other', 'xutm_source', 'mc', 'wt', 'ref', 'feed']) {
      expect(isTrackingParameter(name), name).toBe(false);
    }
  });

  it('reads "+" in a name as a space, and a blank link as no link even with a base', () => {
    expect(canonicalizeUrl('https://x.de/a?fb+clid=1')).toBe('https://x.de/a?fb+clid=1');
    expect(canonicalizeUrl('   ', 'https://x.de/a')).toBeUndefined();
  });
});


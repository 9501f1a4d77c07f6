import { describe, expect, it } from 'vitest';
import { identifyItem, urlKeyOf } from '../../src/dedupe/identity.js';
import { makeItem } from './make-item.js';

describe('urlKeyOf: one key for the spellings of one address', () => {
  it('drops a leading "www." (once) and a trailing dot of the host', () => {
    expect(urlKeyOf('https://www.golem.de./news/a.html')).toBe('url:golem.de/news/a.html');
    expect(urlKeyOf('https://www.www.golem.de/a')).toBe('url:www.golem.de/a');
    expect(urlKeyOf('https://wwwx.golem.de/a')).toBe('url:wwwx.golem.de/a');
  });

  it('keeps a port that is not 80 or 443, whatever the scheme', () => {
    expect(urlKeyOf('https://golem.de:8443/a')).toBe('url:golem.de:8443/a');
    expect(urlKeyOf('http://golem.de:80/a')).toBe('url:golem.de/a');
    expect(urlKeyOf('http://golem.de:443/a')).toBe('url:golem.de/a');
  });

  it('drops every trailing slash of a path, and the root path itself', () => {
    expect(urlKeyOf('https://golem.de/a///')).toBe('url:golem.de/a');
    expect(urlKeyOf('https://golem.de/a/?x=1')).toBe('url:golem.de/a?x=1');
    expect(urlKeyOf('https://golem.de/')).toBe('url:golem.de');
    expect(urlKeyOf('https://golem.de/?p=1')).toBe('url:golem.de?p=1');
  });

  it('no key for what is not an absolute http(s) URL', () => {
    expect(urlKeyOf('ftp://golem.de/a')).toBeUndefined();
    expect(urlKeyOf('not a url')).toBeUndefined();
  });
});

describe('identifyItem: the fallbacks', () => {
  it('a blank guid is no guid; the hash then reads the folded title and the date', () => {
    const key = identifyItem(makeItem({ link: undefined, guid: '   ', title: 'Ein  Titel', published: undefined }), 's').key;
    expect(key).toMatch(/^hash:s:[0-9a-f]{32}$/);
    expect(identifyItem(makeItem({ link: undefined, guid: undefined, title: ' ein titel ', published: undefined }), 's').key).toBe(key);
    expect(identifyItem(makeItem({ link: undefined, guid: undefined, title: 'Ein Titel!', published: undefined }), 's').key).not.toBe(key);
    // NFC: a decomposed umlaut is the same title.
    const composed = identifyItem(makeItem({ link: undefined, guid: undefined, title: 'Grüße', published: undefined }), 's').key;
    expect(identifyItem(makeItem({ link: undefined, guid: undefined, title: 'Gru\u0308ße', published: undefined }), 's').key).toBe(composed);
  });

  it('a guid is trimmed in its key', () => {
    expect(identifyItem(makeItem({ link: undefined, guid: '  p-7 ' }), 'blog').key).toBe('guid:blog:p-7');
  });

  it('a front-page link with a guid falls back to the guid, without one to the hash', () => {
    expect(identifyItem(makeItem({ link: 'https://www.golem.de', guid: 'g' }), 'golem').key).toBe('guid:golem:g');
    expect(identifyItem(makeItem({ link: 'https://www.golem.de/', guid: undefined }), 'golem').key).toMatch(/^hash:golem:/);
  });
});

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { identifyItem, urlKeyOf } from '../../src/dedupe/identity.js';
import { makeItem } from './make-item.js';

const run = promisify(execFile);

describe('identifyItem', () => {
  it('keys an item by its canonical URL, scheme- and www-less, and derives a 16-hex id', () => {
    const { id, key } = identifyItem(makeItem({ link: 'https://www.heise.de/news/Linux-6-12-ist-fertig-10012345.html' }), 'heise online');
    expect(key).toBe('url:heise.de/news/Linux-6-12-ist-fertig-10012345.html');
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    // Published ids must never change between releases: readers would see every article again.
    expect(id).toBe('18dee604e1f387ea');
  });

  it('treats http/https, www/non-www, fragments, default ports, trailing slashes and tracking parameters as one article', () => {
    const variants = [
      'https://www.golem.de/news/kernel-6-12-2411-190000.html',
      'http://golem.de/news/kernel-6-12-2411-190000.html',
      'https://WWW.Golem.de:443/news/kernel-6-12-2411-190000.html#comments',
      'https://www.golem.de/news/kernel-6-12-2411-190000.html?utm_source=rss&utm_medium=feed',
      'http://www.golem.de/news/kernel-6-12-2411-190000.html/?wt_mc=rss.red.ho.ho.rss.rss.rss',
    ];
    const ids = new Set(variants.map((link) => identifyItem(makeItem({ link }), 'any').id));
    expect(ids.size).toBe(1);
  });

  it('keeps meaningful query parameters in their order', () => {
    expect(urlKeyOf('https://www.pro-linux.de/news/1/?id=29042&page=2&utm_campaign=x')).toBe('url:pro-linux.de/news/1?id=29042&page=2');
    expect(identifyItem(makeItem({ link: 'https://example.org/a?id=1' }), 's').id).not.toBe(
      identifyItem(makeItem({ link: 'https://example.org/a?id=2' }), 's').id,
    );
  });

  it('gives the same url key on every call, before and after its memo fills up and clears', () => {
    const link = (i: number): string => `https://WWW.Example.org/news/${i}/?utm_source=rss&id=${i % 7}#top`;
    const first = Array.from({ length: 10_000 }, (_, i) => urlKeyOf(link(i)));
    expect(first[3]).toBe('url:example.org/news/3?id=3');
    // Past the memo's size, each key is computed again: it must not differ.
    expect(Array.from({ length: 10_000 }, (_, i) => urlKeyOf(link(i)))).toEqual(first);
    // A link that is no article URL stays undefined when asked again (a memoized miss).
    expect(urlKeyOf('mailto:redaktion@example.org')).toBeUndefined();
    expect(urlKeyOf('mailto:redaktion@example.org')).toBeUndefined();
  });

  it('falls back to the source-scoped guid, then to a hash of title and date', () => {
    const noLink = makeItem({ link: undefined, guid: 'tag:linux-magazin.de,2016:12/462' });
    expect(identifyItem(noLink, 'Linux-Magazin').key).toBe('guid:Linux-Magazin:tag:linux-magazin.de,2016:12/462');
    // Guids are unique per feed only: the same guid in another source is another article.
    expect(identifyItem(noLink, 'Linux-Magazin').id).not.toBe(identifyItem(noLink, 'Pro-Linux').id);

    const bare = makeItem({ link: undefined, guid: undefined });
    const key = identifyItem(bare, 'Linux-Magazin').key;
    expect(key).toMatch(/^hash:Linux-Magazin:[0-9a-f]{32}$/);
    expect(identifyItem({ ...bare, title: `  ${bare.title.toUpperCase()} ` }, 'Linux-Magazin').key).toBe(key);
    expect(identifyItem({ ...bare, published: '2026-11-21T09:30:00.000Z' }, 'Linux-Magazin').key).not.toBe(key);
  });

  it('does not use a link to a front page as identity', () => {
    expect(identifyItem(makeItem({ link: 'https://www.kleiner-blog.example/', guid: 'p-7' }), 'blog').key).toBe('guid:blog:p-7');
    expect(identifyItem(makeItem({ link: 'https://www.kleiner-blog.example/?p=7', guid: 'p-7' }), 'blog').key).toBe('url:kleiner-blog.example?p=7');
  });

  it('ignores links that are not http(s) for the key', () => {
    expect(identifyItem(makeItem({ link: 'mailto:redaktion@heise.de', guid: 'g-1' }), 'heise').key).toBe('guid:heise:g-1');
  });

  it('gives the same ids in another process (no per-process salt or state)', async () => {
    const items = [
      makeItem(),
      makeItem({ link: undefined, guid: 'urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427' }),
      makeItem({ link: undefined, guid: undefined, title: 'Container Love' }),
    ];
    const here = items.map((item) => identifyItem(item, 'Linux-Magazin').id);
    const script = fileURLToPath(new URL('./print-ids.ts', import.meta.url));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', script, JSON.stringify(items)], { cwd: process.cwd() });
    expect(JSON.parse(stdout)).toEqual(here);
  });
});

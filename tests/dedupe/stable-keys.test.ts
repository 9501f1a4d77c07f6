import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { guidKeyOf, identifyItem, urlKeyOf } from '../../src/dedupe/identity.js';
import { hashContent } from '../../src/dedupe/merge-items.js';
import { makeItem } from './make-item.js';

// Keys and hashes are stored with every article: a new version must compute the same ones, or every stored
// article would come back as new (or as changed) after an upgrade. Hence the exact formulas here.
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('stored keys and hashes stay what they were', () => {
  it('an item without link and guid is keyed by the hash of its folded title and its date, or an empty date', () => {
    const undated = makeItem({ link: undefined, guid: undefined, published: undefined, title: '  Kernel   6.12 ist DA ' });
    expect(identifyItem(undated, 's').key).toBe(`hash:s:${sha256('kernel 6.12 ist da|').slice(0, 32)}`);
    const dated = makeItem({ link: undefined, guid: undefined, published: '2026-11-20T09:30:00.000Z', title: 'Kernel' });
    expect(identifyItem(dated, 's').key).toBe(`hash:s:${sha256('kernel|2026-11-20T09:30:00.000Z').slice(0, 32)}`);
  });

  it('the content hash is the first 16 hex digits of the SHA-256 of title, summary and content', () => {
    expect(hashContent('T', 'S', '<p>C</p>')).toBe(sha256('T\u0000S\u0000<p>C</p>').slice(0, 16));
  });

  it('a guid key trims the guid', () => {
    expect(guidKeyOf('heise', '  g-1 \n')).toBe('guid:heise:g-1');
  });
});

describe('url keys', () => {
  it('drop port 80 and 443 whatever the scheme', () => {
    expect(urlKeyOf('https://a.example:80/x')).toBe('url:a.example/x');
    expect(urlKeyOf('http://a.example:443/x')).toBe('url:a.example/x');
  });

  it('drop only a leading "www."', () => {
    expect(urlKeyOf('https://news.www.example.org/a')).toBe('url:news.www.example.org/a');
    expect(urlKeyOf('https://wwwx.example.org/a')).toBe('url:wwwx.example.org/a');
  });
});

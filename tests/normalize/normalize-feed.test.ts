import { describe, expect, it } from 'vitest';
import { normalizeFeed } from '../../src/normalize/normalize-feed.js';
import type { ParsedFeed } from '../../src/types.js';

const now = new Date('2025-06-01T12:00:00Z');
const feed = (baseUrl?: string): ParsedFeed =>
  ({ format: 'rss2.0', title: 'f', items: [{ title: 't', link: 'a.html', summary: 'Wort '.repeat(100) }], ...(baseUrl ? { baseUrl } : {}) }) as ParsedFeed;

describe('normalizeFeed', () => {
  it("resolves links against the feed's own base, else the fetched URL", () => {
    expect(normalizeFeed(feed('https://base.example/dir/'), { url: 'https://fetched.example/feed', now })[0]!.link).toBe('https://base.example/dir/a.html');
    expect(normalizeFeed(feed(), { url: 'https://fetched.example/feed', now })[0]!.link).toBe('https://fetched.example/a.html');
  });

  it('passes the summary length on, and the default of 300 without one', () => {
    const [short] = normalizeFeed(feed(), { url: 'https://x.example/', now, summaryMaxChars: 40 });
    expect(Array.from(short!.summary).length).toBeLessThanOrEqual(40);
    const [long] = normalizeFeed(feed(), { url: 'https://x.example/', now });
    expect(Array.from(long!.summary).length).toBeGreaterThan(290);
    expect(Array.from(long!.summary).length).toBeLessThanOrEqual(300);
  });

  it('reads every item against the poll clock', () => {
    const items = normalizeFeed({ ...feed(), items: [{ title: 'a', published: '2025-06-01T12:05:00Z' }, { title: 'b', published: '2025-06-02T00:00:00Z' }] } as ParsedFeed, { url: 'https://x.example/', now });
    expect(items.map((i) => i.published ?? i.dateProblem)).toEqual(['2025-06-01T12:05:00.000Z', 'future']);
  });
});

import { describe, expect, it } from 'vitest';
import { siteUrl } from '../../src/publish/feed-model.js';

describe('siteUrl', () => {
  it('keeps our pages under server.baseUrl, with or without its trailing slash', () => {
    for (const base of ['http://feeds.example.org/linux', 'http://feeds.example.org/linux/']) {
      expect(siteUrl(base, '/')).toBe('http://feeds.example.org/linux/');
      expect(siteUrl(base, '/feed.xml')).toBe('http://feeds.example.org/linux/feed.xml');
      expect(siteUrl(base, 'topics/kernel/feed.json')).toBe('http://feeds.example.org/linux/topics/kernel/feed.json');
    }
    expect(siteUrl('https://news.example', '/feed.atom')).toBe('https://news.example/feed.atom');
  });
});

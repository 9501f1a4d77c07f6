import { describe, expect, it } from 'vitest';
import { siteUrl, toFeedItem } from '../../src/publish/feed-model.js';
import { guardHtml } from '../../src/publish/guard-html.js';
import { article, loadTestConfig } from '../fixtures/publish/german-linux-news.js';

const FALLBACK = new Date('2026-11-22T05:00:00.000Z');

describe('siteUrl', () => {
  it('a path with several leading slashes stays under the base path (no host-relative URL)', () => {
    expect(siteUrl('https://news.example/linux', '//feed.xml')).toBe('https://news.example/linux/feed.xml');
    expect(siteUrl('https://news.example/linux/', '///topics/kernel/')).toBe('https://news.example/linux/topics/kernel/');
  });

  it('refuses a base that is no absolute URL, naming it', () => {
    expect(() => siteUrl('feeds.example.org/linux', '/')).toThrow('server.baseUrl is not an absolute URL: feeds.example.org/linux');
  });
});

describe('toFeedItem: enclosure types', () => {
  const enclosuresOf = (enclosures: { url: string; type?: string }[]) =>
    toFeedItem({ article: article({ id: 'e', title: 't', enclosures }), topics: [], alsoAt: [] }, loadTestConfig(), FALLBACK).enclosures;

  it('keeps a valid type the source gave even when the file name suggests another', () => {
    expect(enclosuresOf([
      { url: 'https://cdn.example/podcast/folge-7', type: 'audio/mpeg' },
      { url: 'https://cdn.example/bild.jpg', type: 'image/webp' },
      { url: 'https://cdn.example/x.bin', type: 'application/vnd.oasis.opendocument.text' },
    ]).map((e) => e.type)).toEqual(['audio/mpeg', 'image/webp', 'application/vnd.oasis.opendocument.text']);
  });

  it('guesses from the file name when the type is not exactly "type/subtype"', () => {
    expect(enclosuresOf([
      { url: 'https://cdn.example/a.mp3', type: 'x<y/mpeg' },
      { url: 'https://cdn.example/b.pdf', type: 'audio/mpeg x' },
      { url: 'https://cdn.example/c.ogg', type: '/ogg' },
    ]).map((e) => e.type)).toEqual(['audio/mpeg', 'application/pdf', 'audio/ogg']);
  });
});

describe('guardHtml', () => {
  it('trims what stripping illegal characters leaves at the ends', () => {
    expect(guardHtml('<p>Kernel</p> \u0001')).toBe('<p>Kernel</p>');
    expect(guardHtml('\u0002 <p>Kernel</p>')).toBe('<p>Kernel</p>');
  });
});

import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../src/config/redact-url.js';

describe('redactUrl', () => {
  it('hides user info and keeps the rest', () => {
    expect(redactUrl('https://anna:geheim@feeds.example.de/atom.xml?x=1')).toBe('https://***@feeds.example.de/atom.xml?x=1');
    expect(redactUrl('https://token@feeds.example.de/')).toBe('https://***@feeds.example.de/');
  });
  it('leaves URLs without credentials, and non-URLs, untouched', () => {
    expect(redactUrl('https://www.heise.de/rss/heise-atom.xml')).toBe('https://www.heise.de/rss/heise-atom.xml');
    expect(redactUrl('not a url')).toBe('not a url');
  });
});

import { describe, expect, it } from 'vitest';
import { guardHtml } from '../../src/publish/guard-html.js';
import { escapeMarkup, stripIllegalChars, toSafeHttpUrl } from '../../src/publish/xml-text.js';

describe('stripIllegalChars', () => {
  it('drops what XML 1.0 cannot carry and C1 controls, keeps tab, line breaks and pairs of surrogates', () => {
    expect(stripIllegalChars('a\u0000b\u0008c\u000bd\u000ce\u001ff\u007fg\u0085h\u009fi\ufffej\uffffk')).toBe('abcdefghijk');
    expect(stripIllegalChars('Tab\tZeile\nZeile\r')).toBe('Tab\tZeile\nZeile\r');
    expect(stripIllegalChars('Pinguin 🐧 ok')).toBe('Pinguin 🐧 ok');
    expect(stripIllegalChars('lone \ud83d high, lone \udc27 low, end \ud83d')).toBe('lone  high, lone  low, end ');
    expect(stripIllegalChars('\u00a0ä\u2013\ufffd')).toBe('\u00a0ä\u2013\ufffd');
  });
});

describe('escapeMarkup', () => {
  it('escapes the five markup characters, for text and either kind of quoted attribute', () => {
    expect(escapeMarkup(`Tom & Jerry's <b>"Show"</b>`)).toBe('Tom &amp; Jerry&#39;s &lt;b&gt;&quot;Show&quot;&lt;/b&gt;');
    expect(escapeMarkup('&amp;')).toBe('&amp;amp;');
    expect(escapeMarkup('nichts zu tun: äöü')).toBe('nichts zu tun: äöü');
  });

  it('drops illegal characters before escaping', () => {
    expect(escapeMarkup('a\u0000<\u0001')).toBe('a&lt;');
  });
});

describe('toSafeHttpUrl', () => {
  it('returns absolute http(s) URLs serialized, nothing else', () => {
    expect(toSafeHttpUrl('HTTPS://Example.ORG')).toBe('https://example.org/');
    expect(toSafeHttpUrl('http://example.org/a b')).toBe('http://example.org/a%20b');
    for (const value of [undefined, '', '/relative', 'javascript:alert(1)', 'data:text/html,x', 'ftp://example.org/', 'mailto:a@b.example', 'http://']) {
      expect(toSafeHttpUrl(value), String(value)).toBeUndefined();
    }
  });
});

describe('guardHtml', () => {
  it('passes clean HTML, strips scripts and illegal characters, trims, and gives "" for nothing', () => {
    expect(guardHtml('')).toBe('');
    expect(guardHtml('  <p>Kernel <strong>6.12</strong></p>  ')).toBe('<p>Kernel <strong>6.12</strong></p>');
    expect(guardHtml('<p>a\u0001b</p><script>alert(1)</script>')).toBe('<p>ab</p>');
    // Without a base URL a relative link cannot be made absolute: the link becomes a span, an absolute one stays.
    expect(guardHtml('<a href="/x">rel</a> <a href="https://a.example/">abs</a>')).toBe('<span>rel</span> <a href="https://a.example/" rel="noopener noreferrer">abs</a>');
  });
});

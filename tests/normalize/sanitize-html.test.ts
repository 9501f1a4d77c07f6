import { describe, expect, it } from 'vitest';
import { sanitizeContent } from '../../src/normalize/sanitize-html.js';

const base = 'https://www.heise.de/news/';

describe('sanitizeContent', () => {
  it('keeps structure and makes URLs absolute', () => {
    expect(sanitizeContent('<h2>Titel</h2><p>Ein <a href="../x.html" title="t">Link</a> und <img src="/b.png" alt="B" width="10"></p>', base)).toBe(
      '<h2>Titel</h2><p>Ein <a href="https://www.heise.de/x.html" title="t" rel="noopener noreferrer">Link</a> und <img src="https://www.heise.de/b.png" alt="B" width="10" /></p>',
    );
    expect(sanitizeContent('<a href="//cdn.example/x">x</a>', base)).toContain('href="https://cdn.example/x"');
    expect(sanitizeContent('<a href="mailto:redaktion@heise.de">Mail</a>', base)).toContain('href="mailto:redaktion@heise.de"');
    expect(sanitizeContent('<blockquote cite="/quelle">Z</blockquote>', base)).toBe('<blockquote cite="https://www.heise.de/quelle">Z</blockquote>');
  });

  it('drops scripts, styles, frames, forms, embeds and event handlers, with their content', () => {
    const out = sanitizeContent(
      '<p onclick="a()" style="x" class="c">T</p><script>s()</script><style>p{}</style><iframe src="https://e">F</iframe>' +
        '<form><input><button>B</button><textarea>ta</textarea></form><object>o</object><embed src="e"><svg><a href="https://x">s</a></svg><noscript>n</noscript>',
      base,
    );
    expect(out).toBe('<p>T</p>');
  });

  it('never lets javascript:, vbscript: or data: URLs through, however disguised', () => {
    for (const href of ['javascript:alert(1)', ' JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', 'java&#x09;script:x', 'vbscript:x', 'data:text/html,<script>x</script>', '&#106;avascript:x']) {
      const out = sanitizeContent(`<a href="${href}">x</a><img src="${href}">`, base);
      expect(out, href).toBe('<span>x</span>');
    }
  });

  it('uses the real image of lazy-loaded pictures and drops data: placeholders', () => {
    expect(sanitizeContent('<img src="data:image/gif;base64,R0lGOD" data-src="/echt.jpg" alt="a">', base)).toBe('<img src="https://www.heise.de/echt.jpg" alt="a" />');
    expect(sanitizeContent('<p><img src="data:image/png;base64,xx">Text</p>', base)).toBe('<p>Text</p>');
  });

  it('forces rel on links and drops target', () => {
    expect(sanitizeContent('<a href="https://x.de" target="_blank" rel="opener">x</a>', base)).toBe('<a href="https://x.de/" rel="noopener noreferrer">x</a>');
  });

  it('returns an empty string for empty input', () => {
    expect(sanitizeContent('   ', base)).toBe('');
  });
});

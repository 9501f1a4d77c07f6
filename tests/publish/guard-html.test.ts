/**
 * Publishing guards article HTML with the very configuration ingest used:
 * what normalize stored passes unchanged, and HTML from an older store or
 * another tool comes out exactly as ingest would have made it.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sanitizeWithText } from '../../src/normalize/html-to-text.js';
import { sanitizeContent } from '../../src/normalize/sanitize-html.js';
import { guardHtml } from '../../src/publish/guard-html.js';
import { HOSTILE } from '../fixtures/publish/hostile-item-content.js';
import { FIXTURE_DIR, listFixtures } from '../parse/run-fixture.js';

const base = 'https://www.heise.de/news/';

// Markup pieces that real and hostile feeds mix: allowed, unwrapped, dropped and hidden elements, URLs, entities.
const piece = fc.constantFrom(
  '<p>', '</p>', '<b>', '</b>', '<br>', '<a href="/x">', '<a href="javascript:alert(1)">', '<a href="https://x.de/?a=1&amp;b=2">', '</a>',
  '<img src="/i.png" alt="B">', '<img src="data:image/gif;base64,xx" data-src="/echt.jpg">', '<table><tr><td colspan="2">', '</td></tr></table>',
  '<script>alert(1)</script>', '<style>p{}</style>', '<iframe src="https://e/">', '</iframe>', '<object data="x.swf">', '</object>',
  '<form action="/f">', '</form>', '<button>', '<svg>', '</svg>', '<math>', '<noscript>', '</noscript>', '<template>', '</template>',
  '<div onclick="x()" style="color:red" class="c">', '</div>', '<blockquote cite="/q">', '</blockquote>', '<title>T</title>',
  'Kernel', ' ', 'ä', '&amp;', '&lt;b&gt;', '&nbsp;', '&auml;', '<', '>', '"', '<!-- c -->', '<![CDATA[x]]>',
);
const markup = fc.array(piece, { maxLength: 25 }).map((parts) => parts.join(''));

describe('guardHtml', () => {
  it('passes what ingest stored unchanged', async () => {
    let compared = 0;
    for (const fixture of listFixtures()) {
      const expected = JSON.parse(readFileSync(new URL(fixture.expected, FIXTURE_DIR), 'utf8')) as { items?: { content: string }[] };
      for (const item of expected.items ?? []) {
        expect(guardHtml(item.content), fixture.name).toBe(item.content.trim());
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(40);
  });

  it('changes stored HTML at most once, where the markup nests what HTML cannot ("<p><object><p>"), and never its text', () => {
    fc.assert(
      fc.property(markup, (html) => {
        const stored = sanitizeContent(html, base);
        const published = guardHtml(stored);
        expect(guardHtml(published)).toBe(published);
        expect(sanitizeWithText(published, undefined).text).toBe(sanitizeWithText(stored, base).text);
      }),
      { numRuns: 300 },
    );
    // htmlparser2 nests a paragraph in an unwrapped element's paragraph; a browser, like the second pass, reads three.
    expect(sanitizeContent('<p><object><p></p></object></p>', base)).toBe('<p><p></p></p>');
    expect(guardHtml('<p><p></p></p>')).toBe('<p></p><p></p><p></p>');
  });

  it('brings foreign HTML under the ingest rules: only absolute URLs survive without a base', () => {
    fc.assert(
      fc.property(markup, (html) => {
        expect(guardHtml(html)).toBe(sanitizeContent(html, undefined));
      }),
      { numRuns: 300 },
    );
    expect(guardHtml('<a href="/relativ">x</a><img src="/i.png"><a href="https://x.de/">y</a>')).toBe(
      '<span>x</span><a href="https://x.de/" rel="noopener noreferrer">y</a>',
    );
  });

  it('keeps the readable text of a dropped element, as ingest does', () => {
    expect(guardHtml('safe<object classid="clsid:x" codebase="https://e/"> description')).toBe('safe description');
    expect(guardHtml('<p>A<iframe src="https://e/">Fallback</iframe> B</p><details><summary>Mehr</summary>Text</details>')).toBe(
      '<p>A B</p><details><summary>Mehr</summary>Text</details>',
    );
  });

  it('leaves no executable markup in the hostile fixture, and keeps its text', () => {
    expect(guardHtml(HOSTILE.article.content)).toBe('<p>Kernel-Text</p><span>klick</span><span>klick2</span><div>stil</div>]]&gt;');
  });

  it('drops characters XML cannot carry', () => {
    expect(guardHtml('<p>a\u0000b\u001bc\ufffe</p>')).toBe('<p>abc</p>');
  });
});

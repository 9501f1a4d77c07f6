import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collapseWhitespace, htmlToText, sanitizeWithText } from '../../src/normalize/html-to-text.js';

const piece = fc.oneof(
  fc.constantFrom(
    '<p>', '</p>', '<br>', '<li>', '<b>', '</b>', '<div>', '</div>', '<section>', '</section>', '<a href="/x">', '</a>', '<img src="/i.png">',
    '<script>s()</script>', '<script>', '<style>p{}</style>', '<title>T</title>', '<iframe>', '</iframe>', '<template>', '</template>',
    '<noembed>', '</noembed>', '<object>', '</object>', '<svg>', '</svg>', '<title>', '</title>', '<textarea>', '</textarea>',
    '&amp;', '&amp;auml;', '&lt;b&gt;', '&nbsp;', '&shy;', '&auml', '&#228;', '&#x1F427;', '<', '>', '&', '<!-- k -->', '<![CDATA[c]]>',
  ),
  // Clean markup, which the sanitizer's shortcut reads.
  fc.constantFrom('<p>', '</p>', '<strong>', '</strong>', '<ul>', '</ul>', '<li>', '</li>', '<br />', 'Kernel ', ' \n', '<a href="https://e.example/">', '</a>'),
  fc.string({ maxLength: 5 }),
);
const markup = fc.array(piece, { maxLength: 20 }).map((parts) => parts.join(''));

describe('htmlToText', () => {
  it('reads the same text as the sanitizing walk', () => {
    fc.assert(
      fc.property(markup, (html) => {
        expect(htmlToText(html)).toBe(sanitizeWithText(html, 'https://www.heise.de/').text);
      }),
      { numRuns: 500 },
    );
  });

  it('gives plain text without parsing it, whitespace collapsed and soft hyphens gone', () => {
    expect(htmlToText('  Linux\u00ad6.14\n\t ist   da ')).toBe('Linux6.14 ist da');
    expect(htmlToText('Kernel &amp;amp; Container &auml;')).toBe('Kernel & Container ä');
  });

  it('keeps words apart at block boundaries and drops code and hidden fallback', () => {
    expect(htmlToText('<p>Eins</p><p>Zwei<br>Drei</p><section>Vier</section>F<script>x()</script><iframe>nie</iframe>ünf')).toBe('Eins Zwei Drei Vier Fünf');
  });
});

describe('htmlToText, character by character', () => {
  it('drops soft hyphens and zero-width spaces only where no real whitespace stands beside them', () => {
    expect(htmlToText('Linux \u00adKernel')).toBe('Linux Kernel');
    expect(htmlToText('Linux\u00ad Kernel')).toBe('Linux Kernel');
    expect(htmlToText('Ker\u00ad\u200bnel')).toBe('Kernel');
  });

  it('decodes numeric entities that were escaped twice, decimal and hex, of any length', () => {
    expect(htmlToText('&amp;#228; &amp;#x1F427; &amp;#8211;')).toBe('ä 🐧 –');
  });
});

describe('collapseWhitespace', () => {
  // Every character JavaScript's \s knows, and a few it does not.
  const blank = fc.constantFrom(' ', '  ', '\t', '\n', '\r\n', '\f', '\v', '\u00a0', '\u1680', '\u2000', '\u200a', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff');
  const word = fc.constantFrom('Kernel', 'ä', '-', '\u200c', '\u0085', 'x');

  it('makes each run of whitespace one space and trims, as replacing every run would', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(blank, word), { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        expect(collapseWhitespace(text)).toBe(text.replace(/\s+/g, ' ').trim());
      }),
      { numRuns: 1000 },
    );
  });
});

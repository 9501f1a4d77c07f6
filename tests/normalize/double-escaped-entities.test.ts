import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../src/normalize/html-to-text.js';

// Feeds often escape twice ("&amp;auml;"): the reader wants the character. Each kind of reference on
// its own, so that the check for one kind cannot pass on the strength of another in the same string.
describe('twice-escaped character references in text', () => {
  it('a named entity alone', () => expect(htmlToText('Gr&amp;ouml;&amp;szlig;e')).toBe('Größe'));
  it('a decimal reference alone', () => expect(htmlToText('K&amp;#228;se')).toBe('Käse'));
  it('a hex reference alone', () => expect(htmlToText('Tux &amp;#x1F427;')).toBe('Tux 🐧'));
  it('a hex reference with upper-case digits alone', () => expect(htmlToText('&amp;#xC4;pfel')).toBe('Äpfel'));
  it('an escaped "&" that starts no reference stays as written', () => {
    expect(htmlToText('AT&amp;T &amp;#x; &amp;a;')).toBe('AT&T &#x; &a;');
    expect(htmlToText('&amp;#12345678; &amp;#x1234567;')).toBe('&#12345678; &#x1234567;');
  });
});

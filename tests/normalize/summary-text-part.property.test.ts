import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SanitizedWithText } from '../../src/normalize/html-to-text.js';
import { truncateText } from '../../src/text/truncate.js';

/**
 * A summary is cut from an article's text, which runs to thousands of
 * characters: textFor finishes only a first part of it. Every cut up to its
 * limit must read as the cut of the whole text.
 */
describe('SanitizedWithText.textFor', () => {
  const piece = fc.constantFrom(
    'Kernel', 'ä', ' ', '  ', '\n\t', '\u00a0', '\u00ad', '\u200b', '&amp;', '&auml;', '&amp;auml;', '&not', '&notin;', '&#x1F427;', '&#128039;',
    '&', ';', '🐧', '\ud83d', ',', '–', 'Linux-Container', '&nbsp;', 'x'.repeat(40),
  );
  const text = fc.array(piece, { maxLength: 600 }).map((parts) => parts.join(''));

  it('cuts to the same summary and title as the whole text, and is empty only when the whole is', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 120 }), (raw, limit) => {
        const whole = new SanitizedWithText('', raw).text;
        const part = new SanitizedWithText('', raw).textFor(limit);
        expect(part === '').toBe(whole === '');
        for (const max of [1, 2, Math.floor(limit / 2), limit - 1, limit]) {
          if (max >= 1) expect(truncateText(part, max)).toBe(truncateText(whole, max));
        }
      }),
      { numRuns: 1500, seed: 11 },
    );
  });

  it('decides on entities for the whole text, and takes a part only when it is longer than any cut', () => {
    const cases: [string, number][] = [
      // "&not" without its semicolon is read as "¬" only where the text holds an entity with one, here at the very end.
      [`&not ${'Wort '.repeat(400)}&amp;`, 50],
      // After the leading whitespace goes, the first part is exactly as long as the cut: not long enough to tell.
      [`${' '.repeat(2 * 40 + 250)}${'b'.repeat(40)} ${'c'.repeat(1000)}`, 40],
      [`${' '.repeat(2 * 40 + 250)}${'b'.repeat(41)} ${'c'.repeat(1000)}`, 40],
      [`${'\u00ad'.repeat(2 * 40 + 250)}${'b'.repeat(40)}\u00ad ${'c'.repeat(1000)}`, 40],
    ];
    for (const [raw, limit] of cases) {
      const whole = new SanitizedWithText('', raw).text;
      expect(truncateText(new SanitizedWithText('', raw).textFor(limit), limit)).toBe(truncateText(whole, limit));
    }
  });

  it('finishes only a part of a long text', () => {
    const raw = `${'Wort '.repeat(5_000)}&amp;auml;`;
    const part = new SanitizedWithText('', raw).textFor(300);
    expect(part.length).toBeLessThan(2_000);
    expect(truncateText(part, 300)).toBe(truncateText(new SanitizedWithText('', raw).text, 300));
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { truncateText } from '../../src/text/truncate.js';

describe('truncateText', () => {
  it('never exceeds the limit, even without spaces or with astral characters', () => {
    expect(truncateText('a'.repeat(50), 10)).toBe(`${'a'.repeat(9)}…`);
    expect(Array.from(truncateText('🐧'.repeat(50), 10)).length).toBe(10);
    expect(truncateText('Linux Kernel, Container', 16)).toBe('Linux Kernel…');
  });

  it('leaves text within the limit alone, counting code points, not UTF-16 units', () => {
    expect(truncateText('Kernel', 6)).toBe('Kernel');
    expect(truncateText('🐧🐧🐧', 3)).toBe('🐧🐧🐧');
  });

  it('cuts inside a word when the last space would waste more than half the budget', () => {
    expect(truncateText('Kurz Donaudampfschifffahrtsgesellschaft', 20)).toBe('Kurz Donaudampfschi…');
  });

  it('cuts a long URL for an error message to 200 characters', () => {
    const url = `https://example.org/${'x'.repeat(300)}`;
    expect(truncateText(url, 200)).toBe(`${url.slice(0, 199)}…`);
  });
});

describe('truncateText reads only the code points it keeps', () => {
  /** The first version: every code point of the text as an array. */
  function reference(text: string, maxChars: number): string {
    if (text.length <= maxChars) return text;
    const chars = Array.from(text);
    if (chars.length <= maxChars) return text;
    const budget = Math.max(1, maxChars - 1);
    const head = chars.slice(0, budget + 1).join('');
    const lastSpace = head.lastIndexOf(' ');
    const cut = lastSpace >= budget * 0.5 ? head.slice(0, lastSpace) : chars.slice(0, budget).join('');
    return `${cut.replace(/[\s,;:.\-–—]+$/u, '')}…`;
  }

  it('cuts as the array of all code points did: surrogate pairs, lone surrogates, spaces, punctuation', () => {
    const piece = fc.constantFrom('a', 'ä', ' ', ',', '–', '🐧', '\ud83d', '\udc27', '\u00ad', '\n', 'Kernel ');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 80 }).map((parts) => parts.join('')), fc.integer({ min: 0, max: 40 }), (text, max) => {
        expect(truncateText(text, max)).toBe(reference(text, max));
      }),
      { numRuns: 3000, seed: 11 },
    );
  });
});

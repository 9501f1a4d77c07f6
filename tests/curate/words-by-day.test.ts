/**
 * A text's words go into a day's filter as each word alone would: scanning
 * the folded text sets exactly the bits of splitting it into its runs of
 * a-z and 0-9 and setting each distinct word (the way the filters were
 * made before, so files written then stay valid), for any text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BITS, setTextWords, setWord } from '../../src/curate/words-by-day.js';
import { foldText } from '../../src/text/fold.js';

function byWords(text: string): Uint32Array {
  const filter = new Uint32Array(BITS / 32);
  for (const word of new Set(text.split(/[^a-z0-9]+/))) if (word) setWord(filter, word);
  return filter;
}

/** Typed arrays compared as bytes: expect's deep equality walks 16,384 elements one by one. */
function same(a: Uint32Array, b: Uint32Array): boolean {
  return Buffer.from(a.buffer).equals(Buffer.from(b.buffer));
}

function scanned(text: string): Uint32Array {
  const filter = new Uint32Array(BITS / 32);
  setTextWords(filter, text);
  return filter;
}

describe('setTextWords', () => {
  it('sets the bits of every word, as setting each word alone does', () => {
    const pieces = fc.constantFrom('kernel', 'linux', '6', '18', 'rc7', 'ä', 'ß', 'Über', '-', ' ', '.', '\n', '😀', 'é', 'kubernetes', 'a', 'z', '0', '9', '{', '`', '/', ':');
    fc.assert(
      fc.property(fc.array(fc.oneof(pieces, fc.string()), { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        expect(same(scanned(text), byWords(text))).toBe(true);
        expect(same(scanned(foldText(text)), byWords(foldText(text)))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('reads a German article the same way, words at both ends included', () => {
    const text = foldText('Linux-Kernel 6.18: Torvalds gibt den Kernel frei – die Entwickler melden Neues zu Rust und Btrfs');
    expect(text.startsWith('linux')).toBe(true);
    expect(same(scanned(text), byWords(text))).toBe(true);
    expect(same(scanned(text), new Uint32Array(BITS / 32))).toBe(false);
    expect(same(scanned(''), new Uint32Array(BITS / 32))).toBe(true);
    expect(same(scanned('...'), new Uint32Array(BITS / 32))).toBe(true);
  });
});

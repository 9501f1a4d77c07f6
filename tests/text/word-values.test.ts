import { describe, expect, it } from 'vitest';
import { WordValues } from '../../src/text/word-values.js';

describe('WordValues', () => {
  it('gives back what it remembered for a word, and nothing for another', () => {
    const memo = new WordValues<readonly string[]>();
    const kinds = ['release'];
    expect(memo.remember('veroeffentlicht', kinds)).toBe(kinds);
    expect(memo.get('veroeffentlicht')).toBe(kinds);
    expect(memo.get('veroeffentlich')).toBeUndefined();
  });

  it('keys a word sliced from a long text by its characters', () => {
    const memo = new WordValues<number>();
    const text = `${'x'.repeat(5_000)} Sicherheitsluecke ${'y'.repeat(5_000)}`;
    memo.remember(text.slice(5_001, 5_018), 1);
    expect(memo.get('Sicherheitsluecke')).toBe(1);
  });

  it('starts over when full, keeping the word it was just given', () => {
    const memo = new WordValues<number>();
    for (let i = 0; i < 20_000; i++) memo.remember(`w${i}`, i);
    expect(memo.get('w0')).toBe(0);
    expect(memo.get('w19999')).toBe(19_999);
    memo.remember('last', -1);
    expect(memo.get('w0')).toBeUndefined();
    expect(memo.get('last')).toBe(-1);
  });
});

import { describe, expect, it } from 'vitest';
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

import { describe, expect, it } from 'vitest';
import { TermIndex } from '../../src/classify/matcher.js';
import { parseTerm } from '../../src/classify/term.js';
import { tokenize } from '../../src/classify/tokenize.js';
import { foldText } from '../../src/text/fold.js';

/**
 * The term index's shortcuts (words skipped before any lookup, candidates by
 * first part) must never lose a hit; these are the cases where a shortcut
 * taken too eagerly would.
 */
function hitsOf(terms: string[], text: string): string[] {
  const index = new TermIndex(terms.map((raw, i) => ({ topic: 0, index: i, kind: 'include' as const, term: parseTerm(raw) })));
  return index.findHits(tokenize(foldText(text))).map((h) => `${h.term.term.raw}@${h.first}-${h.last}`);
}

describe('TermIndex shortcuts', () => {
  it('looks up a number of any length that starts a numeric term, including 9 (the last digit)', () => {
    expect(hitsOf(['#.#'], 'Version 12.1 ist da')).toEqual(['#.#@1-2']);
    expect(hitsOf(['#.#'], 'Version 9.1 ist da')).toEqual(['#.#@1-2']);
    expect(hitsOf(['#.#'], 'Version 6.12 ist da')).toEqual(['#.#@1-2']);
    expect(hitsOf(['#.#'], 'Version sechs ist da')).toEqual([]);
  });

  it('does not skip short numbers when no numeric term exists, only because no term could start there', () => {
    expect(hitsOf(['linux #.#'], 'Linux 6.1 freigegeben')).toEqual(['linux #.#@0-2']);
  });

  it('looks up short words when a term with a star has a short first part', () => {
    // "ki" is shorter than the skip limit and is not the term's first part ("k"), yet "k*" takes it.
    expect(hitsOf(['k*'], 'Das ki Modell')).toEqual(['k*@1-1']);
    expect(hitsOf(['*i'], 'Das ki Modell')).toEqual(['*i@1-1']);
  });

  it('finds a short term written out exactly', () => {
    expect(hitsOf(['=ki'], 'Neue ki im Kernel')).toEqual(['=ki@1-1']);
    expect(hitsOf(['=ki'], 'Neue kis im Kernel')).toEqual([]);
  });

  it('finds each of several terms that share a first part, once per place', () => {
    expect(hitsOf(['rust', 'rust for linux'], 'Rust for Linux wächst').sort()).toEqual(['rust for linux@0-2', 'rust@0-0']);
  });
});

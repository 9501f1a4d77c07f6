/**
 * Word parts of folded text: runs of a-z and 0-9; hyphens, spaces and
 * punctuation separate them. Built on one native split with a capture group
 * (words and separators alternate), because a regex exec loop per word was
 * the slowest step of classification. Positions are word indexes, not
 * character offsets: that is all overlap checks need.
 */
const SEPARATORS_RE = /([^a-z0-9]+)/;

export class Tokens {
  /** Word, separator, word, …; a word may be '' at the very start or end. */
  private readonly pieces: string[];
  readonly count: number;

  constructor(text: string) {
    this.pieces = text.split(SEPARATORS_RE);
    this.count = (this.pieces.length + 1) >> 1;
  }

  word(k: number): string {
    return this.pieces[2 * k]!;
  }

  /** The separator between word k and word k+1. */
  separatorAfter(k: number): string {
    return this.pieces[2 * k + 1] ?? '';
  }
}

export function tokenize(folded: string): Tokens {
  return new Tokens(folded);
}

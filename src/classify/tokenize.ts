/**
 * Word parts of folded text: runs of a-z and 0-9; hyphens, spaces and
 * punctuation separate them. Built on one native split, because a regex exec
 * loop per word was the slowest step of classification; offsets (and with
 * them the separators) are only computed when a term matched.
 */
const SEPARATORS_RE = /[^a-z0-9]+/;

export class Tokens {
  /** The words; '' at the very start or end when the text begins or ends with a separator. */
  private readonly words: string[];
  private offsets: number[] | undefined;
  readonly count: number;

  constructor(readonly text: string) {
    this.words = text.split(SEPARATORS_RE);
    this.count = this.words.length;
  }

  word(k: number): string {
    return this.words[k]!;
  }

  start(k: number): number {
    if (!this.offsets) {
      const offsets: number[] = new Array<number>(this.count);
      let at = 0;
      for (let i = 0; i < this.count; i++) {
        const w = this.words[i]!;
        at = w === '' ? at : this.text.indexOf(w, at);
        offsets[i] = at;
        at += w.length;
      }
      this.offsets = offsets;
    }
    return this.offsets[k]!;
  }

  end(k: number): number {
    return this.start(k) + this.words[k]!.length;
  }

  /** The separator between word k and word k+1. */
  separatorAfter(k: number): string {
    return k + 1 < this.count ? this.text.slice(this.end(k), this.start(k + 1)) : '';
  }
}

export function tokenize(folded: string): Tokens {
  return new Tokens(folded);
}

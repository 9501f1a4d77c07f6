/**
 * Word parts of folded text: runs of a-z and 0-9; hyphens, spaces and
 * punctuation separate them. Read by one pass over the character codes that
 * notes where each word starts and ends: only the words become strings, a
 * separator only when a phrase term asks for it (splitting with a capture
 * group made a string of every separator too, and was a fifth of
 * classification). Positions are word indexes, not character offsets: that is
 * all overlap checks need.
 */
export class Tokens {
  /** The folded text the words are read from. */
  text = '';
  count = 0;
  #words: string[] = [];
  #starts: number[] = [];
  #ends: number[] = [];

  constructor(text?: string) {
    if (text !== undefined) this.read(text);
  }

  /** Reads another text into this object, reusing its arrays: the classifier keeps one per classifier. */
  read(text: string): this {
    const words = this.#words;
    const starts = this.#starts;
    const ends = this.#ends;
    let count = 0;
    let start = -1;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      const inWord = (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
      if (inWord) {
        if (start < 0) start = i;
      } else if (start >= 0) {
        words[count] = text.slice(start, i);
        starts[count] = start;
        ends[count] = i;
        count++;
        start = -1;
      }
    }
    if (start >= 0) {
      words[count] = text.slice(start, n);
      starts[count] = start;
      ends[count] = n;
      count++;
    }
    this.text = text;
    this.count = count;
    return this;
  }

  word(k: number): string {
    return this.#words[k]!;
  }

  /** The separator between word k and word k+1 (after the last word: the rest of the text). */
  separatorAfter(k: number): string {
    return this.text.slice(this.#ends[k], k + 1 < this.count ? this.#starts[k + 1] : this.text.length);
  }

  /** Is the separator after word k exactly one character, this one (a compound's "-" or "_")? */
  joinedAfter(k: number, code: number): boolean {
    const end = this.#ends[k]!;
    const next = k + 1 < this.count ? this.#starts[k + 1]! : this.text.length;
    return next === end + 1 && this.text.charCodeAt(end) === code;
  }

  /** The text from word `first` to word `last`, separators included. */
  span(first: number, last: number): string {
    return this.text.slice(this.#starts[first], this.#ends[last]);
  }
}

export function tokenize(folded: string): Tokens {
  return new Tokens(folded);
}

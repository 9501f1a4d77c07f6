/**
 * Word parts of folded text: runs of a-z and 0-9; hyphens, spaces and
 * punctuation separate them. Read by one pass over the character codes that
 * notes where each word starts and ends and hashes it (WordMemo): a word
 * becomes a string only when asked for, a separator only when a phrase term
 * needs it (splitting with a capture group made a string of every word and
 * separator, and was a fifth of classification). Positions are word indexes,
 * not character offsets: that is all overlap checks need.
 */
import { HASH_START, hashStep } from './word-memo.js';

const HYPHEN = 45;
const UNDERSCORE = 95;

export class Tokens {
  /** The folded text the words are read from. */
  text = '';
  count = 0;
  #starts: number[] = [];
  #ends: number[] = [];
  #hashes: number[] = [];

  constructor(text?: string) {
    if (text !== undefined) this.read(text);
  }

  /** Reads another text into this object, reusing its arrays: the classifier keeps one per classifier. */
  read(text: string): this {
    const hashes = this.#hashes;
    const starts = this.#starts;
    const ends = this.#ends;
    let count = 0;
    let start = -1;
    let hash = HASH_START;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      const inWord = (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
      if (inWord) {
        if (start < 0) {
          start = i;
          hash = HASH_START;
        }
        hash = hashStep(hash, c);
      } else if (start >= 0) {
        hashes[count] = hash;
        starts[count] = start;
        ends[count] = i;
        count++;
        start = -1;
      }
    }
    if (start >= 0) {
      hashes[count] = hash;
      starts[count] = start;
      ends[count] = n;
      count++;
    }
    this.text = text;
    this.count = count;
    return this;
  }

  word(k: number): string {
    return this.text.slice(this.#starts[k], this.#ends[k]);
  }

  start(k: number): number {
    return this.#starts[k]!;
  }

  end(k: number): number {
    return this.#ends[k]!;
  }

  /** wordHash(word(k)), taken while reading. */
  hash(k: number): number {
    return this.#hashes[k]!;
  }

  /** The separator between word k and word k+1 (after the last word: the rest of the text). */
  separatorAfter(k: number): string {
    return this.text.slice(this.#ends[k], k + 1 < this.count ? this.#starts[k + 1] : this.text.length);
  }

  /** Do word k and the next form one compound: exactly one "-" or "_" between them? */
  joinsNext(k: number): boolean {
    const end = this.#ends[k]!;
    const next = k + 1 < this.count ? this.#starts[k + 1]! : this.text.length;
    if (next !== end + 1) return false;
    const code = this.text.charCodeAt(end);
    return code === HYPHEN || code === UNDERSCORE;
  }

  /** The text from word `first` to word `last`, separators included. */
  span(first: number, last: number): string {
    return this.text.slice(this.#starts[first], this.#ends[last]);
  }
}

export function tokenize(folded: string): Tokens {
  return new Tokens(folded);
}

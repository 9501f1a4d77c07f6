/**
 * Word parts of folded text: runs of a-z and 0-9; hyphens, spaces and
 * punctuation separate them. Read by one pass over the character codes that
 * notes where each word starts and ends and hashes it (WordMemo): a word
 * becomes a string only when asked for, a separator only when a phrase term
 * needs it (splitting with a capture group made a string of every word and
 * separator, and was a fifth of classification). Positions are word indexes,
 * not character offsets: that is all overlap checks need.
 *
 * readFolding reads an article's field as it comes (content with its tags) and
 * folds each character as it goes: the words, hashes and separators are those
 * of foldText(stripHtml(field)), without making the stripped, lower-cased and
 * umlaut-replaced copies (foldText and stripHtml were a third of classifying
 * a cold poll's articles, most of it on copies that were read once).
 */
import { foldOfChar, foldText } from '../text/fold.js';
import { SCRIPT_OR_STYLE_SPELLINGS, stripHtml } from '../text/strip-html.js';
import { CANNOT_FOLD, DECOMPOSED, DECOMPOSES, FOLDABLE, learnFold, MARKUP, PLAIN, UNKNOWN } from './unit-folds.js';
import { HASH_START, hashStep } from './word-memo.js';

const HYPHEN = 45;
const UNDERSCORE = 95;
const LESS_THAN = 60;
const GREATER_THAN = 62;
const AMPERSAND = 38;
const SPACE = 32;

/** How a word read raw differs from its fold: not at all, by ASCII capitals only, or otherwise (umlauts …). Bits. */
const AS_FOLDED = 0;
const UPPER_ASCII = 1;
const OTHER = 2;

/** How readFolding's pass over a field ended. */
const READ = 0;
/** A character foldOfChar does not answer for, or HTML that needs stripHtml's script removal or entities. */
const CANNOT = 1;
/** A character that makes foldText decompose the whole text: read again, decomposing. */
const DECOMPOSE = 2;

export class Tokens {
  /** The text the words are read from: folded (read), or the field as it came (readFolding). */
  text = '';
  count = 0;
  #starts: number[] = [];
  #ends: number[] = [];
  #hashes: number[] = [];
  /** Per word: its folded length, and how far its characters are from folded (AS_FOLDED, UPPER_ASCII, OTHER). */
  #lengths: number[] = [];
  #unfolded: number[] = [];
  /** Is `text` the field as it came, folded character by character? With tags (`html`), decomposing or not. */
  #raw = false;
  #html = false;
  #decomposed = false;
  /** Where the last ">" is: a "<" before it opens a tag, one after it is a character (stripHtml's TAG_RE). */
  #lastTagEnd = -1;

  constructor(text?: string) {
    if (text !== undefined) this.read(text);
  }

  /** Reads folded text into this object, reusing its arrays: the classifier keeps one per classifier. */
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
    const lengths = this.#lengths;
    const unfolded = this.#unfolded;
    for (let k = 0; k < count; k++) {
      lengths[k] = ends[k]! - starts[k]!;
      unfolded[k] = AS_FOLDED;
    }
    this.text = text;
    this.count = count;
    this.#raw = false;
    return this;
  }

  /**
   * The words of foldText(field), or of foldText(stripHtml(field)) for `html`, read from the field itself.
   * Falls back to making those texts where it cannot fold character by character (other scripts, entities).
   */
  readFolding(field: string, html: boolean): this {
    let plain = field;
    if (html) {
      const read = this.#readRaw(field, true, false);
      if (read === READ || (read === DECOMPOSE && this.#readRaw(field, true, true) === READ)) return this;
      plain = stripHtml(field);
    }
    const read = this.#readRaw(plain, false, false);
    if (read === READ || (read === DECOMPOSE && this.#readRaw(plain, false, true) === READ)) return this;
    return this.read(foldText(plain));
  }

  #readRaw(text: string, html: boolean, decomposed: boolean): number {
    const hashes = this.#hashes;
    const starts = this.#starts;
    const ends = this.#ends;
    const lengths = this.#lengths;
    const unfoldedWords = this.#unfolded;
    const folds = decomposed ? DECOMPOSED : PLAIN;
    const lastTagEnd = html ? text.lastIndexOf('>') : -1;
    let count = 0;
    let start = -1;
    let hash = HASH_START;
    let length = 0;
    let unfolded = AS_FOLDED;
    const n = text.length;
    // One step past the end, as a space: the last word ends there like any other.
    for (let i = 0; i <= n; i++) {
      const c = i < n ? text.charCodeAt(i) : SPACE;
      let fold = c < FOLDABLE ? folds[c]! : CANNOT_FOLD;
      if (fold === UNKNOWN) fold = learnFold(c, decomposed);
      if (fold > 0) {
        if (start < 0) {
          start = i;
          hash = HASH_START;
          length = 0;
          unfolded = AS_FOLDED;
        }
        if (fold !== c) unfolded |= c < 128 ? UPPER_ASCII : OTHER;
        hash = hashStep(hash, c);
        length += fold > 0xff ? 2 : 1;
        continue;
      }
      // Where a word that ends here ends: before the tag, if this is one.
      const at = i;
      if (fold === MARKUP) {
        if (html) {
          // Entities are stripHtml's to decode; "<script" or "<style" its to remove.
          if (c === AMPERSAND || opensScriptOrStyle(text, i)) return CANNOT;
          if (i < lastTagEnd) {
            for (i++; text.charCodeAt(i) !== GREATER_THAN; i++) if (text.charCodeAt(i) === LESS_THAN && opensScriptOrStyle(text, i)) return CANNOT;
          }
        }
      } else if (fold === CANNOT_FOLD) return CANNOT;
      else if (fold === DECOMPOSES) return DECOMPOSE;
      if (start >= 0) {
        hashes[count] = hash;
        starts[count] = start;
        ends[count] = at;
        lengths[count] = length;
        unfoldedWords[count] = unfolded;
        count++;
        start = -1;
      }
    }
    this.text = text;
    this.count = count;
    this.#raw = true;
    this.#html = html;
    this.#decomposed = decomposed;
    this.#lastTagEnd = lastTagEnd;
    return READ;
  }

  word(k: number): string {
    const unfolded = this.#unfolded[k]!;
    if (unfolded === AS_FOLDED) return this.text.slice(this.#starts[k], this.#ends[k]);
    // Lower-cased by the engine when only ASCII capitals differ (Kernel): the most common case, and exactly its fold.
    if (unfolded === UPPER_ASCII) return this.text.slice(this.#starts[k], this.#ends[k]).toLowerCase();
    return this.#foldRange(this.#starts[k]!, this.#ends[k]!);
  }

  /** The length of word(k). */
  length(k: number): number {
    return this.#lengths[k]!;
  }

  /** wordHash(key(k)), taken while reading. */
  hash(k: number): number {
    return this.#hashes[k]!;
  }

  /** Where word k stands in `text`: a WordMemo finds it there, with its hash. */
  start(k: number): number {
    return this.#starts[k]!;
  }

  end(k: number): number {
    return this.#ends[k]!;
  }

  /**
   * Word k as it stands in `text` (Kernel, Größe), the key it is memoised by: its fold (word) depends on
   * these characters alone, so a memo by them answers as one by the folded word, without folding to compare.
   */
  key(k: number): string {
    return this.text.slice(this.#starts[k], this.#ends[k]);
  }

  /** The separator between word k and word k+1 (after the last word: the rest of the text). */
  separatorAfter(k: number): string {
    const end = this.#ends[k]!;
    const next = k + 1 < this.count ? this.#starts[k + 1]! : this.text.length;
    return this.#raw ? this.#foldRange(end, next) : this.text.slice(end, next);
  }

  /** Do word k and the next form one compound: exactly one "-" or "_" between them? */
  joinsNext(k: number): boolean {
    const end = this.#ends[k]!;
    const next = k + 1 < this.count ? this.#starts[k + 1]! : this.text.length;
    if (next !== end + 1) return false;
    // Read raw, a "-" or "_" is one that came so: no other character folds to either (isSafeFold).
    const code = this.text.charCodeAt(end);
    return code === HYPHEN || code === UNDERSCORE;
  }

  /** The text from word `first` to word `last`, separators included. */
  span(first: number, last: number): string {
    return this.#raw ? this.#foldRange(this.#starts[first]!, this.#ends[last]!) : this.text.slice(this.#starts[first], this.#ends[last]);
  }

  /** The folded text of text[from, to) as read raw: each tag one space, each character its fold. */
  #foldRange(from: number, to: number): string {
    const text = this.text;
    const folds = this.#decomposed ? DECOMPOSED : PLAIN;
    const codes = RANGE_CODES;
    codes.length = 0;
    for (let i = from; i < to; i++) {
      const c = text.charCodeAt(i);
      const fold = folds[c]!;
      if (this.#html && c === LESS_THAN && i < this.#lastTagEnd) {
        while (text.charCodeAt(i) !== GREATER_THAN) i++;
        codes.push(32);
      } else if (fold > 0xff) codes.push(fold & 0xff, fold >> 8);
      else if (fold > 0 || c < 128) codes.push(fold > 0 ? fold : c);
      else {
        const out = this.#decomposed ? foldOfChar(c)!.decomposed : foldOfChar(c)!.plain;
        for (let k = 0; k < out.length; k++) codes.push(out.charCodeAt(k));
      }
    }
    return String.fromCharCode(...codes);
  }
}

/** #foldRange's codes, reused: its strings are a few words long. */
const RANGE_CODES: number[] = [];

export function tokenize(folded: string): Tokens {
  return new Tokens(folded);
}

/** Does text[i] ("<") start one of the spellings stripHtml removes script and style for? */
function opensScriptOrStyle(text: string, i: number): boolean {
  const c = text.charCodeAt(i + 1);
  if (c !== 115 && c !== 83) return false;
  return SCRIPT_OR_STYLE_SPELLINGS.some((spelling) => text.startsWith(spelling, i + 1));
}

/**
 * Which words the full texts of each day's articles contain, as one Bloom
 * filter per day (of first sight, the JSON store's segment): a rules edit
 * that adds or removes a plain term then reads only the days that may hold
 * it, instead of every stored text. A filter answers "maybe" or "certainly
 * not", never a false "not"; a day counts only once every article of it has
 * been added (its words after any change too), so the skip is exact.
 * Kept in memory only (64 KB a day): after a start, the first rules edit
 * reads every day and fills the filters on the way.
 */
import { foldText } from '../text/fold.js';
import { stripHtml } from '../text/strip-html.js';
import { ENDINGS } from '../text/endings.js';
import type { ParsedTerm } from '../classify/term.js';

const BITS = 1 << 19;
const HASHES = 4;
const WORD_RE = /[^a-z0-9]+/;

export class WordsByDay {
  readonly #filters = new Map<string, Uint32Array>();
  /** Per day the articles whose every content version has been added. */
  readonly #covered = new Map<string, Set<string>>();

  /** Add an article's content words (the classifier's folding and word parts). */
  add(article: { id: string; firstSeen: string; content?: string | undefined }): void {
    const day = dayOf(article.firstSeen);
    let filter = this.#filters.get(day);
    if (!filter) {
      filter = new Uint32Array(BITS / 32);
      this.#filters.set(day, filter);
      this.#covered.set(day, new Set());
    }
    if (article.content) for (const word of new Set(foldText(stripHtml(article.content)).split(WORD_RE))) if (word) setWord(filter, word);
    this.#covered.get(day)!.add(article.id);
  }

  /** Whether the words of this article's content (as it is now) are in its day's filter. */
  covers(article: { id: string; firstSeen: string }): boolean {
    return this.#covered.get(dayOf(article.firstSeen))?.has(article.id) ?? false;
  }

  /** Drop the filters of days no stored article belongs to any more (retention). */
  retainDays(days: ReadonlySet<string>): void {
    for (const day of this.#filters.keys()) {
      if (days.has(day)) continue;
      this.#filters.delete(day);
      this.#covered.delete(day);
    }
  }

  /**
   * Could any of these terms hit a full text of that day's articles covered
   * so far? Yes for a term that has no word part of a closed form (kernel*,
   * *hoster, #.#): those need the texts.
   */
  mayHit(day: string, terms: readonly ParsedTerm[]): boolean {
    const filter = this.#filters.get(day);
    if (!filter) return true;
    for (const term of terms) {
      for (const variant of term.variants) {
        const words = closedWords(variant);
        if (!words || words.some((w) => hasWord(filter, w))) return true;
      }
    }
    return false;
  }
}

export function dayOf(firstSeen: string): string {
  return firstSeen.slice(0, 10);
}

/**
 * The words one of which a text must contain wherever the variant hits (see
 * term.ts, matchVariantAt): a whole part in the middle of a phrase, a first
 * part without a leading star, or a plain last part with its endings. The
 * smallest such set; undefined when every part is open (a star or #).
 */
function closedWords(v: ParsedTerm['variants'][number]): string[] | undefined {
  const n = v.parts.length;
  let best: string[] | undefined;
  const offer = (words: string[]): void => {
    if (!best || words.length < best.length) best = words;
  };
  v.parts.forEach((part, k) => {
    if (part === '#') return;
    const first = k === 0;
    const last = k === n - 1;
    if (first && v.leadingStar) return;
    if (!last) offer([part]);
    else if (!v.trailingStar) offer(v.exact ? [part] : [part, ...ENDINGS.map((e) => part + e)]);
  });
  return best;
}

function hashes(word: string): [number, number] {
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  return [h1 >>> 0, (h2 | 1) >>> 0];
}

function setWord(filter: Uint32Array, word: string): void {
  const [h1, h2] = hashes(word);
  for (let i = 0; i < HASHES; i++) {
    const bit = (h1 + Math.imul(i, h2)) & (BITS - 1);
    filter[bit >>> 5]! |= 1 << (bit & 31);
  }
}

function hasWord(filter: Uint32Array, word: string): boolean {
  const [h1, h2] = hashes(word);
  for (let i = 0; i < HASHES; i++) {
    const bit = (h1 + Math.imul(i, h2)) & (BITS - 1);
    if ((filter[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
  }
  return true;
}

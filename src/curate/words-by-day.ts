/**
 * Which words the full texts of each day's articles contain, as one Bloom
 * filter per day (of first sight, the JSON store's segment): a rules edit
 * that adds or removes a plain term then reads only the days that may hold
 * it, instead of every stored text. A filter answers "maybe" or "certainly
 * not", never a false "not"; an article counts as covered only once the
 * words of its current content (by content hash) are in, and a day is
 * skipped only when all its articles are, so the skip is exact.
 * With a WordsFiles (words-file.ts) the filters outlive the process: a
 * day's file is merged in before the day is first asked about or written.
 */
import { foldText } from '../text/fold.js';
import { stripHtml } from '../text/strip-html.js';
import { ENDINGS } from '../text/endings.js';
import type { ParsedTerm } from '../classify/term.js';
import { contentKey, WordsFiles } from './words-file.js';

export const BITS = 1 << 19;
const HASHES = 4;

export class WordsByDay {
  readonly #filters = new Map<string, Uint32Array>();
  /** Per day the articles whose current content's words have been added: id → content key. */
  readonly #covered = new Map<string, Map<string, string>>();
  readonly #files: WordsFiles | undefined;
  /** Days whose file has been merged in (or found missing). */
  readonly #merged = new Set<string>();
  /** Days changed since they were last written. */
  readonly #dirty = new Set<string>();

  constructor(prefix?: string) {
    this.#files = prefix === undefined ? undefined : new WordsFiles(prefix, BITS / 32);
  }

  /** Add an article's content words (the classifier's folding and word parts). */
  add(article: { id: string; firstSeen: string; contentHash: string; content?: string | undefined }): void {
    const day = dayOf(article.firstSeen);
    const filter = this.#filterOf(day);
    if (article.content) setTextWords(filter, foldText(stripHtml(article.content)));
    this.#covered.get(day)!.set(article.id, contentKey(article.contentHash));
    this.#dirty.add(day);
  }

  /** Whether the words of this article's content (as it is now) are in its day's filter. */
  covers(article: { id: string; firstSeen: string; contentHash: string }): boolean {
    return this.#covered.get(dayOf(article.firstSeen))?.get(article.id) === contentKey(article.contentHash);
  }

  /** Merge in the written filters of these days (once per day): before asking covers/mayHit about them. */
  async load(days: Iterable<string>, pause: () => Promise<void>): Promise<void> {
    if (!this.#files) return;
    for (const day of days) {
      if (this.#merged.has(day)) continue;
      this.#merged.add(day);
      const written = await this.#files.read(day);
      if (!written) continue;
      const filter = this.#filterOf(day);
      for (let i = 0; i < filter.length; i++) filter[i]! |= written.bits[i]!;
      const covered = this.#covered.get(day)!;
      // What this process added since the start is newer than the file.
      for (const [id, key] of written.articles) if (!covered.has(id)) covered.set(id, key);
      await pause();
    }
  }

  /** Write the days changed since the last save (each merged with its file first); remove the files of days not in `live`. */
  async save(live: ReadonlySet<string>, pause: () => Promise<void>): Promise<void> {
    if (!this.#files) return;
    await this.load([...this.#dirty], pause);
    for (const day of [...this.#dirty]) {
      this.#dirty.delete(day);
      const bits = this.#filters.get(day);
      if (!bits || !live.has(day)) continue;
      await this.#files.write({ day, articles: this.#covered.get(day)!, bits });
      await pause();
    }
    await this.#files.prune(live);
  }

  /** Drop the filters of days no stored article belongs to any more (retention). */
  retainDays(days: ReadonlySet<string>): void {
    for (const day of this.#filters.keys()) {
      if (days.has(day)) continue;
      this.#filters.delete(day);
      this.#covered.delete(day);
      this.#dirty.delete(day);
    }
  }

  #filterOf(day: string): Uint32Array {
    let filter = this.#filters.get(day);
    if (!filter) {
      filter = new Uint32Array(BITS / 32);
      this.#filters.set(day, filter);
      this.#covered.set(day, new Map());
    }
    return filter;
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

/** The UTC day (YYYY-MM-DD) of an ISO date: of first sight for the filters, of publication elsewhere. */
export function dayOf(date: string): string {
  return date.slice(0, 10);
}

/**
 * The words one of which a text must contain wherever the variant hits (see
 * term.ts, firstWordMatches and matchRestAt): a whole part in the middle of a phrase, a first
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

/** Where both hashes of a word start (FNV-1a's offset basis, and a seed for the second). */
const H1_START = 0x811c9dc5;
const H2_START = 0x9747b28c;

function hashes(word: string): [number, number] {
  let h1 = H1_START;
  let h2 = H2_START;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  return [h1 >>> 0, (h2 | 1) >>> 0];
}

/** One word's bits: what a rules edit's term asks for (hasWord). */
export function setWord(filter: Uint32Array, word: string): void {
  const [h1, h2] = hashes(word);
  setBits(filter, h1, h2);
}

/**
 * The bits of every word of a folded text: each run of a-z and 0-9 (the
 * classifier's word parts), hashed as `hashes` does while the text is
 * scanned. Splitting the text into words and a Set of them first took more
 * than half of a rules edit's reading of 50,000 texts (0.73 of 1.3 s, session
 * 17); a word seen twice sets the same bits twice.
 */
export function setTextWords(filter: Uint32Array, text: string): void {
  let h1 = H1_START;
  let h2 = H2_START;
  let inWord = false;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0;
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
      h2 ^= h2 >>> 15;
      inWord = true;
    } else if (inWord) {
      setBits(filter, h1 >>> 0, (h2 | 1) >>> 0);
      h1 = H1_START;
      h2 = H2_START;
      inWord = false;
    }
  }
}

function setBits(filter: Uint32Array, h1: number, h2: number): void {
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

/**
 * The per-day word filters (words-by-day.ts) on disk, so that the first
 * rules edit after a start skips days as later ones do: one readable JSON
 * file per day beside the JSON store's other files, in its directory (SPEC §6),
 *
 *   data/feedkurator.words-2026-11-19.json
 *   {"version":1,"day":"2026-11-19","articles":{"<id>":"<contentHash prefix>",…},"bits":"<base64>"}
 *
 * `articles` names every article whose words the filter holds, with the
 * content it held: on load, only articles whose id and content hash are the
 * same in the store count as covered, so a filter written before another
 * process changed the day (or a crash between the store's write and this
 * one) is never trusted beyond what it saw. Derived data: a missing,
 * unreadable or foreign file only costs reading that day's texts again.
 * Written with temp file and rename, without fsync (losing it costs time,
 * never correctness).
 */
import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { besideStore } from '../store/beside-store.js';

const VERSION = 1;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export interface DayWords {
  day: string;
  /** Article id → content key (contentKey) of the version whose words are in `bits`. */
  articles: Map<string, string>;
  bits: Uint32Array;
}

/** What identifies an article's content in a filter file: a prefix of its content hash is enough to see a change. */
export function contentKey(contentHash: string): string {
  return contentHash.slice(0, 16);
}

/** Where the filters of the JSON store whose manifest is `storePath` go: `<dir>/<stem>.words-DAY.json`. */
export function wordsPrefixOf(storePath: string): string {
  return besideStore(storePath, '.words-');
}

export class WordsFiles {
  readonly #dir: string;
  readonly #stem: string;
  readonly #words: number;

  /** `prefix`: from wordsPrefixOf; `words`: the filter's length in 32-bit words (a file of another size is not used). */
  constructor(prefix: string, words: number) {
    this.#dir = dirname(prefix);
    this.#stem = basename(prefix);
    this.#words = words;
  }

  /** A day's filter as written, or undefined when there is none usable. */
  async read(day: string): Promise<DayWords | undefined> {
    let text: string;
    try {
      text = await readFile(this.#path(day), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const parsed = JSON.parse(text) as { version?: unknown; day?: unknown; articles?: unknown; bits?: unknown };
      if (parsed.version !== VERSION || parsed.day !== day || typeof parsed.bits !== 'string' || typeof parsed.articles !== 'object' || parsed.articles === null) return undefined;
      const bytes = Buffer.from(parsed.bits, 'base64');
      if (bytes.length !== this.#words * 4) return undefined;
      const bits = new Uint32Array(this.#words);
      new Uint8Array(bits.buffer).set(bytes);
      const articles = new Map<string, string>();
      for (const [id, key] of Object.entries(parsed.articles)) if (typeof key === 'string') articles.set(id, key);
      return { day, articles, bits };
    } catch {
      return undefined; // torn or foreign: the day's texts are read again
    }
  }

  async write(words: DayWords): Promise<void> {
    await mkdir(this.#dir, { recursive: true });
    const bits = Buffer.from(words.bits.buffer, words.bits.byteOffset, words.bits.byteLength).toString('base64');
    const text = JSON.stringify({ version: VERSION, day: words.day, articles: Object.fromEntries(words.articles), bits });
    const path = this.#path(words.day);
    const temp = join(this.#dir, `.${this.#stem}${words.day}.json.tmp`);
    try {
      await writeFile(temp, text);
      await rename(temp, path);
    } catch (err) {
      await unlink(temp).catch(() => {});
      throw err;
    }
  }

  /** Remove the files of days not in `keep` (retention dropped them). */
  async prune(keep: ReadonlySet<string>): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.#dir);
    } catch {
      return;
    }
    for (const name of names) {
      if (!name.startsWith(this.#stem) || !name.endsWith('.json')) continue;
      const day = name.slice(this.#stem.length, -'.json'.length);
      if (DAY.test(day) && !keep.has(day)) await unlink(join(this.#dir, name)).catch(() => {});
    }
  }

  #path(day: string): string {
    return join(this.#dir, `${this.#stem}${day}.json`);
  }
}

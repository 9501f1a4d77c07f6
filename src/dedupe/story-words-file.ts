/**
 * The publish window's story texts on disk (story-words-storage.ts's shelf),
 * beside the JSON store's other files, so that a start without a publication
 * snapshot clusters the window without reading its ~2,400 texts again
 * (0.83 s of a 3.5 s start at 20,000 articles, session 7):
 *
 *   data/feedkurator.story-words.json
 *   {"version":1,"fingerprint":"<hex>","articles":{"<id>":["<content key>",[3,17,…],…],…},
 *    "fields":["words","titleWords",…],"words":["linux","kernel",…]}
 *
 * Each article's StoryText as one list per field (in the order of "fields"), each word an index
 * into "words", which holds every distinct word once: a third of the bytes of the texts written
 * out, and loading makes each word string once instead of once per use (the garbage of the
 * texts written out cost the idle daemon ~10 MB of RSS in the first try, BENCHMARKS.md).
 *
 * Derived data, safe to lose: a missing, unreadable, torn or foreign file, or
 * one of another fingerprint, is ignored (and said so once) and the texts are
 * read from the articles again. An entry counts only for the same article id
 * and input key (a hash of the title, teaser and HTML head it was read from),
 * so an article changed since the file was written is read anew. The fingerprint
 * hashes the sources of everything that reads a story text (story-text and
 * what it imports, the lead's cut in story-clusters, their data files): a
 * build whose reading differs in any byte never takes the file's texts (the code as it is run: a
 * file written by dist/*.js is refused by the same code run from src/*.ts, and read again).
 * `poll` adds the texts of the curated articles it merges (PolledStoryWords), `serve` writes its
 * window's after each publication it swaps in.
 *
 * JSON, not a binary form: on the 20,000-article bench store (2,400 texts,
 * BENCHMARKS.md, startup session 8) JSON.parse of the file took about as long
 * as v8.deserialize of the same data, and a person can read it. Written with
 * a temp file and rename, without fsync (losing it costs time, never
 * correctness), serialized in pieces with turns of the event loop between.
 */
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { bundleInfo } from '../bundle-info.js';
import { filesBeside, fingerprintFiles, moduleExtension } from '../code-fingerprint.js';
import { TimeSlice } from '../schedule/take-turn.js';
import type { StoredArticle } from '../types.js';
import { bodyLeadOf, CONTENT_HEAD_CHARS } from './story-clusters.js';
import { readStoryText, type StoryText } from './story-text.js';
import { storyInputKey, type ShelvedText } from './story-words-storage.js';
import { besideStore } from '../store/beside-store.js';

const VERSION = 1;
/** What reads a story text from an article (relative to this module): their sources are the fingerprint. */
const READERS = ['story-text', 'story-events', 'story-stages', 'story-clusters', 'story-words-storage', '../text/endings', '../text/fold', '../text/strip-html'];
const READER_DATA = ['story-aliases.json', 'story-events.json'];

/** Where the story texts of the JSON store whose manifest is `storePath` go. */
export function storyWordsPath(storePath: string): string {
  return besideStore(storePath, '.story-words.json');
}

let fingerprint: string | undefined;

/** The hash of the code and data that read story texts: a file written by other code is not used. */
export function storyReadingFingerprint(): string {
  // A bundle carries the fingerprint of the module files it was bundled from (src/build/bundle.mjs).
  fingerprint ??= bundleInfo?.storyReadingFingerprint;
  if (fingerprint) return fingerprint;
  const ext = moduleExtension(import.meta.url);
  const names = [...READERS.map((reader) => `./${reader}${ext}`), ...READER_DATA.map((data) => `./${data}`)];
  fingerprint = fingerprintFiles(`story-words v${VERSION}`, filesBeside(import.meta.url, names));
  return fingerprint;
}

export type StoryWordsLoad = { texts: Map<string, ShelvedText> } | { problem: string } | null;

/** The texts written for this build's reading; null when there is no file; a problem when it cannot be used. */
export async function readStoryWords(path: string): Promise<StoryWordsLoad> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return { problem: `${path} cannot be read (${(err as Error).message}); the story words are read from the articles again` };
  }
  const again = 'the story words are read from the articles again';
  let parsed: { version?: unknown; fingerprint?: unknown; articles?: unknown; fields?: unknown; words?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    return { problem: `${path} is damaged (not JSON); ${again}` };
  }
  if (parsed === null || typeof parsed !== 'object' || parsed.version !== VERSION || !isPlainObject(parsed.articles) || !isStringList(parsed.fields) || !isStringList(parsed.words)) {
    return { problem: `${path} is not a story words file of version ${VERSION}; ${again}` };
  }
  if (parsed.fingerprint !== storyReadingFingerprint()) return { problem: `${path} was written by another version of the story reading; ${again}` };
  const { fields, words } = parsed;
  const texts = new Map<string, ShelvedText>();
  // In slices: the ~2,400 texts of a window held a start's event loop ~10 ms on top of the parse, while the last publication was being served.
  const slice = new TimeSlice(SLICE_MS);
  for (const [id, entry] of Object.entries(parsed.articles)) {
    const read = Array.isArray(entry) && entry.length === fields.length + 1 && typeof entry[0] === 'string' ? textOf(entry, fields, words) : undefined;
    if (!read) return { problem: `${path} is damaged (article ${JSON.stringify(id)}); ${again}` };
    texts.set(id, { key: (entry as unknown[])[0] as string, text: read });
    if (slice.due) await slice.turn();
  }
  return { texts };
}

/** An entry's lists (indices into `words`, in the order of `fields`) as the text they were written from. */
function textOf(entry: unknown[], fields: readonly string[], words: readonly string[]): StoryText | undefined {
  const text: Record<string, string[]> = {};
  for (let f = 0; f < fields.length; f++) {
    const ids = entry[f + 1];
    if (!Array.isArray(ids)) return undefined;
    const list = new Array<string>(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const word = words[ids[i] as number];
      if (word === undefined || !Number.isInteger(ids[i])) return undefined;
      list[i] = word;
    }
    text[fields[f]!] = list;
  }
  return text as unknown as StoryText;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/** Entries serialized between two turns of the event loop at most (one turn: ~2 ms of JSON.stringify). */
const SLICE_MS = 2;

/**
 * Write these texts (atomically: temp file, rename), in pieces with the event loop free between
 * them. Every distinct word once, in "words" at the end; each article's lists as indices into it,
 * in the order of "fields" (the fields of the first text: one build reads every text alike).
 */
export async function writeStoryWords(path: string, texts: ReadonlyMap<string, ShelvedText>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.tmp`);
  const handle = await open(temp, 'w');
  try {
    const parts: string[] = [`{"version":${VERSION},"fingerprint":${JSON.stringify(storyReadingFingerprint())},"articles":{`];
    let fields: string[] | undefined;
    const index = new Map<string, number>();
    const idOf = (word: string): number => {
      let id = index.get(word);
      if (id === undefined) index.set(word, (id = index.size));
      return id;
    };
    let first = true;
    const slice = new TimeSlice(SLICE_MS);
    for (const [id, { key, text }] of texts) {
      fields ??= Object.keys(text);
      const lists = text as unknown as Record<string, readonly string[]>;
      if (Object.keys(lists).length !== fields.length) throw new Error(`story text of ${id} has other fields than ${fields.join(',')}`);
      const entry = [key, ...fields.map((f) => lists[f]!.map(idOf))];
      parts.push(`${first ? '' : ','}${JSON.stringify(id)}:${JSON.stringify(entry)}`);
      first = false;
      if (slice.due) {
        await handle.write(parts.join(''));
        parts.length = 0;
        await slice.turn();
      }
    }
    parts.push(`},"fields":${JSON.stringify(fields ?? [])},"words":${JSON.stringify([...index.keys()])}}\n`);
    await handle.write(parts.join(''));
    await handle.close();
    await rename(temp, path);
  } catch (err) {
    await handle.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw err;
  }
}

/**
 * What `poll` adds to the file a daemon wrote: the story texts of the cycle's
 * curated articles, read as each is merged, so that the next start reads only
 * what it does not find. Only when the file is there (a daemon used this
 * store): a store no daemon serves needs none, and a cold poll pays nothing.
 */
export class PolledStoryWords {
  readonly #path: string;
  readonly #added = new Map<string, ShelvedText>();

  private constructor(path: string) {
    this.#path = path;
  }

  static forStore(storePath: string): PolledStoryWords | undefined {
    const path = storyWordsPath(storePath);
    return existsSync(path) ? new PolledStoryWords(path) : undefined;
  }

  /** A merged article with its topics: a curated one's text is read now (what storyWordsOf reads). */
  take(article: StoredArticle, topics: readonly string[]): void {
    if (topics.length === 0) return;
    const head = article.content.length > CONTENT_HEAD_CHARS ? article.content.slice(0, CONTENT_HEAD_CHARS) : article.content;
    this.#added.set(article.id, { key: storyInputKey(article.title, article.summary, head), text: readStoryText(article.title, article.summary, bodyLeadOf(head)) });
  }

  /** The file with the texts taken added, less the articles no longer stored (`stored`); an unusable file is replaced. */
  async save(stored: (id: string) => boolean): Promise<void> {
    if (this.#added.size === 0) return;
    const written = await readStoryWords(this.#path);
    const texts = new Map<string, ShelvedText>();
    if (written && 'texts' in written) for (const [id, entry] of written.texts) if (stored(id) && !this.#added.has(id)) texts.set(id, entry);
    for (const [id, entry] of this.#added) if (stored(id)) texts.set(id, entry);
    await writeStoryWords(this.#path, texts);
  }
}

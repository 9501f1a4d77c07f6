/**
 * How the story index holds each article's words between rebuilds (the
 * clusterer keeps the publish window's, ~2,400 articles). Read as they come
 * out of story-text and story-similarity, an idle `serve` at 20,000 articles
 * held ~18 MB of heap for them (session 7, heap snapshot): ~171,000 word
 * strings (41,700 distinct), long words as slices that kept their whole
 * source text alive, and seven Int32Arrays per article, each with its own
 * ArrayBuffer object and, past 64 bytes, its own malloc'd backing store.
 *
 * Kept here instead: one string per distinct word (interned), long words
 * copied out of the text they were cut from, and an article's id arrays as
 * views of one buffer. The values are the same (the same strings, the same
 * ids in the same order), so every comparison and cluster is unchanged.
 */
import { createHash } from 'node:crypto';
import { detached } from '../text/detach.js';
import type { StoryWords } from './story-similarity.js';
import type { StoryText } from './story-text.js';

/** Past this many distinct words the pool starts over (only sharing is lost, never a value); German news stays far below. */
const MAX_INTERNED = 400_000;

let interned = new Map<string, string>();

/** The one copy of this word the index holds. */
export function internWord(word: string): string {
  const known = interned.get(word);
  if (known !== undefined) return known;
  if (interned.size >= MAX_INTERNED) interned = new Map();
  const own = detached(word);
  interned.set(own, own);
  return own;
}

/** Distinct words pooled now (tests, measurements). */
export function internedWords(): number {
  return interned.size;
}

/**
 * The same words held compactly: the text's word lists with interned strings
 * (in place: the lists were just read for this article), and every id array
 * a view of one Int32Array. Fields added to StoryWords or its text later are
 * covered alike (every string list, every Int32Array).
 */
export function compactStoryWords(words: StoryWords): StoryWords {
  for (const value of Object.values(words.text) as unknown[]) {
    if (!Array.isArray(value) || Object.isFrozen(value)) continue;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === 'string') value[i] = internWord(item);
    }
  }
  if (packedAlready(words)) return words;
  let total = 0;
  const packed: [keyof StoryWords, Int32Array][] = [];
  for (const [key, value] of Object.entries(words) as [keyof StoryWords, unknown][]) {
    if (value instanceof Int32Array) {
      packed.push([key, value]);
      total += value.length;
    }
  }
  const buffer = new Int32Array(total);
  const out: StoryWords = { ...words };
  let at = 0;
  for (const [key, ids] of packed) {
    buffer.set(ids, at);
    (out as unknown as Record<string, Int32Array>)[key] = buffer.subarray(at, at + ids.length);
    at += ids.length;
  }
  return out;
}

/** Every id array a view of one buffer that holds nothing else (as story-similarity's internStory makes them). */
function packedAlready(words: StoryWords): boolean {
  const { buffer } = words.words;
  let total = 0;
  for (const value of Object.values(words) as unknown[]) {
    if (!(value instanceof Int32Array)) continue;
    if (value.buffer !== buffer) return false;
    total += value.length;
  }
  return buffer.byteLength === total * 4;
}

/**
 * The story texts read or loaded in this process, by article id, with the
 * key of the input they were read from (storyInputKey: a hash of title, teaser
 * and the HTML's head, the very strings read): what story-words-file.ts writes
 * for the publish window and hands back at the next start, so that a start
 * without a publication snapshot does not read the window's texts again
 * (~0.35 ms each, 2,400 articles). An entry is used only for the same id and
 * input key; anything else is read anew. Not the stored content hash: a
 * caller's article need not carry a true one (tests make articles by hand).
 */
export interface ShelvedText {
  readonly key: string;
  readonly text: StoryText;
}

let shelf = new Map<string, ShelvedText>();
/** Texts read from an article's words (not taken from the shelf) in this process: tests and measurements. */
let read = 0;

/** What identifies the input of a story text: SHA-256 (first 64 bits) of title, teaser and the HTML's head as read (~18 µs at load 6 for 4 KB). */
export function storyInputKey(title: string, summary: string, contentHead: string): string {
  return createHash('sha256').update(title).update('\u0000').update(summary).update('\u0000').update(contentHead).digest('hex').slice(0, 16);
}

/**
 * The story text of this article: the shelved one when it was read from the same input (`keyOf`: its
 * storyInputKey), else `readText()` (shelved). The key is computed only when the shelf holds a text of
 * this id, or when the shelved entry's key is first asked for (the story words file is written after a
 * publication is served): a start without the file reads ~2,500 texts and hashed each (~4 % of its CPU)
 * before its first answer, for a file it writes after it.
 */
export function keptStoryText(id: string, keyOf: () => string, readText: () => StoryText): StoryText {
  const hit = shelf.get(id);
  if (hit && hit.key === keyOf()) return hit.text;
  const text = readText();
  read++;
  shelf.set(id, new LazyShelved(keyOf, text));
  return text;
}

/** A shelved text whose input key is computed when first asked for (then the input is let go). */
class LazyShelved implements ShelvedText {
  #key: string | undefined;
  #keyOf: (() => string) | undefined;

  constructor(
    keyOf: () => string,
    readonly text: StoryText,
  ) {
    this.#keyOf = keyOf;
  }

  get key(): string {
    if (this.#key === undefined) {
      this.#key = this.#keyOf!();
      this.#keyOf = undefined;
    }
    return this.#key;
  }
}

/** How many story texts this process read from articles so far (the rest came from the shelf). */
export function storyTextsRead(): number {
  return read;
}

/** Put texts loaded from disk on the shelf (those read in this process are newer and stay). */
export function shelveStoryTexts(entries: Iterable<[string, ShelvedText]>): number {
  let added = 0;
  for (const [id, entry] of entries) {
    if (shelf.has(id)) continue;
    shelf.set(id, entry);
    added++;
  }
  return added;
}

/**
 * The shelved texts of these articles, and the shelf cut down to them: what
 * left the publish window is not held. (A text of an article changed since
 * is dropped when it is next asked for, or at the next start by its key.)
 */
export function shelvedFor(ids: Iterable<string>): Map<string, ShelvedText> {
  const kept = new Map<string, ShelvedText>();
  for (const id of ids) {
    const hit = shelf.get(id);
    if (hit) kept.set(id, hit);
  }
  shelf = new Map(kept);
  return kept;
}

/** Forget every shelved text (tests: a start "with everything rebuilt"). */
export function clearStoryTextShelf(): void {
  shelf = new Map();
}

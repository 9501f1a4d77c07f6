/**
 * A new day's segment written while the cycle still merges. A cold poll puts
 * every new article into today's segment: at 1,000 sources one 80 MB file,
 * serialized and written after the cycle, ~3 s of the main thread while
 * nothing else ran (BENCHMARKS.md, pollwrite session 10). Streamed, each
 * article is serialized and appended to the segment's temp file in slices
 * between the merges (the main thread waits on the read worker there), the
 * bytes go to disk on libuv's threads, and the flush only appends the
 * articles merged since, fsyncs the tail and renames: the same atomic
 * replace as any other write (durable-json-file.ts), so nothing is visible
 * before the flush's fold, in the fold's order.
 *
 * Only a day with no segment file and no journal entries from an earlier
 * flush is streamed: the file is then exactly these entries. An article
 * changed or removed after it was appended (a later source adds itself, or
 * retention drops it) stays in the file as it was; the fold keeps its
 * journal entry on top (`stale`), as for any segment the journal overrides.
 */
import type { ArticleHead } from '../../types.js';
import { serializeInChunks, type StreamedWrite } from '../durable-json-file.js';
import { TimeSlice } from '../../schedule/take-turn.js';
import type { JournalEntry } from './journal.js';
import { SCHEMA_VERSION } from './json-layout.js';

/** Serializing between two turns of the event loop. */
const SLICE_MS = 4;
/** Bytes collected before one append (one write on a libuv thread). */
const APPEND_BYTES = 512 * 1024;
/** Room past APPEND_BYTES, so that the article that crosses it mostly fits without growing the buffer. */
const SPARE_BYTES = 128 * 1024;
const CONTENT_KEY = Buffer.from(',"content":');
const COMMA = 0x2c;
const CLOSE_BRACE = 0x7d;

/** An article's content with its JSON text as the read worker made it (src/read/content-json.ts). */
export interface KnownJson {
  content: string;
  json: Uint8Array;
}

export class SegmentStream {
  readonly day: string;
  readonly write: StreamedWrite;
  readonly #entryOf: (id: string) => JournalEntry | undefined;
  readonly #headOf: (id: string) => ArticleHead | undefined;
  /** What each appended article was made of: if either changed since, the file's copy is stale. */
  readonly #appended = new Map<string, { head: ArticleHead; entry: JournalEntry }>();
  readonly #close: string;
  /** Contents of this day whose JSON text came with them: appended as they are, taken once. */
  readonly #known: Map<string, KnownJson>;
  readonly #onBug: (err: unknown) => void;
  #queue: string[] = [];
  /** Serialized articles not appended yet (`#out[0, #outBytes)`): collected across slices, appended APPEND_BYTES at a time. */
  #out: Buffer | undefined;
  #outBytes = 0;
  #pump: Promise<void> | undefined;
  #finishing = false;
  #broken = false;

  constructor(
    day: string,
    write: StreamedWrite,
    entryOf: (id: string) => JournalEntry | undefined,
    headOf: (id: string) => ArticleHead | undefined,
    onBug: (err: unknown) => void,
    known: Map<string, KnownJson> = new Map(),
  ) {
    this.day = day;
    this.#known = known;
    this.#onBug = onBug;
    this.write = write;
    this.#entryOf = entryOf;
    this.#headOf = headOf;
    // The header and trailer serializeInSlices writes for {schemaVersion, day, articles}: the same bytes as a fold's.
    const [open, close] = serializeInChunks({ schemaVersion: SCHEMA_VERSION, day, articles: [] });
    this.#close = close!;
    write.append(open!);
  }

  /** Articles of this day just merged: appended in the background. */
  add(ids: Iterable<string>): void {
    for (const id of ids) this.#queue.push(id);
    if (this.#pump || this.#finishing) return;
    this.#pump = this.#run()
      .catch((err: unknown) => {
        // A bug of ours, not the disk (write.failed says that): logged with its stack; the fold writes the day the usual way.
        this.#broken = true;
        this.#onBug(err);
      })
      .finally(() => (this.#pump = undefined));
  }

  /** Whether the file cannot be used: an append failed (a full disk). The fold writes the day the usual way. */
  get failed(): boolean {
    return this.#broken || this.write.failed;
  }

  /** The flush does not fold this day, or the store closes: stop, and the temp file goes. */
  async abort(): Promise<void> {
    this.#finishing = true;
    await this.#pump;
    await this.write.abort();
  }

  async #run(): Promise<void> {
    const slice = new TimeSlice(SLICE_MS);
    while (this.#queue.length > 0 && !this.#finishing) {
      const ids = this.#queue;
      this.#queue = [];
      let i = 0;
      while (i < ids.length && !this.#finishing) {
        i = this.#appendSome(ids, i, slice);
        if (i < ids.length) await slice.turn();
      }
      // Stopped by finish() midway: the rest is its tail.
      if (i < ids.length) this.#queue = ids.slice(i).concat(this.#queue);
    }
  }

  /** Serializes ids[from…] until the slice is used up; returns where it stopped. */
  #appendSome(ids: readonly string[], from: number, slice: TimeSlice): number {
    let i = from;
    for (; i < ids.length; i++) {
      this.#serialize(ids[i]!);
      if (this.#outBytes >= APPEND_BYTES) this.#appendOut();
      if (slice.due) {
        i++;
        break;
      }
    }
    return i;
  }

  /**
   * What was serialized goes to the file, in a buffer of its own (the write reads it on a libuv thread later).
   * Not at each slice's end: a cold poll's merges made one append each, ~1,000 write(2)s of 80 KB at 1,000
   * sources, each waking a libuv thread that the main thread then waited behind on 2 cores.
   */
  #appendOut(): void {
    if (this.#outBytes === 0) return;
    this.write.append(this.#out!.subarray(0, this.#outBytes));
    this.#out = undefined;
    this.#outBytes = 0;
  }

  /** Room for `bytes` more in #out. */
  #reserve(bytes: number): Buffer {
    const out = this.#out;
    if (out !== undefined && this.#outBytes + bytes <= out.length) return out;
    const grown = Buffer.allocUnsafeSlow(Math.max(APPEND_BYTES + SPARE_BYTES, this.#outBytes + bytes));
    if (out !== undefined) out.copy(grown, 0, 0, this.#outBytes);
    return (this.#out = grown);
  }

  /** UTF-8 of `text` into #out (at most 3 bytes per UTF-16 unit, reserved first: write() never cuts a character then). */
  #put(text: string): void {
    const out = this.#reserve(text.length * 3);
    this.#outBytes += out.write(text, this.#outBytes, 'utf8');
  }

  /**
   * The article as a fold writes it (`{...head, content}`, after a comma
   * unless it is the first), once, into #out; nothing when it is removed,
   * gone or already appended.
   */
  #serialize(id: string): void {
    if (this.#appended.has(id)) return;
    const entry = this.#entryOf(id);
    const head = entry && !entry.removed ? this.#headOf(id) : undefined;
    if (!entry || !head) return;
    this.#appended.set(id, { head, entry });
    if (this.#appended.size > 1) this.#reserve(1)[this.#outBytes++] = COMMA;
    const known = this.#known.get(id);
    this.#known.delete(id);
    if (known !== undefined && known.content === entry.content) {
      // The head's members, then the content's JSON text as it came: the same bytes as JSON.stringify of the
      // whole (a head has no member "content"; its JSON is never "{}", it has an id). The head's closing
      // brace (one byte) is overwritten in place instead of slicing and concatenating the text.
      this.#put(JSON.stringify(head));
      this.#outBytes--;
      const out = this.#reserve(CONTENT_KEY.length + known.json.length + 1);
      out.set(CONTENT_KEY, this.#outBytes);
      out.set(known.json, this.#outBytes + CONTENT_KEY.length);
      this.#outBytes += CONTENT_KEY.length + known.json.length;
      out[this.#outBytes++] = CLOSE_BRACE;
      return;
    }
    this.#put(JSON.stringify({ ...head, content: entry.content ?? '' }));
  }

  #anyLive(entries: ReadonlyMap<string, JournalEntry>): boolean {
    for (const [id, entry] of entries) if (!entry.removed && this.#headOf(id)) return true;
    return false;
  }

  /**
   * The flush folds this day: append the day's articles not appended yet
   * (`entries`: the journal's entries of the day) and the trailer. Returns
   * the ids whose appended copy is stale (their journal entry stays; true
   * when the content changed too), or null when no article of the day is
   * left (nothing to commit: abort).
   * The caller then commits `write`.
   */
  async finish(entries: ReadonlyMap<string, JournalEntry>): Promise<Map<string, boolean> | null> {
    this.#finishing = true;
    await this.#pump;
    if (!this.#anyLive(entries)) return null;
    const rest = [...entries.keys()];
    const slice = new TimeSlice(SLICE_MS);
    for (let i = 0; i < rest.length; ) {
      i = this.#appendSome(rest, i, slice);
      if (i < rest.length && slice.due) await slice.turn();
    }
    this.#appendOut();
    this.write.append(this.#close);
    const stale = new Map<string, boolean>();
    for (const [id, made] of this.#appended) {
      const entry = entries.get(id);
      if (entry === made.entry && this.#headOf(id) === made.head) continue;
      // Mostly another source carrying the article: a new head, the same content (no need to write it twice).
      stale.set(id, entry?.content !== made.entry.content);
    }
    return stale;
  }
}

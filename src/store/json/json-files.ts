/**
 * Writing and removing the JSON store's files: each replaced atomically
 * through lowdb and the durable adapter (durable-json-file.ts), a failure
 * named by file in one StoreError. The only user of lowdb.
 */
import { Low } from 'lowdb';
import { StoreError } from '../../errors.js';
import { DurableJsonFile, serializeInChunks, type Chunks, type StreamedWrite } from '../durable-json-file.js';
import type { WriteStats } from '../store-api.js';
import { describeFsError } from './read-json-store.js';
import { TimeSlice } from '../../schedule/take-turn.js';

export class JsonFiles {
  readonly #warn: (message: string, err?: unknown) => void;

  constructor(warn: (message: string, err?: unknown) => void) {
    this.#warn = warn;
  }

  /**
   * Replace one file atomically; `keepBackup` false for files written once
   * (journal). Returns the bytes written. A document with an article list
   * (segment, journal file) is serialized in parts with the event loop free
   * in between: a poll's journal file in one JSON.stringify held it 20–35 ms.
   */
  async write(file: string, data: unknown, stats: WriteStats, keepBackup = true): Promise<number> {
    const adapter = new DurableJsonFile<unknown>(file, { onWarning: this.#warn, keepBackup });
    if (!hasArticleList(data)) return this.#written(file, adapter, () => new Low<unknown>(adapter, data).write(), stats);
    return this.#written(file, adapter, () => adapter.writeSerialized(() => serializeInSlices(data)), stats);
  }

  /** Replace one file atomically with JSON text serialized by the caller (in pieces, between which it yielded). */
  async writeSerialized(file: string, chunks: Chunks, stats: WriteStats): Promise<number> {
    const adapter = new DurableJsonFile<unknown>(file, { onWarning: this.#warn });
    return this.#written(file, adapter, () => adapter.writeSerialized(chunks), stats);
  }

  /** A replacement of `file` written piece by piece (DurableJsonFile.stream), landed by commit(). */
  stream(file: string): StreamedWrite {
    return new DurableJsonFile<unknown>(file, { onWarning: this.#warn }).stream();
  }

  /** Land a streamed write (segment-stream.ts) atomically; a failure is named like write()'s. */
  async commit(file: string, streamed: StreamedWrite, stats: WriteStats): Promise<number> {
    let bytes: number;
    try {
      bytes = await streamed.commit();
    } catch (err) {
      throw new StoreError(file, `cannot be written: ${describeFsError(err)}; the store is as it was before this write`, { cause: err });
    }
    stats.bytes += bytes;
    stats.files++;
    return bytes;
  }

  async #written(file: string, adapter: DurableJsonFile<unknown>, write: () => Promise<void>, stats: WriteStats): Promise<number> {
    try {
      await write();
    } catch (err) {
      throw new StoreError(file, `cannot be written: ${describeFsError(err)}; the store is as it was before this write`, { cause: err });
    }
    stats.bytes += adapter.lastWriteBytes;
    stats.files++;
    return adapter.lastWriteBytes;
  }

  async remove(file: string): Promise<void> {
    try {
      await new DurableJsonFile<unknown>(file, { onWarning: this.#warn }).remove();
    } catch (err) {
      throw new StoreError(file, `cannot be removed: ${describeFsError(err)}`, { cause: err });
    }
  }
}

/** Articles serialized between two turns of the event loop (a poll's journal file: 1.5 KB each). */
const ARTICLES_PER_PART = 50;
const SLICE_MS = 4;
/**
 * The file's UTF-8 bytes gather in buffers of this size, one write each: a
 * poll's journal file (360 KB) as strings joined per part and encoded per
 * write left ~1.3 MB in the young generation during the flush (so a scavenge
 * of the merge's survivors, 15–35 ms at load, often landed in it) and took
 * six writes on libuv's threads.
 */
const BUFFER_BYTES = 1 << 20;

function hasArticleList(data: unknown): data is { articles: unknown[] } {
  return typeof data === 'object' && data !== null && Array.isArray((data as { articles?: unknown }).articles);
}

/** The bytes of serializeInChunks (those of one JSON.stringify) as UTF-8, the article list a part at a time. */
export async function serializeInSlices(data: { articles: unknown[] }): Promise<Buffer[]> {
  const [open, close] = serializeInChunks({ ...data, articles: [] });
  const bytes = new Utf8Buffers();
  bytes.push(open!);
  const slice = new TimeSlice(SLICE_MS);
  for (let i = 0; i < data.articles.length; i += ARTICLES_PER_PART) {
    const end = Math.min(i + ARTICLES_PER_PART, data.articles.length);
    for (let j = i; j < end; j++) bytes.push(JSON.stringify(data.articles[j]) ?? 'null', j > 0);
    if (slice.due) await slice.turn();
  }
  bytes.push(close!);
  return bytes.end();
}

/** Strings encoded as UTF-8 into buffers of BUFFER_BYTES (a longer string gets one of its own); no string is split. */
class Utf8Buffers {
  readonly #done: Buffer[] = [];
  #buffer: Buffer | undefined;
  #used = 0;

  /** `text`, after a comma when `comma` (a list's separator, without a string of its own). */
  push(text: string, comma = false): void {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    const most = text.length * 3 + 1;
    if (this.#buffer && this.#used + most > this.#buffer.length) this.#cut();
    if (!this.#buffer) {
      if (most > BUFFER_BYTES) {
        this.#done.push(Buffer.from(comma ? `,${text}` : text, 'utf8'));
        return;
      }
      this.#buffer = Buffer.allocUnsafeSlow(BUFFER_BYTES);
    }
    if (comma) this.#buffer[this.#used++] = 0x2c;
    this.#used += this.#buffer.write(text, this.#used, 'utf8');
  }

  end(): Buffer[] {
    this.#cut();
    return this.#done;
  }

  #cut(): void {
    if (this.#buffer && this.#used > 0) this.#done.push(this.#buffer.subarray(0, this.#used));
    this.#buffer = undefined;
    this.#used = 0;
  }
}

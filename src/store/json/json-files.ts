/**
 * Writing and removing the JSON store's files: each replaced atomically
 * through lowdb and the durable adapter (durable-json-file.ts), a failure
 * named by file in one StoreError. The only user of lowdb.
 */
import { Low } from 'lowdb';
import { StoreError } from '../../errors.js';
import { DurableJsonFile, serializeInChunks, type StreamedWrite } from '../durable-json-file.js';
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
    const chunks = await serializeInSlices(data);
    return this.#written(file, adapter, () => adapter.writeSerialized(chunks), stats);
  }

  /** Replace one file atomically with JSON text serialized by the caller (in pieces, between which it yielded). */
  async writeSerialized(file: string, chunks: string[], stats: WriteStats): Promise<number> {
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

function hasArticleList(data: unknown): data is { articles: unknown[] } {
  return typeof data === 'object' && data !== null && Array.isArray((data as { articles?: unknown }).articles);
}

/** The bytes of serializeInChunks (those of one JSON.stringify), the article list a part at a time. */
export async function serializeInSlices(data: { articles: unknown[] }): Promise<string[]> {
  const [open, close] = serializeInChunks({ ...data, articles: [] });
  const chunks = [open!];
  const slice = new TimeSlice(SLICE_MS);
  for (let i = 0; i < data.articles.length; i += ARTICLES_PER_PART) {
    const part = data.articles.slice(i, i + ARTICLES_PER_PART).map((a) => JSON.stringify(a) ?? 'null');
    chunks.push((i > 0 ? ',' : '') + part.join(','));
    if (slice.due) await slice.turn();
  }
  chunks.push(close!);
  return chunks;
}

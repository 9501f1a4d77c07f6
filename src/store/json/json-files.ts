/**
 * Writing and removing the JSON store's files: each replaced atomically
 * through lowdb and the durable adapter (durable-json-file.ts), a failure
 * named by file in one StoreError. The only user of lowdb.
 */
import { Low } from 'lowdb';
import { StoreError } from '../../errors.js';
import { DurableJsonFile } from '../durable-json-file.js';
import type { WriteStats } from '../store-api.js';
import { describeFsError } from './read-json-store.js';

export class JsonFiles {
  readonly #warn: (message: string, err?: unknown) => void;

  constructor(warn: (message: string, err?: unknown) => void) {
    this.#warn = warn;
  }

  /** Replace one file atomically; `keepBackup` false for files written once (journal). Returns the bytes written. */
  async write(file: string, data: unknown, stats: WriteStats, keepBackup = true): Promise<number> {
    const adapter = new DurableJsonFile<unknown>(file, { onWarning: this.#warn, keepBackup });
    return this.#written(file, adapter, () => new Low<unknown>(adapter, data).write(), stats);
  }

  /** Replace one file atomically with JSON text serialized by the caller (in pieces, between which it yielded). */
  async writeSerialized(file: string, chunks: string[], stats: WriteStats): Promise<number> {
    const adapter = new DurableJsonFile<unknown>(file, { onWarning: this.#warn });
    return this.#written(file, adapter, () => adapter.writeSerialized(chunks), stats);
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

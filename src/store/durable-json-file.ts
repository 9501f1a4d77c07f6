/**
 * A lowdb adapter that survives `kill -9` and power loss, used instead of
 * lowdb's JSONFile (whose steno writer never fsyncs, indents the JSON, and
 * whose JSONFilePreset silently keeps data in memory only under
 * NODE_ENV=test).
 *
 * write(): compact JSON → `.<name>.tmp` in the same directory → fsync →
 * hard-link the current file to `<name>.bak` (the last good copy) → rename
 * the temp file over the store → fsync the directory. A crash at any point
 * leaves either the old or the new complete file in place.
 *
 * A failed write (a full disk) removes its temp file, so that the space is
 * given back and the store stays as it was.
 *
 * read() returns the raw text: parsing, validation and migration belong to
 * the store, which must report problems without touching the file.
 */
import { copyFile, link, open, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';

export class DurableJsonFile<T> implements Adapter<T> {
  readonly path: string;
  readonly backupPath: string;
  readonly tempPath: string;
  /** Bytes the last completed write put on disk. */
  lastWriteBytes = 0;
  readonly #onWarning: (message: string, err: unknown) => void;
  readonly #keepsBackup: boolean;
  #queue: Promise<void> = Promise.resolve();

  constructor(path: string, options: { onWarning?: (message: string, err: unknown) => void; keepBackup?: boolean } = {}) {
    this.#onWarning = options.onWarning ?? (() => {});
    this.#keepsBackup = options.keepBackup ?? true;
    this.path = path;
    this.backupPath = `${path}.bak`;
    this.tempPath = join(dirname(path), `.${basename(path)}.tmp`);
  }

  /** Raw text, or null if the file does not exist. Other errors propagate. */
  async readText(): Promise<string | null> {
    try {
      return (await readFile(this.path)).toString('utf8'); // decoded once (json-layout.ts readOptionalBytes says why)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async read(): Promise<T | null> {
    const text = await this.readText();
    return text === null ? null : (JSON.parse(text) as T);
  }

  /**
   * Serializes at once (a snapshot: later changes to `data` do not leak into
   * this write); writes are queued, a second waits for the first to land.
   */
  write(data: T): Promise<void> {
    return this.writeSerialized(serializeInChunks(data));
  }

  /**
   * The JSON text of a document, already serialized in pieces (a large one, serialized in slices by the caller), as
   * text or UTF-8; or a function serializing it, called once the temp file and its directory are opening on
   * libuv's threads (each step of a write that waits for those threads took 0.2–15 ms at load 14: a poll's
   * journal write had 13 such steps, now 6 after its serializing).
   */
  writeSerialized(chunks: Chunks | (() => Promise<Chunks>)): Promise<void> {
    const next = this.#queue.then(() => this.#writeChunks(chunks));
    this.#queue = next.catch(() => {});
    return next;
  }

  async #writeChunks(serialized: Chunks | (() => Promise<Chunks>)): Promise<void> {
    let bytes = 0;
    const directory = openDirectory(dirname(this.path), this.#onWarning);
    try {
      const opening = open(this.tempPath, 'w', 0o644);
      opening.catch(() => {}); // its failure is thrown where it is awaited, after the serializing
      let chunks: Chunks;
      try {
        chunks = typeof serialized === 'function' ? await serialized() : serialized;
      } catch (err) {
        await opening.then((handle) => handle.close()).catch(() => {});
        throw err;
      }
      const handle = await opening;
      try {
        // Chunk by chunk, so that no second copy of a 100 MB store exists as one buffer.
        for (let i = 0; i < chunks.length; i++) {
          bytes += await writeChunk(handle, chunks[i]!);
          chunks[i] = '';
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
      if (this.#keepsBackup) await this.#keepBackup();
      await rename(this.tempPath, this.path);
    } catch (err) {
      await unlink(this.tempPath).catch(() => {}); // it may never have been created
      await directory.then((handle) => handle?.close()).catch(() => {});
      throw err;
    }
    this.lastWriteBytes = bytes;
    await syncOpenedDirectory(await directory, dirname(this.path), this.#onWarning);
  }

  /**
   * A replacement written piece by piece while the caller still works (a
   * cold poll's day segment, appended as sources merge): the same temp file,
   * fsync, backup, rename and directory fsync as write(), only spread out.
   * Nothing is visible at `path` before commit(); abort() removes the temp
   * file. Not queued with write(): the caller writes this path no other way
   * meanwhile.
   */
  stream(): StreamedWrite {
    return new StreamedWrite(this.tempPath, async () => {
      if (this.#keepsBackup) await this.#keepBackup();
      await rename(this.tempPath, this.path);
      await syncDirectory(dirname(this.path), this.#onWarning);
    });
  }

  /** Remove the file and its backup (a segment that retention emptied). */
  async remove(): Promise<void> {
    await removeFiles([this.path], this.#onWarning);
  }

  /** The file about to be replaced was read and validated, or written by us: it is the last good copy. */
  async #keepBackup(): Promise<void> {
    const staging = `${this.backupPath}.tmp`;
    await unlink(staging).catch(() => {});
    try {
      await link(this.path, staging);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return; // first write: nothing to back up
      // Filesystems without hard links (some network and container volumes): copy.
      await copyFile(this.path, staging);
    }
    await rename(staging, this.backupPath);
  }
}

/** A chunk of text or of its UTF-8 bytes, written at the file's position; the bytes written. */
async function writeChunk(handle: FileHandle, chunk: string | Uint8Array): Promise<number> {
  return typeof chunk === 'string' ? (await handle.write(chunk, null, 'utf8')).bytesWritten : writeAll(handle, chunk);
}

/** A write(2) may take less than it was given: the rest follows, so the file never misses bytes in between. */
async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<number> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done);
    if (bytesWritten === 0) throw new Error(`write(2) took no bytes of ${bytes.length - done}`);
    done += bytesWritten;
  }
  return done;
}

/** Appended bytes between two fdatasyncs of a streamed write, so that its commit syncs a tail, not the whole file. */
const SYNC_EVERY_BYTES = 4 * 1024 * 1024;

/** See DurableJsonFile.stream(). Appends run one after another on libuv's threads; the caller does not wait for them. */
export class StreamedWrite {
  readonly #tempPath: string;
  readonly #land: () => Promise<void>;
  #chain: Promise<unknown>;
  #handle: FileHandle | undefined;
  #failure: unknown;
  #bytes = 0;
  #unsynced = 0;
  #ended = false;

  constructor(tempPath: string, land: () => Promise<void>) {
    this.#tempPath = tempPath;
    this.#land = land;
    this.#chain = open(tempPath, 'w', 0o644).then(
      (handle) => (this.#handle = handle),
      (err: unknown) => (this.#failure = err),
    );
  }

  /** Whether an append failed (a full disk): commit() will throw, abort() cleans up. */
  get failed(): boolean {
    return this.#failure !== undefined;
  }

  append(text: string | Uint8Array): void {
    if (this.#ended) throw new Error('append after the streamed write ended');
    this.#chain = this.#chain.then(async () => {
      if (this.#failure !== undefined || !this.#handle) return;
      try {
        const written = await writeChunk(this.#handle, text);
        this.#bytes += written;
        this.#unsynced += written;
        if (this.#unsynced >= SYNC_EVERY_BYTES) {
          this.#unsynced = 0;
          await this.#handle.datasync();
        }
      } catch (err) {
        this.#failure = err;
      }
    });
  }

  /** fsync, then the file replaces `path` atomically. Returns the bytes written. On failure the temp file is gone and `path` as it was. */
  async commit(): Promise<number> {
    this.#ended = true;
    await this.#chain;
    try {
      if (this.#failure !== undefined) throw this.#failure;
      await this.#handle!.sync();
      await this.#close();
      await this.#land();
    } catch (err) {
      await this.#close().catch(() => {});
      await unlink(this.#tempPath).catch(() => {});
      throw err;
    }
    return this.#bytes;
  }

  /** Drop what was written: the temp file goes, `path` is untouched. */
  async abort(): Promise<void> {
    this.#ended = true;
    await this.#chain;
    await this.#close().catch(() => {});
    await unlink(this.#tempPath).catch(() => {});
  }

  async #close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close();
  }
}

/** A document's JSON text in pieces: strings, or their UTF-8 bytes. */
export type Chunks = (string | Uint8Array)[];

const ITEMS_PER_CHUNK = 500;

/**
 * Compact JSON of `data`, exactly as JSON.stringify would write it, in pieces:
 * a top-level `articles` list is written some hundred entries at a time.
 */
export function serializeInChunks(data: unknown): string[] {
  if (typeof data !== 'object' || data === null || !Array.isArray((data as { articles?: unknown }).articles)) {
    return [JSON.stringify(data)];
  }
  const { articles, ...rest } = data as { articles: unknown[] } & Record<string, unknown>;
  // Keep the key order JSON.stringify would use: articles where it stands in the object.
  const keys = Object.keys(data);
  const at = keys.indexOf('articles');
  const before = Object.fromEntries(keys.slice(0, at).map((k) => [k, rest[k]]));
  const after = Object.fromEntries(keys.slice(at + 1).map((k) => [k, rest[k]]));
  const head = JSON.stringify(before);
  const tail = JSON.stringify(after);
  const chunks = [`${head.slice(0, -1)}${head.length > 2 ? ',' : ''}"articles":[`];
  for (let i = 0; i < articles.length; i += ITEMS_PER_CHUNK) {
    const part = articles.slice(i, i + ITEMS_PER_CHUNK).map((a) => JSON.stringify(a) ?? 'null');
    chunks.push((i > 0 ? ',' : '') + part.join(','));
  }
  chunks.push(`]${tail.length > 2 ? `,${tail.slice(1)}` : '}'}`);
  return chunks;
}

/** Remove these files (and their backups) in this order, then fsync their directory once. */
export async function removeFiles(paths: readonly string[], onWarning: (message: string, err: unknown) => void = () => {}): Promise<void> {
  if (paths.length === 0) return;
  for (const path of paths) {
    for (const file of [path, `${path}.bak`]) {
      await unlink(file).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
    }
  }
  await syncDirectory(dirname(paths[0]!), onWarning);
}

async function syncDirectory(dir: string, onWarning: (message: string, err: unknown) => void): Promise<void> {
  await syncOpenedDirectory(await openDirectory(dir, onWarning), dir, onWarning);
}

/** The directory opened for its fsync after a rename; undefined (and said, where it matters) when it cannot be. */
function openDirectory(dir: string, onWarning: (message: string, err: unknown) => void): Promise<FileHandle | undefined> {
  return open(dir, 'r').catch((err: unknown) => {
    warnUnsynced(dir, err, onWarning);
    return undefined;
  });
}

async function syncOpenedDirectory(handle: FileHandle | undefined, dir: string, onWarning: (message: string, err: unknown) => void): Promise<void> {
  if (!handle) return;
  try {
    await handle.sync();
  } catch (err) {
    warnUnsynced(dir, err, onWarning);
  } finally {
    await handle.close();
  }
}

function warnUnsynced(dir: string, err: unknown, onWarning: (message: string, err: unknown) => void): void {
  // Some platforms cannot fsync a directory; the rename is still atomic there, but say so.
  const code = (err as NodeJS.ErrnoException).code;
  if (code !== 'EISDIR' && code !== 'EINVAL') onWarning(`cannot fsync the directory ${dir}`, err);
}

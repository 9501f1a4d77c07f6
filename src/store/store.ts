/**
 * The store: one lowdb JSON file holding every article, the sources' fetch
 * state and the last cycle. This module is the only user of lowdb.
 *
 * openStore() takes the lock (store-lock.ts), reads and validates the file
 * and migrates it in memory; any problem is a StoreError naming the file, and
 * the file is never touched on that path. The pipeline mutates `data` through
 * the dedupe functions and calls write() once per cycle (durable-json-file.ts
 * makes that atomic and keeps a `.bak` of the last good version).
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Low } from 'lowdb';
import { StoreError } from '../errors.js';
import type { CycleRecord, SourceState, StoredArticle } from '../types.js';
import { DurableJsonFile } from './durable-json-file.js';
import { CURRENT_SCHEMA_VERSION, migrateDocument } from './migrations.js';
import { acquireStoreLock, type StoreLock } from './store-lock.js';

export { CURRENT_SCHEMA_VERSION } from './migrations.js';

export interface StoreData {
  schemaVersion: number;
  /** In no particular order; publishing sorts. */
  articles: StoredArticle[];
  /** Fetch state by source name, written by the pipeline. */
  sources: Record<string, SourceState>;
  lastCycle?: CycleRecord;
  /** Tombstones: id of an article dropped by retention → day (YYYY-MM-DD) a source last listed it. */
  retired: Record<string, string>;
}

export interface Store {
  readonly path: string;
  readonly data: StoreData;
  /** Atomic and durable; resolves once the new file is in place. */
  write(): Promise<void>;
  /** Releases the lock. Does not write. */
  close(): Promise<void>;
  readonly readOnly?: boolean;
  /** The schema version the file had when opened (older than current: migrated in memory); null for a new store. */
  readonly openedSchemaVersion?: number | null;
}

export interface OpenStoreOptions {
  /** No lock, no writes: for `export` beside a running `serve`. */
  readOnly?: boolean;
}

export function createEmptyStoreData(): StoreData {
  return { schemaVersion: CURRENT_SCHEMA_VERSION, articles: [], sources: {}, retired: {} };
}

export async function openStore(path: string, options: OpenStoreOptions = {}): Promise<Store> {
  const file = resolve(path);
  const readOnly = options.readOnly === true;
  let lock: StoreLock | undefined;
  if (!readOnly) {
    await mkdir(dirname(file), { recursive: true }).catch((err: unknown) => {
      throw new StoreError(file, `cannot create its directory: ${describeFsError(err)}`, { cause: err });
    });
    lock = await acquireStoreLock(file);
  }
  try {
    const adapter = new DurableJsonFile<StoreData>(file);
    const { data, version } = await loadData(file, adapter);
    const db = new Low<StoreData>(adapter, data);
    return makeStore(file, db, lock, version);
  } catch (err) {
    await lock?.release().catch(() => {});
    throw err;
  }
}

async function loadData(file: string, adapter: DurableJsonFile<StoreData>): Promise<{ data: StoreData; version: number | null }> {
  let text: string | null;
  try {
    text = await adapter.readText();
  } catch (err) {
    throw new StoreError(file, `cannot be read: ${describeFsError(err)}`, { cause: err });
  }
  if (text === null) return { data: createEmptyStoreData(), version: null };
  if (text.trim() === '') throw new StoreError(file, `is empty, not a feedkurator store${backupHint(adapter)}; the file was left untouched`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new StoreError(file, `is not valid JSON (${(err as Error).message})${backupHint(adapter)}; the file was left untouched`, {
      cause: err,
    });
  }
  const result = migrateDocument(parsed);
  if ('problem' in result) throw new StoreError(file, `${result.problem}${backupHint(adapter)}; the file was left untouched`);
  return { data: result.doc as unknown as StoreData, version: result.from };
}

function makeStore(file: string, db: Low<StoreData>, lock: StoreLock | undefined, version: number | null): Store {
  let closed = false;
  return {
    path: file,
    readOnly: lock === undefined,
    openedSchemaVersion: version,
    get data() {
      return db.data;
    },
    async write() {
      if (!lock) throw new StoreError(file, 'was opened read-only and cannot be written');
      if (closed) throw new StoreError(file, 'is closed and cannot be written');
      try {
        await db.write();
      } catch (err) {
        throw new StoreError(file, `cannot be written: ${describeFsError(err)}`, { cause: err });
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await lock?.release();
    },
  };
}

function backupHint(adapter: DurableJsonFile<StoreData>): string {
  return existsSync(adapter.backupPath) ? `; the last good version is in ${adapter.backupPath}` : '';
}

function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EROFS':
      return 'the file system is read-only';
    case 'EISDIR':
      return 'it is a directory';
    default:
      return e.message ?? String(err);
  }
}

/**
 * Open the store the config names: the JSON files at `storage.path` (the
 * default), or PostgreSQL at `storage.url` / DATABASE_URL.
 */
import type { Config } from '../config/schema.js';
import { openJsonStore, openJsonStoreStaged, type StagedLoad } from './json/json-store.js';
import { storeTargetOfConfig } from './open-store-at.js';
import type { Store } from './store-api.js';

export interface OpenStoreOptions {
  /** No lock, no writes: for `export` and `preview` beside a running `serve`. */
  readOnly?: boolean;
  onWarning?: (message: string, err?: unknown) => void;
  /** The environment for DATABASE_URL (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** PostgreSQL: told the duration of every store operation (metrics). */
  onQuery?: (ms: number, failed: boolean) => void;
}

export async function openStore(config: Pick<Config, 'storePath'> & Partial<Pick<Config, 'storage'>>, options: OpenStoreOptions = {}): Promise<Store> {
  const target = storeTargetOfConfig(config, options.env);
  if (target.kind === 'postgres') {
    // Loaded only for a database: pg and the PostgreSQL backend cost a JSON store's daemon ~12 MB and their load time.
    const { openPostgresStore } = await import('./postgres/postgres-store.js');
    return openPostgresStore(target.url, { readOnly: options.readOnly === true, ...(options.onQuery ? { onQuery: options.onQuery } : {}) });
  }
  return openJsonStore(config.storePath, options);
}

/**
 * The same store for a `serve` start: a JSON store in stages (json-store.ts: the window's segments
 * first, the rest after the first answer); a database as openStore opens it.
 */
export async function openStoreStaged(config: Pick<Config, 'storePath'> & Partial<Pick<Config, 'storage'>>, options: OpenStoreOptions = {}): Promise<{ store: Store; load?: StagedLoad }> {
  if (storeTargetOfConfig(config, options.env).kind === 'postgres' || options.readOnly) return { store: await openStore(config, options) };
  return openJsonStoreStaged(config.storePath, options);
}

export type { StagedLoad } from './json/json-store.js';

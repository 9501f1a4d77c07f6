/**
 * Open the store the config names: the JSON files at `storage.path` (the
 * default), or PostgreSQL at `storage.url` / DATABASE_URL.
 */
import type { Config } from '../config/schema.js';
import { openJsonStore } from './json/json-store.js';
import type { Store } from './store-api.js';

export interface OpenStoreOptions {
  /** No lock, no writes: for `export` and `preview` beside a running `serve`. */
  readOnly?: boolean;
  onWarning?: (message: string, err?: unknown) => void;
}

export async function openStore(config: Pick<Config, 'storePath'>, options: OpenStoreOptions = {}): Promise<Store> {
  return openJsonStore(config.storePath, options);
}

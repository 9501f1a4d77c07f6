/**
 * Where a store lives, and opening it there: a postgres:// URL opens the
 * PostgreSQL backend, anything else is a path for the JSON backend.
 *
 * The active config's store is DATABASE_URL if set, else storage.url, else
 * the JSON files at storage.path (DATA_DIR applied); open-store.ts opens
 * that one, copy-store also a target given on the command line.
 */
import path from 'node:path';
import type { Config } from '../config/schema.js';
import { openJsonStore } from './json/json-store.js';
import { describeLocation } from './postgres/describe-location.js';
import type { Store } from './store-api.js';

export type StoreTarget = { kind: 'postgres'; url: string } | { kind: 'json'; path: string };

export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}

/** A `--to` argument: a postgres:// URL, or a file path resolved against cwd. */
export function parseStoreTarget(value: string, cwd = process.cwd()): StoreTarget {
  return isPostgresUrl(value) ? { kind: 'postgres', url: value } : { kind: 'json', path: path.resolve(cwd, value) };
}

/** The store the config points at; DATABASE_URL wins over storage.url, either over the file. */
export function storeTargetOfConfig(config: Pick<Config, 'storePath'> & { storage?: { url?: string | undefined } }, env: NodeJS.ProcessEnv = process.env): StoreTarget {
  const url = env.DATABASE_URL || config.storage?.url;
  return url ? { kind: 'postgres', url } : { kind: 'json', path: config.storePath };
}

/** For messages: the path, or the URL without its password. */
export function describeStoreTarget(target: StoreTarget): string {
  return target.kind === 'postgres' ? describeLocation(target.url) : target.path;
}

export function sameStoreTarget(a: StoreTarget, b: StoreTarget): boolean {
  if (a.kind === 'json' && b.kind === 'json') return a.path === b.path;
  if (a.kind === 'postgres' && b.kind === 'postgres') {
    const [x, y] = [new URL(a.url), new URL(b.url)];
    return x.hostname === y.hostname && (x.port || '5432') === (y.port || '5432') && x.pathname === y.pathname;
  }
  return false;
}

export async function openStoreAt(target: StoreTarget, options: { readOnly?: boolean } = {}): Promise<Store> {
  if (target.kind === 'postgres') return (await import('./postgres/postgres-store.js')).openPostgresStore(target.url, { readOnly: options.readOnly === true });
  return openJsonStore(target.path, { readOnly: options.readOnly === true });
}

/**
 * serve's start-up shortcut past the schema. Validating the config loads zod,
 * node-cron, the time zone data and the topic model: ~0.25 s of CPU before the
 * first answer (measured on Node 20, 2 cores). So serve remembers, beside the
 * store, the config it validated last and a key of everything that validation
 * read: the file's path and text, the environment overrides, the working
 * directory, the program's and Node's versions. A start whose key matches
 * uses the remembered result: the same input, already checked by the same
 * program. Any other start validates as usual, and so does a matching one
 * right after it listens (confirmRecalled), so a wrong shortcut stops serve
 * within a second instead of serving on.
 *
 * Finding the file needs only the YAML (storage.path and DATA_DIR say where
 * the store is); a config the parser finds fault with never takes the shortcut.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { DurableJsonFile } from '../store/durable-json-file.js';
import { readVersion } from '../version.js';
import { DEFAULTS } from './defaults.js';
import type { LoadOptions } from './read-config.js';
import type { Config } from './schema.js';
import { deepFreeze } from './deep-freeze.js';

const RECORD_VERSION = 1;
/** Every environment variable parseConfig reads. */
const ENV_KEYS = ['PORT', 'HOST', 'BASE_URL', 'DATA_DIR', 'LOG_LEVEL', 'LOG_FORMAT'] as const;
/** The modules whose code decides what a config means (siblings of this one, .ts in tests, .js when built). */
const VALIDATOR_FILES = ['schema', 'defaults', 'load'].map((name) => `./${name}${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`);

export interface ConfigInput {
  file: string;
  text: string;
}

interface RememberedDoc {
  version: number;
  key: string;
  config: Config;
  /** What serve derived from the config and needs before the schedule is set up. */
  cacheMaxAgeSeconds: number;
}

export interface Recalled {
  config: Config;
  cacheMaxAgeSeconds: number;
}

/** The remembered result for exactly this input, or undefined (then validate as usual). Never throws. */
export function recallConfig(input: ConfigInput, options: LoadOptions = {}): Recalled | undefined {
  try {
    const recordPath = guessRecordPath(input, options);
    if (!recordPath) return undefined;
    const doc = JSON.parse(readFileSync(recordPath, 'utf8')) as RememberedDoc;
    if (doc.version !== RECORD_VERSION || doc.key !== inputKey(input, options) || doc.config?.storePath === undefined) return undefined;
    if (rememberedPath(doc.config.storePath) !== recordPath) return undefined;
    return { config: deepFreeze(doc.config), cacheMaxAgeSeconds: doc.cacheMaxAgeSeconds };
  } catch {
    return undefined; // no record, or a damaged one: it is only a shortcut
  }
}

/** Keep this validated config for the next start. */
export async function rememberConfig(input: ConfigInput, config: Config, cacheMaxAgeSeconds: number, options: LoadOptions = {}): Promise<void> {
  const doc: RememberedDoc = { version: RECORD_VERSION, key: inputKey(input, options), config, cacheMaxAgeSeconds };
  await new DurableJsonFile<RememberedDoc>(rememberedPath(config.storePath), { keepBackup: false }).write(doc);
}

/** Drop the record (it proved wrong): the next start validates as usual. */
export async function forgetConfig(storePath: string): Promise<void> {
  await unlink(rememberedPath(storePath)).catch(() => {});
}

/** `data/feedkurator.json` → `data/feedkurator.config-checked.json`. */
export function rememberedPath(storePath: string): string {
  return path.join(path.dirname(storePath), `${path.basename(storePath).replace(/\.json$/, '')}.config-checked.json`);
}

/** Where the store would be, from the raw YAML, as parseConfig resolves it (undefined: not a plain string). */
function guessRecordPath(input: ConfigInput, options: LoadOptions): string | undefined {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const raw = parse(input.text) as { storage?: { path?: unknown } } | null;
  const given = raw?.storage?.path ?? DEFAULTS.storage.path;
  if (typeof given !== 'string' || given === '') return undefined;
  const storePath = env.DATA_DIR ? path.resolve(cwd, env.DATA_DIR, path.basename(given)) : path.resolve(cwd, given);
  return rememberedPath(storePath);
}

/**
 * The validating code itself, read from this build: a rebuild that changes
 * the schema, the defaults or the loader without a new version number must
 * not recall what the old code accepted.
 */
let validatorDigest: string | undefined;
function digestValidator(): string {
  if (validatorDigest === undefined) {
    const hash = createHash('sha256');
    for (const name of VALIDATOR_FILES) hash.update(readFileSync(new URL(name, import.meta.url)));
    validatorDigest = hash.digest('hex');
  }
  return validatorDigest;
}

function inputKey(input: ConfigInput, options: LoadOptions): string {
  const env = options.env ?? process.env;
  const parts = [RECORD_VERSION, readVersion(), digestValidator(), process.version, input.file, options.cwd ?? process.cwd(), input.text, ENV_KEYS.map((k) => env[k] ?? null)];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

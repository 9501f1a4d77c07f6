/**
 * serve's start-up shortcut past the schema. Validating the config loads zod,
 * node-cron, the time zone data and the topic model: ~0.25 s of CPU before the
 * first answer (measured on Node 20, 2 cores). So serve remembers, beside the
 * store, the config it validated last and a key of everything that validation
 * read: the file's path and text, the environment overrides, the working
 * directory, the program's and Node's versions. A start whose key matches
 * uses the remembered result: the same input, already checked by the same
 * program. Any other start validates as usual, and so does a matching one
 * once its store is loaded, before its first poll (confirmRecalled), so a
 * wrong shortcut stops serve before it polls instead of serving on. (Right
 * after listening, that validation's ~0.1 s of synchronous work held the
 * first requests waiting.)
 *
 * Finding the file: storage.path and DATA_DIR say where the store is. A
 * plain scan of the text for `path:` lines names the likely places first; a
 * record found there counts only when its key matches this very input and it
 * lies where its own config puts it, so a wrong guess costs one failed read.
 * Only when no guess holds is the YAML parsed (loading and running the parser
 * cold is ~0.1 s of CPU, a fifth of a start from the snapshot); a config the
 * parser finds fault with never takes the shortcut.
 *
 * `poll` validates the config too, and leaves the same record when none for
 * this input is there (rememberValidated), without the max-age (it has no
 * schedule): the first `serve` after it with the same file, text and
 * environment skips the YAML parser and zod before its first answer, sets the
 * schedule up first, and writes the record anew with the max-age.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleInfo } from '../bundle-info.js';
import { filesBeside, fingerprintFiles, moduleExtension } from '../code-fingerprint.js';
import { DurableJsonFile } from '../store/durable-json-file.js';
import { readVersion } from '../version.js';
import { DEFAULTS } from './defaults.js';
import type { LoadOptions } from './read-config.js';
import type { Config } from './schema.js';
import { deepFreeze } from './deep-freeze.js';
import { besideStore } from '../store/beside-store.js';

const RECORD_VERSION = 1;
/** Every environment variable parseConfig reads. */
const ENV_KEYS = ['PORT', 'HOST', 'BASE_URL', 'DATA_DIR', 'LOG_LEVEL', 'LOG_FORMAT'] as const;
/** The modules whose code decides what a config means (siblings of this one, .ts in tests, .js when built). */
const VALIDATOR_FILES = ['schema', 'defaults', 'load', 'validate', 'plain-yaml', 'quick-load'].map((name) => `./${name}${moduleExtension(import.meta.url)}`);

export interface ConfigInput {
  file: string;
  text: string;
}

interface RememberedDoc {
  version: number;
  key: string;
  config: Config;
  /** What serve derived from the config and needs before the schedule is set up (absent in poll's record). */
  cacheMaxAgeSeconds?: number;
}

export interface Recalled {
  config: Config;
  /** Undefined when `poll` made the record: serve then learns it from the schedule and remembers it. */
  cacheMaxAgeSeconds?: number;
}

/** The remembered result for exactly this input, or undefined (then validate as usual). Never rejects. */
export async function recallConfig(input: ConfigInput, options: LoadOptions = {}): Promise<Recalled | undefined> {
  const tried = new Set<string>();
  for (const given of scanStorePaths(input.text)) {
    const recordPath = recordPathFor(given, options);
    if (recordPath === undefined || tried.has(recordPath)) continue;
    tried.add(recordPath);
    const recalled = readRecord(recordPath, input, options);
    if (recalled) return recalled;
  }
  try {
    const { parse } = await import('yaml');
    const raw = parse(input.text) as { storage?: { path?: unknown } } | null;
    const recordPath = recordPathFor(raw?.storage?.path ?? DEFAULTS.storage.path, options);
    return recordPath === undefined || tried.has(recordPath) ? undefined : readRecord(recordPath, input, options);
  } catch {
    return undefined; // a config the parser finds fault with: validation will say why
  }
}

/** The record at `recordPath` if it was made from exactly this input and belongs there. */
function readRecord(recordPath: string, input: ConfigInput, options: LoadOptions): Recalled | undefined {
  try {
    const doc = JSON.parse(readFileSync(recordPath, 'utf8')) as RememberedDoc;
    if (doc.version !== RECORD_VERSION || doc.key !== inputKey(input, options) || doc.config?.storePath === undefined) return undefined;
    if (rememberedPath(doc.config.storePath) !== recordPath) return undefined;
    const config = deepFreeze(doc.config);
    return typeof doc.cacheMaxAgeSeconds === 'number' ? { config, cacheMaxAgeSeconds: doc.cacheMaxAgeSeconds } : { config };
  } catch {
    return undefined; // no record, or a damaged one: it is only a shortcut
  }
}

/** Keep this validated config for the next start. */
export async function rememberConfig(input: ConfigInput, config: Config, cacheMaxAgeSeconds: number, options: LoadOptions = {}): Promise<void> {
  const doc: RememberedDoc = { version: RECORD_VERSION, key: inputKey(input, options), config, cacheMaxAgeSeconds };
  await new DurableJsonFile<RememberedDoc>(rememberedPath(config.storePath), { keepBackup: false }).write(doc);
}

/**
 * What `poll` leaves after validating: this config for the next serve start, unless the record for
 * exactly this input is there already (serve's, with the max-age, or an earlier poll's). Resolves
 * whether it wrote.
 */
export async function rememberValidated(input: ConfigInput, config: Config, options: LoadOptions = {}): Promise<boolean> {
  const recordPath = rememberedPath(config.storePath);
  if (readRecord(recordPath, input, options)) return false;
  const doc: RememberedDoc = { version: RECORD_VERSION, key: inputKey(input, options), config };
  // Temp file and rename without fsync: on poll's way to its exit, the two fsyncs took 0.2-0.36 s of wall time on a
  // busy disk (session 12). Losing or tearing the record costs the next start its shortcut, never correctness (readRecord).
  const temp = path.join(path.dirname(recordPath), `.${path.basename(recordPath)}.tmp`);
  await writeFile(temp, JSON.stringify(doc));
  await rename(temp, recordPath);
  return true;
}

/** Drop the record (it proved wrong): the next start validates as usual. */
export async function forgetConfig(storePath: string): Promise<void> {
  await unlink(rememberedPath(storePath)).catch(() => {});
}

/** `data/feedkurator.json` → `data/feedkurator.config-checked.json`. */
export function rememberedPath(storePath: string): string {
  return besideStore(storePath, '.config-checked.json');
}

/**
 * Guesses at storage.path without the YAML parser: every indented `path:`
 * line's plain or quoted value, then the default. Only guesses: readRecord
 * decides whether a record found through one of them holds.
 */
function scanStorePaths(text: string): string[] {
  const found = [...text.matchAll(/^[ \t]+path:[ \t]*(?:"([^"\\\n]*)"|'([^'\n]*)'|([^\s#"'][^#\n]*?))[ \t]*(?:#.*)?$/gm)].map((m) => m[1] ?? m[2] ?? m[3]!);
  return [...found, DEFAULTS.storage.path];
}

/** Where the record of a store at `given` (storage.path) is, as parseConfig resolves it (undefined: not a plain string). */
function recordPathFor(given: unknown, options: LoadOptions): string | undefined {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
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
/** Exported for src/build/bundle.mjs, which writes the module build's digest into the bundle (its code is the same). */
export function digestValidator(): string {
  validatorDigest ??= bundleInfo?.configValidatorDigest;
  validatorDigest ??= fingerprintFiles('config validator', filesBeside(import.meta.url, VALIDATOR_FILES));
  return validatorDigest;
}

function inputKey(input: ConfigInput, options: LoadOptions): string {
  const env = options.env ?? process.env;
  const parts = [RECORD_VERSION, readVersion(), digestValidator(), process.version, input.file, options.cwd ?? process.cwd(), input.text, ENV_KEYS.map((k) => env[k] ?? null)];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

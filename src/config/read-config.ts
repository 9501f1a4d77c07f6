/**
 * Which config file, and its text: the part of loading that needs neither
 * the YAML parser nor the schema (serve's start-up shortcut reads it first).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { DEFAULTS } from './defaults.js';

export interface LoadOptions {
  /** `--config PATH`; falls back to FEEDKURATOR_CONFIG, then config/feedkurator.yaml. */
  configPath?: string;
  env?: NodeJS.ProcessEnv;
  /** Directory relative paths are resolved against (the working directory). */
  cwd?: string;
}

export function resolveConfigPath(options: LoadOptions = {}): string {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  return path.resolve(cwd, options.configPath ?? env.FEEDKURATOR_CONFIG ?? DEFAULTS.configPath);
}

/** The config file's path and text; ConfigError when it cannot be read. */
export function readConfigText(options: LoadOptions = {}): { file: string; text: string } {
  const file = resolveConfigPath(options);
  try {
    return { file, text: readFileSync(file, 'utf8') };
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new ConfigError(file, [{ path: '', message: `cannot read config: ${reason}` }], { cause: err });
  }
}

/**
 * The part of loading that follows the YAML: environment overrides, the
 * schema, the resolved store path, freezing. Without the `yaml` package, so
 * that a config read by plain-yaml.ts is validated without loading it.
 */
import path from 'node:path';
import type { ZodError } from 'zod';
import type { ConfigProblem } from '../errors.js';
import { LOG_FORMATS, type LogFormat } from '../log/logger.js';
import { DEFAULTS } from './defaults.js';
import { deepFreeze } from './deep-freeze.js';
import type { LoadOptions } from './read-config.js';
import { configSchema, type Config } from './schema.js';

/** The frozen config, or the problems: the environment's, and the schema's error (its lines come from the YAML document). */
export type Validated = { ok: true; config: Config } | { ok: false; problems: ConfigProblem[]; zodError?: ZodError };

export function validateConfig(raw: Record<string, unknown>, file: string, options: LoadOptions = {}): Validated {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const problems: ConfigProblem[] = [];
  const overridden = applyEnvOverrides(raw, env, problems);
  const result = configSchema.safeParse(overridden);
  if (!result.success) return { ok: false, problems, zodError: result.error };
  if (problems.length > 0) return { ok: false, problems };

  const data = result.data;
  const storePath = env.DATA_DIR
    ? path.resolve(cwd, env.DATA_DIR, path.basename(data.storage.path))
    : path.resolve(cwd, data.storage.path);
  const logFormat = env.LOG_FORMAT ? (env.LOG_FORMAT as LogFormat) : undefined;
  return { ok: true, config: deepFreeze({ ...data, file, storePath, logLevel: env.LOG_LEVEL || DEFAULTS.logLevel, ...(logFormat ? { logFormat } : {}) }) };
}

const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

function applyEnvOverrides(raw: Record<string, unknown>, env: NodeJS.ProcessEnv, problems: ConfigProblem[]): Record<string, unknown> {
  const server = { ...(isPlainObject(raw.server) ? raw.server : {}) } as Record<string, unknown>;
  if (env.PORT !== undefined && env.PORT !== '') {
    const port = Number(env.PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) {
      problems.push({ path: 'PORT (environment)', message: `"${env.PORT}" is not a port number (0-65535)` });
    } else {
      server.port = port;
    }
  }
  if (env.HOST) server.host = env.HOST;
  if (env.BASE_URL) server.baseUrl = env.BASE_URL;
  if (env.LOG_LEVEL && !LOG_LEVELS.has(env.LOG_LEVEL)) {
    problems.push({ path: 'LOG_LEVEL (environment)', message: `"${env.LOG_LEVEL}" is not one of ${[...LOG_LEVELS].join(', ')}` });
  }
  if (env.LOG_FORMAT && !LOG_FORMATS.includes(env.LOG_FORMAT as LogFormat)) {
    problems.push({ path: 'LOG_FORMAT (environment)', message: `"${env.LOG_FORMAT}" is not one of ${LOG_FORMATS.join(', ')}` });
  }
  return Object.keys(server).length > 0 || raw.server !== undefined ? { ...raw, server } : raw;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

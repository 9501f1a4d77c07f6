import path from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { ZodError } from 'zod';
import { ConfigError, type ConfigProblem } from '../errors.js';
import { LOG_FORMATS, type LogFormat } from '../log/logger.js';
import { DEFAULTS } from './defaults.js';
import { readConfigText, type LoadOptions } from './read-config.js';
import { configSchema, type Config } from './schema.js';
import { deepFreeze } from './deep-freeze.js';

export { resolveConfigPath, type LoadOptions } from './read-config.js';

/** Read, validate and freeze the configuration. Throws ConfigError with every problem found. */
export function loadConfig(options: LoadOptions = {}): Config {
  const { file, text } = readConfigText(options);
  return parseConfig(text, file, options);
}

/** Validate config text; `file` is used for messages and to resolve nothing else. */
export function parseConfig(text: string, file: string, options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({
        path: '',
        message: `YAML syntax: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
        ...(e.linePos?.[0] ? { line: e.linePos[0].line } : {}),
      })),
    );
  }
  const raw: unknown = doc.toJS() ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(file, [{ path: '', message: 'the config must be a YAML mapping (key: value)' }]);
  }

  const problems: ConfigProblem[] = [];
  const overridden = applyEnvOverrides(raw as Record<string, unknown>, env, problems);
  const result = configSchema.safeParse(overridden);
  if (!result.success) problems.push(...describeZodError(result.error, doc, lineCounter));
  if (problems.length > 0 || !result.success) throw new ConfigError(file, problems);

  const data = result.data;
  const storePath = env.DATA_DIR
    ? path.resolve(cwd, env.DATA_DIR, path.basename(data.storage.path))
    : path.resolve(cwd, data.storage.path);
  const logFormat = env.LOG_FORMAT ? (env.LOG_FORMAT as LogFormat) : undefined;
  return deepFreeze({ ...data, file, storePath, logLevel: env.LOG_LEVEL || DEFAULTS.logLevel, ...(logFormat ? { logFormat } : {}) });
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

/** `topics.kernel.include[3]` style path. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += out ? `.${String(s)}` : String(s);
  }
  return out;
}

function describeZodError(error: ZodError, doc: Document, lineCounter: LineCounter): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const p = [...issue.path, key];
        problems.push(withLine({ path: formatPath(p), message: 'unknown key (typo?)' }, doc, lineCounter, p, true));
      }
      continue;
    }
    problems.push(withLine({ path: formatPath(issue.path), message: issue.message }, doc, lineCounter, issue.path, false));
  }
  return problems;
}

function withLine(
  problem: ConfigProblem,
  doc: Document,
  lineCounter: LineCounter,
  segments: readonly PropertyKey[],
  preferKey: boolean,
): ConfigProblem {
  const offset = findOffset(doc, segments, preferKey);
  if (offset === undefined) return problem;
  return { ...problem, line: lineCounter.linePos(offset).line };
}

/** Walk the YAML AST along the path; return the offset of the deepest node found. */
function findOffset(doc: Document, segments: readonly PropertyKey[], preferKey: boolean): number | undefined {
  let node: unknown = doc.contents;
  let offset: number | undefined = (node as { range?: [number, number, number] } | null)?.range?.[0];
  for (const seg of segments) {
    if (isMap(node)) {
      const pair = node.items.find((it) => (it.key as { value?: unknown } | null)?.value === seg);
      if (!pair) break;
      const keyRange = (pair.key as { range?: [number, number, number] } | null)?.range;
      const valueRange = (pair.value as { range?: [number, number, number] } | null)?.range;
      offset = preferKey || !valueRange ? (keyRange?.[0] ?? offset) : valueRange[0];
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as { range?: [number, number, number] } | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset;
}

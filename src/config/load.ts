import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { ZodError } from 'zod';
import { ConfigError, type ConfigProblem } from '../errors.js';
import { readConfigText, type LoadOptions } from './read-config.js';
import { parsePlainConfig } from './quick-load.js';
import type { Config } from './schema.js';
import { validateConfig } from './validate.js';

export { resolveConfigPath, type LoadOptions } from './read-config.js';

/** Read, validate and freeze the configuration. Throws ConfigError with every problem found. */
export function loadConfig(options: LoadOptions = {}): Config {
  const { file, text } = readConfigText(options);
  return parseConfig(text, file, options);
}

/** Validate config text; `file` is used for messages and to resolve nothing else. */
export function parseConfig(text: string, file: string, options: LoadOptions = {}): Config {
  // Most configs are plain block YAML, read without running yaml's parser cold (quick-load.ts).
  return parsePlainConfig(text, file, options) ?? parseConfigWithYaml(text, file, options);
}

/** parseConfig through yaml's document: every YAML text, and the lines of every problem. */
export function parseConfigWithYaml(text: string, file: string, options: LoadOptions = {}): Config {
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

  const validated = validateConfig(raw as Record<string, unknown>, file, options);
  if (validated.ok) return validated.config;
  const problems = validated.zodError ? [...validated.problems, ...describeZodError(validated.zodError, doc, lineCounter)] : validated.problems;
  throw new ConfigError(file, problems);
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

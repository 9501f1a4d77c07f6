/**
 * plain-yaml.ts stands in for `yaml` on `poll`'s path: for every text it
 * reads, it must give exactly what `parseDocument(text).toJS()` gives (and
 * yaml must find no error in it); every other text it must leave to yaml.
 * Checked over the shipped config, configs as the bench and the tests write
 * them, and a few thousand texts mutated from them (a fixed seed).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseDocument, stringify } from 'yaml';
import { loadConfig, parseConfigWithYaml } from '../../src/config/load.js';
import { readPlainYaml } from '../../src/config/plain-yaml.js';
import { parseConfigQuickly } from '../../src/config/quick-load.js';
import { readConfigText, type LoadOptions } from '../../src/config/read-config.js';
import { ConfigError } from '../../src/errors.js';
import { ROOT, makeTempDir, renderTestConfig } from '../helpers/cli.js';

const SHIPPED = readFileSync(path.join(ROOT, 'config', 'feedkurator.yaml'), 'utf8');

/** As bench/lib/bench-config.mjs writes them: YAML.stringify of the shipped topics and `count` sources. */
function benchConfig(count: number): string {
  const shipped = parseDocument(SHIPPED).toJS() as { topics: unknown };
  const sources = Array.from({ length: count }, (_, i) => ({ name: `Quelle ${String(i).padStart(4, '0')} (heise-${i}.example)`, url: `http://127.0.0.1:${40000 + (i % 16)}/feeds/${i}.xml` }));
  return stringify({
    schedule: '0 0 1 1 *',
    server: { host: '127.0.0.1', port: 8080, baseUrl: 'http://localhost:8080' },
    storage: { path: '/tmp/x/feedkurator.json', retentionDays: 60, maxItems: 100_000 },
    fetch: { concurrency: 8 },
    topics: shipped.topics,
    sources,
  });
}

const TEST_CONFIG = renderTestConfig('/tmp/t', [
  { name: 'Heise "online"', url: 'http://127.0.0.1:9/feed.xml', topics: ['kernel', 'hosting'] },
  { name: "O'Reilly", url: 'http://127.0.0.1:9/atom' },
]);
const CORPUS = [SHIPPED, benchConfig(0), benchConfig(3), benchConfig(200), TEST_CONFIG];

/** What the reader must hold to: undefined, or exactly yaml's value of a text yaml finds no fault in. */
function sameAsYaml(text: string): boolean {
  const fast = readPlainYaml(text);
  if (fast === undefined) return true;
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) return false;
  const value: unknown = doc.toJS();
  return isDeepStrictEqual(fast, value) && JSON.stringify(fast) === JSON.stringify(value);
}

const SNIPPETS = [
  '- ', '-', ':', ': ', ' #', '#', '"', "'", '  ', ' ', '\n', '\n  ', '\n- ', 'a: b', '- a: 1\n  b: 2', '~', 'null', 'True', '0x1F', '0o7',
  '1e3', '.inf', '.NaN', '-0', '+5', '007', '1.50', '1.', '.5', '&a ', '*a', '!x ', '|', '>-', '[a]', '{a: 1}', '? ', 'key:', '"a\\"b"',
  '"a\\nb"', "'it''s'", '\t', '\r', '---', '...', '%YAML 1.2', '@', '`', '<<: ', '__proto__: 1', 'x: y: z', 'a:b', 'http://x:1/y',
  '12345678901234567890', '- - a', '-a', '?a', ':a', 'a #b', 'a# b', '"x" #c', '"x"#c', '"x" y', 'é', '\u00a0', '\u0085', ',a', '\ufeff',
  '[a, "b"]', '[]', '{}', '[ ]', '[a,b]', "['x', y]", '[a, ]', '[a b]', '[1, 2.5, true, null, ~]', '["a" , b]', '[a] #c', '[a]x', '[*a]',
  '[a: b]', '[- a]', '[a,,b]', '{ }', '["x"', "['a''b']", '[0x1, 1e2, .inf, "1"]',
];

describe('the plain YAML reader', () => {
  it('reads the shipped config and the configs the bench and the tests write, as yaml does', () => {
    for (const text of CORPUS) {
      const fast = readPlainYaml(text);
      expect(fast).toBeDefined();
      expect(sameAsYaml(text)).toBe(true);
    }
  });

  it('gives yaml\'s value or leaves the text to yaml, for thousands of texts mutated from those', () => {
    let seed = 12;
    const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) >>> 0) / 2 ** 32;
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const differing: string[] = [];
    let read = 0;
    for (let i = 0; i < 4000; i++) {
      let text = excerpt(pick(CORPUS).split('\n'), random);
      for (let k = 0, edits = 1 + Math.floor(random() * 3); k < edits; k++) {
        const at = Math.floor(random() * (text.length + 1));
        const how = random();
        if (how < 0.5) text = text.slice(0, at) + pick(SNIPPETS) + text.slice(at);
        else if (how < 0.75) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 4));
        else {
          const all = text.split('\n');
          const j = Math.floor(random() * all.length);
          all[j] = random() < 0.5 ? `  ${all[j]}` : all[j]!.replace(/^ /, '');
          text = all.join('\n');
        }
      }
      if (readPlainYaml(text) !== undefined) read++;
      if (!sameAsYaml(text)) differing.push(text);
    }
    expect(differing.slice(0, 3)).toEqual([]);
    // Enough of them are read for the comparison to mean something.
    expect(read).toBeGreaterThan(1000);
  });

  it('leaves to yaml what it does not know, and what yaml refuses', () => {
    for (const text of ['a: 1\na: 2', 'a: &x 1\nb: *x', 'a: |\n  text', 'a: b\n  c', 'a: "\\u00e9"', 'a: [b, [c]]', 'a: {b: 1}', '- a', '---\na: 1', 'a:\tb', 'a: 0x10', '']) {
      expect(readPlainYaml(text), text).toBeUndefined();
    }
  });
});

/** As poll loads its config. */
async function loadConfigQuickly(options: LoadOptions): Promise<ReturnType<typeof loadConfig>> {
  const { file, text } = readConfigText(options);
  return parseConfigQuickly(text, file, options);
}

describe("poll's quick config load", () => {
  it('gives the same frozen config as parsing with yaml', async () => {
    const dir = makeTempDir();
    for (const text of CORPUS) {
      const file = path.join(dir, 'feedkurator.yaml');
      writeFileSync(file, text);
      const options = { configPath: file, env: { DATA_DIR: '/var/lib/fk', PORT: '9090' }, cwd: '/w' };
      const quick = await loadConfigQuickly(options);
      expect(JSON.stringify(quick)).toBe(JSON.stringify(parseConfigWithYaml(text, file, options)));
      expect(JSON.stringify(loadConfig(options))).toBe(JSON.stringify(quick));
      expect(Object.isFrozen(quick.topics)).toBe(true);
    }
  });

  it('reports a broken config exactly as yaml\'s path does, lines included', async () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'feedkurator.yaml');
    const cases = [
      `${TEST_CONFIG}fetch2: 1\n`, // read by the plain reader, refused by the schema
      TEST_CONFIG.replace('timeoutSeconds: 5', 'timeoutSeconds: -5'),
      `${TEST_CONFIG}storage: {}\n`, // a duplicate key: yaml's error
      'a: [b\n', // yaml's syntax error
    ];
    for (const text of cases) {
      writeFileSync(file, text);
      const expected = problemsOf(() => parseConfigWithYaml(text, file, { env: {} }));
      expect(problemsOf(() => loadConfig({ configPath: file, env: {} }))).toEqual(expected);
      const quick = await loadConfigQuickly({ configPath: file, env: {} }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(quick).toBeInstanceOf(ConfigError);
      expect((quick as ConfigError).problems).toEqual(expected);
      expect(expected.length).toBeGreaterThan(0);
    }
  });
});

/** Up to 40 lines from a random one on, moved to the left margin, without those that would close its block. */
function excerpt(lines: string[], random: () => number): string {
  const from = Math.floor(random() * lines.length);
  const margin = lines[from]!.length - lines[from]!.trimStart().length;
  const taken: string[] = [];
  for (const line of lines.slice(from, from + 1 + Math.floor(random() * 40))) {
    if (line.trim() !== '' && line.length - line.trimStart().length < margin) break;
    taken.push(line.slice(margin));
  }
  return taken[0]?.startsWith('-') ? `list:\n${taken.join('\n')}` : taken.join('\n');
}

function problemsOf(load: () => unknown): ConfigError['problems'] {
  try {
    load();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

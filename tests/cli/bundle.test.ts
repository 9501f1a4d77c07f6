/**
 * `npm run build` bundles the CLI and the read worker (src/build/bundle.mjs)
 * from the module build tsc writes beside them. The bundle must carry the
 * module build's fingerprints (a story-words file, kept story clusters or a
 * remembered config written by one is taken by the other; without them the
 * bundle would hash files that are not beside it), and a command run through it must
 * not fall back to loading the module build's files one by one.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startSampleServer } from '../../src/demo/sample-server.js';
import { ROOT, makeTempDir, runCli, spawnCli, waitFor, waitForExit, writeTestConfig } from '../helpers/cli.js';

const DIST = path.join(ROOT, 'dist');
const MARK = '// feedkurator bundle (src/build/bundle.mjs)';
const built = async <T>(module: string): Promise<T> => (await import(pathToFileURL(path.join(DIST, module)).href)) as T;

/** The bundle's files: its entries and the chunks beside cli.js. */
function bundleText(): string {
  const chunks = readdirSync(DIST).filter((name) => /-[A-Z0-9]{8}\.js$/.test(name));
  return ['cli.js', 'read/read-worker.js', ...chunks].map((name) => readFileSync(path.join(DIST, name), 'utf8')).join('\n');
}

describe('the bundled entry points', () => {
  it('are bundles, and carry the module build fingerprints and the worker path', async () => {
    expect(readFileSync(path.join(DIST, 'cli.js'), 'utf8').slice(0, 200)).toContain(MARK);
    expect(readFileSync(path.join(DIST, 'read/read-worker.js'), 'utf8').slice(0, 200)).toContain(MARK);
    const { storyReadingFingerprint } = await built<typeof import('../../src/dedupe/story-words-file.js')>('dedupe/story-words-file.js');
    const { digestValidator } = await built<typeof import('../../src/config/remembered-config.js')>('config/remembered-config.js');
    const { clusteringFingerprint } = await built<typeof import('../../src/curate/kept-clusters.js')>('curate/kept-clusters.js');
    const text = bundleText();
    expect(text).toContain(`storyReadingFingerprint: "${storyReadingFingerprint()}"`);
    expect(text).toContain(`configValidatorDigest: "${digestValidator()}"`);
    expect(text).toContain(`clusteringFingerprint: "${clusteringFingerprint()}"`);
    expect(text).toContain('readWorker: "./read/read-worker.js"');
  });

  it('leaves out postcss, which sanitize-html loads only to parse style attributes (the e2e tests sanitize through the bundle)', () => {
    const text = bundleText();
    expect(text).toContain('postcss is left out of the bundle');
    expect(text).not.toContain('class LazyResult');
  });

  it("keeps zod's English messages and leaves out its other locales, which nothing selects", () => {
    const text = bundleText();
    // Since zod is imported as a namespace, `z.locales` is not bundled at all; were it again, the plugin's stubs would stand in.
    expect(text).not.toMatch(/zod locale "\w+" is left out|from "\.\/de\.js"/);
    expect(text).not.toContain('Eingabe');
    expect(text).toContain('Invalid input');
  });

  it("holds only the parts of zod the config schema uses (it is imported as a namespace, which esbuild can cut)", () => {
    const text = bundleText();
    expect(text).toContain('Invalid input');
    expect(text).not.toContain('templateLiteral');
  });

  it("poll's main thread loads neither node:http2 nor tls: undici's HTTP/2 client is left out, no agent of ours allows h2", async () => {
    const dir = makeTempDir();
    const list = path.join(dir, 'builtins.txt');
    const probe = path.join(dir, 'probe.mjs');
    writeFileSync(
      probe,
      `import { writeFileSync } from 'node:fs';\nimport { isMainThread } from 'node:worker_threads';\nif (isMainThread) process.on('exit', () => writeFileSync(${JSON.stringify(list)}, process.moduleLoadList.join('\\n')));\n`,
    );
    const config = writeTestConfig(dir, [{ name: 'Nobody', url: 'http://127.0.0.1:9/feed.xml' }]);
    const result = await runCli(['poll', '--json', '--config', config], { env: { NODE_OPTIONS: `--import ${pathToFileURL(probe).href}` } });
    expect(result.code, result.stderr).toBe(0);
    const builtins = readFileSync(list, 'utf8').split('\n');
    expect(builtins).toContain('NativeModule net');
    expect(builtins).toContain('NativeModule _http_client');
    expect(builtins.filter((name) => /^NativeModule (http2|tls|internal\/http2\/.*)$/.test(name))).toEqual([]);
    expect(bundleText()).toContain('HTTP/2 is left out of the bundle');
  });

  it('poll runs on the bundle alone: no file of the module build is loaded, in the main thread or the read worker', async () => {
    const dir = makeTempDir();
    const log = path.join(dir, 'loaded.txt');
    writeFileSync(log, '');
    // An ESM resolve hook (it also sees the worker's imports) that notes every file: URL.
    const hooks = path.join(dir, 'hooks.mjs');
    writeFileSync(
      hooks,
      `import { appendFileSync } from 'node:fs';\nexport async function resolve(specifier, context, next) {\n  const found = await next(specifier, context);\n  if (found.url.startsWith('file:')) appendFileSync(${JSON.stringify(log)}, found.url + '\\n');\n  return found;\n}\n`,
    );
    const register = path.join(dir, 'register.mjs');
    writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
    // One source that does not answer: the read worker starts, and poll still completes.
    const config = writeTestConfig(dir, [{ name: 'Nobody', url: 'http://127.0.0.1:9/feed.xml' }]);
    const result = await runCli(['poll', '--json', '--config', config], { env: { NODE_OPTIONS: `--import ${pathToFileURL(register).href}` } });
    expect(result.code, result.stderr).toBe(0);
    const loaded = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    const ours = loaded.filter((url) => url.startsWith(pathToFileURL(DIST).href)).map((url) => url.slice(pathToFileURL(DIST).href.length + 1));
    expect(ours).toContain('cli.js');
    expect(ours).toContain('read/read-worker.js');
    // Every other file of ours is a chunk at dist/'s top, none from dist/<folder>/.
    expect(ours.filter((file) => file !== 'read/read-worker.js' && file.includes('/'))).toEqual([]);
    // A plain config is read without the yaml package (src/config/quick-load.ts): none of its chunk is loaded.
    const yamlChunks = readdirSync(DIST).filter((name) => /-[A-Z0-9]{8}\.js$/.test(name) && readFileSync(path.join(DIST, name), 'utf8').includes('Nested mappings are not allowed in compact mappings'));
    expect(yamlChunks).toHaveLength(1);
    expect(ours.filter((file) => yamlChunks.includes(file))).toEqual([]);
  });

  it('serve on the bundle keeps the story clusters for its next start, under the module build\'s fingerprint', { timeout: 60_000 }, async () => {
    const samples = await startSampleServer();
    const dir = makeTempDir();
    try {
      const config = writeTestConfig(dir, samples.feeds.map((f) => ({ name: f.name, url: samples.feedUrl(f.file) })));
      expect((await runCli(['poll', '--config', config])).code).toBe(0);
      const serve = spawnCli(['serve', '--config', config], { LOG_LEVEL: 'info' });
      const file = path.join(dir, 'store.story-clusters.json');
      try {
        await waitFor('the story clusters file', async () => (existsSync(file) ? true : undefined), 30_000);
      } finally {
        serve.kill('SIGTERM');
        await waitForExit(serve);
      }
      expect(serve.output()).not.toContain('could not save the story clusters');
      const { clusteringFingerprint } = await built<typeof import('../../src/curate/kept-clusters.js')>('curate/kept-clusters.js');
      expect(JSON.parse(readFileSync(file, 'utf8')).fingerprint).toBe(clusteringFingerprint());
    } finally {
      await samples.close();
    }
  });
});

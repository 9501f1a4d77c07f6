/**
 * A start without a publication snapshot answers its first request before it
 * loads what that answer does not need: the config watcher (and through it
 * the validator: zod), prom-client's registry, the poll pipeline and its read
 * workers; and, when the config was recalled, zod and node-cron. A module
 * hook holds every such module back until the test lets it go: were one of
 * them on the first answer's path, the first 200 would never come. Once they
 * are let go, serve goes on as usual and stops cleanly.
 *
 * It runs `serve` from the module-per-file build (dist/commands/serve.js, as
 * cli.js runs it) because the hook can name those modules; the bundle that
 * dist/cli.js is made from keeps each lazy import() a chunk of its own
 * (src/build/bundle.mjs), so what loads later here loads later there too.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSampleServer, type SampleServer } from '../../src/demo/sample-server.js';
import { cleanEnv, findFreePort, makeTempDir, renderTestConfig, ROOT, runCli, waitFor, waitForExit } from '../helpers/cli.js';

const HOOKS = `
import { appendFileSync, existsSync } from 'node:fs';
let held, release, log;
export function initialize(data) { held = data.held; release = data.release; log = data.log; }
export async function load(url, context, next) {
  if (held.some((part) => url.includes(part))) {
    appendFileSync(log, 'held ' + url + '\\n');
    while (!existsSync(release)) await new Promise((r) => setTimeout(r, 20));
  }
  appendFileSync(log, 'loaded ' + url + '\\n');
  return next(url, context);
}
`;

const ENGINE_LATER = ['/dist/config/watch.js', '/dist/metrics/metrics.js', '/dist/pipeline.js', '/dist/read/feed-reader.js', '/node_modules/prom-client/'];
const RECALLED_LATER = [...ENGINE_LATER, '/node_modules/zod/', '/node_modules/node-cron/'];


describe('serve without a snapshot: the first answer before the rest of the engine', () => {
  let samples: SampleServer;
  let dir: string;
  let configFile: string;
  let port: number;

  beforeAll(async () => {
    samples = await startSampleServer();
    dir = makeTempDir();
    configFile = path.join(dir, 'feedkurator.yaml');
    port = await findFreePort();
    const text = renderTestConfig(dir, samples.feeds.map((f) => ({ name: f.name, url: samples.feedUrl(f.file) })));
    writeFileSync(configFile, text.replace('port: 0', `port: ${port}`));
    const poll = await runCli(['poll', '--config', configFile]);
    expect(poll.code, poll.stderr).toBe(0);
  }, 60_000);

  afterAll(async () => {
    await samples.close();
  });

  /** Start serve with `held` held back; the first /feed.xml 200 must come while they are. */
  async function startHolding(held: string[], run: string) {
    const hooks = path.join(dir, `hooks-${run}.mjs`);
    const register = path.join(dir, `register-${run}.mjs`);
    const release = path.join(dir, `release-${run}`);
    const log = path.join(dir, `modules-${run}.log`);
    writeFileSync(hooks, HOOKS);
    writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)}, { data: ${JSON.stringify({ held, release, log })} });\n`);
    writeFileSync(log, '');
    const launcher = path.join(dir, 'serve-from-modules.mjs');
    writeFileSync(
      launcher,
      `const { runServeCommand } = await import(${JSON.stringify(pathToFileURL(path.join(ROOT, 'dist', 'commands', 'serve.js')).href)});\n` +
        `const code = await runServeCommand({ configPath: process.argv[2] });\nprocess.stdout.write('', () => process.exit(code));\n`,
    );
    const child = spawn(process.execPath, ['--import', pathToFileURL(register).href, launcher, configFile], { cwd: ROOT, env: cleanEnv({ LOG_LEVEL: 'info' }), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    try {
      const body = await waitFor('the first /feed.xml answer while the modules are held', async () => {
        if (child.exitCode !== null) throw new Error(`serve exited: ${output}`);
        const res = await fetch(`http://127.0.0.1:${port}/feed.xml`);
        return res.status === 200 ? res.text() : undefined;
      }, 60_000);
      const modules = readFileSync(log, 'utf8');
      return { child, body, modules, output: () => output, release };
    } catch (err) {
      child.kill('SIGKILL');
      throw new Error(`${(err as Error).message}; modules held: ${readFileSync(log, 'utf8').split('\n').filter((l) => l.startsWith('held')).join(', ')}; last loaded: ${readFileSync(log, 'utf8').trim().split('\n').slice(-6).join(', ')}; output: ${output}`);
    }
  }

  async function releaseAndStop(started: Awaited<ReturnType<typeof startHolding>>): Promise<string> {
    writeFileSync(started.release, '');
    await waitFor('the serving log line', async () => (started.output().includes('"msg":"serving"') ? true : undefined), 60_000);
    started.child.kill('SIGTERM');
    expect((await waitForExit(started.child)).code).toBe(0);
    return readFileSync(started.release.replace('release-', 'modules-') + '.log', 'utf8');
  }

  it('answers a first start after poll before the watcher, prom-client and the pipeline load; loads them after', { timeout: 120_000 }, async () => {
    const started = await startHolding(ENGINE_LATER, 'first');
    expect(started.modules).toContain('/dist/daemon/serve.js');
    expect(started.body).toContain('<rss');
    expect(started.modules).not.toMatch(/^loaded .*(config\/watch|metrics\/metrics|pipeline)\.js$/m);
    const after = await releaseAndStop(started);
    for (const part of ['/dist/config/watch.js', '/dist/metrics/metrics.js']) expect(after).toContain(`loaded file://${ROOT.replace(/\/$/, '')}${part}`);
  });

  it('answers a restart without its snapshot (config recalled) before zod and node-cron load too', { timeout: 120_000 }, async () => {
    const snapshot = path.join(dir, 'store.publication.json');
    rmSync(snapshot, { force: true });
    expect(existsSync(path.join(dir, 'store.config-checked.json'))).toBe(true);
    const started = await startHolding(RECALLED_LATER, 'second');
    expect(started.modules).toContain('/dist/daemon/serve.js');
    expect(started.body).toContain('<rss');
    expect(started.modules).not.toMatch(/^loaded .*node_modules\/(zod|node-cron)\//m);
    const after = await releaseAndStop(started);
    expect(after).toMatch(/^loaded .*node_modules\/zod\//m);
    expect(after).toMatch(/^loaded .*node_modules\/node-cron\//m);
  });

  it('answers the first start after a poll with the same config and environment before zod loads (poll left the validated config)', { timeout: 120_000 }, async () => {
    dir = makeTempDir();
    configFile = path.join(dir, 'feedkurator.yaml');
    port = await findFreePort();
    const text = renderTestConfig(dir, samples.feeds.map((f) => ({ name: f.name, url: samples.feedUrl(f.file) })));
    writeFileSync(configFile, text.replace('port: 0', `port: ${port}`));
    const poll = await runCli(['poll', '--config', configFile], { env: { LOG_LEVEL: 'info' } });
    expect(poll.code, poll.stderr).toBe(0);
    const record = path.join(dir, 'store.config-checked.json');
    expect(JSON.parse(readFileSync(record, 'utf8')).cacheMaxAgeSeconds).toBeUndefined();
    expect(existsSync(path.join(dir, 'store.publication.json'))).toBe(false);
    const started = await startHolding([...ENGINE_LATER, '/node_modules/zod/'], 'after-poll');
    expect(started.body).toContain('<rss');
    expect(started.modules).not.toMatch(/^loaded .*node_modules\/zod\//m);
    const after = await releaseAndStop(started);
    // Validated again before the first cycle, and remembered anew with the max-age the schedule gave.
    expect(after).toMatch(/^loaded .*node_modules\/zod\//m);
    expect(JSON.parse(readFileSync(record, 'utf8')).cacheMaxAgeSeconds).toBe(300);
  });
});

import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSampleServer, type SampleServer } from '../../src/demo/sample-server.js';
import { makeTempDir, renderTestConfig, runCli, spawnCli, waitFor, waitForExit } from '../helpers/cli.js';

describe('serve', () => {
  let samples: SampleServer;
  let dir: string;
  let configFile: string;
  let sources: { name: string; url: string; topics?: string[] }[];
  let serve: ReturnType<typeof spawnCli>;
  let base: string;

  beforeAll(async () => {
    samples = await startSampleServer();
    dir = makeTempDir();
    sources = samples.feeds.map((f) => ({ name: f.name, url: samples.feedUrl(f.file) }));
    configFile = `${dir}/feedkurator.yaml`;
    writeFileSync(configFile, renderTestConfig(dir, sources));
    serve = spawnCli(['serve', '--config', configFile], { LOG_LEVEL: 'info' });
    base = await waitFor('the serving log line', async () => {
      const line = serve.output().split('\n').find((l) => l.includes('"msg":"serving"'));
      return line ? (JSON.parse(line) as { url: string }).url : undefined;
    });
  });

  afterAll(async () => {
    if (serve.exitCode === null) {
      serve.kill('SIGTERM');
      await waitForExit(serve);
    }
    await samples.close();
  });

  it('answers at once, logs JSON on stdout, and serves the curated feed after the start-up cycle', async () => {
    for (const line of serve.output().trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
    const health = await waitFor('the first cycle', async () => {
      const body = (await (await fetch(`${base}/healthz`)).json()) as { lastCycle: unknown; polling: boolean };
      return body.lastCycle && !body.polling ? body : undefined;
    });
    expect(health).toMatchObject({ status: 'ok', lastCycle: { ok: 4, failed: 0 } });
    expect(Date.parse((health as unknown as { nextCycle: string }).nextCycle)).toBeGreaterThan(Date.now());
    const rss = await (await fetch(`${base}/feed.xml`)).text();
    expect(rss).toContain('Podman 6.0 erschienen');
    expect(rss).not.toContain('Pixel 11');
    expect(serve.output()).toContain('"msg":"poll cycle finished"');
  });

  it('applies a config edit to the stored articles within seconds, without a restart', async () => {
    const restricted = sources.map((s) => (s.name === 'linuxnews.de' ? { ...s, topics: ['kernel'] } : s));
    writeFileSync(configFile, renderTestConfig(dir, restricted));
    await waitFor('the edit to reach the feed', async () => {
      const json = await (await fetch(`${base}/feed.json`)).text();
      return json.includes('Podman 6.0') ? undefined : json;
    });
    expect(serve.output()).toContain('"msg":"config reloaded"');
  });

  it('keeps the last good config on a broken edit and says so in /healthz', async () => {
    writeFileSync(configFile, renderTestConfig(dir, sources).replace('topics:', 'topics:\n  typo-topic:\n    includ: [x]'));
    const health = await waitFor('the rejected edit in /healthz', async () => {
      const body = (await (await fetch(`${base}/healthz`)).json()) as { status: string; config: { error: string | null } };
      return body.config.error ? body : undefined;
    });
    expect(health.status).toBe('degraded');
    expect(health.config.error).toContain('topics.typo-topic');
    const feed = await fetch(`${base}/feed.json`);
    expect(feed.status).toBe(200);
    expect(await feed.text()).not.toContain('Podman 6.0'); // still the last good rules
  });

  it('stops on SIGTERM with exit 0 and a written store', async () => {
    serve.kill('SIGTERM');
    const { code } = await waitForExit(serve);
    expect(code).toBe(0);
    expect(serve.output()).toContain('"msg":"stopped"');
  });
});

describe('serve start-up failures', () => {
  let blocker: Server;
  let port: number;
  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    port = (blocker.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => blocker.close(() => r())));

  it('exits 1 with a clear message when the port is taken', async () => {
    const dir = makeTempDir();
    writeFileSync(`${dir}/c.yaml`, renderTestConfig(dir, []));
    const result = await runCli(['serve', '--config', `${dir}/c.yaml`], { env: { PORT: String(port) } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(String(port));
  });

  it('exits 2 on an invalid config', async () => {
    const dir = makeTempDir();
    writeFileSync(`${dir}/c.yaml`, 'topics: {}\n');
    const result = await runCli(['serve', '--config', `${dir}/c.yaml`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('topics');
  });
});

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSampleServer, type SampleServer } from '../../src/demo/sample-server.js';
import { findFreePort, makeTempDir, renderTestConfig, spawnCli, waitFor, waitForExit } from '../helpers/cli.js';

/** Start serve, wait until its first cycle is done and its snapshot written; returns the child and its URL. */
async function startServe(configFile: string) {
  const serve = spawnCli(['serve', '--config', configFile], { LOG_LEVEL: 'info' });
  const url = await waitFor('the serving log line', async () => {
    const line = serve.output().split('\n').find((l) => l.includes('"msg":"serving"'));
    return line ? (JSON.parse(line) as { url: string }).url : undefined;
  }, 30_000);
  return { serve, url };
}

/** Serve until the curated feed is served and its snapshot written beside the store in `dir`, then stop; the feed's ETag. */
async function serveUntilSnapshot(configFile: string, dir: string): Promise<string | null> {
  const first = await startServe(configFile);
  const etag = await waitFor('the curated feed and its snapshot', async () => {
    const res = await fetch(`${first.url}/feed.xml`, { headers: { 'accept-encoding': 'identity' } });
    const body = await res.text();
    return body.includes('Podman 6.0 erschienen') && existsSync(path.join(dir, 'store.publication.json')) ? res.headers.get('etag') : undefined;
  }, 30_000);
  first.serve.kill('SIGTERM');
  expect((await waitForExit(first.serve)).code).toBe(0);
  return etag;
}

describe('serve start-up from the last run', () => {
  let samples: SampleServer;
  let dir: string;
  let configFile: string;

  beforeAll(async () => {
    samples = await startSampleServer();
    dir = makeTempDir();
    configFile = path.join(dir, 'feedkurator.yaml');
    writeFileSync(configFile, renderTestConfig(dir, samples.feeds.map((f) => ({ name: f.name, url: samples.feedUrl(f.file) }))));
  });

  afterAll(async () => {
    await samples.close();
  });

  it('restarts serving the same feed from the snapshot and the remembered config', { timeout: 120_000 }, async () => {
    const etag = await serveUntilSnapshot(configFile, dir);
    expect(existsSync(path.join(dir, 'store.config-checked.json'))).toBe(true);
    const index = JSON.parse(readFileSync(path.join(dir, 'store.publication.json'), 'utf8')) as { bodyFile: string };
    expect(existsSync(path.join(dir, index.bodyFile))).toBe(true);

    const second = await startServe(configFile);
    try {
      const res = await fetch(`${second.url}/feed.xml`, { headers: { 'accept-encoding': 'br' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-encoding')).toBe('br');
      expect(await res.text()).toContain('Podman 6.0 erschienen');
      const identity = await fetch(`${second.url}/feed.xml`, { headers: { 'accept-encoding': 'identity' } });
      expect(identity.headers.get('etag')).toBe(etag);
    } finally {
      second.serve.kill('SIGTERM');
      expect((await waitForExit(second.serve)).code).toBe(0);
    }
  });

  it('after a config edit while stopped, answers with the last publication until the one for the edited config is built', { timeout: 120_000 }, async () => {
    const editDir = makeTempDir();
    const file = path.join(editDir, 'feedkurator.yaml');
    const port = await findFreePort();
    const render = (extra: string): string =>
      renderTestConfig(editDir, samples.feeds.map((f) => ({ name: f.name, url: samples.feedUrl(f.file) })), extra).replace('port: 0', `port: ${port}`);
    writeFileSync(file, render(''));
    const oldTag = await serveUntilSnapshot(file, editDir);

    // Edited while stopped: another feed title, so the last publication was built with another config.
    writeFileSync(file, render('feed:\n  title: Bearbeiteter Titel'));
    const second = spawnCli(['serve', '--config', file], { LOG_LEVEL: 'info' });
    try {
      // Asked from the moment it starts: the first answer comes before the store is loaded and classified.
      const seen: { tag: string | null; body: string }[] = [];
      await waitFor('the feed with the edited title', async () => {
        const res = await fetch(`http://127.0.0.1:${port}/feed.xml`, { headers: { 'accept-encoding': 'identity' } }).catch(() => undefined);
        if (res?.status === 200) seen.push({ tag: res.headers.get('etag'), body: await res.text() });
        return seen.at(-1)?.body.includes('Bearbeiteter Titel') ? true : undefined;
      }, 30_000, 2);
      expect(seen[0]!.tag).toBe(oldTag);
      expect(seen[0]!.body).not.toContain('Bearbeiteter Titel');
      expect(seen.at(-1)!.tag).not.toBe(oldTag);
      expect(second.output()).toContain('answering with the last publication, built with another config');
    } finally {
      second.kill('SIGTERM');
      expect((await waitForExit(second)).code).toBe(0);
    }
  });

  it('stops with exit 2 and forgets the record when the remembered config is not what validation gives', { timeout: 120_000 }, async () => {
    const record = path.join(dir, 'store.config-checked.json');
    if (!existsSync(record)) {
      const run = await startServe(configFile);
      run.serve.kill('SIGTERM');
      await waitForExit(run.serve);
    }
    const doc = JSON.parse(readFileSync(record, 'utf8')) as { config: { feed: { title: string } } };
    doc.config.feed.title = 'Not what the file says';
    writeFileSync(record, JSON.stringify(doc));

    const serve = spawnCli(['serve', '--config', configFile], { LOG_LEVEL: 'info' });
    const { code } = await waitForExit(serve);
    expect(code).toBe(2);
    expect(serve.output()).toContain('differs from the config remembered at the last start');
    expect(existsSync(record)).toBe(false);
  });
});

/**
 * `serve` without a publication snapshot answers from the newest segments
 * and loads the rest of the store after its first answer: a `kill -9` in
 * that background load leaves the store whole, and the next start serves
 * the same bytes and ETags as a start that loaded everything first. The real
 * CLI as a child process, a real store in a temp dir.
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openJsonStore } from '../../src/store/json/json-store.js';
import type { StoredArticle } from '../../src/types.js';
import { findFreePort, makeTempDir, renderTestConfig, spawnCli, waitFor, waitForExit } from '../helpers/cli.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TODAY = Math.floor(Date.now() / DAY) * DAY;
const TOPICS = ['Linux-Kernel 6.{n} bringt neue Treiber', 'Kubernetes {n}: neue Container-Funktionen', 'Webhoster {n} senkt die Preise', 'Gartenmesse {n} eröffnet'];
const ROUTES = ['/feed.xml', '/feed.json', '/', '/topics/kernel.atom'];

/** Fifty days of sixty articles a day (inside the default retention), the topics of the shipped rules. */
function articles(): StoredArticle[] {
  const all: StoredArticle[] = [];
  for (let d = 50; d >= 1; d--) {
    for (let k = 0; k < 60; k++) {
      const n = (50 - d) * 60 + k;
      const seen = new Date(TODAY - d * DAY + k * 20 * 60_000).toISOString();
      const title = TOPICS[n % TOPICS.length]!.replace('{n}', String(n));
      all.push({
        id: `k${n}`,
        key: `url:https://news.example.test/${n}`,
        link: `https://news.example.test/${n}`,
        title,
        summary: `${title}.`,
        content: `<p>${title}: Einzelheiten ${n}.</p>`,
        contentHash: `hash-k${n}`,
        categories: [],
        enclosures: [],
        published: seen,
        firstSeen: seen,
        sources: [{ name: `Quelle ${n % 6}`, firstSeen: seen }],
      });
    }
  }
  return all;
}

async function answers(url: string): Promise<Record<string, { etag: string | null; body: string }>> {
  const out: Record<string, { etag: string | null; body: string }> = {};
  for (const route of ROUTES) {
    const res = await fetch(`${url}${route}`, { headers: { 'accept-encoding': 'identity' } });
    out[route] = { etag: res.headers.get('etag'), body: await res.text() };
  }
  return out;
}

describe('serve killed while it loads the rest of the store', () => {
  it('leaves the store whole, and the next start serves the same bytes', { timeout: 240_000 }, async () => {
    const dir = makeTempDir();
    const port = await findFreePort();
    const configFile = path.join(dir, 'feedkurator.yaml');
    writeFileSync(configFile, renderTestConfig(dir, [], 'feed:\n  maxItems: 10').replace('port: 0', `port: ${port}`));
    const storePath = path.join(dir, 'store.json');
    const store = await openJsonStore(storePath);
    await store.importData({ articles: articles() });
    await store.flush();
    await store.close();
    const url = `http://127.0.0.1:${port}`;
    const snapshot = path.join(dir, 'store.publication.json');

    // The first start loads everything (no segment dates yet), keeps the dates and stops cleanly.
    const first = spawnCli(['serve', '--config', configFile], { LOG_LEVEL: 'info' });
    await waitFor('the serving log line', async () => (first.output().includes('"msg":"serving"') ? true : undefined), 60_000);
    const reference = await answers(url);
    first.kill('SIGTERM');
    expect((await waitForExit(first)).code).toBe(0);

    let killedInLoad = 0;
    for (let round = 0; round < 3; round++) {
      rmSync(snapshot, { force: true });
      const serve = spawnCli(['serve', '--config', configFile], { LOG_LEVEL: 'info' });
      await waitFor('the first 200', async () => ((await fetch(`${url}/feed.xml`)).status === 200 ? true : undefined), 60_000);
      serve.kill('SIGKILL');
      // "serving" is logged once the whole store is loaded: before it, the kill landed in the background load.
      if (!serve.output().includes('"msg":"serving"')) killedInLoad++;
      expect((await waitForExit(serve)).signal).toBe('SIGKILL');
      expect(serve.output(), 'the window path answered').not.toContain('first publication from the whole store');
    }
    expect(killedInLoad, 'at least one kill landed before the store was whole').toBeGreaterThan(0);

    rmSync(snapshot, { force: true });
    const last = spawnCli(['serve', '--config', configFile], { LOG_LEVEL: 'debug' });
    try {
      await waitFor('the first 200', async () => ((await fetch(`${url}/feed.xml`)).status === 200 ? true : undefined), 60_000);
      expect(await answers(url)).toEqual(reference);
      await waitFor('the serving log line', async () => (last.output().includes('"msg":"serving"') ? true : undefined), 60_000);
      expect(last.output()).toContain('first publication from the newest segments');
    } finally {
      last.kill('SIGTERM');
      expect((await waitForExit(last)).code).toBe(0);
    }
    const after = await openJsonStore(storePath, { readOnly: true });
    expect(await after.countArticles()).toBe(articles().length);
    await after.close();
  });
});

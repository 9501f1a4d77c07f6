/**
 * `serve` on PostgreSQL while the database goes away (fast shutdown) and
 * comes back: the feeds keep answering 200 from memory with the same bytes,
 * /healthz says 503 naming the database, no source is fetched while nothing
 * could be stored (so none is backed off for our failure), and once the
 * database is back polling resumes and every fixture article is stored
 * exactly once, including those the sources published meanwhile.
 *
 * FK_TEST_OUTAGE_SECONDS sets the outage (default 15; the code is meant to
 * ride out a minute or more).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { CLI, cleanEnv, makeTempDir, renderTestConfig } from '../../helpers/cli.js';
import { postgresAvailable, usePostgresCluster } from '../../helpers/postgres.js';

const SOURCES = 4;
const OUTAGE_MS = Number(process.env.FK_TEST_OUTAGE_SECONDS ?? 15) * 1000;

function rssOf(n: number, items: number): string {
  const entries = Array.from({ length: items }, (_, i) => {
    const date = new Date(Date.UTC(2026, 10, 30, 10 + i, n)).toUTCString();
    return `<item><title>Linux-Kernel ${n}.${i}: Treiber für Container-Hosts</title>
      <link>https://ausfall-${n}.example.test/artikel/${i}</link><guid>a${n}-${i}</guid><pubDate>${date}</pubDate>
      <description>Der Linux-Kernel ${n}.${i} bringt neue Funktionen für Container und Hosting.</description></item>`;
  }).join('');
  return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Ausfall ${n}</title>
    <link>https://ausfall-${n}.example.test/</link><description>Test</description>${entries}</channel></rss>`;
}

/**
 * One connection per request: the test sleeps between requests, and a kept-alive
 * socket that serve closes as idle while a loaded machine delays the client's own
 * timer fails the next request with ECONNRESET, which says nothing about serve.
 */
const noKeepAlive = new Agent({ pipelining: 0 });
// Identity: the compressed bodies are made after a publication is swapped in, so a gzip request's ETag
// changes from the identity one to the -gz one within the same publication.
const get = (url: string): ReturnType<typeof fetch> => fetch(url, { dispatcher: noKeepAlive, headers: { 'accept-encoding': 'identity' } });

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(postgresAvailable())('serve while the database goes away and comes back', () => {
  const pgc = usePostgresCluster();
  const requestTimes: number[] = [];
  /** Items each source lists: more appear while the database is away. */
  let items = 3;
  let feeds: Server;
  let feedsUrl: string;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    feeds = createServer((req, res) => {
      const n = Number(/^\/feed-(\d+)\.xml$/.exec(req.url ?? '')?.[1] ?? NaN);
      if (!Number.isInteger(n)) return void res.writeHead(404).end();
      requestTimes.push(Date.now());
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssOf(n, items));
    });
    await new Promise<void>((resolve) => feeds.listen(0, '127.0.0.1', resolve));
    feedsUrl = `http://127.0.0.1:${(feeds.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await noKeepAlive.close();
    feeds.closeAllConnections();
    await new Promise<void>((resolve) => feeds.close(() => resolve()));
  });

  it('serves from memory, pauses polling and loses nothing', async () => {
    const url = await pgc.cluster.createDatabase('serveout');
    const dir = makeTempDir('feedkurator-outage-');
    const config = path.join(dir, 'feedkurator.yaml');
    const sources = Array.from({ length: SOURCES }, (_, n) => ({ name: `Ausfall ${n}`, url: `${feedsUrl}/feed-${n}.xml` }));
    // A cycle every 3 s: without the pause, the outage would see several cycles fetch every source.
    writeFileSync(config, renderTestConfig(dir, sources, 'schedule: "*/3 * * * * *"'));
    child = spawn(process.execPath, [CLI, 'serve', '--config', config], {
      cwd: dir,
      env: cleanEnv({ DATABASE_URL: url, LOG_LEVEL: 'info' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d));
    const waitFor = async (what: string, check: () => boolean | Promise<boolean>, ms: number): Promise<void> => {
      const deadline = Date.now() + ms;
      while (!(await check())) {
        if (child!.exitCode !== null) throw new Error(`serve exited (${child!.exitCode}) waiting for ${what}: ${output}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${output.slice(-3000)}`);
        await sleep(200);
      }
    };
    const stored = async (): Promise<{ links: string[]; errorCounts: number[] }> => {
      const store = await openPostgresStore(url, { readOnly: true });
      try {
        const links = (await store.listHeads()).map((h) => h.link ?? '');
        const errorCounts = [...(await store.getSourceStates()).values()].map((s) => s.consecutiveErrors ?? 0);
        return { links, errorCounts };
      } finally {
        await store.close();
      }
    };

    await waitFor('serving', () => output.includes('"msg":"serving"'), 60_000);
    const base = (JSON.parse(output.split('\n').find((l) => l.includes('"msg":"serving"'))!) as { url: string }).url;
    await waitFor('the first cycle to store every article', async () => (await stored()).links.length === SOURCES * 3, 60_000);
    await waitFor('the first publication', async () => (await (await get(`${base}/feed.xml`)).text()).includes('ausfall-3.example.test'), 30_000);
    const before = await get(`${base}/feed.xml`);
    const beforeBody = await before.text();
    expect((await get(`${base}/healthz`)).status).toBe(200);

    await pgc.cluster.pause();
    const pausedAt = Date.now();
    items = 5; // the sources publish while the database is away
    let unreachableSeenAt: number | undefined;
    let health: { status: string; store: { error: string | null; database: string | null } } | undefined;
    while (Date.now() - pausedAt < OUTAGE_MS) {
      const feed = await get(`${base}/feed.xml`);
      expect(feed.status).toBe(200);
      expect(await feed.text()).toBe(beforeBody);
      expect(feed.headers.get('etag')).toBe(before.headers.get('etag'));
      const res = await get(`${base}/healthz`);
      if (res.status === 503) {
        unreachableSeenAt ??= Date.now();
        health = (await res.json()) as typeof health;
      } else await res.body?.cancel();
      await sleep(500);
    }
    expect(unreachableSeenAt, `/healthz never said 503 during a ${OUTAGE_MS / 1000} s outage`).toBeDefined();
    expect(unreachableSeenAt! - pausedAt).toBeLessThan(12_000);
    expect(health!.status).toBe('error');
    // error: the first failure seen (the health check, or a cycle that met the database gone); database: the last check.
    expect(health!.store.error).toMatch(/failed on database "serveout_\d+_\d+" on 127\.0\.0\.1:\d+/);
    expect(health!.store.database).toMatch(/health check failed on database "serveout_\d+_\d+" on 127\.0\.0\.1:\d+/);
    // Polling paused: not one source fetched once the daemon knew (fetched articles could not have been stored).
    expect(requestTimes.filter((t) => t > unreachableSeenAt!)).toEqual([]);
    expect(output).toContain('database unreachable: serving from memory, polls paused');

    const resumedAt = Date.now();
    await pgc.cluster.resume();
    await waitFor('polling to resume and store the new articles', async () => (await stored()).links.length >= SOURCES * 5, 120_000);
    await waitFor('the new articles in the feed', async () => (await (await get(`${base}/feed.xml`)).text()).includes('artikel/4'), 30_000);
    const after = await stored();
    const expected = sources.flatMap((_, n) => Array.from({ length: 5 }, (_, i) => `https://ausfall-${n}.example.test/artikel/${i}`));
    expect(after.links.sort()).toEqual(expected.sort());
    // No source backed off or marked failing for the database's outage.
    expect(after.errorCounts).toEqual(sources.map(() => 0));
    expect(requestTimes.filter((t) => t > resumedAt).length).toBeGreaterThanOrEqual(SOURCES);
    await waitFor('/healthz to be 200 again', async () => (await get(`${base}/healthz`)).status === 200, 15_000);
    expect(output).toContain('database reachable again: polls resume');

    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child!.once('exit', (c) => resolve(c)));
    expect(code).toBe(0);
  }, 300_000);
});

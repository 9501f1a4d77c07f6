/**
 * Two real `serve` replicas (the CLI as child processes, DATABASE_URL set)
 * against one throwaway PostgreSQL database and a fixture feed server on
 * 127.0.0.1: both poll at start, at the same moment, and every source must be
 * fetched exactly once, its articles stored once.
 *
 * A replica killed with SIGKILL mid-cycle loses nothing: its leases keep the
 * other replica off those sources until they expire, then it polls them.
 *
 * Once caught up, both replicas answer every route with the same body, ETag
 * and Last-Modified: after the first polls, after a rules edit on both, and
 * after a new source's articles arrived through one of them; and on each
 * replica Last-Modified never runs backwards and moves when the body does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { CLI, cleanEnv, makeTempDir, renderTestConfig } from '../../helpers/cli.js';
import { postgresAvailable, usePostgresCluster } from '../../helpers/postgres.js';

const SOURCES = 12;
const ITEMS = 5;
const ROUTES = [
  '/',
  '/sources.opml',
  ...['/feed', '/topics/kernel', '/topics/containers', '/topics/hosting'].flatMap((base) => ['xml', 'atom', 'json'].map((ext) => `${base}.${ext}`)),
];

interface Answer {
  body: string;
  etag: string | null;
  lastModified: string | null;
}

function rssOf(n: number): string {
  const items = Array.from({ length: ITEMS }, (_, i) => {
    const date = new Date(Date.UTC(2026, 10, 30, 12, n, i)).toUTCString();
    return `<item><title>Linux-Kernel ${n}.${i}: neuer Treiber für Container-Hosts</title>
      <link>https://quelle-${n}.example.test/artikel/${i}</link><guid>q${n}-a${i}</guid><pubDate>${date}</pubDate>
      <description>Der Linux-Kernel bringt neue Funktionen für Container und Hosting.</description></item>`;
  }).join('');
  return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Quelle ${n}</title>
    <link>https://quelle-${n}.example.test/</link><description>Test</description>${items}</channel></rss>`;
}

describe.runIf(postgresAvailable())('two serve replicas on one database', () => {
  const pgc = usePostgresCluster();
  const requests = new Map<string, number>();
  const requestTimes = new Map<string, number[]>();
  const held: import('node:http').ServerResponse[] = [];
  let holdKillFeeds = true;
  let feeds: Server;
  let feedsUrl: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    feeds = createServer((req, res) => {
      requests.set(req.url!, (requests.get(req.url!) ?? 0) + 1);
      requestTimes.set(req.url!, [...(requestTimes.get(req.url!) ?? []), Date.now()]);
      const kill = /^\/kill-(\d+)\.xml$/.exec(req.url ?? '');
      if (kill) {
        // Until the first replica is killed, its requests hang: it dies in the middle of its cycle.
        if (holdKillFeeds) return void held.push(res);
        return void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssOf(100 + Number(kill[1])));
      }
      const n = Number(/^\/feed-(\d+)\.xml$/.exec(req.url ?? '')?.[1] ?? NaN);
      if (!Number.isInteger(n)) return void res.writeHead(404).end();
      // Slow enough that the two replicas' first cycles overlap.
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssOf(n)), 200);
    });
    await new Promise<void>((resolve) => feeds.listen(0, '127.0.0.1', resolve));
    feedsUrl = `http://127.0.0.1:${(feeds.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    for (const res of held) res.destroy();
    feeds.closeAllConnections();
    await new Promise<void>((resolve) => feeds.close(() => resolve()));
  });
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });

  function startReplica(
    databaseUrl: string,
    sources = Array.from({ length: SOURCES }, (_, n) => ({ name: `Quelle ${n}`, url: `${feedsUrl}/feed-${n}.xml` })),
    extra = '',
  ): { child: ChildProcess; output: () => string; config: string } {
    const dir = makeTempDir('feedkurator-replica-');
    const config = path.join(dir, 'feedkurator.yaml');
    writeFileSync(config, renderTestConfig(dir, sources, extra));
    const child = spawn(process.execPath, [CLI, 'serve', '--config', config], {
      cwd: dir,
      env: cleanEnv({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'info' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d));
    children.push(child);
    return { child, output: () => output, config };
  }

  it('fetches every source once between them and stores every article once', async () => {
    const url = await pgc.cluster.createDatabase('replicas');
    const replicas = [startReplica(url), startReplica(url)];
    const deadline = Date.now() + 90_000;
    let done = false;
    while (!done) {
      for (const r of replicas) if (r.child.exitCode !== null) throw new Error(`a replica exited early: ${r.output()}`);
      if (Date.now() > deadline) throw new Error(`replicas did not finish their first cycle: ${replicas.map((r) => r.output()).join('\n---\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
      const cycles = replicas.map((r) => r.output().split('\n').filter((l) => l.includes('"poll cycle finished"')).length);
      done = cycles.every((c) => c >= 1) && [...requests.values()].reduce((a, b) => a + b, 0) >= SOURCES;
    }
    const store = await openPostgresStore(url, { readOnly: true });
    try {
      expect(await store.countArticles()).toBe(SOURCES * ITEMS);
      const heads = await store.listHeads();
      expect(new Set(heads.map((h) => h.id)).size).toBe(SOURCES * ITEMS);
      expect((await store.getSourceStates()).size).toBe(SOURCES);
    } finally {
      await store.close();
    }
    // The two first cycles split the sources: what one polled, the other skipped as leased.
    const firstCycles = replicas.map((r) => {
      const line = r.output().split('\n').find((l) => l.includes('"poll cycle finished"'))!;
      return JSON.parse(line) as { ok: number; skipped: number; new: number; sources: number };
    });
    expect(firstCycles.map((c) => c.sources)).toEqual([SOURCES, SOURCES]);
    expect(firstCycles[0]!.ok + firstCycles[1]!.ok).toBe(SOURCES);
    expect(firstCycles[0]!.new + firstCycles[1]!.new).toBe(SOURCES * ITEMS);
    for (const cycle of firstCycles) expect(cycle.ok + cycle.skipped).toBe(SOURCES);
    // Each source fetched exactly once by the two replicas together.
    expect(Object.fromEntries(requests)).toEqual(Object.fromEntries(Array.from({ length: SOURCES }, (_, n) => [`/feed-${n}.xml`, 1])));

    // Each replica learns the other's articles (LISTEN/NOTIFY): once caught up, both publish the same bytes and ETag.
    const urls = replicas.map((r) => {
      const line = r.output().split('\n').find((l) => l.includes('"msg":"serving"'))!;
      return (JSON.parse(line) as { url: string }).url;
    });
    const all = Array.from({ length: SOURCES }, (_, n) => n);
    const first = await caughtUp(urls, (a) => hasSources(a, all));
    expect(hasSources(first, all)).toBe(true);

    // A rules edit on both replicas (a topic's title: every feed carrying that topic changes).
    for (const r of replicas) writeFileSync(r.config, readFileSync(r.config, 'utf8').replace('title: Kernel\n', 'title: Linux-Kernel\n'));
    const edited = await caughtUp(urls, (a) => a.get('/feed.json')!.body.includes('Linux-Kernel"'));
    expect(edited.get('/feed.json')!.body).toContain('"Linux-Kernel"');
    expectForward(first, edited);

    // New articles through one replica (a source added on both; one fetches it), learnt by the other.
    const added = { name: 'Quelle neu', url: `${feedsUrl}/feed-50.xml` };
    for (const r of replicas) {
      const text = readFileSync(r.config, 'utf8');
      writeFileSync(r.config, `${text}  - name: ${JSON.stringify(added.name)}\n    url: ${JSON.stringify(added.url)}\n`);
    }
    const grown = await caughtUp(urls, (a) => hasSources(a, [...all, 50]));
    expect(hasSources(grown, [...all, 50])).toBe(true);
    expect(requests.get('/feed-50.xml')).toBe(1);
    expectForward(edited, grown);
    for (const r of replicas) expect(r.child.exitCode).toBeNull();
  }, 200_000);

  /** Every route of both replicas; resolves once they agree on every byte and validator and `ready` holds (or after 30 s). */
  async function caughtUp(urls: string[], ready: (answers: Map<string, Answer>) => boolean): Promise<Map<string, Answer>> {
    const until = Date.now() + 30_000;
    for (;;) {
      const [a, b] = await Promise.all(urls.map((u) => fetchRoutes(u)));
      const same = ROUTES.every((route) => JSON.stringify(a!.get(route)) === JSON.stringify(b!.get(route)));
      if ((same && ready(a!)) || Date.now() > until) {
        for (const route of ROUTES) {
          expect({ route, ...b!.get(route)! }).toEqual({ route, ...a!.get(route)! });
          expect(a!.get(route)!.etag).toMatch(/^"/);
          expect(a!.get(route)!.lastModified).toMatch(/GMT$/);
        }
        return a!;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  async function fetchRoutes(base: string): Promise<Map<string, Answer>> {
    const answers = new Map<string, Answer>();
    for (const route of ROUTES) {
      const res = await fetch(`${base}${route}`, { headers: { 'accept-encoding': 'identity' } });
      expect(res.status, route).toBe(200);
      answers.set(route, { body: await res.text(), etag: res.headers.get('etag'), lastModified: res.headers.get('last-modified') });
    }
    return answers;
  }

  /** The main feed shows these fixture sources' articles (as entries, or as another outlet of one). */
  function hasSources(answers: Map<string, Answer>, sources: number[]): boolean {
    const body = answers.get('/feed.json')!.body;
    return sources.every((n) => body.includes(`quelle-${n}.example.test`));
  }

  /** Last-Modified never runs backwards, and moves on when the body changed. */
  function expectForward(before: Map<string, Answer>, after: Map<string, Answer>): void {
    for (const route of ROUTES) {
      const [was, now] = [before.get(route)!, after.get(route)!];
      const [t0, t1] = [Date.parse(was.lastModified!), Date.parse(now.lastModified!)];
      if (was.etag === now.etag) expect({ route, t1 }).toEqual({ route, t1: t0 });
      else expect(t1, `${route}: Last-Modified after the body changed`).toBeGreaterThan(t0);
    }
  }

  it('loses nothing when a replica is killed mid-cycle: the other polls its sources once the leases expire', async () => {
    const url = await pgc.cluster.createDatabase('killed');
    const sources = Array.from({ length: 6 }, (_, n) => ({ name: `Kill ${n}`, url: `${feedsUrl}/kill-${n}.xml` }));
    // A cycle every 5 s; the pipeline leases a source for 2 × fetch.timeoutSeconds (5 s) + 60 s.
    const schedule = 'schedule: "*/5 * * * * *"';
    const first = startReplica(url, sources, schedule);
    const waitUntil = async (what: string, check: () => boolean | Promise<boolean>, ms: number): Promise<void> => {
      const deadline = Date.now() + ms;
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${first.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    // The host limiter lets 2 requests per host run at once: with those 2 hanging, the
    // replica is mid-cycle, all 6 sources leased, 4 not even requested yet.
    await waitUntil('the first replica to start fetching', () => held.length >= 2, 60_000);
    first.child.kill('SIGKILL');
    const killedAt = Date.now();
    holdKillFeeds = false;
    const second = startReplica(url, sources, schedule);
    const store = await openPostgresStore(url);
    try {
      await waitUntil('the second replica to poll the dead one\'s sources', async () => (await store.countArticles()) === sources.length * ITEMS, 150_000);
      expect(second.child.exitCode).toBeNull();
      expect(new Set((await store.listHeads()).map((h) => h.id)).size).toBe(sources.length * ITEMS);
      expect((await store.getSourceStates()).size).toBe(sources.length);
    } finally {
      await store.close();
    }
    const after = sources.map((source) => (requestTimes.get(new URL(source.url).pathname) ?? []).filter((t) => t > killedAt));
    // Every source polled again, by the other replica, and not before the dead one's lease ran out
    // (2 × 5 s + 60 s from its cycle's start, a few seconds before the kill).
    for (const times of after) {
      expect(times.length).toBeGreaterThanOrEqual(1);
      expect(times[0]! - killedAt).toBeGreaterThanOrEqual(50_000);
    }
    const repolledAfterMs = Math.min(...after.map((t) => t[0]!)) - killedAt;
    console.log(`sources of the killed replica polled again ${(repolledAfterMs / 1000).toFixed(1)} s after its death`);
  }, 240_000);
});


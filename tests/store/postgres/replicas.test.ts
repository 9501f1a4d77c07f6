/**
 * Two real `serve` replicas (the CLI as child processes, DATABASE_URL set)
 * against one throwaway PostgreSQL database and a fixture feed server on
 * 127.0.0.1: both poll at start, at the same moment, and every source must be
 * fetched exactly once, its articles stored once.
 *
 * Still to come (needs the daemon to follow watch('articles')): comparing
 * both replicas' /feed.xml byte for byte once caught up, and a replica killed
 * with SIGKILL mid-cycle (with a lease short enough for a test).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { CLI, cleanEnv, makeTempDir, renderTestConfig } from '../../helpers/cli.js';
import { postgresAvailable, usePostgresCluster } from '../../helpers/postgres.js';

const SOURCES = 12;
const ITEMS = 5;

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
  let feeds: Server;
  let feedsUrl: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    feeds = createServer((req, res) => {
      requests.set(req.url!, (requests.get(req.url!) ?? 0) + 1);
      const n = Number(/^\/feed-(\d+)\.xml$/.exec(req.url ?? '')?.[1] ?? NaN);
      if (!Number.isInteger(n)) return void res.writeHead(404).end();
      // Slow enough that the two replicas' first cycles overlap.
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssOf(n)), 200);
    });
    await new Promise<void>((resolve) => feeds.listen(0, '127.0.0.1', resolve));
    feedsUrl = `http://127.0.0.1:${(feeds.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => feeds.close(() => resolve())));
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });

  function startReplica(databaseUrl: string): { child: ChildProcess; output: () => string } {
    const dir = makeTempDir('feedkurator-replica-');
    const sources = Array.from({ length: SOURCES }, (_, n) => ({ name: `Quelle ${n}`, url: `${feedsUrl}/feed-${n}.xml` }));
    const config = path.join(dir, 'feedkurator.yaml');
    writeFileSync(config, renderTestConfig(dir, sources));
    const child = spawn(process.execPath, [CLI, 'serve', '--config', config], {
      cwd: dir,
      env: cleanEnv({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'info' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d));
    children.push(child);
    return { child, output: () => output };
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
  }, 150_000);
});

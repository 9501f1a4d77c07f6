/**
 * kill -9 at random moments: a child process polls a fixture feed server and
 * flushes the store after every cycle (new articles land in a segment of
 * their own "day"); the test SIGKILLs it after a random number of completed
 * cycles plus a random delay (often in the middle of a flush, which writes a
 * journal file and, every other cycle, runs a compaction step), several
 * times on the same store (then again with each cycle's day written while
 * its sources merge: segment-stream.ts). Every time every file must parse, the store must
 * hold at least the last cycle the child reported as written, every article
 * with its content, and the next process must take the stale lock over.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openJsonStore } from '../../src/store/json/json-store.js';
import type { NormalizedItem } from '../../src/types.js';
import { makeItem } from '../dedupe/make-item.js';
import { startChild } from './helpers/child.js';
import { merge } from './helpers/store-test-kit.js';

const ROUNDS = 8;
let server: Server;
let feedUrl: string;
let dir: string;
let requests = 0;

/** Each poll lists 20 items, 5 of them new: like a busy news feed. */
function feedItems(n: number): NormalizedItem[] {
  return Array.from({ length: 20 }, (_, k) => {
    const i = n * 5 + k;
    return makeItem({ link: `https://www.heise.de/news/meldung-${i}.html`, guid: `heise-${i}`, title: `Meldung ${i}` });
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fk-crash-'));
  server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(feedItems(requests++)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  feedUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.json`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('kill -9 during polling', () => {
  it(`leaves a parseable store with every completed cycle, ${ROUNDS} times in a row`, { timeout: 240_000 }, async () => {
    const { streamed } = await killRounds(join(dir, 'plain'), undefined);
    expect(streamed).toBe(0);
  });

  it(`does so too when each cycle's day is written while its sources merge, ${ROUNDS} times in a row`, { timeout: 240_000 }, async () => {
    const { streamed } = await killRounds(join(dir, 'stream'), 'stream');
    // The rounds did stream (a cycle that reached its flush had its temp file): the kills hit that path.
    expect(streamed).toBeGreaterThan(0);
  });
});

async function killRounds(storeDir: string, mode: 'stream' | undefined): Promise<{ streamed: number }> {
  const file = join(storeDir, 'feedkurator.json');
  // A store of realistic size, so that writes take long enough to be hit.
  const seed = await openJsonStore(file);
  await merge(
    seed,
    'seed',
    Array.from({ length: 4_000 }, (_, i) => makeItem({ link: `https://www.golem.de/news/a-${i}.html`, guid: `g${i}`, content: `<p>${'Kernel '.repeat(100)}</p>` })),
  );
  await seed.flush();
  await seed.close();

  let killedMidWrite = 0;
  let journalSeen = 0;
  let cyclesSeen = 0;
  let streamed = 0;
  let elapsed = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const t0 = Date.now();
    const child = startChild('crash-writer.ts', [file, feedUrl, ...(mode ? [mode] : [])]);
    const cycles = 1 + Math.floor(Math.random() * 4);
    await child.waitForLine(new RegExp(`^done ${cycles} `), 30_000);
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 60));
    child.proc.kill('SIGKILL');
    await child.exited;

    const done = child.lines.filter((l) => l.startsWith('done '));
    const [, , count, finishedAt] = done.at(-1)!.split(' ');
    if (child.lines.at(-1)!.startsWith('writing')) killedMidWrite++;
    streamed += child.lines.filter((l) => l.startsWith('streaming ')).length;

    // Every file parses (segments, journal files, manifest, backups).
    for (const name of await readdir(storeDir)) {
      if (!name.endsWith('.json') && !name.endsWith('.bak')) continue;
      JSON.parse(await readFile(join(storeDir, name), 'utf8'));
    }
    if ((await readdir(storeDir)).some((n) => n.includes('.journal-'))) journalSeen++;

    // The next process takes the dead child's lock over: segments plus journal hold every
    // article of every completed cycle, each with its content.
    const store = await openJsonStore(file);
    expect((await store.getLastCycle())!.finishedAt >= finishedAt!).toBe(true);
    const heads = await store.listHeads();
    expect(heads.length).toBeGreaterThanOrEqual(Number(count));
    const articles = await store.getArticles(heads.map((h) => h.id));
    expect(articles).toHaveLength(heads.length);
    expect(articles.filter((a) => a.content === '')).toEqual([]);
    // A temp file the kill left is gone once the store is open again.
    expect((await readdir(storeDir)).filter((n) => n.endsWith('.tmp') && n.includes('.articles-'))).toEqual([]);
    await store.close();
    cyclesSeen += done.length;
    elapsed += Date.now() - t0;
  }
  console.info(
    `kill -9${mode ? ` (${mode})` : ''}: ${ROUNDS} rounds, ${cyclesSeen} completed cycles, ${killedMidWrite} kills during a write, ${journalSeen} with journal files, ${streamed} cycles streamed, ${elapsed} ms; store intact every time`,
  );
  return { streamed };
}

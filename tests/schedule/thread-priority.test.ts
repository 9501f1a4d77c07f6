/**
 * Background threads at a lower priority, on Linux where the nice value is
 * per thread: a worker lowers itself and nobody else; a thread is never
 * raised; the daemon's read pool runs its workers at the nice value it was
 * given while the calling thread keeps its own. Read from /proc, not from
 * the code under test.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { createFeedReader, type FeedReader } from '../../src/read/feed-reader.js';
import { currentThreadId, lowerThreadPriority } from '../../src/schedule/thread-priority.js';
import { readFixtureBytes } from '../parse/run-fixture.js';

const LINUX = existsSync('/proc/thread-self');
const FEED = 'german-dates.xml';

/** Field 19 of /proc/<pid>/task/<tid>/stat; the command name (field 2) may hold spaces, so count after its ')'. */
function niceOf(tid: number): number {
  const stat = readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

function threadNices(): Map<number, number> {
  const nices = new Map<number, number>();
  for (const name of readdirSync(`/proc/${process.pid}/task`)) {
    try {
      nices.set(Number(name), niceOf(Number(name)));
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return nices;
}

type Outcome = ReturnType<typeof lowerThreadPriority>;

/** Call `lowerThreadPriority` with each value in turn in one fresh worker thread; read its nice value from /proc while it is alive. */
async function lowerInWorker(...values: number[]): Promise<{ outcomes: Outcome[]; nice: number }> {
  const url = new URL('../../src/schedule/thread-priority.ts', import.meta.url).href;
  const code = `
    const { parentPort } = require('node:worker_threads');
    import('tsx/esm/api').then(({ register }) => (register(), import(${JSON.stringify(url)}))).then((m) => {
      parentPort.postMessage(${JSON.stringify(values)}.map((value) => m.lowerThreadPriority(value)));
      parentPort.once('message', () => process.exit(0));
    });`;
  const worker = new Worker(code, { eval: true });
  const outcomes = await new Promise<Outcome[]>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', resolve);
  });
  const last = outcomes.at(-1)!;
  const nice = last.lowered ? niceOf(last.tid) : NaN;
  worker.postMessage('stop');
  await new Promise((done) => worker.once('exit', done));
  return { outcomes, nice };
}

describe.skipIf(!LINUX)('thread priority (Linux: per-thread nice values)', () => {
  const own = LINUX ? niceOf(currentThreadId()!) : 0;
  const target = Math.min(19, own + 5);
  const readers: FeedReader[] = [];
  afterAll(async () => {
    await Promise.all(readers.map((r) => r.close()));
  });

  it('knows the calling thread: the main thread of a process is the process', () => {
    expect(currentThreadId()).toBe(process.pid);
  });

  it('lowers a worker thread and leaves the thread that started it alone', async () => {
    const { outcomes, nice } = await lowerInWorker(target);
    expect(outcomes).toEqual([{ lowered: true, tid: expect.any(Number), niceness: target }]);
    expect(outcomes[0]!.lowered && outcomes[0]!.tid).not.toBe(process.pid);
    expect(nice).toBe(target);
    expect(niceOf(process.pid)).toBe(own);
  });

  it('never raises a thread: asking for a higher priority later keeps the lower one', async () => {
    const { outcomes, nice } = await lowerInWorker(target, own);
    expect(outcomes.map((o) => o.lowered && o.niceness)).toEqual([target, target]);
    expect(nice).toBe(target);
  });

  it('runs the read pool at the nice value it was given, the calling thread at its own', async () => {
    const before = threadNices();
    const reader = createFeedReader({ threads: 1, niceness: target });
    readers.push(reader);
    const feed = await reader.read(readFixtureBytes(FEED), 'application/rss+xml', 'http://127.0.0.1/feed.xml', new Date('2026-12-01T00:00:00Z'));
    expect(feed.items.length).toBeGreaterThan(0);
    const lowered = [...threadNices()].filter(([tid, nice]) => nice === target && before.get(tid) !== target);
    // Exactly the one worker thread that read the feed; V8's and libuv's threads keep theirs.
    expect(lowered).toHaveLength(1);
    expect(niceOf(process.pid)).toBe(own);
  });

  it('a reader without a nice value leaves every thread at the process priority', async () => {
    const reader = createFeedReader({ threads: 1 });
    readers.push(reader);
    const before = threadNices();
    await reader.read(readFixtureBytes(FEED), 'application/rss+xml', 'http://127.0.0.1/feed.xml', new Date('2026-12-01T00:00:00Z'));
    const changed = [...threadNices()].filter(([tid, nice]) => nice !== own && !before.has(tid));
    expect(changed).toEqual([]);
  });
});

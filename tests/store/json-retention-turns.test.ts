/**
 * The JSON store's retention walks every head after each poll, and the
 * journal write follows it: in one piece they held `serve` 10–24 ms of a
 * poll (session 8). Told by the event loop's iterations (a setImmediate
 * ticker, as in take-turn.test.ts) and by the heads' own reads: every head's
 * `published` is read by the scan, and each journaled head by the flush.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { selectExpired } from '../../src/dedupe/retention.js';
import { openJsonStore } from '../../src/store/json/json-store.js';
import type { Store } from '../../src/store/store-api.js';
import type { ArticleHead } from '../../src/types.js';
import { makeItem } from '../dedupe/make-item.js';
import { merge } from './helpers/store-test-kit.js';
import { countLoopIterations } from '../helpers/loop-iterations.js';

const DAY = new Date('2026-11-20T10:00:00Z');
const LIMITS = { retentionDays: 60, maxItems: 100_000 };
/** The scan's step (retention.ts SCAN_STEP): the most heads one turn may read with a slice of 0 ms. */
const SCAN_STEP = 512;

let dir: string;
let store: Store;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fk-retention-turns-'));
  // A slice of 0 ms: a turn at every step, so what runs in one turn is the work of one step.
  store = await openJsonStore(join(dir, 'feedkurator.json'), { sliceMs: 0 });
});
afterEach(async () => {
  await store.close().catch(() => {});
  await rm(dir, { recursive: true, force: true });
});

/** `count` articles, the first `expired` of them published before the retention window. */
async function fill(count: number, expired: number): Promise<void> {
  const items = Array.from({ length: count }, (_, n) =>
    makeItem({ link: `https://x.example/${n}`, guid: `${n}`, title: `Artikel ${n}`, published: n < expired ? '2026-01-01T00:00:00.000Z' : '2026-11-19T00:00:00.000Z' }),
  );
  await merge(store, 's', items, DAY);
  await store.flush();
}

/** Counts iterations of the event loop, and notes in which one each head's `published` is read, by whom. */
function watchReads(heads: readonly ArticleHead[]): { reads: [phase: string, iteration: number][]; setPhase: (p: string) => void; stop: () => void } {
  const loop = countLoopIterations();
  const reads: [string, number][] = [];
  let phase = '';
  for (const head of heads) {
    const value = head.published;
    Object.defineProperty(head, 'published', {
      get: () => (reads.push([phase, loop.count]), value),
      enumerable: true,
      configurable: true,
    });
  }
  return { reads, setPhase: (p) => (phase = p), stop: loop.stop };
}

function perIteration(reads: [string, number][], phase: string): Map<number, number> {
  const counts = new Map<number, number>();
  for (const [p, at] of reads) if (p === phase) counts.set(at, (counts.get(at) ?? 0) + 1);
  return counts;
}

describe('retention and the journal write of a poll take turns with the event loop', () => {
  it('the scan reads at most one step of heads per turn, and the journal write starts in a turn of its own', async () => {
    await fill(3_000, 0);
    // A poll's new articles: in the journal, written by the next flush.
    await merge(store, 's', Array.from({ length: 40 }, (_, n) => makeItem({ link: `https://y.example/${n}`, guid: `y${n}`, title: `Neu ${n}` })), DAY);
    const watch = watchReads(await store.listHeads());
    watch.setPhase('retention');
    // Nothing expired: the scan is all retention does (a poll whose articles are all recent).
    expect(await store.applyRetention(LIMITS, DAY)).toEqual({ dropped: 0 });
    watch.setPhase('flush');
    await store.flush();
    watch.stop();

    const scan = perIteration(watch.reads, 'retention');
    expect([...scan.values()].reduce((a, b) => a + b, 0)).toBe(3_040);
    expect(Math.max(...scan.values())).toBeLessThanOrEqual(SCAN_STEP);
    expect(scan.size).toBeGreaterThanOrEqual(Math.ceil(3_040 / SCAN_STEP));
    const journal = perIteration(watch.reads, 'flush');
    expect(journal.size).toBeGreaterThan(0);
    // The flush's first turn is not the scan's last one.
    expect(Math.min(...journal.keys())).toBeGreaterThan(Math.max(...scan.keys()));
  });

  it('drops the same articles as selectExpired in one piece, in any number of turns', async () => {
    await fill(2_000, 300);
    const heads = await store.listHeads();
    const expected = selectExpired(heads, { ...LIMITS, maxItems: 1_500 }, DAY);
    expect(expected).toHaveLength(500);
    const watch = watchReads(heads);
    watch.setPhase('retention');
    expect(await store.applyRetention({ ...LIMITS, maxItems: 1_500 }, DAY)).toEqual({ dropped: 500 });
    watch.stop();
    // In turns (the oldest beyond maxItems are found in steps too; their comparisons read a head more than once).
    expect(perIteration(watch.reads, 'retention').size).toBeGreaterThanOrEqual(Math.ceil(2_000 / SCAN_STEP));
    const left = new Set((await store.listHeads()).map((h) => h.id));
    expect(expected.filter((id) => left.has(id))).toEqual([]);
    expect(left.size).toBe(1_500);
    expect([...(await store.listRetired()).keys()].sort()).toEqual([...expected].sort());
  });
});

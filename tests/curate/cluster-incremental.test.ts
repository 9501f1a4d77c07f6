/**
 * Clustering as a daemon does it, rebuild after rebuild, gives exactly the
 * clusters a clustering from scratch gives: random sequences of articles
 * added, removed and changed (retitled, rewritten, moved in time, a new source), each
 * followed by a rebuild. The incremental side keeps what a running daemon
 * keeps between rebuilds: the worker thread's held articles (later tasks
 * name the unchanged ones by id), the worker's state driven directly the
 * same way, the words read per article object, the calling thread's
 * clusterer with its inputs per head. The reference clusters fresh copies of
 * the same articles.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ClusterState, clusterInput, type ClusterTask } from '../../src/curate/cluster-task.js';
import { createStoryClusterer } from '../../src/curate/story-clusterer.js';
import { clusterStories } from '../../src/dedupe/story-clusters.js';
import type { ArticleHead, StoredArticle } from '../../src/types.js';
import { loadPairs, toArticle } from '../dedupe/story-pairs.js';

// Labelled teaser pairs: same-story pairs of different outlets, so that clusters of two and more form.
const pool: StoredArticle[] = loadPairs()
  .slice(0, 40)
  .flatMap((pair, i) => [toArticle(pair.a, `pair:${i}:a`), toArticle(pair.b, `pair:${i}:b`)])
  .map((a, i) => ({ ...a, content: i % 3 === 0 ? `<p>${a.summary}</p><p>Weitere Details folgen.</p>` : '' }));

type Op =
  | { kind: 'add'; pick: number }
  | { kind: 'addPair'; pick: number }
  | { kind: 'remove'; pick: number }
  | { kind: 'retitle'; pick: number }
  | { kind: 'rewrite'; pick: number; from: number }
  | { kind: 'move'; pick: number; hours: number }
  | { kind: 'source'; pick: number; source: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('add' as const), pick: fc.nat(pool.length - 1) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('addPair' as const), pick: fc.nat(pool.length / 2 - 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), pick: fc.nat(200) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('retitle' as const), pick: fc.nat(200) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('rewrite' as const), pick: fc.nat(200), from: fc.nat(pool.length - 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('move' as const), pick: fc.nat(200), hours: fc.integer({ min: -100, max: 100 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('source' as const), pick: fc.nat(200), source: fc.nat(3) }) },
);

function ids(clusters: readonly { lead: { id: string } | string; others: readonly ({ id: string } | string)[] }[]): string[][] {
  const id = (x: { id: string } | string): string => (typeof x === 'string' ? x : x.id);
  return clusters.map((c) => [id(c.lead), ...c.others.map(id)]);
}

/** A fresh deep copy: nothing cached on it. */
function fresh(a: StoredArticle): StoredArticle {
  return structuredClone(a);
}

/** Apply one change to the current articles (in window order: newest first), as a poll or retention would. */
function apply(current: StoredArticle[], o: Op, step: number): StoredArticle[] {
  if (o.kind === 'add' || o.kind === 'addPair') {
    const added = o.kind === 'add' ? [pool[o.pick]!] : [pool[2 * o.pick]!, pool[2 * o.pick + 1]!];
    return [...current, ...added.filter((a) => !current.some((x) => x.id === a.id))];
  }
  if (current.length === 0) return current;
  const at = o.pick % current.length;
  const old = current[at]!;
  const next = [...current];
  if (o.kind === 'remove') next.splice(at, 1);
  else if (o.kind === 'retitle') next[at] = { ...old, title: `${old.title} (Update ${step})`, contentHash: `${old.contentHash}+${step}` };
  // The text of another report (a corrected or reused item): other words, likely other partners.
  else if (o.kind === 'rewrite') next[at] = { ...old, title: pool[o.from]!.title, summary: pool[o.from]!.summary, contentHash: `${old.contentHash}~${step}` };
  else if (o.kind === 'move') next[at] = { ...old, published: new Date(Date.parse(old.published) + o.hours * 3_600_000).toISOString() };
  else next[at] = { ...old, sources: [...old.sources, { name: `Agentur ${o.source}`, firstSeen: old.firstSeen }], contentHash: `${old.contentHash}#${step}` };
  return next;
}

describe('incremental story clustering', () => {
  // One worker for the whole property, as a daemon keeps one across rebuilds (and across the sequences here).
  const pooled = createStoryClusterer({ idleTimeoutMs: 600_000 });
  afterAll(() => pooled.close());

  it('gives the clusters of a clustering from scratch after every change of a random sequence', async () => {
    let formed = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        const worker = new ClusterState();
        const inThread = createStoryClusterer({ threads: 0 });
        // The pooled clusterer's bookkeeping: the heads the worker holds, by id.
        let held = new Map<string, ArticleHead>();
        const heads = new WeakMap<StoredArticle, { head: ArticleHead; content: string }>();
        const inputOf = (a: StoredArticle): { head: ArticleHead; content: string } => {
          let input = heads.get(a);
          if (!input) {
            const { content, ...head } = a;
            heads.set(a, (input = { head, content }));
          }
          return input;
        };
        let current: StoredArticle[] = [];
        for (const [step, o] of ops.entries()) {
          current = apply(current, o, step);
          const expected = ids(clusterStories(current.map(fresh)));
          const inputs = current.map(inputOf);
          const task: ClusterTask = { articles: inputs.map(({ head, content }) => (held.get(head.id) === head ? head.id : clusterInput(head, content))) };
          const outcome = worker.run(task);
          if (!outcome.ok) throw new Error(JSON.stringify(outcome));
          held = new Map(inputs.map(({ head }) => [head.id, head]));
          expect(ids(outcome.clusters)).toEqual(expected);
          expect(ids(await inThread.cluster(inputs))).toEqual(expected);
          expect(ids(await pooled.cluster(inputs))).toEqual(expected);
          formed += expected.filter((c) => c.length > 1).length;
        }
      }),
      { numRuns: 60, seed: 11 },
    );
    // The property is about real clusters, not only singletons.
    expect(formed).toBeGreaterThan(50);
    expect(pooled.describe()).toBe('a worker thread');
  }, 180_000);
});

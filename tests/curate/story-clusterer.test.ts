/**
 * Story clustering in the worker thread gives the clusters clusterStories
 * gives in the calling thread, also when later calls send only the changed
 * articles, and falls back to the calling thread when the worker cannot run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { clusterStories } from '../../src/dedupe/story-clusters.js';
import { ClusterState, HOLD_PART } from '../../src/curate/cluster-task.js';
import { createStoryClusterer, locateClusterWorker, type ClusterIds } from '../../src/curate/story-clusterer.js';
import type { StoredArticle } from '../../src/types.js';
import { loadPairs, toArticle } from '../dedupe/story-pairs.js';

// The labelled teaser pairs, all within one 48-hour window: same-story pairs of different outlets cluster.
const corpus: StoredArticle[] = loadPairs().flatMap((pair, i) => [toArticle(pair.a, `pair:${i}:a`), toArticle(pair.b, `pair:${i}:b`)]);
const dir = mkdtempSync(join(tmpdir(), 'fk-clusterer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expected(articles: readonly StoredArticle[]): ClusterIds[] {
  return clusterStories(articles).map((c) => ({ lead: c.lead.id, others: c.others.map((o) => o.id) }));
}

function asInput(articles: readonly StoredArticle[]): { head: Omit<StoredArticle, 'content'>; content: string }[] {
  return articles.map(({ content, ...head }) => ({ head, content }));
}

describe('story clustering in a worker thread', () => {
  it('finds the entry of the TypeScript sources', () => {
    expect(locateClusterWorker()?.pathname).toMatch(/src\/curate\/cluster-worker-from-source\.mjs$/);
  });

  it('gives the in-thread clusters, first with every article, then with only the changed ones sent', async () => {
    const clusterer = createStoryClusterer();
    try {
      const first = asInput(corpus);
      const clusters = await clusterer.cluster(first);
      expect(clusterer.describe()).toBe('a worker thread');
      expect(clusters).toEqual(expected(corpus));
      expect(clusters.some((c) => c.others.length > 0)).toBe(true);

      // A poll later: some articles gone, one retitled (a new head), the rest the same objects (sent by id).
      const changed = corpus.slice(10).map((a, i) => (i === 3 ? { ...a, title: `${a.title} (aktualisiert)`, contentHash: 'changed' } : a));
      const heads = new Map(first.map((x) => [x.head.id, x]));
      const second = changed.map((a, i) => (i === 3 ? asInput([a])[0]! : heads.get(a.id)!));
      expect(await clusterer.cluster(second)).toEqual(expected(changed));
      expect(clusterer.describe()).toBe('a worker thread');
    } finally {
      await clusterer.close();
    }
  }, 60_000);

  it('sends a window larger than one part in parts, each held by the worker, then clusters it by ids', async () => {
    // Copies of the corpus a week apart (no copy joins another's stories), more articles than one part holds.
    const copies = Math.ceil((2 * HOLD_PART) / corpus.length) + 1;
    const big = Array.from({ length: copies }, (_, k) =>
      corpus.map((a) => {
        const when = new Date(Date.parse(a.published) + k * 7 * 86_400_000).toISOString();
        return { ...a, id: `${a.id}#${k}`, key: `${a.key}#${k}`, published: when, firstSeen: when };
      }),
    ).flat();
    expect(big.length).toBeGreaterThan(2 * HOLD_PART);
    const clusterer = createStoryClusterer();
    try {
      expect(await clusterer.cluster(asInput(big))).toEqual(expected(big));
      expect(clusterer.describe()).toBe('a worker thread');
    } finally {
      await clusterer.close();
    }
  }, 60_000);

  it('the worker side: held parts are known by id to the next task, which then holds only its own articles', () => {
    const state = new ClusterState();
    const half = Math.floor(corpus.length / 2);
    expect(state.run({ articles: corpus.slice(0, half), hold: true })).toEqual({ ok: true, clusters: [] });
    expect(state.run({ articles: corpus.slice(half), hold: true })).toEqual({ ok: true, clusters: [] });
    const byIds = state.run({ articles: corpus.map((a) => a.id) });
    expect(byIds).toEqual({ ok: true, clusters: expected(corpus) });
    // After that run the worker holds what it clustered; an id of neither is missing.
    expect(state.run({ articles: [corpus[0]!.id, 'never-sent'] })).toEqual({ ok: false, missing: ['never-sent'] });
  });

  it('lets the worker exit when idle, then clusters again with every article sent anew', async () => {
    const clusterer = createStoryClusterer({ idleTimeoutMs: 200 });
    try {
      const input = asInput(corpus);
      expect(await clusterer.cluster(input)).toEqual(expected(corpus));
      expect(clusterer.threads()).toBe(1);
      const deadline = Date.now() + 20_000;
      while (clusterer.threads() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(clusterer.threads()).toBe(0);

      // The same head objects as before: a new worker must get them whole, and give the same clusters.
      const later = input.slice(7);
      expect(await clusterer.cluster(later)).toEqual(expected(corpus.slice(7)));
      expect(clusterer.describe()).toBe('a worker thread');
      expect(clusterer.threads()).toBe(1);
    } finally {
      await clusterer.close();
    }
  }, 60_000);

  it('clusters in the calling thread when the worker entry cannot load', async () => {
    const broken = join(dir, 'broken-worker.mjs');
    writeFileSync(broken, 'throw new Error("no worker here");\n');
    const warnings: string[] = [];
    const logger = { warn: (_: unknown, msg: string) => warnings.push(msg), error: () => undefined } as never;
    const clusterer = createStoryClusterer({ workerEntry: pathToFileURL(broken), logger });
    try {
      expect(await clusterer.cluster(asInput(corpus))).toEqual(expected(corpus));
      expect(clusterer.describe()).toMatch(/^in-thread \(the worker failed: .*no worker here/);
      expect(warnings.join('\n')).toMatch(/clustering stories in the main thread from now on/);
    } finally {
      await clusterer.close();
    }
  }, 60_000);

  it('clusters in the calling thread when told to', async () => {
    const clusterer = createStoryClusterer({ threads: 0 });
    expect(await clusterer.cluster(asInput(corpus))).toEqual(expected(corpus));
    expect(clusterer.describe()).toBe('in-thread (configured with 0 threads)');
  });
});

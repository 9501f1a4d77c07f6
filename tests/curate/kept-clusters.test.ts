/**
 * Kept story clusters (kept-clusters.ts): a clusterer offered the result a
 * previous one kept for the same window, day and weights hands it out without
 * clustering, builds its index afterwards (warm), and then extends it exactly
 * as a clusterer that clustered the window itself. A result for another day,
 * other articles, or one that does not cover the window once is refused with
 * its reason and the window is clustered; the file is refused when torn,
 * foreign or written by other clustering code.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { clusteringFingerprint, keptClustersPath, readKeptClusters, windowDigest, writeKeptClusters, type KeptClusters } from '../../src/curate/kept-clusters.js';
import { createStoryClusterer, utcDay, type ClusterInput } from '../../src/curate/story-clusterer.js';
import { hashContent } from '../../src/dedupe/merge-items.js';
import type { StoredArticle } from '../../src/types.js';
import { makeTempDir } from '../helpers/cli.js';
import { toStored, type NewsArticle } from '../dedupe/story-news-pairs.js';
import { killWriterMidWrite } from '../helpers/kill-writer.js';

const HOUR = 3_600_000;
const MIN_REFERENCE = 20;
const texts: NewsArticle[] = ['news', 'fresh', 'v3'].flatMap(
  (set) => (JSON.parse(readFileSync(new URL(`../fixtures/same-story/${set}/articles.json`, import.meta.url), 'utf8')) as { articles: NewsArticle[] }).articles,
);
const NOW = Date.parse('2026-03-02T18:00:00.000Z');

function article(serial: number, firstSeen: number): StoredArticle {
  const a = toStored(texts[(serial * 7) % texts.length]!, `article:${serial}`, firstSeen - (serial % 5) * HOUR);
  const seen = new Date(firstSeen).toISOString();
  return { ...a, firstSeen: seen, sources: a.sources.map((s) => ({ ...s, firstSeen: seen })) };
}

/** A window of earlier days (the weights' reference) and some of today. */
function windowOf(count: number, today: number): ClusterInput[] {
  const earlier = Array.from({ length: count }, (_, k) => article(k, NOW - 20 * HOUR - k * HOUR));
  const fresh = Array.from({ length: today }, (_, k) => article(1_000 + k, NOW - k * 60_000));
  return [...earlier, ...fresh].map((a) => ({ head: (({ content: _c, ...h }) => h)(a), content: a.content }));
}

const ids = (clusters: { lead: string; others: string[] }[]): string[][] => clusters.map((c) => [c.lead, ...c.others]);

async function keptFrom(window: ClusterInput[], day: number): Promise<{ kept: KeptClusters; clusters: string[][] }> {
  const first = createStoryClusterer({ minReference: MIN_REFERENCE });
  const clusters = ids(await first.cluster(window, day));
  const kept = (await first.keptResult!())!;
  expect(kept.clusters.length).toBeLessThan(window.length); // some reports are merged: the test says something
  return { kept, clusters };
}

describe('kept story clusters', () => {
  it('hands out the kept result for the same window, builds the index after, and extends it as a fresh clustering would', async () => {
    const window = windowOf(60, 12);
    const day = utcDay(NOW);
    const { kept, clusters } = await keptFrom(window, day);

    const started = createStoryClusterer({ minReference: MIN_REFERENCE });
    started.offer!(kept);
    expect(ids(await started.cluster(window, day))).toEqual(clusters);
    expect(started.lastRun?.mode).toBe('kept');
    await started.warm!();
    expect(started.lastRun?.mode).toBe('from scratch');

    // A poll adds articles: the warmed index is extended, with the clusters of a clusterer that saw it all.
    const polled = [2_000, 2_001, 2_002].map((serial, k) => article(serial, NOW + (k + 1) * 60_000));
    const more = [...window, ...polled.map((a) => ({ head: (({ content: _c, ...h }) => h)(a), content: a.content }))];
    const extended = ids(await started.cluster(more, day));
    expect(started.lastRun?.mode, started.lastRun?.reason).toBe('extended');
    const reference = createStoryClusterer({ minReference: MIN_REFERENCE });
    expect(extended).toEqual(ids(await reference.cluster(more, day)));
  });

  it('refuses a kept result of another day, other articles or one not covering the window, and clusters instead', async () => {
    const window = windowOf(60, 12);
    const day = utcDay(NOW);
    const { kept, clusters } = await keptFrom(window, day);
    const changed = window.map((a, i) => (i === 3 ? { ...a, head: { ...a.head, title: `${a.head.title} (aktualisiert)` } } : a));
    const cases: [string, KeptClusters, ClusterInput[], number, RegExp][] = [
      ['another day', kept, window, day + 86_400_000, /another day/],
      ['a changed article', kept, changed, day, /another window/],
      ['a stranger in a cluster', { ...kept, clusters: [...kept.clusters.slice(1), { lead: 'stranger', others: [] }] }, window, day, /cover the window once/],
    ];
    for (const [what, offered, inputs, onDay, reason] of cases) {
      const clusterer = createStoryClusterer({ minReference: MIN_REFERENCE });
      clusterer.offer!(offered);
      const got = ids(await clusterer.cluster(inputs, onDay));
      expect(clusterer.lastRun?.mode, what).toBe('from scratch');
      expect(clusterer.lastRun?.reason, what).toMatch(reason);
      expect(got, what).toEqual(ids(await createStoryClusterer({ minReference: MIN_REFERENCE }).cluster(inputs, onDay)));
    }
    expect(clusters.length).toBeGreaterThan(0);
  });

  it('digests the window as clustering reads it: order does not matter, a changed title or HTML (its content hash) does', async () => {
    const window = windowOf(10, 2);
    const digest = await windowDigest(window);
    expect(await windowDigest([...window].reverse())).toBe(digest);
    // The store never keeps new HTML without its new content hash (merge-items.ts): the hash stands for it.
    const changed = (a: ClusterInput): ClusterInput => {
      const content = `<p>x</p>${a.content}`;
      return { head: { ...a.head, contentHash: hashContent(a.head.title, a.head.summary, content) }, content };
    };
    expect(await windowDigest(window.map((a, i) => (i === 0 ? changed(a) : a)))).not.toBe(digest);
    // The HTML itself is not read: a window whose HTML is not at hand yet digests the same.
    expect(await windowDigest(window.map((a) => ({ ...a, head: { ...a.head }, content: '' })))).toBe(digest);
    expect(await windowDigest(window.map((a, i) => (i === 0 ? { ...a, head: { ...a.head, published: new Date(NOW).toISOString() } } : a)))).not.toBe(digest);
  });

  it('reads back what it wrote; refuses a torn, foreign or other-code file with its reason', async () => {
    const window = windowOf(30, 5);
    const { kept } = await keptFrom(window, utcDay(NOW));
    const file = keptClustersPath(path.join(makeTempDir(), 'feedkurator.json'));
    expect(await readKeptClusters(file)).toBeNull();
    await writeKeptClusters(file, kept);
    expect(await readKeptClusters(file)).toEqual(kept);
    const written = await readFile(file, 'utf8');
    const spoiled: [string, string, RegExp][] = [
      ['torn', written.slice(0, written.length / 2), /is not valid JSON/],
      ['foreign', JSON.stringify({ articles: [] }), /not a story clusters file/],
      ['other code', written.replace(clusteringFingerprint(), '0'.repeat(32)), /other clustering code/],
      ['damaged', written.replace('"clusters":[[', '"clusters":[7,['), /damaged/],
    ];
    for (const [what, text, reason] of spoiled) {
      await writeFile(file, text);
      const loaded = await readKeptClusters(file);
      expect(loaded && 'problem' in loaded ? loaded.problem : loaded, what).toMatch(reason);
      expect(loaded && 'problem' in loaded ? loaded.problem.split('\n').length : 0, what).toBe(1);
    }
  });

  it('leaves the old or the new file, whole, when the writer is killed (kill -9) in the middle of writes', { timeout: 120_000 }, async () => {
    const file = keptClustersPath(path.join(makeTempDir(), 'feedkurator.json'));
    const script = fileURLToPath(new URL('./helpers/kept-clusters-writer.ts', import.meta.url));
    for (let round = 0; round < 6; round++) {
      await killWriterMidWrite(script, [file, '60000']);
      const loaded = await readKeptClusters(file);
      if (!loaded || 'problem' in loaded) throw new Error(`round ${round}: ${loaded ? loaded.problem : 'no file'}`);
      expect(loaded.clusters).toHaveLength(60_000);
      const sets = new Set(loaded.clusters.flatMap((c) => [c.lead, ...c.others]).map((id) => id[0]));
      expect(sets, 'one write whole, not a mix').toEqual(new Set([loaded.window[0]]));
    }
  });
});

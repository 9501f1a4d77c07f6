/**
 * The publish window's story clusters on disk, beside the JSON store's other
 * files, so that a start without a publication snapshot serves its first
 * answer without clustering the window (~0.3-0.7 s of CPU at 20,000 articles:
 * BENCHMARKS.md, startup session 9); the clusterer's index is built after the
 * first answer instead (story-clusterer.ts, warm()).
 *
 *   data/feedkurator.story-clusters.json
 *   {"version":1,"fingerprint":"<hex>","day":<ms>,"frozen":true,"window":"<hex>","clusters":[["lead","other",…],…]}
 *
 * Clustering is a pure function of the window's inputs (of each article what
 * the clusterer compares to tell it unchanged, and the start of its HTML), the
 * day whose weights apply, and the code: "window" is a SHA-256 over the inputs sorted
 * by id (the HTML stood for by the content hash the store keeps with it), "fingerprint"
 * one over the sources of the clustering code and its data. A kept result counts only
 * when all three are the same as now.
 *
 * Derived data, safe to lose: a missing file is clustered quietly; a torn,
 * foreign or stale one is refused with a one-line reason and the window is
 * clustered as without it. JSON: a few ids per cluster (~40 KB at 20,000
 * articles), read by a person as easily as by the start. Written with a temp
 * file and rename, without fsync (losing it costs time, never correctness).
 */
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleInfo } from '../bundle-info.js';
import { filesBeside, fingerprintFiles, moduleExtension } from '../code-fingerprint.js';
import { TimeSlice } from '../schedule/take-turn.js';
import { sortInSlices } from './sort-in-slices.js';
import type { ClusterIds, ClusterInput } from './story-clusterer.js';
import { besideStore } from '../store/beside-store.js';

/** Work on the event loop between yields while the window is hashed. */
const SLICE_MS = 4;

const VERSION = 1;

export interface KeptClusters {
  day: number;
  frozen: boolean;
  /** windowDigest of the inputs the clusters were made from. */
  window: string;
  clusters: ClusterIds[];
}

export type KeptClustersLoad = KeptClusters | { problem: string } | null;

/** Where the story clusters of the JSON store whose manifest is `storePath` go. */
export function keptClustersPath(storePath: string): string {
  return besideStore(storePath, '.story-clusters.json');
}

let fingerprint: string | undefined;

/**
 * The hash of the code and data that cluster: every story-* module and data
 * file of dedupe (reading texts, features, the model, the index) and the
 * clusterer itself, as they are run (.js when built, .ts in tests). A bundle
 * does not sit beside those files: it carries the fingerprint of the module
 * build it was made from (src/build/bundle.mjs).
 */
export function clusteringFingerprint(): string {
  fingerprint ??= bundleInfo?.clusteringFingerprint;
  if (fingerprint) return fingerprint;
  const here = fileURLToPath(import.meta.url);
  const ext = moduleExtension(import.meta.url);
  const dedupe = join(dirname(here), '..', 'dedupe');
  const storyFiles = readdirSync(dedupe)
    .filter((name) => name.startsWith('story-') && (name.endsWith(ext) || name.endsWith('.json')))
    .sort()
    .map((name) => join(dedupe, name));
  const others = filesBeside(import.meta.url, [`./story-clusterer${ext}`, `../text/fold${ext}`, `../text/endings${ext}`, `../text/strip-html${ext}`]);
  fingerprint = fingerprintFiles(`story-clusters v${VERSION}`, [...storyFiles, ...others]);
  return fingerprint;
}

/**
 * A SHA-256 over the window's inputs as clustering reads them, sorted by id: the same inputs give the same clusters.
 * One hash over the inputs' texts, NUL between them: each text is a fixed number of fields joined with NUL, which
 * no field holds, so the hashed bytes read back into the same articles. A hash per article (kept from call to call)
 * cost ~7 µs each at load 13, ~17 ms for a window of 2,400; the texts fed to one hash ~2 ms (session 13).
 */
export async function windowDigest(articles: readonly ClusterInput[]): Promise<string> {
  const slice = new TimeSlice(SLICE_MS);
  // Sorted in slices too: one sort of a 50,000-article store's window held the event loop 8-12 ms after each rebuild that changed it.
  const sorted = await sortInSlices([...articles], (a, b) => (a.head.id < b.head.id ? -1 : a.head.id > b.head.id ? 1 : 0), slice.pause);
  const hash = createHash('sha256');
  for (let i = 0; i < sorted.length; i++) {
    if (i > 0) hash.update('\u0000');
    hash.update(inputText(sorted[i]!.head));
    if (slice.due) await slice.turn();
  }
  return hash.digest('hex');
}

/**
 * One article's input as clustering reads it: what the clusterer itself compares to tell an article unchanged
 * (story-clusterer.ts: sameForClustering and readFor — id, link, title, teaser, dates, content hash, the sources'
 * names). The start of the HTML its words come from is not hashed again: the content hash is the store's
 * SHA-256 of the title, teaser and whole HTML (merge-items.ts hashContent), and the HTML is never stored anew
 * without it. Hashing each article's first 4,000 characters cost ~4 % of a start's CPU without a snapshot at
 * 20,000 articles (BENCHMARKS.md, session 13), and made the window's HTML a need of the first answer's check.
 * Fields joined with NUL, which none of them holds (the sources' names with U+0001).
 */
function inputText(head: ClusterInput['head']): string {
  const names = head.sources.map((s) => s.name).join('\u0001');
  return `${head.id}\u0000${head.link ?? ''}\u0000${head.title}\u0000${head.summary}\u0000${head.published}\u0000${head.firstSeen}\u0000${head.contentHash}\u0000${names}`;
}

/** The kept clusters, null when there is no file, or the reason it is refused. Never rejects. */
export async function readKeptClusters(path: string): Promise<KeptClustersLoad> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return { problem: `${path} cannot be read (${(err as Error).message}); clustering the window` };
  }
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    return { problem: `${path} is not valid JSON (${(err as Error).message}); clustering the window` };
  }
  if (typeof doc !== 'object' || doc === null || doc.version !== VERSION || typeof doc.fingerprint !== 'string') {
    return { problem: `${path} is not a story clusters file of version ${VERSION}; clustering the window` };
  }
  if (doc.fingerprint !== clusteringFingerprint()) return { problem: `${path} was written by other clustering code; clustering the window` };
  const clusters = doc.clusters;
  if (typeof doc.day !== 'number' || typeof doc.frozen !== 'boolean' || typeof doc.window !== 'string' || !Array.isArray(clusters)) {
    return { problem: `${path} is damaged (day, frozen, window or clusters missing); clustering the window` };
  }
  const out: ClusterIds[] = [];
  for (const cluster of clusters) {
    if (!Array.isArray(cluster) || cluster.length === 0 || cluster.some((id) => typeof id !== 'string')) {
      return { problem: `${path} is damaged (a cluster is not a list of ids); clustering the window` };
    }
    out.push({ lead: cluster[0] as string, others: cluster.slice(1) as string[] });
  }
  return { day: doc.day, frozen: doc.frozen, window: doc.window, clusters: out };
}

export async function writeKeptClusters(path: string, kept: KeptClusters): Promise<void> {
  const doc = { version: VERSION, fingerprint: clusteringFingerprint(), day: kept.day, frozen: kept.frozen, window: kept.window, clusters: kept.clusters.map((c) => [c.lead, ...c.others]) };
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, JSON.stringify(doc));
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
}

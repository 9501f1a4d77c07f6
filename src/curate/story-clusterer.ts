/**
 * Story clustering of the publish window, kept from rebuild to rebuild: a
 * poll that only adds articles clusters just the new ones.
 *
 * That is exact because of two choices. Word weights are frozen per UTC day:
 * they come from the window's articles first seen before the day began (a
 * pure function of the store and the day, so replicas sharing a store, and
 * one daemon before and after a restart, weigh alike). And StoryIndex takes
 * articles in (firstSeen, id) order, each compared only with those before it,
 * so new articles (first seen now, after every other) change no decision
 * made so far. Anything else — an article of the window changed or gone, a
 * new day, other rules (another curated window), a reset vocabulary — clusters
 * the window from scratch. Before that, weights moved with the window on
 * every poll: of ~1,000 clusters no added or removed article belonged to,
 * 113–263 changed from one poll to the next, so nothing could be kept.
 *
 * A young store (fewer than MIN_REFERENCE such articles) gets weights over
 * the whole window instead, recomputed and clustered from scratch on every
 * rebuild: with a small reference, rare words of the day would all weigh as
 * unseen, and small windows are cheap to cluster anyway.
 *
 * All of it runs in the calling thread in slices that yield (SLICE_MS): the
 * index is a few word ids per article, a poll's step tens of milliseconds of
 * CPU (most of it reading the new articles' words), and a whole window (a new
 * day, a rules edit, the first rebuild) is served around rather than sent to
 * a worker whose held state would die with it at its idle exit.
 *
 * Reading an article's words (title, teaser, the names of the body's start)
 * is most of a poll's step. readAhead() does it as the cycle merges each
 * article, between the fetches, so that the rebuild after the poll only
 * compares: the read words are used for exactly the head and HTML they were
 * read from (else read anew), so clusters are the same either way.
 */
import { CONTENT_HEAD_CHARS, FROZEN_EXTRA_DF, StoryIndex, storyOrder, storyWordsOf, weightsOverInSlices, type StoryCluster } from '../dedupe/story-clusters.js';
import { takeTurn, TimeSlice } from '../schedule/take-turn.js';
import type { ArticleHead, StoredArticle } from '../types.js';
import { windowDigest, type KeptClusters } from './kept-clusters.js';

export interface ClusterIds {
  lead: string;
  others: string[];
}

export interface ClusterInput {
  head: ArticleHead;
  content: string;
}

/** What the last call did: the window clustered anew (and why), or only new articles added. */
export interface ClusterRun {
  /** kept: the result offered (a previous run's, from disk) was for these very inputs; the index is built by warm(). */
  mode: 'extended' | 'from scratch' | 'kept';
  /** Articles clustered by this call. */
  added: number;
  reason?: string;
  /** Whether word weights were frozen for the day (false: a young store's window weights). */
  frozen: boolean;
}

export interface StoryClusterer {
  /**
   * The clusters of these articles (the publish window: heads with their HTML), as ids. `day`:
   * the start (ms, UTC 00:00) of the day whose frozen weights apply; the window's articles first
   * seen before it are the weights' reference.
   */
  cluster(articles: readonly ClusterInput[], day: number): Promise<ClusterIds[]>;
  /**
   * Read the story words of an article now (a cycle's new or changed article, as merged), for the
   * next cluster() to find: what it would read for the same head and HTML. Held until that call.
   */
  readAhead(head: ArticleHead, content: string): void;
  readonly lastRun: ClusterRun | undefined;
  /**
   * A previous run's result (kept-clusters.ts), taken by the next cluster() instead of clustering when
   * it is for the same inputs, day and weights; once, and only while no index is kept.
   */
  offer?(kept: KeptClusters): void;
  /**
   * Work to finish before the first call that reads any article's story words (a start's story words file:
   * start-files.ts), awaited there: a first build that takes a kept result reads none and does without it.
   */
  beforeReading?(work: () => Promise<void>): void;
  /** Build the index a kept result stood in for (in slices, queued like cluster()), so that the next call extends it. */
  warm?(): Promise<void>;
  /** The last call's result with the digest of its inputs, to keep on disk; undefined before any call. */
  keptResult?(): Promise<KeptClusters | undefined>;
  describe(): string;
  close(): Promise<void>;
}

/** Frozen weights need a reference at least this large (see the file comment; measured in BENCHMARKS.md). */
export const MIN_REFERENCE = 300;
/** Work on the event loop between yields (as curation.ts's SLICE_MS, and why). */
const SLICE_MS = 5;
/** Articles read ahead and held for the next cluster() at most (a cold poll's thousands are read there, in slices). */
const MAX_AHEAD = 2_000;

export interface StoryClustererOptions {
  /** Another threshold for frozen weights (tests); default MIN_REFERENCE. */
  minReference?: number;
}

export function createStoryClusterer(options: StoryClustererOptions = {}): StoryClusterer {
  return new IncrementalClusterer(options.minReference ?? MIN_REFERENCE);
}

/** The start of the UTC day of `ms`. */
export function utcDay(ms: number): number {
  return Math.floor(ms / 86_400_000) * 86_400_000;
}

/** The part of an article clustering reads: the same clusters as the whole article (see CONTENT_HEAD_CHARS). */
export function clusterInput(head: ArticleHead, content: string): StoredArticle {
  return { ...head, content: headOf(content) };
}

class IncrementalClusterer implements StoryClusterer {
  lastRun: ClusterRun | undefined;
  #index: StoryIndex | undefined;
  #day = Number.NaN;
  /** The heads in the index, by id. */
  #members = new Map<string, ArticleHead>();
  // The window's inputs by id, one stable object per head (a changed article gets a new head): the words read per article object stay cached.
  #inputs = new Map<string, { head: ArticleHead; input: StoredArticle }>();
  /** Read ahead of the next call (readAhead), by id: clusterInput objects whose words are read. */
  #ahead = new Map<string, StoredArticle>();
  /** Calls run one after the other: a call that yields must not see the index half extended by another. */
  #queue: Promise<unknown> = Promise.resolve();
  #offered: KeptClusters | undefined;
  #beforeReading: (() => Promise<void>) | undefined;
  /** The inputs a kept result was taken for, until warm() builds their index. */
  #unbuilt: { articles: readonly ClusterInput[]; day: number } | undefined;
  #last: { articles: readonly ClusterInput[]; day: number; frozen: boolean; clusters: ClusterIds[]; kept?: KeptClusters } | undefined;

  constructor(private readonly minReference: number) {}

  cluster(articles: readonly ClusterInput[], day: number): Promise<ClusterIds[]> {
    const run = this.#queue.then(() => this.#cluster(articles, day));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  offer(kept: KeptClusters): void {
    this.#offered = kept;
  }

  beforeReading(work: () => Promise<void>): void {
    this.#beforeReading = work;
  }

  warm(): Promise<void> {
    const run = this.#queue.then(async () => {
      const unbuilt = this.#unbuilt;
      if (!unbuilt || this.#index) return;
      this.#offered = undefined;
      await this.#cluster(unbuilt.articles, unbuilt.day);
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async keptResult(): Promise<KeptClusters | undefined> {
    const last = this.#last;
    if (!last) return undefined;
    last.kept ??= { day: last.day, frozen: last.frozen, window: await windowDigest(last.articles), clusters: last.clusters };
    return last.kept;
  }

  readAhead(head: ArticleHead, content: string): void {
    if (this.#ahead.size >= MAX_AHEAD && !this.#ahead.has(head.id)) return;
    const input = clusterInput(head, content);
    try {
      storyWordsOf(input);
    } catch {
      return; // read again by cluster(), where the failure surfaces as the rebuild's
    }
    this.#ahead.set(head.id, input);
  }

  async #cluster(articles: readonly ClusterInput[], day: number): Promise<ClusterIds[]> {
    const ahead = this.#ahead;
    this.#ahead = new Map();
    const dayIso = new Date(day).toISOString();
    const reference = articles.filter(({ head }) => head.firstSeen < dayIso);
    const frozen = reference.length >= this.minReference;
    const offered = this.#offered;
    this.#offered = undefined;
    this.#unbuilt = undefined;
    let refused: string | undefined;
    if (offered && !this.#index) {
      refused = await whyNotKept(offered, articles, day, frozen);
      if (refused === undefined) {
        this.#unbuilt = { articles, day };
        this.lastRun = { mode: 'kept', added: 0, frozen };
        this.#last = { articles, day, frozen, clusters: offered.clusters, kept: offered };
        return offered.clusters;
      }
    }
    const before = this.#beforeReading;
    this.#beforeReading = undefined;
    await before?.();
    const inputs = new Map<string, { head: ArticleHead; input: StoredArticle }>();
    const inputOf = ({ head, content }: ClusterInput): StoredArticle => {
      const hit = inputs.get(head.id) ?? this.#inputs.get(head.id);
      // The same record for the same head: a rebuild after a poll passes ~2,500 unchanged ones here.
      const kept = hit?.head === head ? hit : { head, input: readFor(ahead.get(head.id), head, content) };
      inputs.set(head.id, kept);
      return kept.input;
    };
    let index = this.#index;
    let reason = refused ?? (frozen ? undefined : `${reference.length} articles first seen before the day (weights over the window)`);
    const added = frozen ? this.#newArticles(articles, day) : undefined;
    if (index && Array.isArray(added)) {
      try {
        await this.#add(index, added, inputOf);
        this.lastRun = { mode: 'extended', added: added.length, frozen };
      } catch (err) {
        reason = `adding failed: ${err instanceof Error ? err.message : String(err)}`;
      }
    } else reason ??= added as string;
    if (reason !== undefined) {
      this.#index = undefined;
      this.#members = new Map();
      const basis = (frozen ? reference : articles).map(inputOf);
      // The words first, in slices (read once per article object): weightsOver then only counts.
      await inSlices(basis, storyWordsOf);
      // Counting the weights (in slices: ~11 ms at 5,000 articles) and sorting the window: each gets turns of its own.
      await takeTurn();
      index = new StoryIndex(await weightsOverInSlices(basis, frozen ? FROZEN_EXTRA_DF : 0, new TimeSlice(SLICE_MS).pause));
      await takeTurn();
      const sorted = [...articles].sort((a, b) => storyOrder(a.head, b.head));
      await takeTurn();
      await this.#add(index, sorted, inputOf);
      // A young store's weights move with the window: nothing to keep.
      if (frozen) {
        this.#index = index;
        this.#day = day;
      }
      this.lastRun = { mode: 'from scratch', added: sorted.length, reason, frozen };
    }
    await takeTurn();
    // Kept for the window's articles only: what left it is read anew if it comes back.
    for (const a of articles) inputOf(a);
    this.#inputs = inputs;
    await takeTurn();
    // Made into id lists in slices: after clustering ~5,000 articles from scratch, ~9 ms in one go.
    const made = index!.clusters();
    const clusters: ClusterIds[] = [];
    await inSlices(made, (cluster) => clusters.push(idsOf(cluster)));
    this.#last = { articles, day, frozen, clusters };
    return clusters;
  }

  /**
   * The articles to add to the kept index, in order; or why the window must be clustered from
   * scratch (the index holds an article the window lacks or has changed, or an article comes
   * before the index's last).
   */
  #newArticles(articles: readonly ClusterInput[], day: number): ClusterInput[] | string {
    const index = this.#index;
    if (!index) return 'no index kept';
    if (day !== this.#day) return 'a new day';
    let kept = 0;
    const added: ClusterInput[] = [];
    const dayIso = new Date(day).toISOString();
    for (const a of articles) {
      const member = this.#members.get(a.head.id);
      // One of the weights' reference that the index lacks: the weights would differ.
      if (!member && a.head.firstSeen < dayIso) return `${a.head.id} is new but first seen before the day`;
      if (!member) added.push(a);
      else if (member === a.head || sameForClustering(member, a.head)) kept++;
      else return `${a.head.id} changed`;
    }
    if (kept !== this.#members.size) return `${this.#members.size - kept} articles left the window`;
    added.sort((a, b) => storyOrder(a.head, b.head));
    if (added.length > 0 && !index.accepts(added[0]!.head)) return `${added[0]!.head.id} comes before articles clustered already (or the vocabulary was reset)`;
    return added;
  }

  async #add(index: StoryIndex, sorted: readonly ClusterInput[], inputOf: (a: ClusterInput) => StoredArticle): Promise<void> {
    await inSlices(sorted, (a) => {
      index.add(inputOf(a));
      this.#members.set(a.head.id, a.head);
    });
  }

  describe(): string {
    return 'incremental, in the calling thread';
  }

  async close(): Promise<void> {
    await this.#queue;
  }
}

// An unchanged cluster is the same object from call to call (StoryIndex.clusters): so are its ids, and the
// selection knows it unchanged without comparing them (select-entries.ts).
const clusterIds = new WeakMap<StoryCluster, ClusterIds>();

function idsOf(cluster: StoryCluster): ClusterIds {
  let ids = clusterIds.get(cluster);
  if (!ids) clusterIds.set(cluster, (ids = { lead: cluster.lead.id, others: cluster.others.map((o) => o.id) }));
  return ids;
}

/** Why a kept result does not stand for clustering these inputs now, or undefined when it does. */
async function whyNotKept(kept: KeptClusters, articles: readonly ClusterInput[], day: number, frozen: boolean): Promise<string | undefined> {
  if (kept.day !== day) return 'the kept clusters are of another day';
  if (kept.frozen !== frozen) return 'the kept clusters were weighed otherwise';
  if (kept.window !== (await windowDigest(articles))) return 'the kept clusters are of another window (articles added, changed or gone)';
  if (!coversOnce(kept.clusters, articles)) return 'the kept clusters do not cover the window once';
  return undefined;
}

/** Every article of the window in exactly one cluster, and nothing else: a kept result names no stranger. */
function coversOnce(clusters: readonly ClusterIds[], articles: readonly ClusterInput[]): boolean {
  const left = new Set(articles.map((a) => a.head.id));
  for (const { lead, others } of clusters) {
    if (!left.delete(lead)) return false;
    for (const id of others) if (!left.delete(id)) return false;
  }
  return left.size === 0;
}

/** `work` for each item, yielding to the event loop every SLICE_MS. */
async function inSlices<T>(items: readonly T[], work: (item: T) => unknown): Promise<void> {
  const slice = new TimeSlice(SLICE_MS);
  for (const item of items) {
    work(item);
    if (slice.due) await slice.turn();
  }
}

/** The input read ahead for this head and HTML if it was read from the same, else a new one (its words read when asked). */
function readFor(ahead: StoredArticle | undefined, head: ArticleHead, content: string): StoredArticle {
  if (ahead && sameForClustering(ahead, head) && ahead.id === head.id && ahead.link === head.link && ahead.content === headOf(content)) return ahead;
  return clusterInput(head, content);
}

function headOf(content: string): string {
  return content.length > CONTENT_HEAD_CHARS ? content.slice(0, CONTENT_HEAD_CHARS) : content;
}

/** Two heads of one article that clustering reads alike (a store may hand out a fresh object for an unchanged article). */
function sameForClustering(a: ArticleHead, b: ArticleHead): boolean {
  return (
    a.contentHash === b.contentHash &&
    a.title === b.title &&
    a.summary === b.summary &&
    a.published === b.published &&
    a.firstSeen === b.firstSeen &&
    a.sources.length === b.sources.length &&
    a.sources.every((s, i) => s.name === b.sources[i]!.name)
  );
}

/**
 * Story clustering of the publish window, off the event loop: the longest
 * single block of a rebuild (tens of ms at 20,000 articles, all in one
 * synchronous call) runs in a worker thread while the main thread keeps
 * answering requests. While it runs, the worker holds the articles it was
 * sent, so a burst of rebuilds (a poll, a rules edit, replicas' changes)
 * sends only the new and changed ones. Between bursts it exits: an idle
 * daemon holds no second V8 heap (~50-60 MB of RSS at 20,000 stored
 * articles), and the next rebuild sends the window whole again.
 *
 * Without a worker (threads: 0, no worker entry, or a worker that fails)
 * clustering runs in the calling thread, with the same result.
 *
 * Each rebuild clusters the whole window again (only the words of new and
 * changed articles are read anew): a word's weight is taken over the whole
 * window (every weight moves when the window does), and an article's
 * candidates depend on the articles 48 hours before it. Measured on nine
 * consecutive publish windows of a 20,000-article store (2,005 → 2,358
 * articles, +70..79 and −9..46 per poll): of the ~1,000 clusters no added
 * or removed article belongs to, 113–263 per poll still changed. Reusing
 * untouched clusters, or cached pair scores, would not give the clusters a
 * clustering from scratch gives (tests/curate/cluster-incremental.test.ts).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Tinypool from 'tinypool';
import type { Logger } from '../log/logger.js';
import type { ArticleHead, StoredArticle } from '../types.js';
import { ClusterState, clusterInput, HOLD_PART, type ClusterOutcome, type ClusterTask } from './cluster-task.js';

export interface ClusterIds {
  lead: string;
  others: string[];
}

export interface StoryClusterer {
  /** clusterStories over these articles (heads with their HTML), as ids. */
  cluster(articles: readonly { head: ArticleHead; content: string }[]): Promise<ClusterIds[]>;
  describe(): string;
  /** Worker threads alive now: 0 when idle past the timeout (or clustering in the calling thread). */
  threads(): number;
  close(): Promise<void>;
}

export interface StoryClustererOptions {
  /** 1: a worker thread; 0: the calling thread. */
  threads?: 0 | 1;
  logger?: Logger;
  /** Another worker entry (tests). */
  workerEntry?: URL;
  /** An idle worker exits after this long (its held articles are sent again next time). Default 2 s: the end of a burst of rebuilds. */
  idleTimeoutMs?: number;
}

const MAX_MEMORY_MB = 256;
/**
 * V8's young generation of the worker. By default it grows to 3 × 16 MB
 * while a window of ~2,000 articles is read in, and keeps that size; 8 MB
 * holds a clustering's short-lived words (measured: see the BENCHMARKS note).
 */
const YOUNG_GENERATION_MB = 8;
const DEFAULT_IDLE_TIMEOUT_MS = 2_000;
const TASK_TIMEOUT_MS = 60_000;

export function createStoryClusterer(options: StoryClustererOptions = {}): StoryClusterer {
  const entry = options.workerEntry ?? locateClusterWorker();
  if (options.threads === 0) return new InThreadClusterer('configured with 0 threads');
  if (!entry) return new InThreadClusterer('no worker entry next to src/curate/story-clusterer');
  return new PooledClusterer(entry, options);
}

/** dist/curate/cluster-worker.js, or from the TypeScript sources the tsx bootstrap. */
export function locateClusterWorker(): URL | undefined {
  const compiled = new URL('./cluster-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(compiled))) return compiled;
  const bootstrap = new URL('./cluster-worker-from-source.mjs', import.meta.url);
  if (existsSync(fileURLToPath(new URL('./cluster-worker.ts', import.meta.url))) && existsSync(fileURLToPath(bootstrap))) return bootstrap;
  return undefined;
}

class InThreadClusterer implements StoryClusterer {
  readonly #state = new ClusterState();
  // One stable object per head (a changed article gets a new head) keeps clusterStories' word cache warm.
  readonly #inputs = new WeakMap<ArticleHead, StoredArticle>();

  constructor(private readonly reason: string) {}

  async cluster(articles: readonly { head: ArticleHead; content: string }[]): Promise<ClusterIds[]> {
    const task: ClusterTask = {
      articles: articles.map(({ head, content }) => {
        let input = this.#inputs.get(head);
        if (!input) this.#inputs.set(head, (input = clusterInput(head, content)));
        return input;
      }),
    };
    return answerOf(this.#state.run(task));
  }

  describe(): string {
    return `in-thread (${this.reason})`;
  }

  threads(): number {
    return 0;
  }

  async close(): Promise<void> {}
}

class PooledClusterer implements StoryClusterer {
  readonly #pool: Tinypool;
  /** The heads the worker holds, as of its last answer. */
  #held = new Map<string, ArticleHead>();
  /** When the worker last answered: idle longer than its timeout, it has exited and holds nothing. */
  #answeredAt = -Infinity;
  readonly #idleTimeoutMs: number;
  #fallback: InThreadClusterer | undefined;
  /** Rejects when the worker fails outside a task (an entry that does not load): tinypool's run would never settle. */
  readonly #broken: Promise<never>;

  constructor(
    private readonly entry: URL,
    private readonly options: StoryClustererOptions,
  ) {
    this.#idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.#pool = new Tinypool({
      filename: entry.href,
      minThreads: 0,
      maxThreads: 1,
      idleTimeout: this.#idleTimeoutMs,
      resourceLimits: { maxOldGenerationSizeMb: MAX_MEMORY_MB, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      execArgv: process.execArgv.filter((flag) => !flag.startsWith('--input-type')),
    });
    let fail: (err: unknown) => void = () => undefined;
    this.#broken = new Promise<never>((_, reject) => (fail = reject));
    this.#broken.catch(() => undefined);
    this.#pool.on('error', (err: unknown) => {
      this.options.logger?.error({ err }, 'the story clustering worker failed outside any task');
      fail(err);
    });
  }

  async cluster(articles: readonly { head: ArticleHead; content: string }[]): Promise<ClusterIds[]> {
    if (this.#fallback) return this.#fallback.cluster(articles);
    try {
      // A worker idle past its timeout has exited: send everything at once rather than ids it would not know.
      const whole = performance.now() - this.#answeredAt >= this.#idleTimeoutMs;
      let outcome = await this.#run(articles, whole);
      // A restarted worker holds nothing: send everything once.
      if (!outcome.ok && 'missing' in outcome) outcome = await this.#run(articles, true);
      const clusters = answerOf(outcome);
      this.#answeredAt = performance.now();
      this.#held = new Map(articles.map(({ head }) => [head.id, head]));
      return clusters;
    } catch (err) {
      this.#held = new Map();
      const reason = `the worker failed: ${err instanceof Error ? err.message : String(err)}`;
      this.options.logger?.warn({ err, entry: this.entry.href }, `clustering stories in the main thread from now on: ${reason}`);
      this.#fallback = new InThreadClusterer(reason);
      void this.#pool.destroy().catch(() => undefined);
      return this.#fallback.cluster(articles);
    }
  }

  async #run(articles: readonly { head: ArticleHead; content: string }[], whole: boolean): Promise<ClusterOutcome> {
    if (whole) {
      this.#held = new Map();
      // In parts, each its own message: the event loop serves requests between them.
      for (let from = 0; from < articles.length; from += HOLD_PART) {
        const part = articles.slice(from, from + HOLD_PART);
        const held = await this.#send({ articles: part.map(({ head, content }) => clusterInput(head, content)), hold: true });
        if (!held.ok) return held;
        for (const { head } of part) this.#held.set(head.id, head);
      }
    }
    return this.#send({ articles: articles.map(({ head, content }) => (this.#held.get(head.id) === head ? head.id : clusterInput(head, content))) });
  }

  #send(task: ClusterTask): Promise<ClusterOutcome> {
    // Generous: a loaded machine takes seconds to start a worker; past this the calling thread does it.
    return Promise.race([this.#pool.run(task, { signal: AbortSignal.timeout(TASK_TIMEOUT_MS) }) as Promise<ClusterOutcome>, this.#broken]);
  }

  describe(): string {
    return this.#fallback?.describe() ?? 'a worker thread';
  }

  threads(): number {
    return this.#fallback ? 0 : this.#pool.threads.length;
  }

  async close(): Promise<void> {
    if (!this.#fallback) await this.#pool.destroy();
  }
}

function answerOf(outcome: ClusterOutcome): ClusterIds[] {
  if (outcome.ok) return outcome.clusters;
  if ('missing' in outcome) throw new Error(`the clustering worker lacks ${outcome.missing.length} articles it was sent before`);
  throw new Error(`story clustering failed: ${outcome.error}`);
}

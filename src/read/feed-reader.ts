/**
 * Reads fetched bodies (decode → parse → normalize) on every core: a
 * tinypool of worker threads, one per available core but the main
 * thread's, while the main thread keeps fetching and merging. A copy of each
 * body goes to a worker by transfer (the body itself stays here until its
 * read is answered: see runTask), read feeds come back by structured clone.
 * Each worker holds its next body while it reads one.
 *
 * Each worker has a heap limit and each read a time limit, counted from when
 * the worker starts it: a feed that exhausts either fails as its source's
 * ParseError, and the worker is replaced; a read that only waited on that
 * worker runs again. When no worker can start (no worker entry next to this file,
 * or it fails to load) reading happens in the calling thread instead, as
 * it did before the pool.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import Tinypool from 'tinypool';
import { bundleInfo } from '../bundle-info.js';
import { AbortedError, ParseError } from '../errors.js';
import { undoEncoding, type LeftEncoded } from '../fetch/undo-encoding.js';
import type { Logger } from '../log/logger.js';
import { isReadFinished, isReadRunning, newReadClock, readRunningMs, readThreadId, type ReadClock } from './read-clock.js';
import type { ReadFeed } from './read-feed-body.js';
import { reviveError, type ReadOutcome, type ReadTask } from './read-task.js';
import { workerExecArgv } from './worker-flags.js';

export interface FeedReader {
  /**
   * Same contract as readFeedBody. The body's bytes are only read: a pooled reader moves a copy to its worker
   * and keeps the body until the read is answered, to run it again should that worker be stopped first.
   * `encoded`: the body is still content-encoded (the fetcher left it so); undone first, where the reading happens.
   */
  read(body: Buffer, contentType: string | undefined, url: string, now: Date, contentLocation?: string, encoded?: LeftEncoded): Promise<ReadFeed>;
  /** Where reading happens now: "3 worker threads" or "in-thread (why)". */
  describe(): string;
  /** Stops the workers; reads still waiting fail with AbortedError. */
  close(): Promise<void>;
}

/** What the reader logs with: a Logger, or anything that forwards to one made later. */
export interface ReaderLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface FeedReaderOptions {
  /** Worker threads; 0 reads in the calling thread. Default: FEEDKURATOR_READ_THREADS, else defaultThreads(). */
  threads?: number;
  /** Heap limit per worker (V8 old generation), MB. Default 512. */
  maxMemoryMb?: number;
  /** Time limit for reading one body, once a worker has it. Default 60 s. */
  timeoutMs?: number;
  /** An idle worker exits after this long, so a daemon between cycles holds no reader memory. Default 10 s. */
  idleTimeoutMs?: number;
  /** Told once when the workers cannot start and reading falls back to the calling thread. */
  logger?: ReaderLogger;
  /**
   * Run the worker threads at this nice value (Linux; see thread-priority.ts): the daemon reads at a
   * lower priority than the thread that answers requests. Default: the process's own priority.
   */
  niceness?: number;
  /** Another worker entry (tests). Default: read-worker.js next to this file, or its source form. */
  workerEntry?: URL;
}

const DEFAULT_MAX_MEMORY_MB = 512;
const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_IDLE_TIMEOUT_MS = 10_000;
/** Generous: a loaded machine takes seconds to start a worker, and reading waits for it either way. */
const STARTUP_TIMEOUT_MS = 60_000;
/**
 * The body a worker reads and the next one, waiting in the worker: with one, a worker idled 12–35 % of a
 * 1,000-source cold poll, waiting for the busy calling thread to take each result and hand it the next body.
 */
const READS_PER_THREAD = 2;
/** A read whose worker keeps dying before it starts it is not retried forever. */
const ATTEMPTS = 3;

export function createFeedReader(options: FeedReaderOptions = {}): FeedReader {
  const threads = options.threads ?? threadsFromEnv(process.env) ?? defaultThreads(availableParallelism());
  const entry = options.workerEntry ?? locateWorkerEntry();
  if (threads < 1) return inThreadReader('configured with 0 threads');
  if (!entry) return inThreadReader('no worker entry next to src/read/feed-reader');
  return new PooledFeedReader(entry, threads, options);
}

/**
 * The compiled entry (dist/read/read-worker.js, also in the container), or,
 * when running from the TypeScript sources (vitest, tsx), the bootstrap that
 * loads read-worker.ts through tsx.
 */
export function locateWorkerEntry(): URL | undefined {
  const compiled = new URL(bundleInfo?.readWorker ?? './read-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(compiled))) return compiled;
  const source = new URL('./read-worker.ts', import.meta.url);
  const bootstrap = new URL('./read-worker-from-source.mjs', import.meta.url);
  if (existsSync(fileURLToPath(source)) && existsSync(fileURLToPath(bootstrap))) return bootstrap;
  return undefined;
}

let shared: FeedReader | undefined;

/**
 * One reader for the whole process, started on first use. Its idle workers
 * exit after idleTimeoutMs and never keep the process alive, so nobody has
 * to close it; runCycle uses it when its context brings no reader.
 */
export function sharedFeedReader(logger?: Logger): FeedReader {
  shared ??= createFeedReader(logger ? { logger } : {});
  return shared;
}

/**
 * One worker per core but one: the calling thread is busy too (it fetches,
 * merges, classifies and writes the store). A worker per core made a 2-core
 * cold poll of 200 sources use 15 % more CPU (each worker starts, loads the
 * parsers and warms up its JIT apart) and take longer, not shorter.
 */
export function defaultThreads(cores: number): number {
  return Math.max(1, cores - 1);
}

/** FEEDKURATOR_READ_THREADS, for an operator who wants to leave cores to other work (0: no worker threads). */
function threadsFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.FEEDKURATOR_READ_THREADS?.trim();
  if (!raw) return undefined;
  const threads = Number(raw);
  if (!Number.isInteger(threads) || threads < 0 || threads > 64) {
    throw new RangeError(`FEEDKURATOR_READ_THREADS must be a whole number from 0 to 64, got "${raw}"`);
  }
  return threads;
}

function inThreadReader(reason: string): FeedReader {
  return {
    // Loaded on first use: with workers, this thread never needs the parsers (~0.5 s of CPU to load).
    read: async (body, contentType, url, now, contentLocation, encoded) =>
      (await import('./read-feed-body.js')).readFeedBody(encoded ? undoEncoding(body, encoded) : body, contentType, url, now, contentLocation),
    describe: () => `in-thread (${reason})`,
    close: async () => undefined,
  };
}

class PooledFeedReader implements FeedReader {
  private readonly pool: Tinypool;
  private readonly timeoutMs: number;
  private readonly maxMemoryMb: number;
  /** Settles once one worker has loaded the entry; a failure means no worker can. */
  private readonly ready: Promise<void>;
  private fallback: FeedReader | undefined;
  private started = false;
  private closed = false;
  private closing: Promise<void> | undefined;
  /** Reads handed to the pool: READS_PER_THREAD per thread, so that a worker has its next body at hand. */
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    entry: URL,
    private readonly threads: number,
    private readonly options: FeedReaderOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxMemoryMb = options.maxMemoryMb ?? DEFAULT_MAX_MEMORY_MB;
    this.pool = new Tinypool({
      filename: entry.href,
      minThreads: 0,
      maxThreads: threads,
      concurrentTasksPerWorker: READS_PER_THREAD,
      idleTimeout: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
      resourceLimits: { maxOldGenerationSizeMb: this.maxMemoryMb },
      // Workers inherit Node's flags (--cpu-prof, --import hooks), except those they refuse to start with.
      execArgv: workerExecArgv(),
    });
    // An empty body: any answer, even NotAFeedError, proves the worker runs our code.
    const probe: ReadTask = { body: new Uint8Array(0), contentType: undefined, url: 'http://localhost/', now: 0 };
    const answered = this.pool.run(probe, { signal: AbortSignal.timeout(STARTUP_TIMEOUT_MS) });
    // A worker that cannot load its entry fails outside any task: tinypool says so with an 'error' event.
    let failStartup: (err: unknown) => void = () => undefined;
    const broken = new Promise<never>((_, reject) => (failStartup = reject));
    this.pool.on('error', (err: unknown) => {
      if (!this.started) failStartup(err);
      else this.options.logger?.error({ err }, 'a feed reader worker failed outside any read');
    });
    this.ready = Promise.race([answered, broken]).then(
      () => {
        this.started = true;
      },
      (err: unknown) => {
        if (this.closed) return;
        const why = isAbort(err) ? `no answer within ${formatSeconds(STARTUP_TIMEOUT_MS)}` : err instanceof Error ? err.message : String(err);
        const reason = `worker threads failed to start: ${why}`;
        this.options.logger?.warn({ err, entry: entry.href }, `reading feeds in the main thread: ${reason}`);
        this.fallback = inThreadReader(reason);
        void this.pool.destroy().catch(() => undefined);
      },
    );
  }

  describe(): string {
    return this.fallback?.describe() ?? `${this.threads} worker thread${this.threads === 1 ? '' : 's'}`;
  }

  async read(body: Buffer, contentType: string | undefined, url: string, now: Date, contentLocation?: string, encoded?: LeftEncoded): Promise<ReadFeed> {
    await this.ready;
    if (this.closed) throw new AbortedError('read abandoned: the feed reader is closed');
    if (this.fallback) return this.fallback.read(body, contentType, url, now, contentLocation, encoded);
    const release = await this.takeSlot();
    try {
      return await this.readInPool(body, contentType, url, now, contentLocation, encoded);
    } finally {
      release();
    }
  }

  /** The same promise to every caller: a second close() waits until the workers have stopped too. */
  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  private async stop(): Promise<void> {
    this.closed = true;
    for (const wake of this.waiting.splice(0)) wake();
    if (!this.fallback) await this.pool.destroy();
  }

  private async readInPool(
    body: Buffer,
    contentType: string | undefined,
    url: string,
    now: Date,
    contentLocation: string | undefined,
    encoded: LeftEncoded | undefined,
  ): Promise<ReadFeed> {
    const task: Omit<ReadTask, 'body'> = {
      contentType,
      url,
      now: now.getTime(),
      ...(contentLocation ? { contentLocation } : {}),
      ...(encoded ? { encoded } : {}),
      ...(this.options.niceness !== undefined ? { niceness: this.options.niceness } : {}),
    };
    for (let attempt = 1; ; attempt++) {
      // A pool closed since the last attempt would start a new worker for the next.
      if (this.closed) throw new AbortedError('read abandoned: the feed reader is closed');
      const outcome = await this.runTask(body, task, attempt < ATTEMPTS);
      if (outcome === 'again') continue;
      if (!outcome.ok) throw reviveError(outcome.error);
      return outcome.feed;
    }
  }

  /**
   * One attempt at a read, timed from when the worker starts it. 'again' when its worker died before
   * finishing it (stopped for the read ahead of it, or out of memory on that one): it runs again.
   *
   * Each attempt moves a copy of the body and this thread keeps the body itself, whichever worker tinypool
   * picks and whatever it holds already: only the worker's clock says whether a read ran, never a guess
   * of where it queued. The copy (a few µs for a 40 KB body) is also what a move needs when the body is
   * a view into a larger buffer: a structured clone would copy that view's whole ArrayBuffer (Node's 8 KB
   * pool; a 64 KB zlib output chunk), twice, and slower (~110 µs against ~8 µs moved, for a 40 KB body).
   */
  private async runTask(body: Buffer, task: Omit<ReadTask, 'body'>, mayRetry: boolean): Promise<ReadOutcome | 'again'> {
    const clock = newReadClock();
    const bytes = ownCopy(body);
    const attempt: ReadTask = { ...task, body: bytes, clock };
    const watch = this.watchTime(clock);
    try {
      return (await this.pool.run(attempt, { transferList: [bytes.buffer as ArrayBuffer] })) as ReadOutcome;
    } catch (err) {
      if (mayRetry && !this.closed && !watch.overran && !isReadRunning(clock)) {
        return 'again';
      }
      throw this.explainPoolFailure(err, watch.overran, clock);
    } finally {
      watch.stop();
    }
  }

  /**
   * The time limit: a timer that re-arms until the read has run timeoutMs since its worker started it,
   * then stops that worker (tinypool replaces it and fails the reads it held).
   */
  private watchTime(clock: ReadClock): { readonly overran: boolean; stop(): void } {
    let timer: NodeJS.Timeout | undefined;
    const watch = {
      overran: false,
      stop: () => clearTimeout(timer),
    };
    const check = (): void => {
      // Read in time, its answer on the way (a worker may post it only after starting the next read).
      if (isReadFinished(clock)) return;
      const ran = readRunningMs(clock);
      if (ran === undefined || ran < this.timeoutMs) {
        timer = setTimeout(check, ran === undefined ? this.timeoutMs : this.timeoutMs - ran).unref();
        return;
      }
      watch.overran = true;
      const worker = this.pool.threads.find((w) => w.threadId === readThreadId(clock));
      // The same path as a worker's own failure: tinypool terminates it and fails every task it held.
      worker?.emit('error', new Error(`stopped the read worker: a read ran longer than ${formatSeconds(this.timeoutMs)}`));
    };
    timer = setTimeout(check, this.timeoutMs).unref();
    return watch;
  }

  /** A task the pool could not finish: the feed's fault when it hit a limit, ours otherwise. */
  private explainPoolFailure(err: unknown, overran: boolean, clock: ReadClock): Error {
    if (this.closed) return new AbortedError('read abandoned: the feed reader is closed', { cause: err });
    if (overran) {
      return new ParseError(`reading the feed took longer than ${formatSeconds(this.timeoutMs)}; stopped`, { cause: err });
    }
    if ((err as { code?: unknown } | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY' && isReadRunning(clock)) {
      return new ParseError(`reading the feed needed more than ${this.maxMemoryMb} MB of memory; stopped`, { cause: err });
    }
    return err instanceof Error ? err : new Error(String(err));
  }

  private takeSlot(): Promise<() => void> {
    const release = (): void => {
      this.running--;
      this.waiting.shift()?.();
    };
    const take = (): (() => void) => {
      this.running++;
      return once(release);
    };
    if (this.running < this.threads * READS_PER_THREAD) return Promise.resolve(take());
    return new Promise((resolve) => this.waiting.push(() => resolve(take())));
  }
}

/** Buffer.from would put a small body into Node's pool again. */
function ownCopy(body: Buffer): Buffer {
  const copy = Buffer.allocUnsafeSlow(body.byteLength);
  body.copy(copy);
  return copy;
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

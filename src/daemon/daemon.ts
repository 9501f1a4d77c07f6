/**
 * The daemon's state and its transitions, without signals or process exit
 * (serve.ts adds those): the store, the config in force, the curation state
 * and the publication being served.
 *
 * - A cycle's new articles are curated and published incrementally; the
 *   new publication replaces the old whole as soon as it is rendered, and
 *   its changed bodies are compressed after the swap (until then a request
 *   asking for gzip or br gets the identity body, with its own ETag).
 * - A config edit is all or nothing: rules, fetcher, curation and
 *   publication for the new config are built first (the heavy part batch by
 *   batch, serving the old publication meanwhile), then swapped together;
 *   a failure anywhere keeps the old config running whole.
 * - Curation and publishing run one at a time (#serial), so a cycle's
 *   result and a config swap never interleave.
 */
import { compileRules } from '../classify/classifier.js';
import type { Config } from '../config/schema.js';
import { Curation, type CurationOptions, type Rules } from '../curate/curation.js';
import { wordsPrefixOf } from '../curate/words-file.js';
import { fingerprintRules } from '../curate/rules-fingerprint.js';
import type { EarlyPublish } from '../curate/derive-curation.js';
import { ContentCache, selectEntries, WhyLater, WindowNotLoaded, type LoadHorizon } from '../curate/select-entries.js';
import { createStoryClusterer, type StoryClusterer } from '../curate/story-clusterer.js';
import { shelvedFor, type ShelvedText } from '../dedupe/story-words-storage.js';
import { describeError, StoreError } from '../errors.js';
import type { Fetcher } from '../fetch/fetcher.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { CycleOutcome } from '../pipeline.js';
import type { FeedReader } from '../read/feed-reader.js';
import { buildFeedFirst, buildPublicationInSteps, compressPublication, type Publication } from '../publish/build-publication.js';
import { publicationConfigKey, saveSnapshot, snapshotPath } from '../publish/publication-snapshot.js';
import { BACKGROUND_NICENESS } from '../schedule/thread-priority.js';
import type { StagedLoad } from '../store/open-store.js';
import type { Store } from '../store/store-api.js';
import type { Classification, CycleRecord, SourceState, StoredArticle } from '../types.js';
import { refreshStamps, stampPublication } from './shared-validators.js';
import { roundAll, timedClusterer, type RebuildTimings } from './rebuild-timings.js';
import { SlicedQueue } from './sliced-queue.js';
import { StartFiles } from './start-files.js';
import { windowHintPath } from './window-hint.js';
import { windowFirst } from './window-start.js';

/**
 * Reading workers exit this long after the last body of a cycle (the reader's
 * default is 10 s): within a cycle bodies come without such gaps, and
 * between cycles an idle daemon holds no worker heaps.
 */
const READER_IDLE_MS = 2_000;

/** How often a database store is checked between cycles (/healthz, pausing and resuming the polls). */
const STORE_CHECK_MS = 5_000;

export interface DaemonOptions {
  config: Config;
  store: Store;
  logger: Logger;
  metrics?: Metrics;
  /** Served until the first publication of this process is ready (the snapshot of the last run). */
  initialPublication?: Publication;
  /** Half the schedule's interval: see CycleContext.minPollGapMs. */
  minPollGapMs?: () => number;
  /**
   * A JSON store opened in stages (openStoreStaged): without an initial publication, start() builds the
   * first one from the newest segments, serves it, then loads the rest (window-start.ts).
   */
  storeLoad?: StagedLoad;
}

/**
 * Heads a database-backed daemon keeps (the newest by publication date): far
 * more than the clustering window of select-entries.ts (at most 10 × maxItems
 * curated articles and three story windows), so that a topic matching one
 * article in 200 still fills its feed; fixed, so start and rebuilds do not
 * grow with the table.
 */
export function curationWindow(config: Config): number {
  return Math.max(20_000, 200 * config.feed.maxItems);
}

export function rulesFor(config: Config): Rules {
  return { classifier: compileRules(config.topics, config.sources), fingerprint: fingerprintRules(config), definition: { topics: config.topics, sources: config.sources } };
}

export class Daemon {
  readonly store: Store;
  #config: Config;
  #curation: Curation | undefined;
  /** A rules edit is being applied: a cycle's topics found with the rules before it are not stored meanwhile. */
  #editingRules = false;
  /** Made by the first cycle: undici need not load before a start's first answer (~0.2 s of CPU). */
  #fetcher: Fetcher | undefined;
  /** Started by the first cycle: a start serves and loads the store without a reader worker competing for the CPU. */
  #reader: FeedReader | undefined;
  #publication: Publication | undefined;
  /** When each built publication's rebuild began, for its timings (#swapPublication adds the compression's). */
  readonly #started = new WeakMap<Publication, { started: number; timings: RebuildTimings }>();
  /** The ids of the story window each built publication was selected from (#swapPublication cuts the story-text shelf to it). */
  readonly #windows = new WeakMap<Publication, readonly string[]>();
  readonly #cache = new ContentCache();
  /** Story clustering, kept from rebuild to rebuild, in slices on this thread: requests keep flowing meanwhile. */
  readonly #clusterer: StoryClusterer;
  /** The words of a cycle's merged articles, read in slices between the fetches (classifyMerged). */
  readonly #ahead: SlicedQueue<{ article: StoredArticle; curation: Curation; curated: boolean }>;
  readonly #log: Logger;
  readonly #options: DaemonOptions;
  #serial: Promise<unknown> = Promise.resolve();
  #snapshotWrite: Promise<void> = Promise.resolve();
  /** The story index built after a start from kept clusters. */
  #warming: Promise<void> | undefined;
  /** Derived files (word filters, story texts, story clusters), written after the swap (not on a rebuild's path), one write at a time. */
  #wordsWrite: Promise<void> = Promise.resolve();
  /** The publish window's story texts of the last build, to write after its swap (story-words-file.ts). */
  #storyTexts: Map<string, ShelvedText> | undefined;
  /** Story texts and clusters kept for the next start without a snapshot (JSON store). */
  readonly #startFiles: StartFiles;
  #cycleAbort: AbortController | undefined;
  /** What /healthz reads without touching the store. */
  sourceStates = new Map<string, SourceState>();
  lastCycle: CycleRecord | undefined;
  articleCount = 0;
  /** Set while the store cannot be written (a full disk): serving goes on, the next cycle tries again. */
  storeWriteError: string | undefined;
  /** The last rebuild, from taking the change in to the new publication swapped in (compressed forms follow: lastRebuild.compressedMs). */
  lastRebuildMs: number | undefined;
  /** Where that time went: selectMs includes clusterMs; renderMs follows it; compressMs after the swap. */
  lastRebuild: RebuildTimings | undefined;
  /** Replicas: whether this replica's rules are the ones the others run (undefined: a store without replicas). */
  rulesAgreement: { agreed: boolean; reference: string } | undefined;
  /** Replicas: whether the database answered the last health check. */
  storeHealth: { ok: boolean; detail: string } | undefined;
  #cursor: string | null = null;
  #unwatch: (() => void) | undefined;
  #syncTimer: NodeJS.Timeout | undefined;
  #healthTimer: NodeJS.Timeout | undefined;
  /** The store check running now: a check slower than STORE_CHECK_MS (connect timeout) is not started twice. */
  #checking: Promise<boolean> | undefined;
  /** The publication served carries this process's dates: the store could not stamp it (database away). */
  #unstamped = false;
  /** Settles when start() has loaded the whole store: a cycle waits for it (its merge and retention need every article). */
  #whole: Promise<void> = Promise.resolve();

  constructor(options: DaemonOptions) {
    // Not kept in #options: the snapshot's bodies of every route the first build changes would stay alive with it.
    const { initialPublication, ...kept } = options;
    this.#options = kept;
    this.store = options.store;
    this.#config = options.config;
    this.#log = options.logger.child({ component: 'daemon' });
    this.#clusterer = createStoryClusterer();
    this.#startFiles = new StartFiles({ log: this.#log, clusterer: this.#clusterer, background: (work, failure) => this.#inBackground(work, failure) });
    this.#ahead = new SlicedQueue({
      work: ({ article, curation, curated }) => this.#readAhead(article, curation, curated),
      // Read again where the rebuild needs it (applyCycle, the clusterer), where a real fault surfaces.
      onError: (err, { article }) => this.#log.warn({ id: article.id, error: describeError(err) }, 'could not read a merged article\'s words ahead; read at the rebuild'),
    });
    this.#publication = initialPublication;
  }

  get config(): Config {
    return this.#config;
  }

  get publication(): Publication | undefined {
    return this.#publication;
  }

  /** The curation state in force (undefined before start()). */
  get curation(): Curation | undefined {
    return this.#curation;
  }

  /**
   * Load the curation state (classifying only what the stored topics lack) and publish. `onServed`:
   * runs once the first publication is served, before its bodies are compressed (serve listens then).
   */
  async start(options: { onServed?: () => Promise<unknown> } = {}): Promise<void> {
    await this.#refreshStatus();
    if (this.store.kind === 'json') await this.#startFiles.load(this.#config.storePath);
    // Replicas: start from what the store holds now, then follow what the others write.
    if (this.store.changesSince) this.#cursor = await (this.store.changesCursor?.() ?? this.store.changesSince(null).then((c) => c.cursor));
    const whole = this.#exclusive(async () => {
      const config = this.#config;
      const rules = rulesFor(config);
      const load = this.#options.storeLoad;
      // Without a publication to serve meanwhile: the first one from the window's segments, the rest of the store after it.
      const served =
        load && !this.#publication
          ? await windowFirst({
              store: this.store,
              load,
              rules,
              log: this.#log,
              build: (curation, horizon) => this.#build(config, curation, undefined, horizon, true),
              ...(this.store.readOnly ? {} : { hint: { path: windowHintPath(config.storePath), save: (work: () => Promise<void>) => this.#inBackground(work, 'could not save the first window\'s segment count (only a start without a snapshot is slower)') } }),
            })
          : undefined;
      if (served) await this.#swapPublication(served, config, options.onServed);
      await load?.finish();
      this.#curation = await Curation.open(this.store, rules, this.#curationOptions(config));
      await this.#flushDerived();
      if (!served) await this.#swapPublication(await this.#build(config, this.#curation), config, options.onServed);
      else {
        // The entries are the whole store's (window-start.ts); only the count was the window's.
        this.articleCount = this.#curation.articleCount;
        this.#options.metrics?.setStoreArticles(this.articleCount);
      }
      if (load) this.#inBackground(async () => this.store.saveSegmentDates?.(), 'could not save the segment dates (only the next start is slower)');
    });
    this.#whole = whole.catch(() => {});
    await whole;
    const run = this.#clusterer.lastRun;
    if (this.#startFiles.clustersOffered) {
      if (run?.mode === 'kept') this.#log.info('first publication from the kept story clusters; the story index is built after it');
      else this.#log.info({ reason: run?.reason }, 'story clusters file not used; the window was clustered');
    }
    // A first build from kept clusters left the story index unbuilt: built now, before a cycle extends it (settled() waits for it).
    this.#warming = this.#clusterer.warm?.().catch((err: unknown) => this.#log.warn({ error: describeError(err) }, 'could not build the story index ahead; built at the next rebuild'));
    await this.#reportRules();
    if (this.store.checkHealth) {
      this.#healthTimer = setInterval(() => void this.#checkStore(), STORE_CHECK_MS);
      this.#healthTimer.unref();
    }
    if (this.store.watch) {
      this.#unwatch = await this.store.watch((what) => {
        if (what === 'rules') void this.#reportRules();
        else if (what === 'published') void this.#exclusive(() => this.#refreshStamps()).catch(() => {});
        else this.#scheduleSync();
      });
    }
  }

  /** Another replica wrote articles: take them in and publish, a moment later (notifications come in bursts). */
  #scheduleSync(): void {
    if (this.#syncTimer) return;
    this.#syncTimer = setTimeout(() => {
      this.#syncTimer = undefined;
      void this.#exclusive(() => this.#syncFromStore()).catch((err: unknown) =>
        this.#log.warn({ error: describeError(err) }, 'could not take in the other replicas\' articles; trying again on the next change'),
      );
    }, 250);
    this.#syncTimer.unref();
  }

  async #syncFromStore(): Promise<void> {
    if (!this.store.changesSince || !this.#curation) return;
    const changes = await this.store.changesSince(this.#cursor);
    this.#cursor = changes.cursor;
    if (changes.heads.length === 0 && changes.removed.length === 0) return;
    const written = await this.store.getArticles(changes.heads.map((h) => h.id));
    await this.#curation.applyRemote(written, changes.removed);
    await this.#swapPublication(await this.#build(this.#config, this.#curation), this.#config);
  }

  async #reportRules(): Promise<void> {
    if (!this.store.reportRules || !this.#curation) return;
    try {
      const agreement = await this.store.reportRules(this.#curation.rules.fingerprint, new Date());
      this.rulesAgreement = { agreed: agreement.agreed, reference: agreement.reference };
      if (!agreement.agreed) this.#log.warn({ reference: agreement.reference }, 'the topic rules differ from the other replicas\' (see /healthz)');
    } catch (err) {
      this.#log.warn({ error: describeError(err) }, 'could not compare the topic rules with the other replicas');
    }
  }

  /** A database store: whether it answers now. Going away pauses the polls; coming back resumes them and catches up. */
  #checkStore(): Promise<boolean> {
    this.#checking ??= this.#checkStoreOnce().finally(() => (this.#checking = undefined));
    return this.#checking;
  }

  async #checkStoreOnce(): Promise<boolean> {
    if (!this.store.checkHealth) return true;
    const was = this.storeHealth?.ok;
    const health = await this.store.checkHealth();
    this.storeHealth = { ok: health.ok, detail: health.detail };
    if (was !== false && !health.ok) this.#log.error({ error: health.detail }, 'database unreachable: serving from memory, polls paused');
    if (was === false && health.ok) {
      this.#log.info({ database: health.detail }, 'database reachable again: polls resume');
      this.#scheduleSync();
      if (this.#unstamped) void this.#exclusive(() => this.#restamp()).catch(() => {});
    }
    return health.ok;
  }

  async #refreshStamps(): Promise<void> {
    if (!this.#publication || this.#unstamped) return;
    const next = await refreshStamps(this.store, this.#publication);
    if (next) this.#publication = next;
  }

  async #restamp(): Promise<void> {
    if (!this.#publication || !this.#unstamped) return;
    this.#publication = await stampPublication(this.store, this.#publication);
    this.#unstamped = false;
  }

  /** One poll cycle, then curate and publish what it changed. */
  async cycle(): Promise<CycleOutcome> {
    // Without the database nothing fetched could be stored: leave the sources (and their leases and backoff) alone.
    if (this.storeHealth?.ok === false && !(await this.#checkStore())) {
      throw new StoreError(this.store.location, 'poll skipped: the database does not answer (serving from memory; polls resume when it does)');
    }
    await this.#whole;
    const abort = new AbortController();
    this.#cycleAbort = abort;
    let outcome: CycleOutcome;
    const curation = this.#curation!;
    try {
      const fetcher = (this.#fetcher ??= await createFetcher(this.#config));
      // Loaded by the first cycle, not before a start's first answer (the read worker pool, dedupe's merge: ~70 ms of CPU).
      const [{ runCycle }, { createFeedReader }] = await Promise.all([import('../pipeline.js'), import('../read/feed-reader.js')]);
      outcome = await runCycle({
        config: this.#config,
        store: this.store,
        fetcher,
        reader: (this.#reader ??= createFeedReader({ logger: this.#log, idleTimeoutMs: READER_IDLE_MS, niceness: BACKGROUND_NICENESS })),
        classify: (article) => this.classifyMerged(article, curation),
        rulesFingerprint: curation.rules.fingerprint,
        rulesInForce: () => !this.#editingRules && this.#curation?.rules.fingerprint === curation.rules.fingerprint,
        logger: this.#options.logger,
        ...(this.#options.metrics ? { metrics: this.#options.metrics } : {}),
        signal: abort.signal,
        minPollGapMs: this.#options.minPollGapMs?.() ?? 0,
      });
      this.storeWriteError = outcome.writeError ? describeError(outcome.writeError) : undefined;
    } catch (err) {
      this.storeWriteError = describeError(err);
      throw err;
    } finally {
      this.#cycleAbort = undefined;
      await this.#refreshStatus();
    }
    // Topics withheld (a rules edit came between): the articles are classified and stored with the rules in force.
    await this.publishCycle(outcome, outcome.topicsWithheld ? undefined : curation.rules.fingerprint);
    return outcome;
  }

  /**
   * What a cycle does with each article it merges (runCycle's classify): its topics now; its words
   * added to the day's filter and, for a curated one, its story words read, in slices of a few ms
   * between the fetches (sliced-queue.ts), so that the rebuild after the poll only compares them
   * (story-clusterer.ts) and a source's fifty articles do not hold requests up meanwhile.
   */
  classifyMerged(article: StoredArticle, curation: Curation = this.#curation!): Classification {
    const result = curation.classifyArticle(article);
    this.#ahead.push({ article, curation, curated: result.topics.length > 0 });
    return result;
  }

  #readAhead(article: StoredArticle, curation: Curation, curated: boolean): void {
    curation.readAhead(article);
    if (curated) {
      const { content, ...head } = article;
      this.#clusterer.readAhead(head, content);
    }
  }

  /**
   * Curate and publish what a cycle wrote (`storedUnder`: the rules
   * fingerprint the cycle stored its new articles' topics under; undefined
   * when it stored not all of them). Resolves once the new publication is
   * served; lastRebuild says where the time went.
   */
  publishCycle(outcome: Pick<CycleOutcome, 'written' | 'touched' | 'dropped'>, storedUnder: string | undefined): Promise<void> {
    return this.#exclusive(async () => {
      // The cycle's articles read ahead first (mostly done between the fetches): else the rebuild reads them, in bigger pieces.
      await this.#ahead.drained();
      const started = performance.now();
      // A rules edit may have swapped the curation meanwhile: it takes the cycle's articles in too.
      const current = this.#curation!;
      await current.applyCycle(this.store, outcome, storedUnder);
      // The word filters are written after the swap: the new publication does not wait for them.
      await this.#flushDerived(false);
      if (outcome.written.length > 0 || outcome.touched.length > 0 || outcome.dropped > 0 || !this.#publication) {
        await this.#swapPublication(await this.#build(this.#config, current, started), this.#config);
      }
      this.#saveWords();
    });
  }

  /** Abandon the running cycle's unfinished sources (shutdown). */
  abortCycle(): void {
    this.#cycleAbort?.abort();
  }

  /**
   * Swap to a new config, all or nothing. Rejects (keeping the old config whole) when any part fails.
   * A rules edit serves its publication as soon as the newest articles are classified with the new rules
   * (derive-curation.ts, `early`: the same bytes as after all of them); the older ones follow before it
   * resolves, and a failure among them puts the previous publication back.
   */
  applyConfig(next: Config): Promise<void> {
    return this.#exclusive(async () => {
      const started = performance.now();
      const previous = this.#config;
      const before = this.#publication;
      const rules = rulesFor(next);
      const window = curationWindow(next);
      const fetchChanged = JSON.stringify(previous.fetch) !== JSON.stringify(next.fetch) || previous.server.baseUrl !== next.server.baseUrl;
      const fetcher = fetchChanged && this.#fetcher ? await createFetcher(next) : this.#fetcher;
      // The early publication's compression, once it is served.
      let served: Promise<void> | undefined;
      const early: EarlyPublish = async (partial, horizon) => {
        try {
          const built = await this.#build(next, partial, started, horizon);
          served = this.#swapPublication(built, next);
          this.#log.debug({ horizon: horizon.unloadedNewest, ms: Math.round(performance.now() - started) }, 'edited rules\' publication served; older articles still being classified');
          return 'served';
        } catch (err) {
          if (err instanceof WindowNotLoaded) return err.stage;
          throw err;
        }
      };
      let curation: Curation;
      let built: Publication | undefined;
      this.#editingRules = this.#curation !== undefined && rules.fingerprint !== this.#curation.rules.fingerprint;
      try {
        curation = !this.#curation
          ? await Curation.open(this.store, rules, this.#curationOptions(next))
          : rules.fingerprint === this.#curation.rules.fingerprint
            ? this.#curation
            : // The window size follows feed.maxItems: a changed one loads the heads again.
              window === curationWindow(previous)
              ? await Curation.derive(this.#curation, this.store, rules, { early })
              : await Curation.open(this.store, rules, this.#curationOptions(next));
        if (!served) built = await this.#build(next, curation, started);
      } catch (err) {
        this.#editingRules = false;
        if (fetcher !== this.#fetcher) await fetcher?.close();
        if (served && before) {
          await served.catch(() => {});
          await this.#swapPublication(before, previous);
          this.#log.warn('the edited config\'s publication was served while its rules were applied; the previous one is back');
        }
        throw err;
      }
      const oldFetcher = this.#fetcher;
      this.#config = next;
      this.#curation = curation;
      // From here a cycle's rules are in force only if they are these (rulesInForce compares fingerprints).
      this.#editingRules = false;
      this.#fetcher = fetcher;
      // Served from here on (the swap is synchronous); its compression follows.
      const compressed = built ? this.#swapPublication(built, next) : served;
      this.#log.info({ file: next.file, sources: next.sources.length, topics: Object.keys(next.topics) }, 'config reloaded');
      if (oldFetcher !== fetcher) void oldFetcher?.close();
      await compressed;
      await this.#flushDerived();
      await this.#reportRules();
    });
  }

  /** Resolves when the work started so far (publishing, the snapshot write) has finished. */
  async settled(): Promise<void> {
    await this.#ahead.drained();
    await this.#serial;
    await this.#snapshotWrite;
    await this.#wordsWrite;
    await this.#warming;
  }

  async close(): Promise<void> {
    this.#unwatch?.();
    if (this.#syncTimer) clearTimeout(this.#syncTimer);
    if (this.#healthTimer) clearInterval(this.#healthTimer);
    await this.settled();
    await Promise.all([this.#fetcher?.close(), this.#reader?.close(), this.#clusterer.close()]);
  }

  /**
   * Build the publication for this config and curation state (identity
   * bodies; #swapPublication compresses them); serving goes on meanwhile.
   * `started`: when the change began to be taken in (lastRebuild counts
   * from there to the publication swapped in, and to its bodies compressed).
   */
  async #build(config: Config, curation: Curation, started = performance.now(), horizon?: LoadHorizon, feedFirst = false): Promise<Publication> {
    const timed = timedClusterer(this.#clusterer);
    let t = performance.now();
    // A feed-first build (a start's first publication, JSON store: nothing to stamp) leaves "why shown" to after listening.
    const whyLater = feedFirst && !this.store.stampPublication ? new WhyLater() : undefined;
    // Nothing is rendered ahead while the stories are clustered: both run on this thread, and HTML guarded for
    // articles no feed then shows was wasted (measured: BENCHMARKS.md, rebuild session 7).
    const entries = await selectEntries(curation, this.store, this.#cache, { maxItems: config.feed.maxItems, topics: Object.keys(config.topics) }, timed, undefined, horizon, whyLater);
    const selectMs = performance.now() - t;
    t = performance.now();
    const input = { entries, config, generatedAt: new Date(), previous: this.#publication };
    const built = whyLater ? await buildFeedFirst(input, () => whyLater.fill()) : await this.#stamp(await buildPublicationInSteps(input));
    // The story-text shelf is cut to this window once the publication is swapped in, off the rebuild's path
    // (rendering reads no story texts; story-words-storage.ts).
    if (timed.window) this.#windows.set(built, timed.window);
    const renderMs = performance.now() - t;
    // A windowed curation holds the newest heads only: the count comes from the store.
    this.articleCount = this.store.listNewestHeads ? await this.store.countArticles().catch(() => this.articleCount) : curation.articleCount;
    const totalMs = performance.now() - started;
    const timings: RebuildTimings = { totalMs, selectMs, clusterMs: timed.ms, renderMs, compressMs: Number.NaN, compressedMs: Number.NaN, entries: entries.length, rendered: built.fragments?.lastBuild.rendered ?? entries.length };
    this.lastRebuild = timings;
    this.lastRebuildMs = totalMs;
    this.#started.set(built, { started, timings });
    return built;
  }

  /** Replicas: the dates every replica sends for these bodies; this process's own while the database is away. */
  async #stamp(built: Publication): Promise<Publication> {
    if (!this.store.stampPublication || this.store.readOnly) return built;
    try {
      const stamped = await stampPublication(this.store, built);
      this.#unstamped = false;
      return stamped;
    } catch (err) {
      this.#unstamped = true;
      this.#log.warn({ error: describeError(err) }, 'Last-Modified from this process\'s clock until the database answers');
      return built;
    }
  }

  /**
   * Serve the new publication from now on, whole (synchronously, before the
   * first await); then compress its changed bodies (in place: requests
   * meanwhile get the identity body and its ETag, never a compressed body of
   * other bytes) and keep it, compressed, for the next start.
   */
  async #swapPublication(built: Publication, config: Config, onServed?: () => Promise<unknown>): Promise<void> {
    const unchanged = this.#publication !== undefined && sameBodies(this.#publication, built);
    this.#publication = built;
    this.#options.metrics?.setStoreArticles(this.articleCount);
    // At once, before anything else reads story texts: the shelf is cut to the publication's window.
    const window = this.#windows.get(built);
    if (window) this.#storyTexts = shelvedFor(window);
    const rebuild = this.#started.get(built);
    await onServed?.();
    // A feed-first publication answers /feed.xml now; its other routes are answered once rendered (requests wait).
    await built.rendering?.finish();
    const t = performance.now();
    try {
      await compressPublication(built);
    } catch (err) {
      // Served uncompressed meanwhile; the next build tries these bodies again (compressResource).
      this.#log.warn({ error: describeError(err) }, 'could not compress the new publication (served uncompressed)');
    }
    if (rebuild) {
      rebuild.timings.compressMs = performance.now() - t;
      rebuild.timings.compressedMs = performance.now() - rebuild.started;
      this.#log.debug(roundAll(rebuild.timings), 'feeds rebuilt');
    }
    if (!unchanged) {
      this.#snapshotWrite = this.#snapshotWrite
        .then(() => saveSnapshot(snapshotPath(config), built, publicationConfigKey(config)))
        .catch((err: unknown) => this.#log.warn({ error: describeError(err) }, 'could not save the publication snapshot (only start-up is slower)'));
    }
    const texts = this.#storyTexts;
    this.#storyTexts = undefined;
    if (this.store.kind === 'json' && !this.store.readOnly) this.#startFiles.save(config.storePath, texts);
  }

  /** Classifications computed outside a cycle (start, rules edit) are kept for the next start, and so are the word filters. */
  async #flushDerived(words = true): Promise<void> {
    if (this.store.readOnly) return;
    try {
      await this.store.flush();
    } catch (err) {
      this.storeWriteError = describeError(err);
      this.#log.error({ error: this.storeWriteError }, 'store write failed');
    }
    if (words) this.#saveWords();
  }

  /** The word filters changed since the last write, written in the background, one write at a time. */
  #saveWords(): void {
    if (this.store.readOnly) return;
    const curation = this.#curation;
    if (curation) this.#inBackground(() => curation.saveWords(), 'could not save the word filters (only the next rules edit is slower)');
  }

  /** Derived files (word filters, story texts and clusters) are written after the swap, one write at a time; a failure costs only time. */
  #inBackground(work: () => Promise<void>, failure: string): void {
    this.#wordsWrite = this.#wordsWrite.then(work).catch((err: unknown) => this.#log.warn({ error: describeError(err) }, failure));
  }

  /** The JSON store keeps the word filters beside it (words-file.ts); a database store curates a window. */
  #curationOptions(config: Config): CurationOptions {
    return { window: curationWindow(config), ...(this.store.kind === 'json' && !this.store.readOnly ? { wordsPrefix: wordsPrefixOf(config.storePath) } : {}) };
  }

  async #refreshStatus(): Promise<void> {
    // Through #checkStore, so that a cycle finding the database gone logs the change like the timer does.
    if (!(await this.#checkStore())) return; // keep what is known until the database is back
    this.sourceStates = await this.store.getSourceStates();
    this.lastCycle = await this.store.getLastCycle();
  }

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#serial.then(work);
    this.#serial = next.catch(() => {});
    return next;
  }
}

async function createFetcher(config: Config): Promise<Fetcher> {
  return (await import('../fetch/configure-fetcher.js')).createFetcherFromConfig(config);
}

function sameBodies(a: Publication, b: Publication): boolean {
  if (a.resources.size !== b.resources.size) return false;
  for (const [path, r] of b.resources) if (a.resources.get(path)?.etags.identity !== r.etags.identity) return false;
  return true;
}

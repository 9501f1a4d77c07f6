/**
 * The one place that knows the order of the stages:
 *
 *   fetch → decode → parse → normalize → dedupe (plan, in the store's transaction) → retention → flush
 *
 * Classification and publishing follow from the store (src/curate/,
 * src/publish/) so that a change of rules re-curates the past. Each source
 * is ingested on its own: whatever one source does, it costs only itself.
 * Only a source's own failure (a SourceError) counts against it; a bug of
 * ours is logged with its stack and does not back the source off.
 */
import { redactUrl } from './config/redact-url.js';
import type { Config, SourceConfig } from './config/schema.js';
import { articleOf, CycleTally, type Written } from './cycle-tally.js';
import { mergeIntoStore } from './dedupe/merge-source.js';
import { AbortedError, describeError, errorCode, INTERNAL_ERROR_CODE, SKIP_CODES, SourceError, StoreError } from './errors.js';
import type { Fetcher, FetchResult } from './fetch/fetcher.js';
import { checkSourceDue, recordFetchFailure, recordFetchSuccess, resolveFetchUrl } from './fetch/source-schedule.js';
import type { Logger } from './log/logger.js';
import type { Metrics } from './metrics/metrics.js';
import { sharedFeedReader, type FeedReader } from './read/feed-reader.js';
import type { Store, WriteStats } from './store/store-api.js';
import type { ArticleWrite, Classification, CycleError, CycleRecord, SourceState, StoredArticle } from './types.js';
import { TimeSlice } from './schedule/take-turn.js';

// Moved to src/read/read-feed-body.ts; kept here while other modules still import it from here,
// loaded on demand: the pipeline reads in worker threads and need not load the parsers itself.
export type { ReadFeed } from './read/read-feed-body.js';
export async function readFeedBody(...args: Parameters<typeof import('./read/read-feed-body.js').readFeedBody>) {
  return (await import('./read/read-feed-body.js')).readFeedBody(...args);
}

export interface CycleContext {
  config: Config;
  store: Store;
  fetcher: Fetcher;
  /** Classifies with the current rules (cached by the caller): counts what this cycle curated. */
  classify: (article: StoredArticle) => Classification;
  /** Fingerprint of the rules `classify` applies: the topics of new articles are stored under it. */
  rulesFingerprint?: string;
  /**
   * Whether those rules are still the ones in force (the daemon: no rules edit replaced them while the
   * cycle ran). Topics found with replaced rules are not stored: the JSON store keeps one fingerprint's
   * topics, and storing the old ones threw away what the edit had stored for every article; the daemon
   * classifies the cycle's articles with the new rules when it publishes them. Default: always.
   */
  rulesInForce?: () => boolean;
  logger: Logger;
  metrics?: Metrics;
  /** Reads fetched bodies (decode → parse → normalize) in worker threads. Default: the process-wide shared reader. */
  reader?: FeedReader;
  /**
   * Told once every source of the cycle is fetched, read and merged, before
   * retention and the store write: `poll` stops its read workers there, so
   * that their teardown overlaps the write instead of following it.
   */
  onSourcesDone?: () => void;
  /** Aborted on shutdown: sources not yet finished are abandoned, nothing half-merged. */
  signal?: AbortSignal;
  now?: () => Date;
  /**
   * Replicas sharing a database: a source attempted less than this long ago
   * was polled by another replica for this due time and is left alone. The
   * daemon passes half its schedule's interval; `poll` polls everything.
   */
  minPollGapMs?: number;
}

/** What a cycle did: the summary, and the articles it wrote (for incremental curation). */
export interface CycleOutcome {
  record: CycleRecord;
  /** New and changed articles, content included. */
  written: StoredArticle[];
  /** Article ids that changed only in their head (another source, a better link). */
  touched: string[];
  dropped: number;
  /** Some written articles' topics were not stored: the rules they were found with were replaced meanwhile (rulesInForce). */
  topicsWithheld?: true;
  writeStats: WriteStats;
  /**
   * Set when the store could not make the cycle durable (a full disk): the
   * merged articles stay in the store's memory and are written by the next
   * successful flush; meanwhile they are served.
   */
  writeError?: StoreError;
}

/** Classifying merged articles between two turns of the event loop at most. */
const CLASSIFY_SLICE_MS = 3;

type SourceOutcome =
  | { kind: 'ok'; new: number; updated: number; duplicates: number; writes: ArticleWrite[]; topics: Map<ArticleWrite, string[]> }
  | { kind: 'not-modified' }
  | { kind: 'failed'; code: string; error: string }
  | { kind: 'skipped'; code: string; error: string }
  | { kind: 'store-failed'; error: StoreError };

/** Run one poll cycle over every configured source that is due, then make the store durable. */
export async function runCycle(ctx: CycleContext): Promise<CycleOutcome> {
  const now = ctx.now ?? (() => new Date());
  const started = now();
  const log = ctx.logger.child({ component: 'pipeline' });
  const states = await ctx.store.getSourceStates();

  const outcomes = new Map<string, SourceOutcome>();
  const due: SourceConfig[] = [];
  for (const source of ctx.config.sources) {
    const check = checkSourceDue(states.get(source.name), source, started);
    if (check.due) due.push(source);
    else {
      ctx.metrics?.observeFetch(source.name, 'skipped', 0);
      log.debug({ source: source.name, reason: check.reason }, 'source skipped');
      outcomes.set(source.name, { kind: 'skipped', code: check.code, error: `skipped: ${check.reason}` });
    }
  }
  const claimed = new Set(
    await ctx.store.claimSources({
      names: due.map((s) => s.name),
      attemptedBefore: new Date(started.getTime() - (ctx.minPollGapMs ?? 0)),
      leaseUntil: new Date(started.getTime() + (ctx.config.fetch.timeoutSeconds * 2 + 60) * 1000),
    }),
  );
  const tally = new CycleTally(ctx.store, ctx.rulesFingerprint, ctx.rulesInForce);
  await Promise.all(
    due.map(async (source) => {
      if (!claimed.has(source.name)) {
        outcomes.set(source.name, { kind: 'skipped', code: SKIP_CODES.leased, error: 'skipped: polled by another replica this time' });
        return;
      }
      const outcome = await pollSource(ctx, source, states.get(source.name), now);
      outcomes.set(source.name, outcome);
      if (outcome.kind === 'ok') tally.add(outcome.writes, outcome.topics);
    }),
  );

  ctx.onSourcesDone?.();
  const storeFailure = [...outcomes.values()].find((o) => o.kind === 'store-failed');
  if (storeFailure) throw storeFailure.error;

  const record = recordOutcomes(ctx.config.sources, outcomes, started);
  await tally.batchesStored();
  const { dropped } = await ctx.store.applyRetention(ctx.config.storage, now());
  record.curated = await tally.finish(ctx.classify);
  const finished = now();
  record.finishedAt = finished.toISOString();
  record.durationMs = finished.getTime() - started.getTime();
  await ctx.store.putLastCycle(record);
  let writeStats: WriteStats = { bytes: 0, files: 0 };
  let writeError: StoreError | undefined;
  try {
    writeStats = await ctx.store.flush();
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    writeError = err;
    log.error({ code: err.code, error: describeError(err) }, 'store write failed; kept in memory, tried again next cycle');
  }

  ctx.metrics?.observeCycle(record);
  ctx.metrics?.setStoreArticles(await ctx.store.countArticles());
  log.info(
    {
      sources: record.sources,
      ok: record.ok,
      notModified: record.notModified,
      failed: record.failed,
      skipped: record.skipped,
      new: record.new,
      updated: record.updated,
      duplicates: record.duplicates,
      curated: record.curated,
      dropped,
      bytesWritten: writeStats.bytes,
      durationMs: record.durationMs,
    },
    'poll cycle finished',
  );
  let articles: StoredArticle[] | undefined;
  return {
    record,
    // Made when first asked for (the daemon's curation): `poll` never asks, and a copy of each of a cold
    // poll's ~50,000 articles, kept to the cycle's end, was ~1.5 % of its main thread plus the GC it caused.
    get written(): StoredArticle[] {
      return (articles ??= Array.from(tally.written.values(), (w) => articleOf(w.write)));
    },
    touched: [...tally.touched],
    dropped,
    ...(tally.withheld ? { topicsWithheld: true as const } : {}),
    writeStats,
    ...(writeError ? { writeError } : {}),
  };
}

/** The cycle's record, from each source's outcome in config order (its errors in that order). */
function recordOutcomes(sources: readonly SourceConfig[], outcomes: ReadonlyMap<string, SourceOutcome>, started: Date): CycleRecord {
  const errors: CycleError[] = [];
  const record: CycleRecord = {
    sources: sources.length,
    ok: 0,
    notModified: 0,
    failed: 0,
    skipped: 0,
    new: 0,
    updated: 0,
    duplicates: 0,
    curated: 0,
    durationMs: 0,
    errors,
    startedAt: started.toISOString(),
    finishedAt: '',
  };
  for (const source of sources) {
    const outcome = outcomes.get(source.name)!;
    if (outcome.kind === 'ok') {
      record.ok++;
      record.new += outcome.new;
      record.updated += outcome.updated;
      record.duplicates += outcome.duplicates;
    } else if (outcome.kind === 'not-modified') {
      record.notModified++;
    } else if (outcome.kind === 'failed' || outcome.kind === 'skipped') {
      if (outcome.kind === 'failed') record.failed++;
      else record.skipped++;
      errors.push({ source: source.name, code: outcome.code, error: outcome.error });
    }
  }
  return record;
}

async function pollSource(ctx: CycleContext, source: SourceConfig, state: SourceState | undefined, now: () => Date): Promise<SourceOutcome> {
  const log = ctx.logger.child({ component: 'pipeline', source: source.name });
  const startedAt = Date.now();
  try {
    const result: FetchResult = await ctx.fetcher.fetch({
      url: resolveFetchUrl(state, source),
      ...(state?.url === source.url && state.etag ? { etag: state.etag } : {}),
      ...(state?.url === source.url && state.lastModified ? { lastModified: state.lastModified } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      // The reader undoes gzip/br where it reads: this thread neither inflates the body nor moves its inflated bytes.
      leaveEncoded: true,
    });
    const seconds = (Date.now() - startedAt) / 1000;
    if (result.kind === 'not-modified') {
      await ctx.store.putSourceState(keepWarnings(recordFetchSuccess(state, source, result, now()), state?.warnings));
      ctx.metrics?.observeFetch(source.name, 'not_modified', seconds);
      ctx.metrics?.setSourceLastSuccess(source.name, Date.now() / 1000);
      return { kind: 'not-modified' };
    }
    const reader = ctx.reader ?? sharedFeedReader(ctx.logger);
    const feed = await reader.read(result.body, result.contentType, result.finalUrl, now(), result.contentLocation, result.encoded);
    // Merge only while not shutting down: a source is merged whole or not at all.
    if (ctx.signal?.aborted) throw new AbortedError('poll abandoned: shutting down');
    for (const warning of feed.warnings) log.warn({ warning }, 'source has a problem');
    const mergedAt = now();
    const plan = await mergeIntoStore(ctx.store, feed.items, keepWarnings(recordFetchSuccess(state, source, result, mergedAt), feed.warnings), mergedAt);
    ctx.metrics?.observeFetch(source.name, 'ok', seconds);
    ctx.metrics?.setSourceLastSuccess(source.name, Date.now() / 1000);
    return { kind: 'ok', ...plan.counts, writes: plan.merge.writes, topics: await classifyWrites(ctx, plan.merge.writes) };
  } catch (err) {
    if (err instanceof StoreError) return { kind: 'store-failed', error: err };
    ctx.metrics?.observeFetch(source.name, 'failed', (Date.now() - startedAt) / 1000);
    const error = describeError(err);
    if (err instanceof SourceError || err instanceof AbortedError) {
      if (!(err instanceof AbortedError)) await ctx.store.putSourceState(recordFetchFailure(state, source, err, now()));
      log.warn({ code: errorCode(err), error, url: redactUrl(source.url) }, 'source failed');
      return { kind: 'failed', code: errorCode(err), error };
    }
    // Our bug, not the source's: keep its state as it was, show the stack.
    log.error({ code: INTERNAL_ERROR_CODE, err, url: redactUrl(source.url) }, 'internal error while reading the source');
    return { kind: 'failed', code: INTERNAL_ERROR_CODE, error: `internal error: ${error}` };
  }
}

/**
 * Topics of a source's new and changed articles, found as soon as they are
 * merged: this thread would otherwise wait for the reading threads, and then
 * classify every article of the cycle after the last source. A write's head
 * is the plan's own copy, never changed afterwards, so the article the cycle
 * ends with for this write is the one classified here. A failure leaves the
 * article to the classification after the sources, which reports it as before.
 */
async function classifyWrites(ctx: CycleContext, writes: readonly ArticleWrite[]): Promise<Map<ArticleWrite, string[]>> {
  const topics = new Map<ArticleWrite, string[]>();
  // In slices: a source's fifty long articles in one turn held serve's requests up for 10+ ms.
  const slice = new TimeSlice(CLASSIFY_SLICE_MS);
  for (const write of writes) {
    if (write.content === undefined) continue;
    try {
      topics.set(write, ctx.classify(articleOf(write as Written['write'])).topics);
    } catch {
      // Classified again after the sources, where the error surfaces.
    }
    if (slice.due) await slice.turn();
  }
  return topics;
}

function keepWarnings(state: SourceState, warnings: readonly string[] | undefined): SourceState {
  if (!warnings || warnings.length === 0) return state;
  return { ...state, warnings: warnings.slice(0, 10) };
}

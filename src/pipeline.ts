/**
 * The one place that knows the order of the stages:
 *
 *   fetch → decode → parse → normalize → dedupe/merge → (retention) → store write
 *
 * Classification and publishing follow from the store (src/curate.ts,
 * src/publish/) so that a change of rules re-curates the past. Each source
 * is ingested on its own: whatever one source does, it costs only itself.
 */
import { redactUrl } from './config/redact-url.js';
import type { Config, SourceConfig } from './config/schema.js';
import type { Curator } from './curate.js';
import { applyRetention } from './dedupe/retention.js';
import { mergeItems } from './dedupe/merge-items.js';
import { AbortedError, describeError, errorCode } from './errors.js';
import type { Fetcher, FetchResult } from './fetch/fetcher.js';
import { checkSourceDue, recordFetchFailure, recordFetchSuccess, resolveFetchUrl } from './fetch/source-schedule.js';
import type { Logger } from './log/logger.js';
import type { Metrics } from './metrics/metrics.js';
import { sharedFeedReader, type FeedReader } from './read/feed-reader.js';
import type { Store } from './store/store.js';
import type { CycleRecord, CycleError, SourceState, StoredArticle } from './types.js';

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
  /** Classifies with the current rules; the daemon's curator caches, so publishing reuses this cycle's work. */
  curator: Curator;
  logger: Logger;
  metrics?: Metrics;
  /** Reads fetched bodies (decode → parse → normalize) in worker threads. Default: the process-wide shared reader. */
  reader?: FeedReader;
  /** Aborted on shutdown: sources not yet finished are abandoned, nothing half-merged. */
  signal?: AbortSignal;
  now?: () => Date;
}

type SourceOutcome =
  | { kind: 'ok'; new: number; updated: number; duplicates: number }
  | { kind: 'not-modified' }
  | { kind: 'failed'; error: string; skipped?: boolean };

/** Run one poll cycle over every configured source, then write the store once. */
export async function runCycle(ctx: CycleContext): Promise<CycleRecord> {
  const now = ctx.now ?? (() => new Date());
  const started = now();
  const log = ctx.logger.child({ component: 'pipeline' });
  const before = snapshotHashes(ctx.store.data.articles);

  const outcomes = await Promise.all(ctx.config.sources.map((source) => pollSource(ctx, source, now)));

  const errors: CycleError[] = [];
  const record: CycleRecord = {
    sources: outcomes.length,
    ok: 0,
    notModified: 0,
    failed: 0,
    new: 0,
    updated: 0,
    duplicates: 0,
    curated: 0,
    durationMs: 0,
    errors,
    startedAt: started.toISOString(),
    finishedAt: '',
    skipped: 0,
  };
  outcomes.forEach((outcome, i) => {
    const source = ctx.config.sources[i]!;
    if (outcome.kind === 'ok') {
      record.ok++;
      record.new += outcome.new;
      record.updated += outcome.updated;
      record.duplicates += outcome.duplicates;
    } else if (outcome.kind === 'not-modified') {
      record.notModified++;
    } else {
      record.failed++;
      if (outcome.skipped) record.skipped++;
      errors.push({ source: source.name, error: outcome.error });
    }
  });

  applyRetention(ctx.store.data, ctx.config.storage, now());
  record.curated = countCuratedChanges(ctx.store.data.articles, before, ctx.curator);
  const finished = now();
  record.finishedAt = finished.toISOString();
  record.durationMs = finished.getTime() - started.getTime();
  ctx.store.data.lastCycle = record;
  await ctx.store.write();

  ctx.metrics?.observeCycle(record);
  ctx.metrics?.setStoreArticles(ctx.store.data.articles.length);
  log.info(
    {
      sources: record.sources,
      ok: record.ok,
      notModified: record.notModified,
      failed: record.failed,
      new: record.new,
      updated: record.updated,
      duplicates: record.duplicates,
      curated: record.curated,
      durationMs: record.durationMs,
    },
    'poll cycle finished',
  );
  return record;
}

async function pollSource(ctx: CycleContext, source: SourceConfig, now: () => Date): Promise<SourceOutcome> {
  const log = ctx.logger.child({ component: 'pipeline', source: source.name });
  const sources = ctx.store.data.sources;
  const state: SourceState | undefined = sources[source.name];
  const due = checkSourceDue(state, source, now());
  if (!due.due) {
    ctx.metrics?.observeFetch(source.name, 'skipped', 0);
    log.debug({ reason: due.reason }, 'source skipped');
    return { kind: 'failed', error: `skipped: ${due.reason}`, skipped: true };
  }
  const startedAt = Date.now();
  try {
    const result: FetchResult = await ctx.fetcher.fetch({
      url: resolveFetchUrl(state, source),
      ...(state?.url === source.url && state.etag ? { etag: state.etag } : {}),
      ...(state?.url === source.url && state.lastModified ? { lastModified: state.lastModified } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    const seconds = (Date.now() - startedAt) / 1000;
    if (result.kind === 'not-modified') {
      sources[source.name] = recordFetchSuccess(state, source, result, now());
      ctx.metrics?.observeFetch(source.name, 'not_modified', seconds);
      ctx.metrics?.setSourceLastSuccess(source.name, Date.now() / 1000);
      return { kind: 'not-modified' };
    }
    const reader = ctx.reader ?? sharedFeedReader(ctx.logger);
    const feed = await reader.read(result.body, result.contentType, result.finalUrl, now());
    // Merge only while not shutting down: a source is merged whole or not at all.
    if (ctx.signal?.aborted) throw new AbortedError('poll abandoned: shutting down');
    for (const warning of feed.warnings) log.warn({ warning }, 'source has a problem');
    const counts = mergeItems(ctx.store.data, source.name, feed.items, now());
    sources[source.name] = recordFetchSuccess(state, source, result, now());
    ctx.metrics?.observeFetch(source.name, 'ok', seconds);
    ctx.metrics?.setSourceLastSuccess(source.name, Date.now() / 1000);
    return { kind: 'ok', ...counts };
  } catch (err) {
    const error = describeError(err);
    if (!(err instanceof AbortedError)) {
      sources[source.name] = recordFetchFailure(sources[source.name], source, err, now());
    }
    ctx.metrics?.observeFetch(source.name, 'failed', (Date.now() - startedAt) / 1000);
    log.warn({ code: errorCode(err), error, url: redactUrl(source.url) }, 'source failed');
    return { kind: 'failed', error };
  }
}

function snapshotHashes(articles: readonly StoredArticle[]): Map<string, string> {
  return new Map(articles.map((a) => [a.id, a.contentHash]));
}

/** Articles this cycle added or changed that the current rules curate. */
function countCuratedChanges(articles: readonly StoredArticle[], before: Map<string, string>, curator: Curator): number {
  let curated = 0;
  for (const a of articles) {
    if (before.get(a.id) === a.contentHash) continue;
    if (curator.classifyArticle(a).topics.length > 0) curated++;
  }
  return curated;
}

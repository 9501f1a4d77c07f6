/**
 * Prometheus metrics, wrapping prom-client. Every instance has its own
 * Registry (never the global default one), so tests and a reloaded daemon
 * can create as many as they like without "already registered" errors.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CycleRecord } from '../types.js';
import { HttpMetrics } from './http-metrics.js';

export type FetchOutcome = 'ok' | 'not_modified' | 'failed' | 'skipped';

export interface Metrics {
  readonly contentType: string;
  render(): Promise<string>;
  observeFetch(source: string, outcome: FetchOutcome, seconds: number): void;
  setSourceLastSuccess(source: string, unixSeconds: number): void;
  /** new/updated/duplicates/curated counters, cycle duration, failed sources. */
  observeCycle(record: CycleRecord): void;
  setStoreArticles(count: number): void;
  observeHttp(route: string, status: number, seconds: number): void;
  /** PostgreSQL: one store operation's duration. */
  observeStoreQuery(seconds: number, failed: boolean): void;
  /** PostgreSQL: where the pool's connections are, read at each scrape. */
  watchStorePool(read: () => { total: number; idle: number; waiting: number }): void;
}

export interface MetricsOptions {
  /** Process metrics (memory, CPU, event-loop lag, GC) with the `feedkurator_` prefix. Default true. */
  processMetrics?: boolean;
}

/**
 * How often prom-client samples the event-loop delay, by a repeating timer. Its default of 10 ms woke
 * an idle daemon 100 times a second: 0.34 s of CPU in 30 s of doing nothing (measured at 20,000
 * articles; 0.11–0.15 s at 100 ms). A block longer than this is always seen; a shorter one when a
 * sample falls inside it. The benchmarks measure blocks exactly (bench/tasks/block-profile.mjs).
 */
export const EVENT_LOOP_SAMPLE_MS = 100;

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) {
    collectDefaultMetrics({ register: registry, prefix: 'feedkurator_', eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  }
  const registers = [registry];

  const fetches = new Counter({
    name: 'feedkurator_source_fetches_total',
    help: 'Fetch attempts per source by outcome (ok, not_modified, failed, skipped by backoff/Retry-After/410).',
    labelNames: ['source', 'outcome'] as const,
    registers,
  });
  const fetchSeconds = new Histogram({
    name: 'feedkurator_source_fetch_duration_seconds',
    help: 'Time to fetch, parse and ingest one source.',
    labelNames: ['source'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 60],
    registers,
  });
  const lastSuccess = new Gauge({
    name: 'feedkurator_source_last_success_timestamp_seconds',
    help: 'Unix time of the last successful fetch (including 304) per source.',
    labelNames: ['source'] as const,
    registers,
  });
  const articles = new Counter({
    name: 'feedkurator_articles_total',
    help: 'Articles seen by poll cycles: new (stored for the first time), updated (changed by its source), duplicate (already stored, from another source or again), curated (new or changed articles that got a topic).',
    labelNames: ['kind'] as const,
    registers,
  });
  const cycles = new Counter({
    name: 'feedkurator_cycles_total',
    help: 'Completed poll cycles; result "partial" when at least one source failed.',
    labelNames: ['result'] as const,
    registers,
  });
  const cycleSeconds = new Histogram({
    name: 'feedkurator_cycle_duration_seconds',
    help: 'Wall time of one poll cycle.',
    buckets: [0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300],
    registers,
  });
  const cycleSources = new Gauge({
    name: 'feedkurator_last_cycle_sources',
    help: 'Sources of the last poll cycle by state.',
    labelNames: ['state'] as const,
    registers,
  });
  const lastCycle = new Gauge({
    name: 'feedkurator_last_cycle_timestamp_seconds',
    help: 'Unix time the last poll cycle finished.',
    registers,
  });
  const storeArticles = new Gauge({ name: 'feedkurator_store_articles', help: 'Articles in the store.', registers });
  const storeQuerySeconds = new Histogram({
    name: 'feedkurator_store_query_duration_seconds',
    help: 'PostgreSQL: duration of one store operation, by result.',
    labelNames: ['result'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers,
  });
  let readPool: (() => { total: number; idle: number; waiting: number }) | undefined;
  new Gauge({
    name: 'feedkurator_store_pool_connections',
    help: 'PostgreSQL: connections of the pool by state (total, idle, and callers waiting for one).',
    labelNames: ['state'] as const,
    registers,
    collect() {
      if (!readPool) return;
      const stats = readPool();
      this.set({ state: 'total' }, stats.total);
      this.set({ state: 'idle' }, stats.idle);
      this.set({ state: 'waiting' }, stats.waiting);
    },
  });
  const http = new HttpMetrics();

  return {
    contentType: registry.contentType,
    render: async () => (await registry.metrics()) + http.render(),
    observeFetch(source, outcome, seconds) {
      fetches.inc({ source, outcome });
      if (outcome !== 'skipped') fetchSeconds.observe({ source }, nonNegative(seconds));
    },
    setSourceLastSuccess(source, unixSeconds) {
      lastSuccess.set({ source }, unixSeconds);
    },
    observeCycle(record) {
      articles.inc({ kind: 'new' }, record.new);
      articles.inc({ kind: 'updated' }, record.updated);
      articles.inc({ kind: 'duplicate' }, record.duplicates);
      articles.inc({ kind: 'curated' }, record.curated);
      cycles.inc({ result: record.failed > 0 ? 'partial' : 'ok' });
      cycleSeconds.observe(nonNegative(record.durationMs / 1000));
      cycleSources.set({ state: 'total' }, record.sources);
      cycleSources.set({ state: 'ok' }, record.ok);
      cycleSources.set({ state: 'not_modified' }, record.notModified);
      cycleSources.set({ state: 'failed' }, record.failed);
      cycleSources.set({ state: 'skipped' }, record.skipped);
      const finished = Date.parse(record.finishedAt);
      lastCycle.set(Number.isFinite(finished) ? finished / 1000 : Date.now() / 1000);
    },
    setStoreArticles(count) {
      storeArticles.set(count);
    },
    observeHttp(route, status, seconds) {
      http.observe(route, status, nonNegative(seconds));
    },
    observeStoreQuery(seconds, failed) {
      storeQuerySeconds.observe({ result: failed ? 'failed' : 'ok' }, nonNegative(seconds));
    },
    watchStorePool(read) {
      readPool = read;
    },
  };
}

function nonNegative(n: number): number {
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/** src/metrics: what the pipeline and the server record shows up in the Prometheus text, per instance. */
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics/metrics.js';
import type { CycleRecord } from '../../src/types.js';

const CYCLE: CycleRecord = {
  sources: 5, ok: 3, notModified: 1, failed: 1, skipped: 0,
  new: 12, updated: 2, duplicates: 7, curated: 4, durationMs: 2_350,
  errors: [{ source: 'golem.de', code: 'FK_HTTP_STATUS', error: 'HTTP 503' }],
  startedAt: '2026-11-22T05:00:00.000Z', finishedAt: '2026-11-22T05:00:02.350Z',
};

function valueOf(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (!line) throw new Error(`no series ${series} in:\n${text}`);
  return Number(line.slice(series.length + 1));
}

describe('metrics', () => {
  it('records fetches, last success, cycles, store size and HTTP requests', async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.observeFetch('heise online', 'ok', 0.42);
    metrics.observeFetch('heise online', 'not_modified', 0.05);
    metrics.observeFetch('golem.de', 'failed', 20);
    metrics.observeFetch('golem.de', 'skipped', 0);
    metrics.setSourceLastSuccess('heise online', 1_795_323_600);
    metrics.observeCycle(CYCLE);
    metrics.observeCycle({ ...CYCLE, failed: 0, new: 1 });
    metrics.setStoreArticles(1234);
    metrics.observeHttp('/feed.xml', 304, 0.0004);
    const text = await metrics.render();

    expect(valueOf(text, 'feedkurator_source_fetches_total{source="heise online",outcome="ok"}')).toBe(1);
    expect(valueOf(text, 'feedkurator_source_fetches_total{source="golem.de",outcome="failed"}')).toBe(1);
    expect(valueOf(text, 'feedkurator_source_fetches_total{source="golem.de",outcome="skipped"}')).toBe(1);
    expect(valueOf(text, 'feedkurator_source_fetch_duration_seconds_count{source="golem.de"}')).toBe(1); // skipped is not a duration
    expect(valueOf(text, 'feedkurator_source_fetch_duration_seconds_sum{source="heise online"}')).toBeCloseTo(0.47);
    expect(valueOf(text, 'feedkurator_source_last_success_timestamp_seconds{source="heise online"}')).toBe(1_795_323_600);
    expect(valueOf(text, 'feedkurator_articles_total{kind="new"}')).toBe(13);
    expect(valueOf(text, 'feedkurator_articles_total{kind="updated"}')).toBe(4);
    expect(valueOf(text, 'feedkurator_articles_total{kind="duplicate"}')).toBe(14);
    expect(valueOf(text, 'feedkurator_articles_total{kind="curated"}')).toBe(8);
    expect(valueOf(text, 'feedkurator_cycles_total{result="partial"}')).toBe(1);
    expect(valueOf(text, 'feedkurator_cycles_total{result="ok"}')).toBe(1);
    expect(valueOf(text, 'feedkurator_cycle_duration_seconds_sum')).toBeCloseTo(4.7);
    expect(valueOf(text, 'feedkurator_last_cycle_sources{state="failed"}')).toBe(0);
    expect(valueOf(text, 'feedkurator_last_cycle_sources{state="not_modified"}')).toBe(1);
    expect(valueOf(text, 'feedkurator_last_cycle_timestamp_seconds')).toBe(Date.parse(CYCLE.finishedAt) / 1000);
    expect(valueOf(text, 'feedkurator_store_articles')).toBe(1234);
    expect(valueOf(text, 'feedkurator_http_requests_total{route="/feed.xml",status="304"}')).toBe(1);
    expect(metrics.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('keeps instances apart (no global registry), with process metrics where asked for', async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.setStoreArticles(1);
    b.setStoreArticles(2);
    expect(valueOf(await a.render(), 'feedkurator_store_articles')).toBe(1);
    expect(valueOf(await b.render(), 'feedkurator_store_articles')).toBe(2);
    expect(await a.render()).toMatch(/^feedkurator_process_resident_memory_bytes \d+/m);
  });

  it('covers the PostgreSQL pool and query time when the store reports them', async () => {
    const metrics = createMetrics({ processMetrics: false });
    expect(await metrics.render()).not.toMatch(/feedkurator_store_pool_connections\{/);
    let stats = { total: 4, idle: 3, waiting: 0 };
    metrics.watchStorePool(() => stats);
    metrics.observeStoreQuery(0.004, false);
    metrics.observeStoreQuery(0.2, true);
    let text = await metrics.render();
    expect(valueOf(text, 'feedkurator_store_pool_connections{state="idle"}')).toBe(3);
    expect(valueOf(text, 'feedkurator_store_query_duration_seconds_count{result="ok"}')).toBe(1);
    expect(valueOf(text, 'feedkurator_store_query_duration_seconds_sum{result="failed"}')).toBeCloseTo(0.2);
    stats = { total: 10, idle: 0, waiting: 7 };
    text = await metrics.render();
    expect(valueOf(text, 'feedkurator_store_pool_connections{state="waiting"}')).toBe(7);
  });
});

describe('HTTP request metrics (kept apart from prom-client, written in its format)', () => {
  it('renders what prom-client renders for the same requests, line for line', async () => {
    const { Counter, Histogram, Registry } = await import('prom-client');
    const registry = new Registry();
    const counter = new Counter({ name: 'feedkurator_http_requests_total', help: 'HTTP requests by route and status code.', labelNames: ['route', 'status'], registers: [registry] });
    const histogram = new Histogram({
      name: 'feedkurator_http_request_duration_seconds',
      help: 'Time from request to the last byte handed to the socket, by route.',
      labelNames: ['route'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    });
    const metrics = createMetrics({ processMetrics: false });
    // Bucket bounds themselves (le is "less or equal"), values between and beyond, a label that needs escaping.
    const requests: [string, number, number][] = [
      ['/feed.xml', 304, 0.0005], ['/feed.xml', 200, 0.00051], ['/feed.xml', 304, 0.0004], ['/topics/kernel.xml', 200, 1],
      ['/topics/kernel.xml', 200, 2.5], ['not_found', 404, 0.001], ['/a"b\\c', 200, 0.03], ['/feed.xml', 200, 0.25], ['/feed.xml', 304, 0],
    ];
    for (const [route, status, seconds] of requests) {
      metrics.observeHttp(route, status, seconds);
      counter.inc({ route, status: String(status) });
      histogram.observe({ route }, seconds);
    }
    const ours = (await metrics.render()).split('\n').filter((l) => l.includes('feedkurator_http_'));
    const theirs = (await registry.metrics()).split('\n').filter((l) => l.includes('feedkurator_http_'));
    expect(ours.length).toBeGreaterThan(40);
    expect(new Set(ours)).toEqual(new Set(theirs));
    expect(ours).toHaveLength(theirs.length);
    expect(ours).toContain('feedkurator_http_request_duration_seconds_bucket{le="0.0005",route="/feed.xml"} 3');
    expect(ours).toContain('feedkurator_http_request_duration_seconds_bucket{le="1",route="/topics/kernel.xml"} 1');
    expect(ours).toContain('feedkurator_http_request_duration_seconds_bucket{le="+Inf",route="/topics/kernel.xml"} 2');
  });

  it('writes nothing of them before the first request, and counts a negative or NaN duration as 0', async () => {
    const metrics = createMetrics({ processMetrics: false });
    expect(await metrics.render()).not.toContain('feedkurator_http_');
    metrics.observeHttp('/feed.xml', 200, -1);
    metrics.observeHttp('/feed.xml', 200, Number.NaN);
    const text = await metrics.render();
    expect(valueOf(text, 'feedkurator_http_request_duration_seconds_bucket{le="0.0005",route="/feed.xml"}')).toBe(2);
    expect(valueOf(text, 'feedkurator_http_request_duration_seconds_sum{route="/feed.xml"}')).toBe(0);
    expect(valueOf(text, 'feedkurator_http_requests_total{route="/feed.xml",status="200"}')).toBe(2);
  });
});

/**
 * The metrics of `serve`, whose prom-client registry is created after the
 * server listens: loading prom-client costs ~35 ms of CPU that the first
 * answer from the snapshot need not wait for. Observations made before that
 * are kept and replayed in order; a scrape waits for the registry.
 */
import type { Metrics } from './metrics.js';

export interface DeferredMetrics extends Metrics {
  /** Create the registry now (once) and replay what was observed so far. */
  load(): Promise<void>;
}

export function createDeferredMetrics(): DeferredMetrics {
  let real: Metrics | undefined;
  let loading: Promise<Metrics> | undefined;
  const pending: ((m: Metrics) => void)[] = [];
  const call = (observe: (m: Metrics) => void): void => {
    if (real) observe(real);
    else pending.push(observe);
  };
  const load = (): Promise<Metrics> =>
    (loading ??= import('./metrics.js').then(({ createMetrics }) => {
      const created = createMetrics();
      for (const observe of pending.splice(0)) observe(created);
      real = created;
      return created;
    }));
  return {
    get contentType() {
      // Read by the server after render(), when the registry exists.
      return real?.contentType ?? 'text/plain; version=0.0.4; charset=utf-8';
    },
    render: async () => (await load()).render(),
    observeFetch: (source, outcome, seconds) => call((m) => m.observeFetch(source, outcome, seconds)),
    setSourceLastSuccess: (source, unixSeconds) => call((m) => m.setSourceLastSuccess(source, unixSeconds)),
    observeCycle: (record) => call((m) => m.observeCycle(record)),
    setStoreArticles: (count) => call((m) => m.setStoreArticles(count)),
    observeHttp: (route, status, seconds) => call((m) => m.observeHttp(route, status, seconds)),
    observeStoreQuery: (seconds, failed) => call((m) => m.observeStoreQuery(seconds, failed)),
    watchStorePool: (read) => call((m) => m.watchStorePool(read)),
    load: async () => {
      await load();
    },
  };
}

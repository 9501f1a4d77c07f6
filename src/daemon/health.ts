import { redactUrl } from '../config/redact-url.js';
import type { Config } from '../config/schema.js';
import type { Store } from '../store/store.js';
import type { HealthReport } from '../types.js';

/** What the daemon knows about itself beyond the store. */
export interface DaemonStatus {
  startedAt: Date;
  version: string;
  configLoadedAt: Date;
  /** Set while the last edit of the config file is rejected. */
  configError?: string | undefined;
  /** Set while the store cannot be written. */
  storeError?: string | undefined;
  polling: boolean;
  /** When the schedule runs the next cycle. */
  nextCycleAt?: () => Date | undefined;
}

/**
 * /healthz: 200 while the store is usable. "degraded" tells an operator that
 * something needs a look (failing sources, a rejected config edit) while the
 * service itself is fine.
 */
export function buildHealthReport(status: DaemonStatus, config: Config, store: Store): HealthReport {
  const last = store.data.lastCycle;
  const sources = config.sources.map((source) => {
    const state = store.data.sources[source.name];
    return {
      name: source.name,
      url: redactUrl(source.url),
      lastSuccess: state?.lastSuccess ?? null,
      lastError: state?.lastError ?? null,
      lastErrorAt: state?.lastErrorAt ?? null,
      errorCount: state?.consecutiveErrors ?? 0,
      nextDue: state?.nextDue ?? null,
      gone: state?.goneFor !== undefined,
    };
  });
  const failing = sources.filter((s) => s.errorCount > 0).length;
  const state = status.storeError ? 'error' : status.configError || failing > 0 ? 'degraded' : 'ok';
  return {
    httpStatus: status.storeError ? 503 : 200,
    body: {
      status: state,
      version: status.version,
      startedAt: status.startedAt.toISOString(),
      uptimeSeconds: Math.round((Date.now() - status.startedAt.getTime()) / 1000),
      polling: status.polling,
      nextCycle: status.nextCycleAt?.()?.toISOString() ?? null,
      store: { path: store.path, articles: store.data.articles.length, error: status.storeError ?? null },
      config: { file: config.file, loadedAt: status.configLoadedAt.toISOString(), error: status.configError ?? null },
      lastCycle: last
        ? {
            time: last.finishedAt,
            startedAt: last.startedAt,
            durationMs: last.durationMs,
            sources: last.sources,
            ok: last.ok,
            notModified: last.notModified,
            failed: last.failed,
            new: last.new,
            updated: last.updated,
            curated: last.curated,
          }
        : null,
      sources,
    },
  };
}

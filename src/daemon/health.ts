import { redactUrl } from '../config/redact-url.js';
import type { Config } from '../config/schema.js';
import type { Daemon } from './daemon.js';
import type { HealthReport } from '../types.js';

/** What the daemon knows about itself beyond the store. */
export interface DaemonStatus {
  startedAt: Date;
  version: string;
  configLoadedAt: Date;
  /** Set while the last edit of the config file is rejected. */
  configError?: string | undefined;
  polling: boolean;
  /** When the schedule runs the next cycle. */
  nextCycleAt?: () => Date | undefined;
}

/**
 * /healthz: 200 while the store is usable. "degraded" tells an operator that
 * something needs a look (failing sources, a rejected config edit, a store
 * write that failed and will be tried again) while the service itself is
 * fine. Before the store is loaded (answering from the last run's snapshot)
 * the status is "starting".
 */
export function buildHealthReport(status: DaemonStatus, config: Config, daemon: Daemon | undefined): HealthReport {
  const last = daemon?.lastCycle;
  const sources = config.sources.map((source) => {
    const state = daemon?.sourceStates.get(source.name);
    return {
      name: source.name,
      url: redactUrl(source.url),
      lastSuccess: state?.lastSuccess ?? null,
      lastError: state?.lastError ?? null,
      lastErrorAt: state?.lastErrorAt ?? null,
      lastErrorCode: state?.lastErrorCode ?? null,
      errorCount: state?.consecutiveErrors ?? 0,
      warnings: state?.warnings ?? [],
      nextDue: state?.nextDue ?? null,
      gone: state?.goneFor !== undefined,
    };
  });
  const failing = sources.filter((s) => s.errorCount > 0).length;
  const storeError = daemon?.storeWriteError;
  const unreachable = daemon?.storeHealth?.ok === false;
  const rulesDiffer = daemon?.rulesAgreement?.agreed === false;
  const state = !daemon ? 'starting' : unreachable ? 'error' : status.configError || storeError || rulesDiffer || failing > 0 ? 'degraded' : 'ok';
  return {
    // SPEC §4: 200 while the store is usable. A database that does not answer is not; the feeds are still served from memory.
    httpStatus: unreachable ? 503 : 200,
    body: {
      status: state,
      version: status.version,
      startedAt: status.startedAt.toISOString(),
      uptimeSeconds: Math.round((Date.now() - status.startedAt.getTime()) / 1000),
      polling: status.polling,
      nextCycle: status.nextCycleAt?.()?.toISOString() ?? null,
      store: {
        kind: daemon?.store.kind ?? null,
        path: daemon?.store.location ?? config.storePath,
        articles: daemon?.articleCount ?? null,
        error: storeError ?? (unreachable ? daemon!.storeHealth!.detail : null),
        database: daemon?.storeHealth?.detail ?? null,
        rules: daemon?.rulesAgreement ?? null,
        lastRebuildMs: daemon?.lastRebuildMs === undefined ? null : Math.round(daemon.lastRebuildMs),
      },
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
            skipped: last.skipped ?? 0,
            new: last.new,
            updated: last.updated,
            curated: last.curated,
          }
        : null,
      sources,
    },
  };
}

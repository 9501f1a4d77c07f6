import { loadConfig } from '../config/load.js';
import { compileRules } from '../classify/classifier.js';
import { classifyStoredArticle } from '../curate/curation.js';
import { fingerprintRules } from '../curate/rules-fingerprint.js';
import { createFetcherFromConfig } from '../fetch/configure-fetcher.js';
import { createLogger } from '../log/logger.js';
import { runCycle } from '../pipeline.js';
import { createFeedReader } from '../read/feed-reader.js';
import { openStore } from '../store/open-store.js';
import type { CycleRecord, CycleSummary } from '../types.js';

/** One poll cycle; exit 0 when the cycle completed, whatever individual sources did. */
export async function runPoll(options: { configPath: string | undefined; json: boolean }): Promise<number> {
  const config = loadConfig({ configPath: options.configPath });
  const logger = createLogger({ level: config.logLevel, destination: 'stderr', format: config.logFormat });
  // Started first: the worker threads load the parsers while this thread opens the store.
  const reader = createFeedReader({ logger });
  const store = await openStore(config, { onWarning: (message) => logger.warn(message) });
  const fetcher = createFetcherFromConfig(config);
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    // The rules as the daemon compiles them (rulesFor), without loading the daemon and its publishing (~0.2 s of CPU).
    const classifier = compileRules(config.topics, config.sources);
    const fingerprint = fingerprintRules(config);
    const { record, writeError } = await runCycle({
      config,
      store,
      fetcher,
      classify: (article) => classifyStoredArticle(classifier, article),
      rulesFingerprint: fingerprint,
      logger,
      reader,
      signal: abort.signal,
    });
    // The cycle's work is lost to this process when it cannot be written: that is a runtime failure.
    if (writeError) throw writeError;
    process.stdout.write(options.json ? `${JSON.stringify(toSummary(record))}\n` : formatSummary(record));
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await fetcher.close();
    await reader.close();
    await store.close();
  }
}

/** Exactly the keys of SPEC §2, in its order. */
function toSummary(r: CycleRecord): CycleSummary {
  return {
    sources: r.sources,
    ok: r.ok,
    notModified: r.notModified,
    failed: r.failed,
    skipped: r.skipped,
    new: r.new,
    updated: r.updated,
    duplicates: r.duplicates,
    curated: r.curated,
    durationMs: r.durationMs,
    errors: r.errors.map((e) => ({ source: e.source, code: e.code, error: e.error })),
  };
}

function formatSummary(r: CycleRecord): string {
  const lines = [
    `${r.sources} sources: ${r.ok} ok, ${r.notModified} not modified, ${r.failed} failed, ${r.skipped} skipped`,
    `${r.new} new, ${r.updated} updated, ${r.duplicates} duplicates, ${r.curated} curated, ${(r.durationMs / 1000).toFixed(1)} s`,
    ...r.errors.map((e) => `  ${e.source}: ${e.error} [${e.code}]`),
  ];
  return `${lines.join('\n')}\n`;
}

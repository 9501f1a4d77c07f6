import { compileRules } from '../classify/classifier.js';
import { loadConfig } from '../config/load.js';
import { createCurator } from '../curate.js';
import { createFetcherFromConfig } from '../fetch/configure-fetcher.js';
import { createLogger } from '../log/logger.js';
import { runCycle } from '../pipeline.js';
import { createFeedReader } from '../read/feed-reader.js';
import { openStore } from '../store/store.js';
import type { CycleRecord, CycleSummary } from '../types.js';

/** One poll cycle; exit 0 when the cycle completed, whatever individual sources did. */
export async function runPoll(options: { configPath: string | undefined; json: boolean }): Promise<number> {
  const config = loadConfig({ configPath: options.configPath });
  const logger = createLogger({ level: config.logLevel, destination: 'stderr' });
  // Started first: the worker threads load the parsers while this thread opens the store.
  const reader = createFeedReader({ logger });
  const store = await openStore(config.storePath);
  const fetcher = createFetcherFromConfig(config);
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const record = await runCycle({
      config,
      store,
      fetcher,
      curator: createCurator(compileRules(config.topics, config.sources)),
      logger,
      reader,
      signal: abort.signal,
    });
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
    new: r.new,
    updated: r.updated,
    duplicates: r.duplicates,
    curated: r.curated,
    durationMs: r.durationMs,
    errors: r.errors.map((e) => ({ source: e.source, error: e.error })),
  };
}

function formatSummary(r: CycleRecord): string {
  const lines = [
    `${r.sources} sources: ${r.ok} ok, ${r.notModified} not modified, ${r.failed} failed`,
    `${r.new} new, ${r.updated} updated, ${r.duplicates} duplicates, ${r.curated} curated, ${(r.durationMs / 1000).toFixed(1)} s`,
    ...r.errors.map((e) => `  ${e.source}: ${e.error}`),
  ];
  return `${lines.join('\n')}\n`;
}

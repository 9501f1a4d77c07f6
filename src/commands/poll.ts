import type { ConfigInput } from '../config/remembered-config.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import { createFeedReader, type FeedReader } from '../read/feed-reader.js';
import type { CycleRecord, CycleSummary } from '../types.js';

/** One poll cycle; exit 0 when the cycle completed, whatever individual sources did. */
export async function runPoll(options: { configPath: string | undefined; json: boolean }): Promise<number> {
  // Started before anything else: the worker threads start and load the parsers (the slowest start-up)
  // while this thread loads its own modules and the config. What the reader says before the logger
  // exists (the config says how to log) waits for it.
  let logger: Logger | undefined;
  const early: [level: 'warn' | 'error', obj: object, msg: string][] = [];
  const reader = createFeedReader({
    logger: {
      warn: (obj, msg) => (logger ? logger.warn(obj, msg) : early.push(['warn', obj, msg])),
      error: (obj, msg) => (logger ? logger.error(obj, msg) : early.push(['error', obj, msg])),
    },
  });
  try {
    // A plain config is read without the yaml package (~0.1–0.3 s of a cold start: quick-load.ts).
    const [{ parseConfigQuickly }, { readConfigText }, { createLogger }] = await Promise.all([import('../config/quick-load.js'), import('../config/read-config.js'), import('../log/logger.js')]);
    const input = readConfigText({ configPath: options.configPath });
    const config = await parseConfigQuickly(input.text, input.file);
    logger = createLogger({ level: config.logLevel, destination: 'stderr', format: config.logFormat });
    for (const [level, obj, msg] of early.splice(0)) logger[level](obj, msg);
    return await pollWith(config, input, logger, reader, options.json);
  } finally {
    await reader.close();
  }
}

async function pollWith(config: Config, input: ConfigInput, logger: Logger, reader: FeedReader, json: boolean): Promise<number> {
  const [{ compileRules }, { classifyStoredArticle }, { fingerprintRules }, { createFetcherFromConfig }, { runCycle }, { openStore }, { PolledStoryWords }, { rememberValidated }] = await Promise.all([
    import('../classify/classifier.js'),
    import('../curate/curation.js'),
    import('../curate/rules-fingerprint.js'),
    import('../fetch/configure-fetcher.js'),
    import('../pipeline.js'),
    import('../store/open-store.js'),
    import('../dedupe/story-words-file.js'),
    import('../config/remembered-config.js'),
  ]);
  const store = await openStore(config, { onWarning: (message) => logger.warn(message) });
  // The story texts of the curated new articles, for the next `serve` start (story-words-file.ts).
  const storyWords = store.kind === 'json' && !store.readOnly ? PolledStoryWords.forStore(config.storePath) : undefined;
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
      classify: (article) => {
        const classification = classifyStoredArticle(classifier, article);
        storyWords?.take(article, classification.topics);
        return classification;
      },
      rulesFingerprint: fingerprint,
      logger,
      reader,
      // Nothing is read after the sources: the workers' teardown runs beside the store write (awaited below).
      onSourcesDone: () => void reader.close().catch(() => undefined),
      signal: abort.signal,
    });
    // The cycle's work is lost to this process when it cannot be written: that is a runtime failure.
    if (writeError) throw writeError;
    if (storyWords) {
      const stored = new Set((await store.listHeads()).map((h) => h.id));
      await storyWords.save((id) => stored.has(id)).catch((err: unknown) => logger.warn({ error: (err as Error).message }, 'could not save the story words (only the next start without a snapshot is slower)'));
    }
    await Promise.all([
      // Each segment's newest date, for the next start's window-first load (segment-dates.ts): ~60 stats and a small file.
      store.saveSegmentDates?.().catch((err: unknown) => logger.warn({ error: (err as Error).message }, 'could not save the segment dates (only the next start is slower)')),
      // The config as validated, for the next `serve` with this very input: it then skips the YAML parser and zod (remembered-config.ts).
      store.readOnly
        ? undefined
        : rememberValidated(input, config).catch((err: unknown) => logger.warn({ error: (err as Error).message }, 'could not remember the validated config (only the next start is slower)')),
    ]);
    process.stdout.write(json ? `${JSON.stringify(toSummary(record))}\n` : formatSummary(record));
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

/**
 * `feedkurator serve`: the long-running daemon. Holds the store, the current
 * config and the current publication; everything else is delegated to the
 * stages. Listens at once, polls at start and on the schedule, follows
 * config edits, stops cleanly on SIGTERM/SIGINT.
 */
import { compileRules } from '../classify/classifier.js';
import type { Config } from '../config/schema.js';
import { watchConfig } from '../config/watch.js';
import { createCurator, type Curator } from '../curate.js';
import { describeError, ConfigError, StoreError } from '../errors.js';
import { createFetcherFromConfig } from '../fetch/configure-fetcher.js';
import type { Fetcher } from '../fetch/fetcher.js';
import type { Logger } from '../log/logger.js';
import { createMetrics } from '../metrics/metrics.js';
import { runCycle } from '../pipeline.js';
import { buildPublication, type Publication } from '../publish/build-publication.js';
import { createScheduler } from '../schedule/scheduler.js';
import { startServer } from '../server/http-server.js';
import { openStore } from '../store/store.js';
import { buildHealthReport, type DaemonStatus } from './health.js';

export interface ServeOptions {
  config: Config;
  logger: Logger;
  version: string;
  /** Seconds a running cycle may still take after a stop signal before it is abandoned. */
  shutdownGraceSeconds?: number;
}

/** Run until SIGTERM/SIGINT; resolves with the exit code. Rejects on start-up failure (store, port). */
export async function runServe(options: ServeOptions): Promise<number> {
  const log = options.logger.child({ component: 'daemon' });
  let config = options.config;
  const store = await openStore(config.storePath);
  const metrics = createMetrics();
  const status: DaemonStatus = {
    startedAt: new Date(),
    version: options.version,
    configLoadedAt: new Date(),
    polling: false,
  };

  let curator: Curator = createCurator(compileRules(config.topics, config.sources));
  let publication: Publication | undefined;
  publication = publish();
  let fetcher: Fetcher = createFetcherFromConfig(config);
  let cycleAbort: AbortController | undefined;

  function publish(): Publication {
    const started = performance.now();
    const entries = curator.curate(store.data.articles);
    // `previous` keeps Last-Modified monotonic and reuses compressed bodies that did not change.
    const built = buildPublication({ entries, config, generatedAt: new Date(), previous: publication });
    metrics.setStoreArticles(store.data.articles.length);
    log.debug({ entries: entries.length, ms: Math.round(performance.now() - started) }, 'feeds rebuilt');
    return built;
  }

  async function cycle(): Promise<void> {
    cycleAbort = new AbortController();
    status.polling = true;
    try {
      await runCycle({ config, store, fetcher, curator, logger: options.logger, metrics, signal: cycleAbort.signal });
      status.storeError = undefined;
    } catch (err) {
      if (err instanceof StoreError) status.storeError = describeError(err);
      throw err;
    } finally {
      cycleAbort = undefined;
      publication = publish();
      status.polling = false;
    }
  }

  const scheduler = createScheduler({ expression: config.schedule, timezone: config.timezone, run: cycle, logger: log });
  status.nextCycleAt = () => scheduler.nextRun();

  let server;
  try {
    server = await startServer(
      {
        getPublication: () => publication!,
        getHealth: () => buildHealthReport(status, config, store),
        metrics,
        logger: options.logger,
        cacheMaxAgeSeconds: Math.min(300, scheduler.intervalSeconds()),
      },
      { host: config.server.host, port: config.server.port },
    );
  } catch (err) {
    scheduler.stop();
    await fetcher.close();
    await store.close();
    throw err;
  }
  log.info({ url: server.url, sources: config.sources.length, store: store.path, articles: store.data.articles.length }, 'serving');

  const watcher = watchConfig(config.file, {
    onChange(next) {
      applyConfig(next);
    },
    onError(err) {
      status.configError = describeError(err);
      const problems = err instanceof ConfigError ? err.problems : undefined;
      log.error({ file: config.file, problems, error: status.configError }, 'config edit rejected, keeping the last good config');
    },
  });

  function applyConfig(next: Config): void {
    const previous = config;
    config = next;
    status.configError = undefined;
    status.configLoadedAt = new Date();
    if (JSON.stringify(previous.fetch) !== JSON.stringify(next.fetch) || previous.server.baseUrl !== next.server.baseUrl) {
      const old = fetcher;
      fetcher = createFetcherFromConfig(next);
      void (scheduler.running ?? Promise.resolve()).then(() => old.close());
    }
    if (previous.schedule !== next.schedule || previous.timezone !== next.timezone) {
      scheduler.reschedule(next.schedule, next.timezone);
    }
    for (const key of ['host', 'port'] as const) {
      if (previous.server[key] !== next.server[key]) log.warn({ key: `server.${key}` }, 'changed in the config: takes effect after a restart');
    }
    if (previous.storePath !== next.storePath) log.warn({ key: 'storage.path' }, 'changed in the config: takes effect after a restart');
    curator = createCurator(compileRules(next.topics, next.sources));
    publication = publish();
    log.info({ file: next.file, sources: next.sources.length, topics: Object.keys(next.topics) }, 'config reloaded');

    const knownUrls = new Set(previous.sources.map((s) => `${s.name}\n${s.url}`));
    if (next.sources.some((s) => !knownUrls.has(`${s.name}\n${s.url}`))) void scheduler.runNow('new source');
  }

  void scheduler.runNow('start');

  return new Promise<number>((resolve) => {
    let stopping = false;
    const grace = (options.shutdownGraceSeconds ?? 3) * 1000;

    const stop = async (signal: NodeJS.Signals): Promise<void> => {
      if (stopping) {
        log.warn({ signal }, 'second signal: exiting at once');
        process.exit(signal === 'SIGINT' ? 130 : 143);
      }
      stopping = true;
      log.info({ signal, polling: status.polling }, 'stopping');
      scheduler.stop();
      watcher.close();
      const closing = server.close();
      const running = scheduler.running;
      if (running) {
        const finished = await Promise.race([running.then(() => true), delay(grace).then(() => false)]);
        if (!finished) {
          log.warn('abandoning the running poll cycle');
          cycleAbort?.abort();
          await Promise.race([running, delay(2000)]);
        }
      }
      let code = 0;
      try {
        await store.write();
      } catch (err) {
        log.error({ error: describeError(err) }, 'final store write failed');
        code = 1;
      }
      await Promise.allSettled([closing, fetcher.close(), store.close()]);
      log.info({ code }, 'stopped');
      resolve(code);
    };
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

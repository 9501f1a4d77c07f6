/**
 * `feedkurator serve`: the process around the daemon (daemon.ts): listens
 * at once (from the last run's publication when there is one), polls at
 * start and on the schedule, follows config edits, stops cleanly on
 * SIGTERM/SIGINT.
 */
import type { Config } from '../config/schema.js';
import { watchConfig } from '../config/watch.js';
import { describeError, ConfigError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { createMetrics } from '../metrics/metrics.js';
import { compressPublication } from '../publish/build-publication.js';
import { loadSnapshot, publicationConfigKey, snapshotPath } from '../publish/publication-snapshot.js';
import { createScheduler } from '../schedule/scheduler.js';
import { startServer, type RunningServer } from '../server/http-server.js';
import type { Daemon } from './daemon.js';
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
  const config = options.config;
  const metrics = createMetrics();
  const status: DaemonStatus = { startedAt: new Date(), version: options.version, configLoadedAt: new Date(), polling: false };
  let daemon: Daemon | undefined;
  let server: RunningServer | undefined;

  // The last run's publication answers while the store loads.
  const snapshot = await loadSnapshot(snapshotPath(config), publicationConfigKey(config));
  const scheduler = createScheduler({
    expression: config.schedule,
    timezone: config.timezone,
    logger: log,
    run: async () => {
      status.polling = true;
      try {
        await daemon!.cycle();
      } finally {
        status.polling = false;
      }
    },
  });
  status.nextCycleAt = () => scheduler.nextRun();
  const listen = async (): Promise<RunningServer> =>
    startServer(
      {
        getPublication: () => daemon?.publication ?? snapshot!,
        getHealth: () => buildHealthReport(status, daemon?.config ?? config, daemon),
        metrics,
        logger: options.logger,
        cacheMaxAgeSeconds: Math.min(300, scheduler.intervalSeconds()),
      },
      { host: config.server.host, port: config.server.port },
    );

  try {
    if (snapshot) {
      server = await listen();
      void compressPublication(snapshot);
    }
    // Loaded after listening: with a snapshot, the first answer need not wait for the engine's modules (~0.3 s of CPU).
    const [{ openStore }, { Daemon: DaemonClass }] = await Promise.all([import('../store/open-store.js'), import('./daemon.js')]);
    const store = await openStore(config, {
      onWarning: (message, err) => log.warn({ error: err ? describeError(err) : undefined }, message),
      onQuery: (ms, failed) => metrics.observeStoreQuery(ms / 1000, failed),
    });
    if (store.poolStats) metrics.watchStorePool(() => store.poolStats!());
    daemon = new DaemonClass({
      config,
      store,
      logger: options.logger,
      metrics,
      ...(snapshot ? { initialPublication: snapshot } : {}),
      minPollGapMs: () => scheduler.intervalSeconds() * 500,
    });
    await daemon.start();
    server ??= await listen();
  } catch (err) {
    scheduler.stop();
    await server?.close();
    await daemon?.close();
    await daemon?.store.close();
    throw err;
  }
  const running = daemon;
  log.info({ url: server.url, sources: config.sources.length, store: running.store.location, articles: running.articleCount }, 'serving');

  const watcher = watchConfig(config.file, {
    onChange(next) {
      void applyConfig(next);
    },
    onError(err) {
      status.configError = describeError(err);
      const problems = err instanceof ConfigError ? err.problems : undefined;
      log.error({ file: config.file, problems, error: status.configError }, 'config edit rejected, keeping the last good config');
    },
  });

  async function applyConfig(next: Config): Promise<void> {
    const previous = running.config;
    try {
      await running.applyConfig(next);
    } catch (err) {
      status.configError = describeError(err);
      log.error({ file: next.file, error: status.configError }, 'config edit could not be applied, keeping the last good config');
      return;
    }
    status.configError = undefined;
    status.configLoadedAt = new Date();
    if (previous.schedule !== next.schedule || previous.timezone !== next.timezone) scheduler.reschedule(next.schedule, next.timezone);
    for (const key of ['host', 'port'] as const) {
      if (previous.server[key] !== next.server[key]) log.warn({ key: `server.${key}` }, 'changed in the config: takes effect after a restart');
    }
    if (previous.storePath !== next.storePath) log.warn({ key: 'storage.path' }, 'changed in the config: takes effect after a restart');
    const knownUrls = new Set(previous.sources.map((s) => `${s.name}\n${s.url}`));
    if (next.sources.some((s) => !knownUrls.has(`${s.name}\n${s.url}`))) void scheduler.runNow('new source');
  }

  void scheduler.runNow('start');
  const listening = server;

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
      const closing = listening.close();
      const cycle = scheduler.running;
      if (cycle) {
        const finished = await Promise.race([cycle.then(() => true), delay(grace).then(() => false)]);
        if (!finished) {
          log.warn('abandoning the running poll cycle');
          running.abortCycle();
          await Promise.race([cycle, delay(2000)]);
        }
      }
      let code = 0;
      try {
        await running.store.flush();
      } catch (err) {
        log.error({ error: describeError(err) }, 'final store write failed');
        code = 1;
      }
      await Promise.allSettled([closing, running.close()]);
      await running.store.close().catch(() => {});
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

/**
 * `feedkurator serve`: the process around the daemon (daemon.ts): listens
 * at once (from the last run's publication when there is one), polls at
 * start and on the schedule, follows config edits, stops cleanly on
 * SIGTERM/SIGINT.
 */
import type { Config } from '../config/schema.js';
import { describeError, ConfigError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { createDeferredMetrics } from '../metrics/deferred-metrics.js';
import { loadAnySnapshot, publicationConfigKey, snapshotPath } from '../publish/publication-snapshot.js';
import type { Scheduler } from '../schedule/scheduler.js';
import { startServer, type RunningServer } from '../server/http-server.js';
import type { Daemon } from './daemon.js';
import { buildHealthReport, type DaemonStatus } from './health.js';
import { IdleMemory } from './idle-memory.js';

/** Quiet time after a cycle or a config edit before the heap is collected and shrunk: longer than V8's 5 s allocation-rate window (idle-memory.ts). */
const IDLE_COLLECT_MS = 6_000;

export interface ServeOptions {
  config: Config;
  logger: Logger;
  version: string;
  /** Seconds a running cycle may still take after a stop signal before it is abandoned. */
  shutdownGraceSeconds?: number;
  /** Cache-Control max-age known without the schedule (remembered): then a snapshot is served before node-cron loads. */
  cacheMaxAgeSeconds?: number;
  /** Runs once the server listens, before the store opens; a rejection stops serve as a start-up failure. */
  afterListen?: (info: { cacheMaxAgeSeconds: number }) => Promise<void>;
  /**
   * Runs once the store is open and published, before the first cycle; a rejection stops serve as a
   * start-up failure. For checks that need not come before the first answer: run right after listening,
   * their synchronous work (~0.1 s: the YAML parser and zod) held the first requests waiting.
   */
  beforeFirstCycle?: () => Promise<void>;
}

/** Run until SIGTERM/SIGINT; resolves with the exit code. Rejects on start-up failure (store, port). */
export async function runServe(options: ServeOptions): Promise<number> {
  const log = options.logger.child({ component: 'daemon' });
  const config = options.config;
  const metrics = createDeferredMetrics();
  const status: DaemonStatus = { startedAt: new Date(), version: options.version, configLoadedAt: new Date(), polling: false };
  let daemon: Daemon | undefined;
  let server: RunningServer | undefined;
  const idleMemory = new IdleMemory(IDLE_COLLECT_MS, (ms) => log.debug({ ms: Math.round(ms) }, 'idle: heap collected'));

  // The last run's publication answers while the store loads (then the daemon holds it: dropped here).
  const found = await loadAnySnapshot(snapshotPath(config));
  let snapshot = found?.configKey === publicationConfigKey(config) ? found.publication : undefined;
  // One built with another config (edited while serve was stopped) answers until the daemon's first publication
  // for this config is swapped in, as a running daemon answers with its previous one while it rebuilds after an
  // edit; the daemon never builds on it. Without it, such a start answered nothing until the whole store was
  // classified with the edited rules (2.7 s at 20,000 articles).
  let previous = found && !snapshot ? found.publication : undefined;
  let scheduler: Scheduler | undefined;
  // Loaded with the engine: no await may come between the "serving" line and the signal handlers.
  let watchConfig: typeof import('../config/watch.js').watchConfig | undefined;
  // A signal after listening but before the handlers below (the engine still starting): taken up by them, not a hard exit.
  let earlySignal: NodeJS.Signals | undefined;
  const takeEarly = (signal: NodeJS.Signals): void => void (earlySignal ??= signal);
  const dropEarly = (): void => {
    process.off('SIGTERM', takeEarly);
    process.off('SIGINT', takeEarly);
  };
  const listen = async (cacheMaxAgeSeconds: number): Promise<RunningServer> => {
    if (!server) {
      process.on('SIGTERM', takeEarly);
      process.on('SIGINT', takeEarly);
    }
    server = await startServer(
      {
        getPublication: () => daemon?.publication ?? snapshot ?? previous!,
        getHealth: () => buildHealthReport(status, daemon?.config ?? config, daemon),
        metrics,
        logger: options.logger,
        cacheMaxAgeSeconds,
      },
      { host: config.server.host, port: config.server.port },
    );
    await options.afterListen?.({ cacheMaxAgeSeconds });
    return server;
  };

  try {
    // node-cron is loaded after the first answer when the max-age is known without it (~30-50 ms of CPU).
    const knownMaxAge = options.cacheMaxAgeSeconds;
    // Known from the last start, or from the schedule (set up first when not known).
    const maxAge = (): number => knownMaxAge ?? Math.min(300, scheduler!.intervalSeconds());
    if (snapshot && knownMaxAge !== undefined) await listen(knownMaxAge);
    if (knownMaxAge === undefined) scheduler = await setUpScheduler();
    if (snapshot || previous) server ??= await listen(maxAge());
    if (previous) log.info('answering with the last publication, built with another config, until the one for this config is built');
    // Loaded after listening: with a snapshot, the first answer need not wait for the engine's modules (~0.3 s of CPU).
    // The config watcher (it imports the validator: zod, ~0.4 s of CPU loaded cold) and prom-client (~0.1 s) load after
    // the first answer (below): a start without any snapshot answers only once its first publication is built.
    const [{ openStore, openStoreStaged }, { Daemon: DaemonClass }] = await Promise.all([import('../store/open-store.js'), import('./daemon.js')]);
    const storeOptions = {
      onWarning: (message: string, err?: unknown) => log.warn({ error: err ? describeError(err) : undefined }, message),
      onQuery: (ms: number, failed: boolean) => metrics.observeStoreQuery(ms / 1000, failed),
    };
    // Without a snapshot, the first publication is built from the newest segments; the rest loads after it (window-start.ts).
    const { store, load } = snapshot ? { store: await openStore(config, storeOptions), load: undefined } : await openStoreStaged(config, storeOptions);
    if (store.poolStats) metrics.watchStorePool(() => store.poolStats!());
    daemon = new DaemonClass({
      config,
      store,
      logger: options.logger,
      metrics,
      ...(snapshot ? { initialPublication: snapshot } : {}),
      ...(load ? { storeLoad: load } : {}),
      // Asked by the first cycle, which runs after the scheduler is set up below.
      minPollGapMs: () => (scheduler ? scheduler.intervalSeconds() * 500 : 0),
    });
    snapshot = undefined;
    // Without a snapshot, listen as soon as the first publication is served: its compression follows.
    await daemon.start({ onServed: async () => (server ??= await listen(maxAge())) });
    previous = undefined;
    scheduler ??= await setUpScheduler();
    server ??= await listen(maxAge());
    const [watchModule] = await Promise.all([import('../config/watch.js'), metrics.load()]);
    watchConfig = watchModule.watchConfig;
    await options.beforeFirstCycle?.();
  } catch (err) {
    dropEarly();
    idleMemory.close();
    scheduler?.stop();
    await server?.close();
    await daemon?.close();
    await daemon?.store.close();
    throw err;
  }
  const running = daemon;

  const schedule = scheduler!;
  const watcher = watchConfig!(config.file, {
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
      idleMemory.arm();
    } catch (err) {
      status.configError = describeError(err);
      log.error({ file: next.file, error: status.configError }, 'config edit could not be applied, keeping the last good config');
      return;
    }
    status.configError = undefined;
    status.configLoadedAt = new Date();
    if (previous.schedule !== next.schedule || previous.timezone !== next.timezone) schedule.reschedule(next.schedule, next.timezone);
    for (const key of ['host', 'port'] as const) {
      if (previous.server[key] !== next.server[key]) log.warn({ key: `server.${key}` }, 'changed in the config: takes effect after a restart');
    }
    if (previous.storePath !== next.storePath) log.warn({ key: 'storage.path' }, 'changed in the config: takes effect after a restart');
    const knownUrls = new Set(previous.sources.map((s) => `${s.name}\n${s.url}`));
    if (next.sources.some((s) => !knownUrls.has(`${s.name}\n${s.url}`))) void schedule.runNow('new source');
  }

  void schedule.runNow('start');
  const listening = server;

  async function setUpScheduler(): Promise<Scheduler> {
    const { createScheduler } = await import('../schedule/scheduler.js');
    const created = createScheduler({
      expression: config.schedule,
      timezone: config.timezone,
      logger: log,
      run: async () => {
        // A tick while the engine still loads: nothing to poll with yet, and the start cycle follows.
        if (!daemon) return;
        status.polling = true;
        try {
          await daemon.cycle();
        } finally {
          status.polling = false;
          idleMemory.arm();
          // Again once the work the cycle left (compression, the snapshot, derived files, a start's story index) is done:
          // done after the collection, it can grow the young generation back to 32 MB for the idle time (seen after a start
          // from the snapshot: 94 MB of heap for 61 MB used, RSS 173 MB against 143).
          void daemon.settled().then(() => idleMemory.arm(), () => idleMemory.arm());
        }
      },
    });
    status.nextCycleAt = () => created.nextRun();
    return created;
  }

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
      schedule.stop();
      watcher.close();
      idleMemory.close();
      const closing = listening.close();
      const cycle = schedule.running;
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
    dropEarly();
    // Only now: whoever waits for this line may stop us at once, and the handlers must be there to take it.
    log.info({ url: listening.url, sources: config.sources.length, store: running.store.location, articles: running.articleCount }, 'serving');
    if (earlySignal) void stop(earlySignal);
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

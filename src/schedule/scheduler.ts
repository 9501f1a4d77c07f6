import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../log/logger.js';

export interface SchedulerOptions {
  expression: string;
  timezone: string;
  /** One poll cycle. Never runs twice at once: a tick during a running cycle is skipped. */
  run: () => Promise<void>;
  logger: Logger;
}

export interface Scheduler {
  /** Run a cycle now (unless one is running); resolves when it ends. */
  runNow(reason: string): Promise<void>;
  /** Replace the cron expression or time zone (config reload). */
  reschedule(expression: string, timezone: string): void;
  /** The running cycle, if any, so shutdown can wait for it. */
  readonly running: Promise<void> | undefined;
  nextRun(): Date | undefined;
  /** Seconds between the next two scheduled runs: what a feed may be cached for. */
  intervalSeconds(): number;
  stop(): void;
}

/** The only node-cron user: wraps it so that ticks never overlap and errors never escape. */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const log = options.logger;
  let running: Promise<void> | undefined;
  let task: ScheduledTask | undefined;
  let stopped = false;

  cron.setLogger({
    info: (m) => log.debug({ cron: true }, m),
    warn: (m) => log.debug({ cron: true }, m),
    error: (m) => log.warn({ cron: true }, String(m)),
    debug: () => {},
  });

  function runNow(reason: string): Promise<void> {
    if (stopped) return Promise.resolve();
    if (running) {
      log.info({ reason }, 'poll cycle still running, tick skipped');
      return running;
    }
    running = options
      .run()
      .catch((err: unknown) => log.error({ err }, 'poll cycle failed'))
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  function schedule(expression: string, timezone: string): void {
    void task?.destroy();
    task = cron.schedule(expression, () => void runNow('schedule'), {
      timezone,
      name: 'poll',
      noOverlap: true,
    });
  }

  schedule(options.expression, options.timezone);

  return {
    runNow,
    reschedule(expression, timezone) {
      if (!stopped) schedule(expression, timezone);
    },
    get running() {
      return running;
    },
    nextRun: () => task?.getNextRun() ?? undefined,
    intervalSeconds() {
      const [a, b] = task?.getNextRuns(2) ?? [];
      return a && b ? Math.max(1, Math.round((b.getTime() - a.getTime()) / 1000)) : 900;
    },
    stop() {
      stopped = true;
      void task?.destroy();
      task = undefined;
    },
  };
}

import { createRequire } from 'node:module';
import { isatty } from 'node:tty';
import pino from 'pino';
import type PinoPretty from 'pino-pretty';

export type Logger = pino.Logger;

/** `json` for containers and pipes, `pretty` for a person at a terminal (SPEC §3, LOG_FORMAT). */
export type LogFormat = 'json' | 'pretty';

export const LOG_FORMATS: readonly LogFormat[] = ['json', 'pretty'];

export interface LoggerOptions {
  level?: string;
  /** `serve` logs to stdout (the container's log stream); commands that print results log to stderr. */
  destination: 'stdout' | 'stderr';
  /** Forced by LOG_FORMAT; undefined picks pretty on a terminal and JSON otherwise. */
  format?: LogFormat | undefined;
}

/** The one place pino is configured. Components take `logger.child({ component })`. */
export function createLogger(options: LoggerOptions): Logger {
  const fd = options.destination === 'stdout' ? 1 : 2;
  const tty = isatty(fd);
  const format = options.format ?? (tty ? 'pretty' : 'json');
  // Pretty printing runs in-process and synchronously, like the JSON destination: a line logged right before
  // process.exit (fatal start-up errors, shutdown) is never lost in a worker thread.
  const stream =
    format === 'pretty'
      ? loadPretty()({
          destination: fd,
          sync: true,
          colorize: tty,
          translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
          ignore: 'app,component',
          messageFormat: '{if component}{component}: {end}{msg}',
          // Our `error` fields are one-line strings (describeError); keep them on the entry's line.
          errorLikeObjectKeys: ['err'],
          singleLine: true,
        })
      : pino.destination({ fd, sync: true });
  return pino(
    {
      level: options.level ?? 'info',
      base: { app: 'feedkurator' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: ['headers.authorization', 'headers.cookie', '*.password'], remove: true },
    },
    stream,
  );
}

/** pino-pretty only for a person at a terminal: a container's JSON logs need not load it (~35 ms of CPU at start). */
function loadPretty(): typeof PinoPretty {
  const loaded = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty & { default?: typeof PinoPretty };
  return loaded.default ?? loaded;
}

/** A logger that writes nothing, for library use in tests. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}

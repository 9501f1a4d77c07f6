import pino from 'pino';

export type Logger = pino.Logger;

export interface LoggerOptions {
  level?: string;
  /** `serve` logs to stdout (the container's log stream); commands that print results log to stderr. */
  destination: 'stdout' | 'stderr';
}

/** The one place pino is configured. Components take `logger.child({ component })`. */
export function createLogger(options: LoggerOptions): Logger {
  const fd = options.destination === 'stdout' ? 1 : 2;
  return pino(
    {
      level: options.level ?? 'info',
      base: { app: 'feedkurator' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: ['headers.authorization', 'headers.cookie', '*.password'], remove: true },
    },
    pino.destination({ fd, sync: true }),
  );
}

/** A logger that writes nothing, for library use in tests. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}

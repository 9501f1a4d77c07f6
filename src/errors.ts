/**
 * The one catalogue of feedkurator's errors (modelled on undici's
 * lib/core/errors.js). Every error has a stable `code` that logs, /healthz
 * and `poll --json` can rely on, a one-line message a user understands, and
 * keeps the underlying `cause`.
 */

export class FeedkuratorError extends Error {
  readonly code: string = 'FK_ERROR';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Command-line misuse: exit 2. */
export class UsageError extends FeedkuratorError {
  override readonly code = 'FK_USAGE';
}

export interface ConfigProblem {
  /** Dotted path into the YAML document, for example `topics.kernel.include[3]`. */
  path: string;
  message: string;
  /** 1-based line in the file, where known. */
  line?: number;
}

/** An invalid configuration file: exit 2. Carries every problem found, each with its path. */
export class ConfigError extends FeedkuratorError {
  override readonly code = 'FK_CONFIG';
  readonly file: string;
  readonly problems: ConfigProblem[];

  constructor(file: string, problems: ConfigProblem[], options?: { cause?: unknown }) {
    super(
      `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}: ` +
        problems.map((p) => `${p.path || '(root)'}: ${p.message}`).join('; '),
      options,
    );
    this.file = file;
    this.problems = problems;
  }
}

/** The store file cannot be read, parsed, locked or written: exit 1. */
export class StoreError extends FeedkuratorError {
  override readonly code: string = 'FK_STORE';
  readonly file: string;

  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super(`store ${file}: ${message}`, options);
    this.file = file;
  }
}

/** Another process holds the store. */
export class StoreLockedError extends StoreError {
  override readonly code = 'FK_STORE_LOCKED';
}

/** The HTTP server could not listen (port taken, permission): exit 1. */
export class ListenError extends FeedkuratorError {
  override readonly code = 'FK_LISTEN';
}

// ---------------------------------------------------------------- sources

/** Base of everything that can go wrong with one source. Costs only that source. */
export class SourceError extends FeedkuratorError {
  override readonly code: string = 'FK_SOURCE';
}

export class FetchError extends SourceError {
  override readonly code: string = 'FK_FETCH';
}

/** DNS failure, connection refused or reset. */
export class ConnectError extends FetchError {
  override readonly code = 'FK_CONNECT';
}

/** No headers or no complete body within `fetch.timeoutSeconds`. */
export class TimeoutError extends FetchError {
  override readonly code = 'FK_TIMEOUT';
}

/** Body larger than `fetch.maxBytes` (after decompression). */
export class TooLargeError extends FetchError {
  override readonly code = 'FK_TOO_LARGE';
}

export class RedirectError extends FetchError {
  override readonly code = 'FK_REDIRECT';
}

/** Non-http(s) URL or otherwise unusable URL. */
export class BadUrlError extends FetchError {
  override readonly code = 'FK_BAD_URL';
}

export class HttpStatusError extends FetchError {
  override readonly code: string = 'FK_HTTP_STATUS';
  readonly status: number;
  /** Absolute time before which the server asked us not to come back (429/503 Retry-After). */
  readonly retryAfter?: Date;

  constructor(status: number, message: string, options?: { cause?: unknown; retryAfter?: Date }) {
    super(message, options);
    this.status = status;
    if (options?.retryAfter) this.retryAfter = options.retryAfter;
  }
}

/** HTTP 410: the source is gone for good; not polled again until its config entry changes. */
export class GoneError extends HttpStatusError {
  override readonly code = 'FK_GONE';
}

/** Bytes that cannot be decoded in the declared or detected charset. */
export class DecodeError extends SourceError {
  override readonly code = 'FK_DECODE';
}

/** The body is not RSS, Atom or JSON Feed. */
export class NotAFeedError extends SourceError {
  override readonly code = 'FK_NOT_A_FEED';
}

/** The body looks like a feed but cannot be parsed (broken XML, forbidden DTD entities). */
export class ParseError extends SourceError {
  override readonly code = 'FK_PARSE';
}

/** The poll was abandoned because the daemon is shutting down. */
export class AbortedError extends FeedkuratorError {
  override readonly code = 'FK_ABORTED';
}

/**
 * Why a source was not polled this cycle (`poll --json` errors[].code of a
 * skipped source): it answered 410, it asked us to wait (Retry-After), it is
 * backing off after failures, or another replica holds it.
 */
export const SKIP_CODES = {
  gone: 'FK_GONE',
  retryAfter: 'FK_RETRY_AFTER',
  backoff: 'FK_BACKOFF',
  leased: 'FK_LEASED',
} as const;

/** A bug of ours met while handling a source: logged with its stack, never counted against the source. */
export const INTERNAL_ERROR_CODE = 'FK_INTERNAL';

/** One line for logs and summaries: the message, never a stack. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message.replace(/\s*\n\s*/g, ' ');
  return String(err);
}

export function errorCode(err: unknown): string {
  return err instanceof FeedkuratorError ? err.code : 'FK_ERROR';
}

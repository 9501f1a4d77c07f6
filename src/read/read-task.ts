/**
 * What crosses the thread boundary: a body to read, and either the read feed
 * or the error it raised. Errors cannot cross as themselves (a structured
 * clone keeps the message, not the class), so a catalogue error travels as
 * its FK_* code and comes back as the same SourceError subclass, which is
 * what makes a bad feed cost only its source.
 */
import {
  DecodeError,
  FetchError,
  NotAFeedError,
  ParseError,
  SourceError,
  TooLargeError,
} from '../errors.js';
import type { LeftEncoded } from '../fetch/undo-encoding.js';
import type { ReadClock } from './read-clock.js';
import type { ReadFeed } from './read-feed-body.js';

export interface ReadTask {
  /** The body's bytes: a copy the calling thread made for this attempt, its buffer transferred to the worker. */
  body: Uint8Array;
  /** The body is still content-encoded so: the worker undoes it (undoEncoding) before reading. */
  encoded?: LeftEncoded;
  contentType: string | undefined;
  url: string;
  /** Epoch milliseconds. */
  now: number;
  /** The response's Content-Location header. */
  contentLocation?: string;
  /** Read at this nice value or lower priority (the daemon's background reading); the worker lowers its thread once. */
  niceness?: number;
  /** Where the worker marks the read's start and end (read-clock.ts); the start-up probe has none. */
  clock?: ReadClock;
}

/** An error as it crossed the boundary. `code` is set for catalogue (SourceError) errors only. */
export interface CarriedError {
  code?: string;
  name: string;
  message: string;
  stack?: string;
}

export type ReadOutcome = { ok: true; feed: ReadFeed } | { ok: false; error: CarriedError };

/** The SourceErrors reading can raise, by code. */
const SOURCE_ERRORS: Record<string, new (message: string, options?: { cause?: unknown }) => SourceError> = {
  FK_DECODE: DecodeError,
  FK_NOT_A_FEED: NotAFeedError,
  FK_PARSE: ParseError,
  FK_TOO_LARGE: TooLargeError,
  FK_FETCH: FetchError,
  FK_SOURCE: SourceError,
};

export function carryError(err: unknown): CarriedError {
  if (err instanceof Error) {
    return {
      ...(err instanceof SourceError ? { code: err.code } : {}),
      name: err.name,
      message: err.message,
      ...(err.stack !== undefined ? { stack: err.stack } : {}),
    };
  }
  return { name: 'Error', message: String(err) };
}

/**
 * The error to throw in the calling thread: the same SourceError subclass
 * for a source's fault, a plain Error (our bug) otherwise. The worker's
 * stack is kept as the cause.
 */
export function reviveError(carried: CarriedError): Error {
  const cause = new Error(`${carried.name} in the read worker: ${carried.message}`);
  if (carried.stack !== undefined) cause.stack = carried.stack;
  if (carried.code === undefined) {
    const err = new Error(carried.message, { cause });
    err.name = carried.name;
    return err;
  }
  const Known = SOURCE_ERRORS[carried.code];
  const err = Known ? new Known(carried.message, { cause }) : new SourceError(carried.message, { cause });
  // A subclass this table does not list keeps its stable code all the same.
  if (err.code !== carried.code) Object.defineProperty(err, 'code', { value: carried.code });
  return err;
}

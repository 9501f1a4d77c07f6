/**
 * Per-source politeness as pure functions on SourceState: when a source may
 * be polled again (backoff, Retry-After, 410), which URL to fetch, and how a
 * result changes the state. The pipeline persists what these return.
 */
import { createHash } from 'node:crypto';
import type { SourceConfig } from '../config/schema.js';
import { AbortedError, describeError, errorCode, GoneError, HttpStatusError, SKIP_CODES } from '../errors.js';
import type { SourceState } from '../types.js';
import type { FetchResult } from './fetcher.js';
import { formatInstant } from './retry-after.js';

/** Backoff delay after the second consecutive failure; doubles per further failure. */
export const BACKOFF_BASE_MS = 10 * 60_000;
/** No backoff waits longer than this. */
export const BACKOFF_CAP_MS = 6 * 60 * 60_000;
/** A Retry-After further out than this is treated as this: a typo on the server must not silence a source for months. */
export const RETRY_AFTER_CAP_MS = 24 * 60 * 60_000;
/** After this many failures in a row, a remembered permanent redirect is forgotten and the configured URL tried again. */
export const FORGET_REDIRECT_AFTER = 3;

export type DueCheck = { due: true } | { due: false; code: string; reason: string; until?: string };

/** Changes whenever the source's config entry changes (any field). */
export function fingerprintSource(source: SourceConfig): string {
  return createHash('sha256').update(canonicalJson(source)).digest('hex').slice(0, 16);
}

export function checkSourceDue(state: SourceState | undefined, source: SourceConfig, now: Date): DueCheck {
  const current = currentState(state, source);
  if (!current) return { due: true };
  if (current.goneFor !== undefined) {
    if (current.goneFor === fingerprintSource(source)) {
      const since = current.lastErrorAt ? ` since ${current.lastErrorAt}` : '';
      return { due: false, code: SKIP_CODES.gone, reason: `gone (HTTP 410)${since}; polled again once its entry in the config changes` };
    }
    return { due: true };
  }
  if (current.nextDue !== undefined && Date.parse(current.nextDue) > now.getTime()) {
    const failures = current.consecutiveErrors;
    const last = current.lastError ? ` (last error: ${current.lastError})` : '';
    return {
      due: false,
      code: current.waitingFor === 'retry-after' ? SKIP_CODES.retryAfter : SKIP_CODES.backoff,
      // Neutral wording: the wait may come from backoff or from the server's Retry-After (then in the last error).
      reason: `waiting until ${current.nextDue} after ${failures} failure${failures === 1 ? '' : 's'} in a row${last}`,
      until: current.nextDue,
    };
  }
  return { due: true };
}

/** The remembered permanent redirect target, as long as the configured URL is the one it was learned from. */
export function resolveFetchUrl(state: SourceState | undefined, source: SourceConfig): string {
  return currentState(state, source)?.permanentUrl ?? source.url;
}

export function recordFetchSuccess(state: SourceState | undefined, source: SourceConfig, result: FetchResult, now: Date): SourceState {
  const previous = currentState(state, source) ?? freshState(source);
  const at = formatInstant(now);
  // A 304 may omit the validators; the ones we sent are still valid. A 200
  // without them means the server stopped sending them: do not resend stale ones.
  const etag = result.kind === 'not-modified' ? (result.etag ?? previous.etag) : result.etag;
  const lastModified = result.kind === 'not-modified' ? (result.lastModified ?? previous.lastModified) : result.lastModified;
  const permanentUrl = result.permanentUrl && result.permanentUrl !== source.url ? result.permanentUrl : previous.permanentUrl;
  return compact({
    name: source.name,
    url: source.url,
    permanentUrl,
    etag,
    lastModified,
    lastAttempt: at,
    lastSuccess: at,
    consecutiveErrors: 0,
  });
}

export function recordFetchFailure(
  state: SourceState | undefined,
  source: SourceConfig,
  error: unknown,
  now: Date,
  random: () => number = Math.random,
): SourceState {
  const previous = currentState(state, source) ?? freshState(source);
  // Shutting down is not the source's fault: nothing to count or back off.
  if (error instanceof AbortedError) return previous;
  const failures = previous.consecutiveErrors + 1;
  const at = formatInstant(now);
  const next: SourceState = {
    ...previous,
    name: source.name,
    lastAttempt: at,
    lastError: describeError(error),
    lastErrorAt: at,
    lastErrorCode: errorCode(error),
    consecutiveErrors: failures,
  };
  delete next.nextDue;
  delete next.waitingFor;
  delete next.goneFor;

  if (error instanceof GoneError) {
    next.goneFor = fingerprintSource(source);
    return next;
  }
  if (next.permanentUrl !== undefined && failures >= FORGET_REDIRECT_AFTER) {
    // The learned URL may be the broken part; the configured one may work again.
    delete next.permanentUrl;
  }
  const backoff = backoffDelayMs(failures, random);
  const backoffUntil = backoff > 0 ? now.getTime() + backoff : undefined;
  const retryAfter =
    error instanceof HttpStatusError && error.retryAfter ? Math.min(error.retryAfter.getTime(), now.getTime() + RETRY_AFTER_CAP_MS) : undefined;
  if (retryAfter !== undefined && (backoffUntil === undefined || retryAfter >= backoffUntil)) {
    next.nextDue = formatInstant(new Date(retryAfter));
    next.waitingFor = 'retry-after';
  } else if (backoffUntil !== undefined) {
    next.nextDue = formatInstant(new Date(backoffUntil));
    next.waitingFor = 'backoff';
  }
  return next;
}

/**
 * The first failure retries on the next cycle (0). From the second on:
 * BACKOFF_BASE_MS doubling per failure, capped, with "equal jitter" (half
 * fixed, half random) so that sources that failed together spread out.
 */
export function backoffDelayMs(consecutiveFailures: number, random: () => number = Math.random): number {
  if (consecutiveFailures < 2) return 0;
  const exponent = Math.min(consecutiveFailures - 2, 30);
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** exponent);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(ceiling / 2 + (ceiling / 2) * r);
}

/** The state if it still belongs to this configured URL; an edited URL starts over. */
function currentState(state: SourceState | undefined, source: SourceConfig): SourceState | undefined {
  return state && state.url === source.url ? state : undefined;
}

function freshState(source: SourceConfig): SourceState {
  return { name: source.name, url: source.url, consecutiveErrors: 0 };
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

import { describe, expect, it } from 'vitest';
import type { SourceConfig } from '../../src/config/schema.js';
import { AbortedError, ConnectError, GoneError, HttpStatusError, TimeoutError } from '../../src/errors.js';
import type { FetchResult } from '../../src/fetch/fetcher.js';
import {
  BACKOFF_CAP_MS,
  backoffDelayMs,
  checkSourceDue,
  fingerprintSource,
  recordFetchFailure,
  recordFetchSuccess,
  resolveFetchUrl,
} from '../../src/fetch/source-schedule.js';
import type { SourceState } from '../../src/types.js';

const SOURCE: SourceConfig = { name: 'heise online', url: 'https://www.heise.de/rss/heise-atom.xml' };
const T0 = new Date('2026-11-22T04:00:00Z');
const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);
const MIN = 60_000;

function okResult(extra: Partial<Extract<FetchResult, { kind: 'ok' }>> = {}): FetchResult {
  return {
    kind: 'ok',
    status: 200,
    body: Buffer.from('<rss/>'),
    finalUrl: SOURCE.url,
    bytes: 6,
    durationMs: 12,
    ...extra,
  };
}

/** Applies n failures of the same error, each at the time the previous one allowed. */
function failRepeatedly(n: number, error: unknown, random = () => 0.5): { state: SourceState | undefined; now: Date } {
  let state: SourceState | undefined;
  let now = T0;
  for (let i = 0; i < n; i++) {
    state = recordFetchFailure(state, SOURCE, error, now, random);
    now = state.nextDue ? new Date(state.nextDue) : new Date(now.getTime() + 15 * MIN);
  }
  return { state, now };
}

describe('fingerprintSource', () => {
  it('is stable and ignores key order', () => {
    const a = fingerprintSource({ name: 'x', url: 'https://x.example/feed', topics: ['kernel'] });
    const b = fingerprintSource({ topics: ['kernel'], url: 'https://x.example/feed', name: 'x' } as SourceConfig);
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
  });

  it('changes when any field of the entry changes', () => {
    const base = fingerprintSource(SOURCE);
    expect(fingerprintSource({ ...SOURCE, name: 'heise' })).not.toBe(base);
    expect(fingerprintSource({ ...SOURCE, url: 'https://www.heise.de/rss/heise.rdf' })).not.toBe(base);
    expect(fingerprintSource({ ...SOURCE, topics: ['kernel'] })).not.toBe(base);
  });
});

describe('success', () => {
  it('stores validators and times for a fresh source', () => {
    const state = recordFetchSuccess(undefined, SOURCE, okResult({ etag: '"abc"', lastModified: 'Sat, 22 Nov 2025 04:00:00 GMT' }), T0);
    expect(state).toEqual({
      name: SOURCE.name,
      url: SOURCE.url,
      etag: '"abc"',
      lastModified: 'Sat, 22 Nov 2025 04:00:00 GMT',
      lastAttempt: '2026-11-22T04:00:00Z',
      lastSuccess: '2026-11-22T04:00:00Z',
      consecutiveErrors: 0,
    });
    expect(checkSourceDue(state, SOURCE, T0)).toEqual({ due: true });
  });

  it('keeps the validators on a 304 that omits them, replaces them on one that sends new ones', () => {
    const first = recordFetchSuccess(undefined, SOURCE, okResult({ etag: '"abc"', lastModified: 'Sat, 22 Nov 2025 04:00:00 GMT' }), T0);
    const same = recordFetchSuccess(first, SOURCE, { kind: 'not-modified', finalUrl: SOURCE.url, durationMs: 3 }, at(15));
    expect(same).toMatchObject({ etag: '"abc"', lastModified: 'Sat, 22 Nov 2025 04:00:00 GMT', lastSuccess: '2026-11-22T04:15:00Z' });
    const renewed = recordFetchSuccess(same, SOURCE, { kind: 'not-modified', finalUrl: SOURCE.url, etag: '"abd"', durationMs: 3 }, at(30));
    expect(renewed.etag).toBe('"abd"');
  });

  it('drops validators a 200 no longer carries', () => {
    const first = recordFetchSuccess(undefined, SOURCE, okResult({ etag: '"abc"' }), T0);
    expect(recordFetchSuccess(first, SOURCE, okResult(), at(15)).etag).toBeUndefined();
  });

  it('recovers on the first success after failures', () => {
    const { state, now } = failRepeatedly(5, new ConnectError('x: connection refused'));
    expect(state!.consecutiveErrors).toBe(5);
    const recovered = recordFetchSuccess(state, SOURCE, okResult(), now);
    expect(recovered.consecutiveErrors).toBe(0);
    expect(recovered.nextDue).toBeUndefined();
    expect(recovered.lastError).toBeUndefined();
    expect(checkSourceDue(recovered, SOURCE, now)).toEqual({ due: true });
  });
});

describe('failure and backoff', () => {
  it('records the error and retries on the next cycle after the first failure', () => {
    const state = recordFetchFailure(undefined, SOURCE, new TimeoutError('www.heise.de: no response headers within 20 s'), T0);
    expect(state).toMatchObject({
      consecutiveErrors: 1,
      lastError: 'www.heise.de: no response headers within 20 s',
      lastErrorCode: 'FK_TIMEOUT',
      lastErrorAt: '2026-11-22T04:00:00Z',
      lastAttempt: '2026-11-22T04:00:00Z',
    });
    expect(state.nextDue).toBeUndefined();
    expect(checkSourceDue(state, SOURCE, at(15))).toEqual({ due: true });
  });

  it('backs off exponentially with jitter from the second failure', () => {
    expect(backoffDelayMs(1, () => 0)).toBe(0);
    expect(backoffDelayMs(2, () => 0)).toBe(5 * MIN);
    expect(backoffDelayMs(2, () => 1)).toBe(10 * MIN);
    expect(backoffDelayMs(3, () => 0.5)).toBe(15 * MIN);
    expect(backoffDelayMs(4, () => 1)).toBe(40 * MIN);
    expect(backoffDelayMs(5, () => 1)).toBe(80 * MIN);
  });

  it('never waits longer than the cap, even after very many failures', () => {
    for (const n of [8, 9, 20, 100, 10_000]) {
      expect(backoffDelayMs(n, () => 1)).toBe(BACKOFF_CAP_MS);
      expect(backoffDelayMs(n, () => 0)).toBe(BACKOFF_CAP_MS / 2);
    }
    expect(BACKOFF_CAP_MS).toBe(6 * 60 * MIN);
  });

  it('makes a source not due until nextDue and says why', () => {
    const first = recordFetchFailure(undefined, SOURCE, new ConnectError('www.heise.de: connection refused'), T0, () => 0);
    const second = recordFetchFailure(first, SOURCE, new ConnectError('www.heise.de: connection refused'), at(15), () => 0);
    expect(second.nextDue).toBe('2026-11-22T04:20:00Z');
    expect(checkSourceDue(second, SOURCE, at(16))).toEqual({
      due: false,
      code: 'FK_BACKOFF',
      reason: 'waiting until 2026-11-22T04:20:00Z after 2 failures in a row (last error: www.heise.de: connection refused)',
      until: '2026-11-22T04:20:00Z',
    });
    expect(checkSourceDue(second, SOURCE, at(20))).toEqual({ due: true });
  });

  it('spreads sources that failed together (jitter comes from random)', () => {
    const err = new ConnectError('x');
    const one = recordFetchFailure(recordFetchFailure(undefined, SOURCE, err, T0), SOURCE, err, T0, () => 0.1);
    const two = recordFetchFailure(recordFetchFailure(undefined, SOURCE, err, T0), SOURCE, err, T0, () => 0.9);
    expect(one.nextDue).not.toBe(two.nextDue);
  });

  it('does not count a poll abandoned at shutdown', () => {
    const before = recordFetchFailure(undefined, SOURCE, new ConnectError('x'), T0);
    const after = recordFetchFailure(before, SOURCE, new AbortedError('fetch abandoned: shutting down'), at(1));
    expect(after).toEqual(before);
  });

  it('keeps validators across failures', () => {
    const ok = recordFetchSuccess(undefined, SOURCE, okResult({ etag: '"abc"' }), T0);
    expect(recordFetchFailure(ok, SOURCE, new ConnectError('x'), at(15)).etag).toBe('"abc"');
  });
});

describe('Retry-After', () => {
  it('waits at least until the time the server asked for, even on the first failure', () => {
    const retryAfter = at(120);
    const err = new HttpStatusError(503, 'HTTP 503 Service Unavailable (retry after 2026-11-22T06:00:00Z)', { retryAfter });
    const state = recordFetchFailure(undefined, SOURCE, err, T0);
    expect(state.nextDue).toBe('2026-11-22T06:00:00Z');
    const check = checkSourceDue(state, SOURCE, at(60));
    expect(check).toMatchObject({ due: false, code: 'FK_RETRY_AFTER', until: '2026-11-22T06:00:00Z' });
    expect(state.waitingFor).toBe('retry-after');
    expect(check.due === false && check.reason).toContain('retry after 2026-11-22T06:00:00Z');
    expect(checkSourceDue(state, SOURCE, at(120))).toEqual({ due: true });
  });

  it('takes the later of backoff and Retry-After', () => {
    const soon = new HttpStatusError(429, 'HTTP 429 Too Many Requests', { retryAfter: at(1) });
    const { state } = failRepeatedly(6, new ConnectError('x'), () => 1);
    const now = new Date(state!.nextDue!);
    const next = recordFetchFailure(state, SOURCE, soon, now, () => 1);
    // 7th failure: backoff 10 min × 2^5 = 320 min, far later than 1 min.
    expect(Date.parse(next.nextDue!) - now.getTime()).toBe(320 * MIN);
  });

  it('caps an absurd Retry-After at 24 hours', () => {
    const err = new HttpStatusError(429, 'HTTP 429 Too Many Requests', { retryAfter: new Date('2030-01-01T00:00:00Z') });
    const state = recordFetchFailure(undefined, SOURCE, err, T0);
    expect(state.nextDue).toBe('2026-11-23T04:00:00Z');
  });
});

describe('410 Gone', () => {
  const gone = new GoneError(410, 'HTTP 410 Gone: the source was removed; not polled again until its config entry changes');

  it('stops polling until the config entry changes', () => {
    const state = recordFetchFailure(undefined, SOURCE, gone, T0);
    expect(state.goneFor).toBe(fingerprintSource(SOURCE));
    expect(state.lastErrorCode).toBe('FK_GONE');
    const years = new Date('2030-01-01T00:00:00Z');
    expect(checkSourceDue(state, SOURCE, years)).toEqual({
      due: false,
      code: 'FK_GONE',
      reason: 'gone (HTTP 410) since 2026-11-22T04:00:00Z; polled again once its entry in the config changes',
    });
  });

  it('is polled again after the editor changes the entry (topics, name or URL)', () => {
    const state = recordFetchFailure(undefined, SOURCE, gone, T0);
    expect(checkSourceDue(state, { ...SOURCE, topics: ['kernel'] }, at(1))).toEqual({ due: true });
    expect(checkSourceDue(state, { ...SOURCE, url: 'https://www.heise.de/rss/heise.rdf' }, at(1))).toEqual({ due: true });
  });

  it('goes away on the next success', () => {
    const state = recordFetchFailure(undefined, SOURCE, gone, T0);
    const edited = { ...SOURCE, topics: ['kernel'] };
    expect(recordFetchSuccess(state, edited, okResult(), at(1)).goneFor).toBeUndefined();
  });
});

describe('permanent redirects and config edits', () => {
  const moved = 'https://www.heise.de/rss/heise-atom-neu.xml';

  it('remembers a permanent redirect and fetches it while the configured URL is unchanged', () => {
    const state = recordFetchSuccess(undefined, SOURCE, okResult({ finalUrl: moved, permanentUrl: moved }), T0);
    expect(state.permanentUrl).toBe(moved);
    expect(resolveFetchUrl(state, SOURCE)).toBe(moved);
    // Fetching the remembered URL gives no redirect: it stays remembered.
    const again = recordFetchSuccess(state, SOURCE, okResult({ finalUrl: moved }), at(15));
    expect(resolveFetchUrl(again, SOURCE)).toBe(moved);
  });

  it('does not remember a temporary redirect', () => {
    const state = recordFetchSuccess(undefined, SOURCE, okResult({ finalUrl: moved }), T0);
    expect(resolveFetchUrl(state, SOURCE)).toBe(SOURCE.url);
  });

  it('falls back to the configured URL when the remembered one keeps failing', () => {
    let state: SourceState = recordFetchSuccess(undefined, SOURCE, okResult({ permanentUrl: moved }), T0);
    state = recordFetchFailure(state, SOURCE, new HttpStatusError(404, 'HTTP 404 Not Found'), at(15));
    state = recordFetchFailure(state, SOURCE, new HttpStatusError(404, 'HTTP 404 Not Found'), at(30));
    expect(resolveFetchUrl(state, SOURCE)).toBe(moved);
    state = recordFetchFailure(state, SOURCE, new HttpStatusError(404, 'HTTP 404 Not Found'), at(60));
    expect(resolveFetchUrl(state, SOURCE)).toBe(SOURCE.url);
  });

  it('starts over when the editor changes the URL', () => {
    const { state } = failRepeatedly(4, new ConnectError('x'));
    const withValidators = { ...state!, etag: '"abc"', permanentUrl: moved };
    const edited = { ...SOURCE, url: 'https://www.heise.de/rss/heise.rdf' };
    expect(checkSourceDue(withValidators, edited, T0)).toEqual({ due: true });
    expect(resolveFetchUrl(withValidators, edited)).toBe(edited.url);
    const after = recordFetchFailure(withValidators, edited, new ConnectError('y'), T0);
    expect(after).toMatchObject({ url: edited.url, consecutiveErrors: 1 });
    expect(after.etag).toBeUndefined();
    expect(after.permanentUrl).toBeUndefined();
  });
});

describe('a source that fails for a day', () => {
  it('is attempted far less often than every cycle, and never waits more than ~6 h', () => {
    let state: SourceState | undefined;
    let attempts = 0;
    let longestWait = 0;
    let lastAttempt = T0.getTime();
    let seed = 42;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    // Cycles every 15 minutes for 24 hours.
    for (let minute = 0; minute < 24 * 60; minute += 15) {
      const now = at(minute);
      if (!checkSourceDue(state, SOURCE, now).due) continue;
      attempts++;
      longestWait = Math.max(longestWait, now.getTime() - lastAttempt);
      lastAttempt = now.getTime();
      state = recordFetchFailure(state, SOURCE, new ConnectError('x: connection refused'), now, random);
    }
    expect(attempts).toBeGreaterThan(5);
    expect(attempts).toBeLessThan(20);
    expect(longestWait).toBeLessThanOrEqual(BACKOFF_CAP_MS + 15 * MIN);
  });
});

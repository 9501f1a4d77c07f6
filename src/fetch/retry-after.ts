/**
 * `Retry-After` (RFC 9110 §10.2.3): either delay-seconds or an HTTP-date.
 * Pure so that the state machine tests can use a fixed clock.
 */
export function parseRetryAfter(value: string | undefined, now: Date): Date | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+$/.test(trimmed)) {
    const seconds = Number(trimmed);
    return Number.isSafeInteger(seconds) ? new Date(now.getTime() + seconds * 1000) : undefined;
  }
  // Date.parse reads IMF-fixdate, RFC 850 and asctime, the three forms the RFC allows.
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  // A date in the past asks for nothing: retry as usual.
  return at > now.getTime() ? new Date(at) : undefined;
}

/** `2026-11-22T05:00:00Z`: what users read in error messages (no milliseconds). */
export function formatInstant(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

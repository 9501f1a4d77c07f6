import { ConnectError, FetchError, FeedkuratorError, TimeoutError } from '../errors.js';

/** Which part of the exchange was running when it failed; chooses the words of a timeout. */
export type Phase = 'connect' | 'headers' | 'body';

const CONNECT_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  EPIPE: 'connection closed by the server',
  ENOTFOUND: 'host name not found (DNS)',
  EAI_AGAIN: 'temporary DNS failure',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EADDRNOTAVAIL: 'address not available',
  UND_ERR_SOCKET: 'connection closed unexpectedly',
  UND_ERR_CLOSED: 'connection closed unexpectedly',
};

export function describeTimeout(phase: Phase, timeoutMs: number): string {
  const limit = formatSeconds(timeoutMs);
  switch (phase) {
    case 'connect':
      return `no connection within ${limit}`;
    case 'headers':
      return `no response headers within ${limit}`;
    case 'body':
      return `response body not complete within ${limit}`;
  }
}

/**
 * Turns whatever undici, node:net/tls or zlib threw into one of our
 * FetchErrors, keeping the original as `cause`. Our own errors pass through.
 */
export function mapFetchError(err: unknown, url: string, phase: Phase, timeoutMs: number): FeedkuratorError {
  if (err instanceof FeedkuratorError) return err;
  const code = findCode(err);
  const host = safeHost(url);
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return new TimeoutError(`${host}: ${describeTimeout('connect', timeoutMs)}`, { cause: err });
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return new TimeoutError(`${host}: ${describeTimeout('headers', timeoutMs)}`, { cause: err });
  if (code === 'UND_ERR_BODY_TIMEOUT') return new TimeoutError(`${host}: ${describeTimeout('body', timeoutMs)}`, { cause: err });
  if (code !== undefined && code in CONNECT_CODES) {
    // A reset while the body streams is not a connect problem, but the
    // user's remedy is the same: the server dropped us.
    return new ConnectError(`${host}: ${CONNECT_CODES[code]}${phase === 'body' ? ' while reading the body' : ''}`, { cause: err });
  }
  if (code !== undefined && isTlsCode(code)) {
    return new ConnectError(`${host}: TLS handshake failed (${code})`, { cause: err });
  }
  if (code !== undefined && code.startsWith('HPE_')) {
    return new FetchError(`${host}: malformed HTTP response (${code})`, { cause: err });
  }
  if (code === 'UND_ERR_HEADERS_OVERFLOW') {
    return new FetchError(`${host}: response headers too large`, { cause: err });
  }
  if (code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') {
    return new FetchError(`${host}: response body shorter or longer than its Content-Length`, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new FetchError(`${host}: ${message}${code ? ` (${code})` : ''}`, { cause: err });
}

/** Node's own TLS codes and OpenSSL's certificate verification results (X509_V_ERR_* without the prefix). */
function isTlsCode(code: string): boolean {
  return (
    code.startsWith('ERR_TLS') ||
    code.startsWith('ERR_SSL') ||
    code === 'EPROTO' ||
    /CERT|SELF_SIGNED|^UNABLE_TO_|^HOSTNAME_MISMATCH$/.test(code)
  );
}

/** undici wraps socket errors; the useful code may sit one `cause` down. */
function findCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR') return code;
  }
  return undefined;
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/**
 * The fetch stage: bytes over HTTP with every limit enforced. It knows
 * nothing about feeds. undici is used hop by hop (no redirect interceptor:
 * past its limit it returns the last 3xx instead of failing) and bodies are
 * decompressed here, or on request handed on still encoded with their cap,
 * so that the size cap applies to the inflated bytes.
 */
import { STATUS_CODES } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Agent, EnvHttpProxyAgent, type Dispatcher } from './undici-dispatchers.js';
import { AbortedError, GoneError, HttpStatusError, TimeoutError, TooLargeError } from '../errors.js';
import { watchAbort } from './abort-fanout.js';
import { HostLimiter } from './host-limiter.js';
import { describeTimeout, mapFetchError, type Phase } from './map-error.js';
import { readBody } from './read-body.js';
import { isRedirectStatus, mayReceiveCredentials, parseHttpUrl, RedirectChain, splitCredentials } from './redirects.js';
import { formatInstant, parseRetryAfter } from './retry-after.js';
import type { LeftEncoded } from './undo-encoding.js';

export interface FetcherOptions {
  /** Whole request: connect + headers + body, across all redirect hops. Waiting for a free slot does not count. */
  timeoutMs: number;
  /** Per response, AFTER decompression. */
  maxBytes: number;
  /** Requests in flight at once, all hosts together. */
  concurrency: number;
  /** Requests in flight at once per host:port. Default 2. */
  perHostConcurrency?: number;
  userAgent: string;
  /** Default 5. */
  maxRedirects?: number;
  /** Cap on the bytes as transferred (compressed). Default: maxBytes. */
  maxRawBytes?: number;
  /**
   * Outgoing proxy. Default: the HTTP_PROXY, HTTPS_PROXY and NO_PROXY
   * environment variables (either case), as curl and most tools read them.
   */
  proxy?: { httpProxy?: string; httpsProxy?: string; noProxy?: string };
}

export interface ConditionalRequest {
  url: string;
  etag?: string;
  lastModified?: string;
  signal?: AbortSignal;
  /**
   * Leave a single gzip or br encoding undone: the body comes back as
   * transferred, with `encoded` saying how to undo it (undoEncoding, with
   * the decoded-size cap). The pipeline has its read worker do it.
   */
  leaveEncoded?: boolean;
}

export type FetchResult =
  | { kind: 'not-modified'; finalUrl: string; permanentUrl?: string; etag?: string; lastModified?: string; durationMs: number }
  | {
      kind: 'ok';
      status: number;
      body: Buffer;
      contentType?: string;
      /** The Content-Location header as sent: the document's own address, the base of its relative links (parseFeed resolves it). */
      contentLocation?: string;
      etag?: string;
      lastModified?: string;
      finalUrl: string;
      permanentUrl?: string;
      /** Body length after decompression; absent while `encoded` (whoever undoes it learns it). */
      bytes?: number;
      /** The body is still encoded so (only with leaveEncoded). */
      encoded?: LeftEncoded;
      /** Body length as transferred (before decompression). */
      transferredBytes?: number;
      durationMs: number;
    };

export interface Fetcher {
  fetch(req: ConditionalRequest): Promise<FetchResult>;
  /** Requests holding a connection slot now, and requests waiting for one (for metrics). */
  stats(): { active: number; queued: number };
  /** Lets running requests finish (they are bounded by timeoutMs), then closes the connection pool. */
  close(): Promise<void>;
}

/** Feeds first, then generic XML and JSON, then anything (some servers send feeds as text/html). */
const ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, ' +
  'application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5';

const PROXY_VARIABLES = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy'];

export function buildUserAgent(version: string, baseUrl: string): string {
  return `feedkurator/${version} (+${baseUrl})`;
}

export function createFetcher(options: FetcherOptions): Fetcher {
  const timeoutMs = positive(options.timeoutMs, 'timeoutMs');
  const maxBytes = positive(options.maxBytes, 'maxBytes');
  const maxRawBytes = positive(options.maxRawBytes ?? maxBytes, 'maxRawBytes');
  const perHost = positive(options.perHostConcurrency ?? 2, 'perHostConcurrency');
  const maxRedirects = options.maxRedirects ?? 5;
  const limiter = new HostLimiter(positive(options.concurrency, 'concurrency'), perHost);
  // Our deadline timer decides. undici's own timeouts (default 300 s) stay a
  // backstop just behind it: its coarse timers were seen firing up to 200 ms early.
  const backstopMs = timeoutMs + 1_000;
  const agentOptions = {
    connect: { timeout: backstopMs },
    headersTimeout: backstopMs,
    bodyTimeout: backstopMs,
    connections: perHost,
    keepAliveTimeout: 4_000,
  };
  const agent: Dispatcher =
    options.proxy || PROXY_VARIABLES.some((name) => process.env[name])
      ? new EnvHttpProxyAgent({ ...agentOptions, ...options.proxy })
      : new Agent(agentOptions);
  let closed = false;

  async function fetchOnce(req: ConditionalRequest): Promise<FetchResult> {
    // Not the source's fault: AbortedError is not counted as a failure.
    if (closed) throw new AbortedError('fetch refused: the fetcher is closed (shutting down or reconfigured)');
    const started = performance.now();
    const { url: startUrl, authorization } = splitCredentials(parseHttpUrl(req.url));
    const chain = new RedirectChain(startUrl, maxRedirects);
    // One controller per fetch, fed by our deadline and the caller's signal.
    // Not AbortSignal.any: with a long-lived caller signal (the daemon's
    // shutdown signal) it leaks one dependant per call (nodejs/node#55351).
    // watchAbort: all fetches of a cycle share one listener on that signal.
    const controller = new AbortController();
    const signal = controller.signal;
    let deadlineHit = false;
    const callerSignal = req.signal;
    const unwatchCaller = callerSignal ? watchAbort(callerSignal, () => controller.abort(callerSignal.reason)) : undefined;
    let timer: NodeJS.Timeout | undefined;
    let phase: Phase = 'headers';
    const elapsed = (): number => Math.round(performance.now() - started);

    try {
      let target = startUrl;
      for (;;) {
        // Waiting for the first slot is queueing, not the server's fault; later hops are inside the deadline.
        const release = await limiter.acquire(target.host, timer ? signal : req.signal);
        let response: Dispatcher.ResponseData | undefined;
        let bodyTaken = false;
        try {
          timer ??= setTimeout(() => {
            deadlineHit = true;
            controller.abort(new Error('deadline'));
          }, timeoutMs).unref();
          phase = 'headers';
          const headers: Record<string, string> = {
            'user-agent': options.userAgent,
            accept: ACCEPT,
            'accept-encoding': 'gzip, deflate, br',
          };
          if (req.etag) headers['if-none-match'] = req.etag;
          if (req.lastModified) headers['if-modified-since'] = req.lastModified;
          if (authorization && mayReceiveCredentials(startUrl, target)) headers.authorization = authorization;
          response = await agent.request({
            origin: target.origin,
            path: `${target.pathname}${target.search}`,
            method: 'GET',
            headers,
            signal,
          });
          const status = response.statusCode;
          const header = (name: string): string | undefined => firstHeader(response!.headers[name]);

          if (isRedirectStatus(status)) {
            target = chain.follow(status, header('location'));
            continue;
          }
          if (status === 304) {
            return compact({
              kind: 'not-modified',
              finalUrl: chain.current,
              permanentUrl: chain.permanentUrl,
              etag: header('etag'),
              lastModified: header('last-modified'),
              durationMs: elapsed(),
            });
          }
          if (status < 200 || status >= 300) throw statusError(status, header('retry-after'), chain);

          const announced = Number(header('content-length'));
          if (Number.isSafeInteger(announced) && announced > maxRawBytes) {
            // Refuse before reading: the server told us it will not fit.
            throw new TooLargeError(`response larger than ${maxRawBytes} bytes as transferred (Content-Length ${announced})`);
          }
          phase = 'body';
          bodyTaken = true;
          const limits = { maxBytes, maxRawBytes, leaveEncoded: req.leaveEncoded === true };
          const read = await readBody(response.body, header('content-encoding'), limits);
          return compact({
            kind: 'ok',
            status,
            body: read.body,
            contentType: header('content-type'),
            contentLocation: header('content-location'),
            etag: header('etag'),
            lastModified: header('last-modified'),
            finalUrl: chain.current,
            permanentUrl: chain.permanentUrl,
            bytes: read.encoded ? undefined : read.body.length,
            encoded: read.encoded,
            transferredBytes: read.rawBytes,
            durationMs: elapsed(),
          });
        } finally {
          // An unread body holds its connection: drain a little, else drop the socket.
          if (response && !bodyTaken) await response.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
          else if (response && !response.body.destroyed) {
            // undici emits "Request aborted" when an unfinished body is destroyed; nobody listens any more.
            response.body.on('error', () => undefined);
            response.body.destroy();
          }
          release();
        }
      }
    } catch (err) {
      if (req.signal?.aborted) throw new AbortedError(`fetch of ${chain.current} abandoned: shutting down`, { cause: err });
      if (deadlineHit) {
        throw new TimeoutError(`${new URL(chain.current).host}: ${describeTimeout(phase, timeoutMs)}`, { cause: err });
      }
      throw mapFetchError(err, chain.current, phase, timeoutMs);
    } finally {
      clearTimeout(timer);
      unwatchCaller?.();
    }
  }

  return {
    fetch: fetchOnce,
    stats: () => limiter.stats(),
    async close() {
      if (closed) return;
      closed = true;
      await agent.close();
    },
  };
}

function statusError(status: number, retryAfterHeader: string | undefined, chain: RedirectChain): HttpStatusError {
  const reason = STATUS_CODES[status] ?? 'Unknown Status';
  const where = chain.redirects > 0 ? ` at ${chain.current}` : '';
  if (status === 410) {
    return new GoneError(status, `HTTP 410 Gone${where}: the source was removed; not polled again until its config entry changes`);
  }
  if (status === 429 || status === 503) {
    const retryAfter = parseRetryAfter(retryAfterHeader, new Date());
    const suffix = retryAfter ? ` (retry after ${formatInstant(retryAfter)})` : '';
    return new HttpStatusError(status, `HTTP ${status} ${reason}${where}${suffix}`, retryAfter ? { retryAfter } : {});
  }
  return new HttpStatusError(status, `HTTP ${status} ${reason}${where}`);
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v === undefined || v === '' ? undefined : v;
}

/** Drops undefined fields so results compare and serialize cleanly. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function positive(value: number, name: string): number {
  if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`fetcher option ${name} must be a positive number, got ${value}`);
  return value;
}

/**
 * The HTTP face of feedkurator (SPEC §4). Serves the prebuilt publication
 * with validators, compression and caching headers; nothing is rendered or
 * compressed per request. Built on node:http directly: the routes are few and
 * fixed, and every byte and header is ours to check.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { describeError, ListenError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Publication } from '../publish/build-publication.js';
import { bodyParts, identityLength, type ContentCoding, type Resource } from '../publish/resource.js';
import type { HealthReport } from '../types.js';
import { chooseEncoding, isNotModified } from './negotiate.js';
import { ALLOWED_METHODS, resolveRoute, type Route } from './routes.js';

export interface ServerDeps {
  getPublication(): Publication;
  /** Served as JSON at /healthz with its httpStatus. */
  getHealth(): HealthReport;
  metrics: Metrics;
  logger: Logger;
  /** Cache-Control max-age for feeds and the page, from the schedule. Default 300. */
  cacheMaxAgeSeconds?: number;
  /** Override the slow-client limits (tests); defaults below. */
  timeouts?: { headersMs?: number; requestMs?: number; keepAliveMs?: number };
}

export interface RunningServer {
  readonly port: number;
  readonly url: string;
  /** Stop accepting, end idle keep-alive sockets, force the rest after ~2 s. */
  close(): Promise<void>;
}

/** Slow clients may not hold a connection open with a trickle of headers or a never-ending request. */
export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 30_000;
export const KEEP_ALIVE_TIMEOUT_MS = 5_000;
const CLOSE_GRACE_MS = 2_000;

const NO_STORE = 'no-store';

interface ResponseHeaders {
  notModified: Record<string, string | number>;
  ok: Record<string, string | number>;
}

interface ResourceAnswers {
  lastModified: string;
  etags: string[];
  byCoding: Partial<Record<ContentCoding, ResponseHeaders>>;
}

export async function startServer(deps: ServerDeps, listen: { host: string; port: number }): Promise<RunningServer> {
  const log = deps.logger.child({ component: 'http' });
  const maxAge = Math.max(0, Math.round(deps.cacheMaxAgeSeconds ?? 300));
  const feedCacheControl = `public, max-age=${maxAge}`;

  const server = createServer(
    {
      headersTimeout: deps.timeouts?.headersMs ?? HEADERS_TIMEOUT_MS,
      requestTimeout: deps.timeouts?.requestMs ?? REQUEST_TIMEOUT_MS,
      keepAliveTimeout: deps.timeouts?.keepAliveMs ?? KEEP_ALIVE_TIMEOUT_MS,
      // Node checks the two timeouts above only this often (default 30 s, which would triple them).
      connectionsCheckingInterval: Math.min(1_000, deps.timeouts?.headersMs ?? HEADERS_TIMEOUT_MS),
    },
    (req, res) => {
      const started = performance.now();
      let label = 'not_found';
      let answered = true;
      try {
        const publication = deps.getPublication();
        let route = resolveRoute(req.method, req.url, publication.resources);
        // A route of a feed-first publication not rendered yet (a start without a snapshot): answered once it is.
        const rendering = route.kind === 'not-found' ? publication.rendering : undefined;
        if (rendering) route = resolveRoute(req.method, req.url, rendering);
        label = route.label;
        // Feeds and the page, the hot path, are answered synchronously; only /metrics and routes still rendered await.
        if (route.kind === 'resource' && !rendering) serveResource(route.path, publication, req, res);
        else if (route.kind === 'resource') {
          answered = false;
          res.once('close', () => record(label, req, res, started));
          const path = route.path;
          // Served from the publication in force once the route is rendered: what any request then gets (no 503, no partial body).
          rendering!.ready.then(() => serveResource(path, deps.getPublication(), req, res)).catch((err: unknown) => fail(res, err));
        } else {
          answered = false;
          res.once('close', () => record(label, req, res, started));
          handle(route, publication, req, res).catch((err: unknown) => fail(res, err));
        }
      } catch (err) {
        fail(res, err);
      }
      // A synchronous answer has been handed to the socket by now: recorded here, without a listener per request.
      if (answered) record(label, req, res, started);
    },
  );

  function record(label: string, req: IncomingMessage, res: ServerResponse, started: number): void {
    const seconds = (performance.now() - started) / 1000;
    deps.metrics.observeHttp(label, res.statusCode, seconds);
    const level = res.statusCode >= 500 ? 'error' : 'debug';
    if (log.isLevelEnabled(level)) {
      log[level]({ method: req.method, url: req.url, status: res.statusCode, ms: Math.round(seconds * 1000) }, 'request');
    }
  }

  async function handle(route: Route, publication: Publication, req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    switch (route.kind) {
      case 'method-not-allowed':
        res.setHeader('Allow', ALLOWED_METHODS);
        return sendText(req, res, 405, `${req.method ?? ''} is not allowed here; use ${ALLOWED_METHODS}.\n`);
      case 'not-found':
        return sendText(req, res, 404, 'Not found. Feeds: /feed.xml, /feed.atom, /feed.json, /topics/NAME.xml|.atom|.json; page: /\n');
      case 'healthz': {
        const health = deps.getHealth();
        return send(req, res, health.httpStatus, 'application/json; charset=utf-8', Buffer.from(JSON.stringify(health.body) + '\n'), NO_STORE);
      }
      case 'metrics': {
        const text = await deps.metrics.render();
        return send(req, res, 200, deps.metrics.contentType, Buffer.from(text), NO_STORE);
      }
      case 'resource':
        return serveResource(route.path, publication, req, res);
    }
  }

  function serveResource(path: string, publication: Publication, req: IncomingMessage, res: ServerResponse): void {
    const resource = publication.resources.get(path);
    if (!resource) return sendText(req, res, 404, 'Not found.\n');
    const chosen = chooseEncoding(req.headers['accept-encoding']);
    // A publication still being compressed (just after start or a rebuild) answers uncompressed for a moment.
    const coding = chosen !== 'identity' && resource.bodies[chosen] ? chosen : 'identity';
    const answers = answersOf(resource);
    const headersIn = req.headers;
    const notModified = isNotModified(headersIn['if-none-match'], headersIn['if-modified-since'], answers.etags, resource.lastModified);
    const headers = answers.byCoding[coding] ?? buildHeaders(resource, coding, answers);
    if (notModified) {
      res.writeHead(304, headers.notModified);
      res.end();
      return;
    }
    res.writeHead(200, headers.ok);
    if (req.method === 'HEAD') res.end();
    else if (coding !== 'identity') res.end(resource.bodies[coding]);
    else sendParts(res, bodyParts(resource.bodies));
  }

  /** A plain body kept in parts (route-body.ts) goes out as they are, in one write of the socket. */
  function sendParts(res: ServerResponse, parts: readonly Buffer[]): void {
    if (parts.length === 1) return void res.end(parts[0]);
    res.cork();
    for (const part of parts) res.write(part);
    res.end();
    res.uncork();
  }

  /**
   * What every request for one resource needs, computed once per resource of a publication rather than
   * per request: its validators, and per coding the header objects (node:http reads them, it does not
   * keep or change them, so a 304 or 200 costs no object of its own). Keyed weakly: a swapped-out
   * publication's records go with it.
   */
  const answersByResource = new WeakMap<Resource, ResourceAnswers>();
  function answersOf(resource: Resource): ResourceAnswers {
    let answers = answersByResource.get(resource);
    if (!answers) {
      answers = { lastModified: resource.lastModified.toUTCString(), etags: Object.values(resource.etags), byCoding: {} };
      answersByResource.set(resource, answers);
    }
    return answers;
  }
  function buildHeaders(resource: Resource, coding: ContentCoding, answers: ResourceAnswers): ResponseHeaders {
    const notModified: Record<string, string | number> = {
      'X-Content-Type-Options': 'nosniff',
      ...resource.headers,
      'Cache-Control': feedCacheControl,
      'Last-Modified': answers.lastModified,
      ETag: resource.etags[coding],
      Vary: 'Accept-Encoding',
    };
    const ok: Record<string, string | number> = { ...notModified, 'Content-Type': resource.contentType, 'Content-Length': coding === 'identity' ? identityLength(resource.bodies) : resource.bodies[coding]!.length };
    if (coding !== 'identity') ok['Content-Encoding'] = coding;
    return (answers.byCoding[coding] = { notModified, ok });
  }

  function send(req: IncomingMessage, res: ServerResponse, status: number, contentType: string, body: Buffer, cacheControl: string): void {
    res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': body.length, 'Cache-Control': cacheControl });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  function sendText(req: IncomingMessage, res: ServerResponse, status: number, text: string): void {
    send(req, res, status, 'text/plain; charset=utf-8', Buffer.from(text), NO_STORE);
  }

  function fail(res: ServerResponse, err: unknown): void {
    log.error({ error: describeError(err) }, 'request failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': NO_STORE, 'X-Content-Type-Options': 'nosniff' });
    res.end('Internal error; see the feedkurator log.\n');
  }

  // Answer malformed requests and header timeouts with a proper status instead of a silent reset.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable) return socket.destroy();
    const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const reason = status === 408 ? 'Request Timeout' : status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });

  await listenOn(server, listen);
  const address = server.address() as AddressInfo;
  const url = `http://${displayHost(listen.host)}:${address.port}`;
  let closing: Promise<void> | undefined;

  return {
    port: address.port,
    url,
    close() {
      closing ??= new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

function listenOn(server: Server, listen: { host: string; port: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      const where = `${listen.host}:${listen.port}`;
      const why =
        err.code === 'EADDRINUSE'
          ? 'the port is already in use (is another feedkurator or service running? set PORT or server.port)'
          : err.code === 'EACCES'
            ? 'permission denied (ports below 1024 need privileges; use 8080)'
            : err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND'
              ? 'this machine has no such address (set HOST or server.host, e.g. 0.0.0.0)'
              : describeError(err);
      reject(new ListenError(`cannot listen on ${where}: ${why}`, { cause: err }));
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host: listen.host, port: listen.port });
  });
}

function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

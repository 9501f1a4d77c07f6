/**
 * A real HTTP server on 127.0.0.1 (port 0) that misbehaves on purpose, one
 * route per SPEC §7 case, plus well-behaved feed routes and a way to serve
 * any bytes at any path. Reused by the fetch tests and the pipeline tests.
 *
 * Built-in routes:
 *   /feed.xml, /feed.atom          good RSS 2.0 / Atom feeds (tests/fixtures/hostile/good-*)
 *   /gzip, /deflate, /deflate-raw, /br   the good RSS feed with that Content-Encoding
 *   /not-a-feed, /broken-xml, /billion-laughs, /external-entity   200 with a bad body
 *   /status/CODE[?retry-after=V]   that status, optional Retry-After header
 *   /hang-headers                  accepts, never answers
 *   /slow-body                     headers at once, then one byte every 200 ms forever
 *   /endless                       an endless fast body without Content-Length
 *   /gzip-bomb                     1 GiB of zeros, gzip (about 1 MiB on the wire)
 *   /brotli-bomb                   256 MiB of zeros, br
 *   /corrupt-gzip                  Content-Encoding gzip with a broken stream
 *   /reset                         destroys the socket without answering
 *   /garbage                       answers with bytes that are not HTTP
 *   /short-body                    Content-Length larger than the body sent
 *   /redirect/loop-a <-> /redirect/loop-b   302 loop
 *   /redirect/hops/N[?status=S]    N redirects (default 302) ending at /feed.xml
 *   /redirect/mixed                301 then 302 then /feed.xml
 *   /redirect/scheme               302 to ftp://
 *   /redirect/no-location          302 without Location
 *   /conditional                   ETag "v1" + Last-Modified; 304 on a match
 *   /slow?ms=N                     the good RSS feed after N ms (for concurrency tests)
 *
 * Usage: `const s = await startHostileServer()` (or `{ tls: true }` for HTTPS
 * with an untrusted certificate), `s.url('/gzip-bomb')`, `s.serve(path, body,
 * { status, headers, delayMs })` for your own bytes, `s.route(path, handler)`
 * for your own behaviour, `s.requests` / `s.maxActive` to assert on what the
 * client did, `await s.close()`. `closedPortUrl()` gives an unreachable URL.
 * Each server is one host:port, and the fetcher allows 2 requests at once per
 * host: start one server per hanging route when they must not queue.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const FIXTURES = fileURLToPath(new URL('../fixtures/hostile/', import.meta.url));

export function readHostileFixture(name: string): Buffer {
  return readFileSync(`${FIXTURES}${name}`);
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

export interface ServeOptions {
  status?: number;
  headers?: Record<string, string>;
  /** Wait this long before answering. */
  delayMs?: number;
}

export type RouteHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => void;

export interface HostileServer {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  url(path: string): string;
  /** Serve fixed bytes at a path (overrides a built-in route). */
  serve(path: string, body: string | Buffer, options?: ServeOptions): void;
  /** Answer a path with your own handler (overrides a built-in route). */
  route(path: string, handler: RouteHandler): void;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Requests being answered right now, and the most there ever were at once. */
  readonly active: number;
  readonly maxActive: number;
  resetStats(): void;
  close(): Promise<void>;
}

const RSS_TYPE = 'application/rss+xml; charset=utf-8';

let gzipBomb: Buffer | undefined;
let brotliBomb: Buffer | undefined;

/** Gzip members concatenate into one valid stream: 1024 × (1 MiB of zeros) in about 1 MiB. */
function getGzipBomb(): Buffer {
  if (!gzipBomb) {
    const member = zlib.gzipSync(Buffer.alloc(1024 * 1024), { level: 9 });
    gzipBomb = Buffer.concat(Array.from({ length: 1024 }, () => member));
  }
  return gzipBomb;
}

/** Brotli has no concatenation: stream 256 MiB of zeros through one encoder, 1 MiB at a time. */
async function getBrotliBomb(): Promise<Buffer> {
  if (!brotliBomb) {
    const zeros = Buffer.alloc(1024 * 1024);
    const encoder = zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } });
    const parts: Buffer[] = [];
    await pipeline(
      Readable.from((function* () {
        for (let i = 0; i < 256; i++) yield zeros;
      })()),
      encoder,
      async (source: AsyncIterable<Buffer>) => {
        for await (const part of source) parts.push(part);
      },
    );
    brotliBomb = Buffer.concat(parts);
  }
  return brotliBomb;
}

/**
 * Builds both bombs ahead. Built on first request, the brotli one (256 MiB
 * through an encoder) can take longer than a test's fetch timeout on a loaded
 * machine, and the source then fails with FK_TIMEOUT instead of FK_TOO_LARGE.
 */
export async function prepareBombs(): Promise<void> {
  getGzipBomb();
  await getBrotliBomb();
}

/** A URL on 127.0.0.1 where nothing listens (a port that was just closed). */
export async function closedPortUrl(path = '/feed.xml'): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}${path}`;
}

export interface HostileServerOptions {
  /** Serve HTTPS with a self-signed certificate (tests/fixtures/hostile/tls-self-signed.*) that no client trusts. */
  tls?: boolean;
}

export async function startHostileServer(options: HostileServerOptions = {}): Promise<HostileServer> {
  const goodRss = readHostileFixture('good-rss-akamai-kernel-org.xml');
  const goodAtom = readHostileFixture('good-atom-linuxcon-containercon.xml');
  const custom = new Map<string, RouteHandler>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const requests: RecordedRequest[] = [];
  let active = 0;
  let maxActive = 0;

  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const send = (res: ServerResponse, status: number, headers: Record<string, string | number>, body?: Buffer | string): void => {
    res.writeHead(status, headers);
    res.end(body);
  };

  const builtIn = (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    const path = url.pathname;
    const origin = `${options.tls ? 'https' : 'http'}://${req.headers.host}`;
    if (path === '/feed.xml') return send(res, 200, { 'content-type': RSS_TYPE }, goodRss);
    if (path === '/feed.atom') return send(res, 200, { 'content-type': 'application/atom+xml; charset=utf-8' }, goodAtom);
    if (path === '/gzip') return send(res, 200, { 'content-type': RSS_TYPE, 'content-encoding': 'gzip' }, zlib.gzipSync(goodRss));
    if (path === '/deflate') return send(res, 200, { 'content-type': RSS_TYPE, 'content-encoding': 'deflate' }, zlib.deflateSync(goodRss));
    if (path === '/deflate-raw') return send(res, 200, { 'content-type': RSS_TYPE, 'content-encoding': 'deflate' }, zlib.deflateRawSync(goodRss));
    if (path === '/br') return send(res, 200, { 'content-type': RSS_TYPE, 'content-encoding': 'br' }, zlib.brotliCompressSync(goodRss));
    if (path === '/not-a-feed') return send(res, 200, { 'content-type': 'text/html; charset=utf-8' }, readHostileFixture('not-a-feed.html'));
    if (path === '/broken-xml') return send(res, 200, { 'content-type': RSS_TYPE }, readHostileFixture('broken-xml.xml'));
    if (path === '/billion-laughs') return send(res, 200, { 'content-type': RSS_TYPE }, readHostileFixture('billion-laughs.xml'));
    if (path === '/external-entity') return send(res, 200, { 'content-type': RSS_TYPE }, readHostileFixture('external-entity.xml'));

    const status = /^\/status\/(\d{3})$/.exec(path);
    if (status) {
      const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
      const retryAfter = url.searchParams.get('retry-after');
      if (retryAfter !== null) headers['retry-after'] = retryAfter;
      return send(res, Number(status[1]), headers, `status ${status[1]}\n`);
    }

    if (path === '/hang-headers') return; // the socket stays open until the client gives up or close()
    if (path === '/slow-body') {
      res.writeHead(200, { 'content-type': RSS_TYPE });
      res.write('<?xml version="1.0"?>\n<rss version="2.0"><channel>');
      const drip = (): void => {
        if (res.destroyed) return;
        res.write(' ');
        later(200, drip);
      };
      return later(200, drip);
    }
    if (path === '/endless') {
      res.writeHead(200, { 'content-type': RSS_TYPE });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      return pump();
    }
    if (path === '/gzip-bomb') return send(res, 200, { 'content-type': RSS_TYPE, 'content-encoding': 'gzip' }, getGzipBomb());
    if (path === '/brotli-bomb') {
      void getBrotliBomb().then((bomb) => send(res, 200, { 'content-type': RSS_TYPE, 'content-encoding': 'br' }, bomb));
      return;
    }
    if (path === '/corrupt-gzip') {
      const good = zlib.gzipSync(goodRss);
      good.fill(0x41, 20, 60); // damage the deflate data behind the header
      return send(res, 200, { 'content-type': RSS_TYPE, 'content-encoding': 'gzip' }, good);
    }
    if (path === '/reset') return void req.socket.destroy();
    if (path === '/garbage') {
      req.socket.end('SSH-2.0-OpenSSH_9.6 this is not HTTP\r\n\r\n');
      return;
    }
    if (path === '/short-body') {
      res.writeHead(200, { 'content-type': RSS_TYPE, 'content-length': goodRss.length + 1000 });
      res.write(goodRss);
      return later(50, () => req.socket.destroy());
    }

    if (path === '/redirect/loop-a') return send(res, 302, { location: `${origin}/redirect/loop-b` });
    if (path === '/redirect/loop-b') return send(res, 302, { location: '/redirect/loop-a' });
    const hops = /^\/redirect\/hops\/(\d+)$/.exec(path);
    if (hops) {
      const n = Number(hops[1]);
      const code = Number(url.searchParams.get('status') ?? 302);
      const next = n <= 1 ? '/feed.xml' : `/redirect/hops/${n - 1}${url.search}`;
      return send(res, code, { location: next });
    }
    if (path === '/redirect/mixed') return send(res, 301, { location: '/redirect/hops/1?status=302' });
    if (path === '/redirect/scheme') return send(res, 302, { location: 'ftp://127.0.0.1/feed.xml' });
    if (path === '/redirect/no-location') return send(res, 302, {});

    if (path === '/conditional') {
      const etag = '"v1"';
      const lastModified = 'Sat, 22 Nov 2025 04:00:00 GMT';
      const inm = req.headers['if-none-match'];
      const ims = req.headers['if-modified-since'];
      const fresh = inm !== undefined ? inm === etag : ims !== undefined && Date.parse(ims) >= Date.parse(lastModified);
      if (fresh) return send(res, 304, { etag, 'last-modified': lastModified });
      return send(res, 200, { 'content-type': RSS_TYPE, etag, 'last-modified': lastModified }, goodRss);
    }
    if (path === '/slow') {
      const ms = Number(url.searchParams.get('ms') ?? 100);
      return later(ms, () => send(res, 200, { 'content-type': RSS_TYPE }, goodRss));
    }
    send(res, 404, { 'content-type': 'text/plain' }, 'not found\n');
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ method: req.method ?? 'GET', path: `${url.pathname}${url.search}`, headers: req.headers });
    active++;
    maxActive = Math.max(maxActive, active);
    res.once('close', () => active--);
    res.on('error', () => undefined);
    (custom.get(url.pathname) ?? builtIn)(req, res, url);
  };
  const server = options.tls
    ? createHttpsServer({ key: readHostileFixture('tls-self-signed.key'), cert: readHostileFixture('tls-self-signed.crt') }, handle)
    : createServer(handle);
  // A client that rejects the certificate makes the server see a TLS error; that is the point.
  server.on('tlsClientError', () => undefined);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `${options.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    url: (path) => `${origin}${path.startsWith('/') ? path : `/${path}`}`,
    serve(path, body, options = {}) {
      custom.set(path, (_req, res) => {
        const answer = (): void => send(res, options.status ?? 200, { 'content-type': RSS_TYPE, ...options.headers }, body);
        if (options.delayMs) later(options.delayMs, answer);
        else answer();
      });
    },
    route(path, handler) {
      custom.set(path, handler);
    },
    requests,
    get active() {
      return active;
    },
    get maxActive() {
      return maxActive;
    },
    resetStats() {
      requests.length = 0;
      maxActive = active;
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

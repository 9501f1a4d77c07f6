import { connect } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListenError } from '../../src/errors.js';
import { createSilentLogger } from '../../src/log/logger.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { buildPublication, compressPublication, type Publication } from '../../src/publish/build-publication.js';
import { bodyParts } from '../../src/publish/resource.js';
import { startServer, type RunningServer } from '../../src/server/http-server.js';
import type { HealthReport } from '../../src/types.js';
import { AKAMAI, ALL_ENTRIES, CONTAINERCON, loadTestConfig } from '../fixtures/publish/german-linux-news.js';
import { parseStrictXml } from '../publish/strict-xml.js';
import { rawExchange, request } from './raw-http.js';

const config = loadTestConfig();
let publication: Publication = buildPublication({ entries: ALL_ENTRIES, config, generatedAt: new Date('2026-11-22T05:00:00Z') });
let health: HealthReport = { httpStatus: 200, body: { status: 'ok', lastCycle: null, sources: [] } };
const metrics = createMetrics({ processMetrics: false });
let server: RunningServer;

beforeAll(async () => {
  await compressPublication(publication);
  server = await startServer(
    { getPublication: () => publication, getHealth: () => health, metrics, logger: createSilentLogger(), cacheMaxAgeSeconds: 120, timeouts: { headersMs: 400 } },
    { host: '127.0.0.1', port: 0 },
  );
});
afterAll(async () => {
  await server.close();
});

const ROUTES: [string, string][] = [
  ['/feed.xml', 'application/rss+xml; charset=utf-8'],
  ['/feed.atom', 'application/atom+xml; charset=utf-8'],
  ['/feed.json', 'application/feed+json; charset=utf-8'],
  ['/topics/kernel.xml', 'application/rss+xml; charset=utf-8'],
  ['/topics/containers.atom', 'application/atom+xml; charset=utf-8'],
  ['/topics/hosting.json', 'application/feed+json; charset=utf-8'],
  ['/', 'text/html; charset=utf-8'],
  ['/sources.opml', 'text/x-opml; charset=utf-8'],
];

describe('feed routes', () => {
  it.each(ROUTES)('GET %s answers 200 with type, validators and caching headers', async (path, type) => {
    const res = await request(server.url, path);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.headers.etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/); // strong: no W/
    expect(new Date(res.headers['last-modified'] as string).toUTCString()).toBe(res.headers['last-modified']);
    expect(res.headers['cache-control']).toBe('public, max-age=120');
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(res.body.equals(publication.resources.get(path)?.bodies.identity as Buffer)).toBe(true);
    if (type.includes('xml') || type.includes('opml')) parseStrictXml(res.body.toString('utf8'));
    if (type.includes('json')) JSON.parse(res.body.toString('utf8'));
  });

  it('sends the feed Last-Modified of the newest article change', async () => {
    const res = await request(server.url, '/feed.xml');
    expect(res.headers['last-modified']).toBe('Sat, 21 Nov 2026 20:00:00 GMT');
  });

  it('protects the page with a strict Content-Security-Policy that allows no script', async () => {
    const res = await request(server.url, '/');
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toContain('script-src');
    expect(csp).not.toContain('unsafe');
    expect(csp).toContain("frame-ancestors 'none'");
    expect((await request(server.url, '/feed.xml')).headers['content-security-policy']).toBeUndefined();
  });

  it('ignores query strings and serves /index.html as the page', async () => {
    const plain = await request(server.url, '/feed.xml');
    const tracked = await request(server.url, '/feed.xml?utm_source=reader&x=1');
    expect(tracked.status).toBe(200);
    expect(tracked.headers.etag).toBe(plain.headers.etag);
    expect((await request(server.url, '/index.html')).headers['content-type']).toBe('text/html; charset=utf-8');
  });

  it('serves a new publication as soon as the getter returns it', async () => {
    const before = await request(server.url, '/feed.json');
    const old = publication;
    publication = await compressPublication(buildPublication({ entries: [AKAMAI, CONTAINERCON], config, generatedAt: new Date('2026-11-22T06:00:00Z'), previous: old }));
    try {
      const after = await request(server.url, '/feed.json');
      expect(after.headers.etag).not.toBe(before.headers.etag);
      expect((JSON.parse(after.body.toString()) as { items: unknown[] }).items).toHaveLength(2);
    } finally {
      publication = old;
    }
  });
});

describe('bodies kept in parts', () => {
  it('sends a rebuilt feed, kept in parts, as its bytes in order with their length (GET, HEAD, before and after compression)', async () => {
    const old = publication;
    const added = { ...AKAMAI, article: { ...AKAMAI.article, id: 'neu-1', title: 'Neu: Kernel 6.19', published: '2026-11-22T05:30:00.000Z' } };
    const rebuilt = buildPublication({ entries: [...ALL_ENTRIES, added], config, generatedAt: new Date('2026-11-22T06:00:00Z'), previous: old });
    const scratch = buildPublication({ entries: [...ALL_ENTRIES, added], config, generatedAt: new Date('2026-11-22T06:00:00Z') });
    publication = rebuilt;
    try {
      for (const path of ['/feed.xml', '/feed.atom', '/feed.json']) {
        expect(bodyParts(rebuilt.resources.get(path)!.bodies).length, path).toBeGreaterThan(1);
        const expected = scratch.resources.get(path)!.bodies.identity;
        for (const accept of [undefined, 'gzip']) {
          const res = await request(server.url, path, accept ? { headers: { 'Accept-Encoding': accept } } : {});
          expect(res.status).toBe(200);
          expect(res.body.equals(expected), path).toBe(true);
          expect(Number(res.headers['content-length'])).toBe(expected.length);
          const head = await request(server.url, path, { method: 'HEAD' });
          expect(head.body.length).toBe(0);
          expect(head.headers['content-length']).toBe(res.headers['content-length']);
        }
      }
      await compressPublication(rebuilt);
      const gz = await request(server.url, '/feed.json', { headers: { 'Accept-Encoding': 'gzip' } });
      expect(gunzipSync(gz.body).equals(scratch.resources.get('/feed.json')!.bodies.identity)).toBe(true);
    } finally {
      publication = old;
    }
  });
});

describe('conditional requests', () => {
  it('answers 304 without a body to a matching If-None-Match, also weak, listed or for another coding', async () => {
    const { headers } = await request(server.url, '/feed.atom');
    const etag = headers.etag as string;
    const gz = await request(server.url, '/feed.atom', { headers: { 'Accept-Encoding': 'gzip' } });
    for (const value of [etag, `W/${etag}`, `"nope", ${etag}`, gz.headers.etag as string, '*']) {
      const res = await request(server.url, '/feed.atom', { headers: { 'If-None-Match': value } });
      expect(res.status, value).toBe(304);
      expect(res.body.length).toBe(0);
      expect(res.headers.etag).toBe(etag);
      expect(res.headers['cache-control']).toBe('public, max-age=120');
      expect(res.headers.vary).toBe('Accept-Encoding');
    }
    expect((await request(server.url, '/feed.atom', { headers: { 'If-None-Match': '"other"' } })).status).toBe(200);
  });

  it('answers 304 to If-Modified-Since at or after Last-Modified, 200 before it', async () => {
    const { headers } = await request(server.url, '/feed.xml');
    const lastModified = headers['last-modified'] as string;
    expect((await request(server.url, '/feed.xml', { headers: { 'If-Modified-Since': lastModified } })).status).toBe(304);
    const later = new Date(Date.parse(lastModified) + 3_600_000).toUTCString();
    expect((await request(server.url, '/feed.xml', { headers: { 'If-Modified-Since': later } })).status).toBe(304);
    const earlier = new Date(Date.parse(lastModified) - 1000).toUTCString();
    expect((await request(server.url, '/feed.xml', { headers: { 'If-Modified-Since': earlier } })).status).toBe(200);
    expect((await request(server.url, '/feed.xml', { headers: { 'If-Modified-Since': 'gestern' } })).status).toBe(200);
  });

  it('lets If-None-Match win over If-Modified-Since', async () => {
    const { headers } = await request(server.url, '/feed.xml');
    const res = await request(server.url, '/feed.xml', {
      headers: { 'If-None-Match': '"stale"', 'If-Modified-Since': headers['last-modified'] as string },
    });
    expect(res.status).toBe(200);
  });
});

describe('compression', () => {
  it.each([
    ['gzip', 'gzip'],
    ['gzip, deflate, br', 'br'],
    ['br;q=1.0, gzip;q=0.5', 'br'],
    ['gzip;q=1, br;q=0.1', 'gzip'],
    ['br;q=0, gzip;q=0', undefined],
    ['*', 'br'],
    ['identity', undefined],
    ['deflate', undefined],
    ['gzip;q=0.2, identity;q=0.8', undefined],
  ])('Accept-Encoding "%s" gets %s', async (accept, expected) => {
    const res = await request(server.url, '/feed.xml', { headers: { 'Accept-Encoding': accept } });
    expect(res.headers['content-encoding']).toBe(expected);
    expect(res.headers.vary).toBe('Accept-Encoding');
    const identity = publication.resources.get('/feed.xml')?.bodies.identity as Buffer;
    const decoded = expected === 'gzip' ? gunzipSync(res.body) : expected === 'br' ? brotliDecompressSync(res.body) : res.body;
    expect(decoded.equals(identity)).toBe(true);
    if (expected) {
      expect(res.body.length).toBeLessThan(identity.length);
      expect(res.headers.etag).not.toBe(publication.resources.get('/feed.xml')?.etags.identity);
    }
  });
});

describe('a publication swapped in before its compression', () => {
  it('answers gzip and br requests with the identity body and its own ETag until the compressed bodies exist, then with those', async () => {
    const old = publication;
    const fresh = buildPublication({ entries: [AKAMAI, CONTAINERCON], config, generatedAt: new Date('2026-11-22T07:00:00Z'), previous: old });
    const resource = fresh.resources.get('/feed.xml')!;
    expect(resource.bodies.gzip).toBeUndefined();
    publication = fresh;
    try {
      for (const accept of ['gzip', 'br', 'gzip, deflate, br']) {
        const res = await request(server.url, '/feed.xml', { headers: { 'Accept-Encoding': accept } });
        expect(res.status).toBe(200);
        expect(res.headers['content-encoding']).toBeUndefined();
        expect(res.headers.etag).toBe(resource.etags.identity);
        expect(res.headers.vary).toBe('Accept-Encoding');
        expect(res.body.equals(resource.bodies.identity)).toBe(true);
      }
      // The client revalidates with the identity ETag it got: the same bytes, whatever coding it would get now.
      const revalidated = await request(server.url, '/feed.xml', { headers: { 'Accept-Encoding': 'gzip', 'If-None-Match': resource.etags.identity } });
      expect(revalidated.status).toBe(304);
      // The previous publication's compressed body is never sent for the new bytes.
      const stale = await request(server.url, '/feed.xml', { headers: { 'Accept-Encoding': 'gzip', 'If-None-Match': old.resources.get('/feed.xml')!.etags.gzip } });
      expect(stale.status).toBe(200);
      expect(stale.body.equals(resource.bodies.identity)).toBe(true);

      await compressPublication(fresh);
      const gz = await request(server.url, '/feed.xml', { headers: { 'Accept-Encoding': 'gzip' } });
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(gz.headers.etag).toBe(resource.etags.gzip);
      expect(gunzipSync(gz.body).equals(resource.bodies.identity)).toBe(true);
      const br = await request(server.url, '/feed.xml', { headers: { 'Accept-Encoding': 'br' } });
      expect(br.headers.etag).toBe(resource.etags.br);
      expect(brotliDecompressSync(br.body).equals(resource.bodies.identity)).toBe(true);
    } finally {
      publication = old;
    }
  });
});

describe('methods, unknown paths and traversal', () => {
  it('answers HEAD with the headers of GET and no body', async () => {
    const get = await request(server.url, '/feed.json', { headers: { 'Accept-Encoding': 'br' } });
    const head = await request(server.url, '/feed.json', { method: 'HEAD', headers: { 'Accept-Encoding': 'br' } });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    for (const name of ['content-type', 'content-length', 'etag', 'last-modified', 'cache-control', 'content-encoding', 'vary']) {
      expect(head.headers[name], name).toBe(get.headers[name]);
    }
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])('%s gets 405 with Allow', async (method) => {
    const res = await request(server.url, '/feed.xml', { method });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it.each([
    '/feed.rss',
    '/topics/gaming.xml',
    '/topics/../feed.xml',
    '/topics/..%2f..%2fpackage.json',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/../../etc/passwd',
    '//feed.xml',
    '/feed.xml/',
    '/FEED.XML',
    '/topics/kernel.xml%00',
    '/topics\\..\\feed.xml',
  ])('%s gets 404', async (path) => {
    const res = await request(server.url, path);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.body.toString()).not.toContain('"name": "feedkurator"');
  });

  it('answers a malformed request with 400', async () => {
    expect(await rawExchange(server.url, 'GARBAGE\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /);
  });

  it('drops a client that trickles its headers (header timeout)', async () => {
    const answer = await rawExchange(server.url, 'GET /feed.xml HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });
});

describe('/healthz and /metrics', () => {
  it('serves the health report as JSON, never cached, with its status code', async () => {
    const ok = await request(server.url, '/healthz');
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(ok.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(ok.body.toString())).toEqual(health.body);
    const previous = health;
    health = { httpStatus: 503, body: { status: 'error', store: { error: 'store /data/feedkurator.json: disk full' } } };
    try {
      const bad = await request(server.url, '/healthz');
      expect(bad.status).toBe(503);
      expect(JSON.parse(bad.body.toString())).toMatchObject({ status: 'error' });
      expect((await request(server.url, '/healthz', { method: 'HEAD' })).body.length).toBe(0);
    } finally {
      health = previous;
    }
  });

  it('serves Prometheus text, never cached, counting requests by route and status', async () => {
    await request(server.url, '/feed.xml');
    const etag = (await request(server.url, '/feed.xml')).headers.etag as string;
    await request(server.url, '/feed.xml', { headers: { 'If-None-Match': etag } });
    await request(server.url, '/nope');
    await request(server.url, '/healthz');
    const res = await request(server.url, '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    const text = res.body.toString();
    // Feeds are recorded as they are answered, the other routes when their response closes: both counted.
    expect(text).toMatch(/^feedkurator_http_requests_total\{route="\/feed\.xml",status="200"\} [1-9]\d*$/m);
    expect(text).toMatch(/^feedkurator_http_requests_total\{route="\/healthz",status="(200|503)"\} [1-9]\d*$/m);
    expect(text).toMatch(/^feedkurator_http_requests_total\{route="\/feed\.xml",status="304"\} [1-9]\d*$/m);
    expect(text).toMatch(/^feedkurator_http_requests_total\{route="not_found",status="404"\} [1-9]\d*$/m);
    expect(text).toMatch(/^feedkurator_http_request_duration_seconds_bucket\{le="\+Inf",route="\/feed\.xml"\} \d+$/m);
  });
});

describe('listening and closing', () => {
  it('rejects with ListenError naming the address when the port is taken', async () => {
    const deps = { getPublication: () => publication, getHealth: () => health, metrics, logger: createSilentLogger() };
    const error = await startServer(deps, { host: '127.0.0.1', port: server.port }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ListenError);
    expect((error as ListenError).message).toBe(
      `cannot listen on 127.0.0.1:${server.port}: the port is already in use (is another feedkurator or service running? set PORT or server.port)`,
    );
    expect((error as ListenError).cause).toMatchObject({ code: 'EADDRINUSE' });
  });

  it('closes promptly even with an idle keep-alive connection open', async () => {
    const deps = { getPublication: () => publication, getHealth: () => health, metrics, logger: createSilentLogger() };
    const other = await startServer(deps, { host: '127.0.0.1', port: 0 });
    const socket = connect(other.port, '127.0.0.1');
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    await new Promise<void>((resolve) => {
      socket.once('data', () => resolve());
      socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
    });
    const started = Date.now();
    await other.close();
    await closed;
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect(request(other.url, '/healthz')).rejects.toThrow(/ECONNREFUSED/);
  });
});

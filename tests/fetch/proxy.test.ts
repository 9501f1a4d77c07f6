import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetcher } from '../../src/fetch/fetcher.js';
import { readHostileFixture, startHostileServer, type HostileServer } from '../helpers/hostile-server.js';

/**
 * A forward proxy on 127.0.0.1 that tunnels every CONNECT to the hostile
 * server, whatever host was asked for: the feed host in the URL is never
 * resolved or contacted.
 */
let target: HostileServer;
let proxy: Server;
let proxyUrl: string;
const tunnels: string[] = [];
const sockets = new Set<Socket>();

beforeAll(async () => {
  target = await startHostileServer();
  const targetPort = Number(new URL(target.origin).port);
  proxy = createServer((_req, res) => {
    res.writeHead(502);
    res.end('this test proxy only tunnels');
  });
  proxy.on('connect', (req, client: Socket, head: Buffer) => {
    tunnels.push(req.url ?? '');
    const upstream = connect(targetPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.once('close', () => sockets.delete(s));
    }
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => proxy.close(() => resolve()));
  await target.close();
});

describe('outgoing proxy', () => {
  it('fetches through the configured proxy', async () => {
    const fetcher = createFetcher({
      timeoutMs: 5_000,
      maxBytes: 1024 * 1024,
      concurrency: 2,
      userAgent: 'feedkurator/test',
      proxy: { httpProxy: proxyUrl, httpsProxy: proxyUrl, noProxy: '' },
    });
    try {
      const result = await fetcher.fetch({ url: 'http://feeds.example.de/feed.xml' });
      expect(result.kind).toBe('ok');
      if (result.kind === 'ok') expect(result.body.equals(readHostileFixture('good-rss-akamai-kernel-org.xml'))).toBe(true);
      expect(tunnels).toContain('feeds.example.de:80');
      expect(target.requests.at(-1)?.headers.host).toBe('feeds.example.de');
      expect(target.requests.at(-1)?.headers['user-agent']).toBe('feedkurator/test');
    } finally {
      await fetcher.close();
    }
  });

  it('bypasses the proxy for NO_PROXY hosts', async () => {
    const fetcher = createFetcher({
      timeoutMs: 5_000,
      maxBytes: 1024 * 1024,
      concurrency: 2,
      userAgent: 'feedkurator/test',
      proxy: { httpProxy: proxyUrl, noProxy: '127.0.0.1' },
    });
    try {
      tunnels.length = 0;
      const result = await fetcher.fetch({ url: target.url('/feed.atom') });
      expect(result.kind).toBe('ok');
      expect(tunnels).toHaveLength(0);
    } finally {
      await fetcher.close();
    }
  });
});

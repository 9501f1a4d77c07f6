import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetcher } from '../../src/fetch/fetcher.js';
import { parseFeed } from '../../src/parse/parse-feed.js';

const FEED = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Spiegel</title><id>urn:x</id>
<entry><title>Relativ</title><id>urn:x:1</id><link href="../artikel/1.html"/><updated>2025-03-01T10:00:00Z</updated></entry></feed>`;

/** A mirror serves the feed and names its original address in Content-Location: relative links resolve against that (RFC 3986 §5.1.2). */
describe('Content-Location from the fetcher to the parser', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const headers: Record<string, string> = { 'content-type': 'application/atom+xml' };
      if (req.url === '/mirror/feed.xml') headers['content-location'] = 'https://www.linux-community.de/feeds/atom.xml';
      res.writeHead(200, headers).end(FEED);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('passes the header on, and parseFeed resolves relative links against it', async () => {
    const fetcher = createFetcher({ timeoutMs: 5_000, maxBytes: 1_000_000, concurrency: 1, userAgent: 'feedkurator-test' });
    try {
      const mirrored = await fetcher.fetch({ url: `${url}/mirror/feed.xml` });
      const plain = await fetcher.fetch({ url: `${url}/plain/feed.xml` });
      if (mirrored.kind !== 'ok' || plain.kind !== 'ok') throw new Error('expected 200s');
      expect(mirrored.contentLocation).toBe('https://www.linux-community.de/feeds/atom.xml');
      expect(plain.contentLocation).toBeUndefined();
      const read = (r: typeof mirrored) => parseFeed(r.body.toString('utf8'), { url: r.finalUrl, contentLocation: r.contentLocation });
      expect((await read(mirrored)).items[0]?.link).toBe('https://www.linux-community.de/artikel/1.html');
      expect((await read(plain)).items[0]?.link).toBe(`${url}/artikel/1.html`);
    } finally {
      await fetcher.close();
    }
  });
});

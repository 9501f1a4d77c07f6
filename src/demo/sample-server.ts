import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The bundled sample feeds (German articles, the two seed articles among them). */
export const SAMPLE_FEEDS_DIR = fileURLToPath(new URL('../../config/demo/feeds/', import.meta.url));

export interface SampleFeed {
  /** File name, also the URL path. */
  file: string;
  /** Source name for the config. */
  name: string;
  contentType: string;
}

export interface SampleServer {
  readonly url: string;
  readonly feeds: readonly SampleFeed[];
  feedUrl(file: string): string;
  close(): Promise<void>;
}

const NAMES: Record<string, string> = {
  'ip-insider.rss.xml': 'ip-insider',
  'linux-magazin.atom.xml': 'Linux-Magazin',
  'golem.declared-latin1-sends-cp1252.rss.xml': 'golem.de',
  'linuxnews.rss.xml': 'linuxnews.de',
};

export function listSampleFeeds(): SampleFeed[] {
  return readdirSync(SAMPLE_FEEDS_DIR)
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((file) => ({
      file,
      name: NAMES[file] ?? file.replace(/\..*$/, ''),
      contentType: file.endsWith('.atom.xml')
        ? 'application/atom+xml; charset=utf-8'
        : file.includes('latin1')
          ? 'application/rss+xml; charset=ISO-8859-1'
          : 'application/rss+xml; charset=utf-8',
    }));
}

/**
 * Fill `{{rfc822 -3h}}` / `{{iso -3h}}` with dates relative to `now`, so the
 * samples never age out of retention. Works on latin1 strings, which map
 * bytes 1:1, so files in any charset keep their bytes.
 */
export function renderSampleFeed(bytes: Buffer, now: Date): Buffer {
  const text = bytes.toString('latin1').replace(/\{\{(rfc822|iso) -(\d+)h\}\}/g, (_m, kind: string, hours: string) => {
    const date = new Date(now.getTime() - Number(hours) * 3_600_000);
    date.setUTCMinutes(0, 0, 0);
    return kind === 'iso' ? date.toISOString().replace('.000Z', 'Z') : date.toUTCString().replace('GMT', '+0000');
  });
  return Buffer.from(text, 'latin1');
}

/** Serve the sample feeds on 127.0.0.1 with ETag and Last-Modified, like a well-behaved news site. */
export async function startSampleServer(port = 0, now = new Date()): Promise<SampleServer> {
  const feeds = listSampleFeeds();
  const bodies = new Map(
    feeds.map((f) => {
      const body = renderSampleFeed(readFileSync(`${SAMPLE_FEEDS_DIR}${f.file}`), now);
      return [`/${f.file}`, { feed: f, body, etag: `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"` }];
    }),
  );
  const lastModified = new Date(Math.floor(now.getTime() / 1000) * 1000).toUTCString();
  const server: Server = createServer((req, res) => {
    const entry = bodies.get((req.url ?? '/').split('?')[0]!);
    if (!entry) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (req.headers['if-none-match'] === entry.etag) {
      res.writeHead(304, { etag: entry.etag, 'last-modified': lastModified }).end();
      return;
    }
    res.writeHead(200, {
      'content-type': entry.feed.contentType,
      'content-length': entry.body.length,
      etag: entry.etag,
      'last-modified': lastModified,
    });
    res.end(req.method === 'HEAD' ? undefined : entry.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    feeds,
    feedUrl: (file) => `${url}/${file}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

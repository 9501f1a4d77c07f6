/**
 * Serves the generated feeds on 127.0.0.1 like a well-behaved news site:
 * ETag and Last-Modified, 304 on If-None-Match / If-Modified-Since, gzip
 * when asked. Sources are spread over several ports because feedkurator
 * limits requests per host:port (as it should for real sites); one port for
 * 200 sources would measure that limit, not the pipeline.
 *
 * Counts what it served, so the warm cycle can prove no body went out.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import { generateSource } from './generate-feeds.mjs';

export async function startFixtureServer({ seed = 1, anchor, itemsPerSource = 50, ports = 16 }) {
  const lastModified = new Date(Math.floor(anchor / 1000) * 1000).toUTCString();
  const cache = new Map();
  const counters = { requests: 0, ok: 0, notModified: 0, bodyBytes: 0 };

  function entryFor(index) {
    let entry = cache.get(index);
    if (!entry) {
      const source = generateSource(index, { seed, anchor, itemsPerSource });
      entry = {
        source,
        gzip: gzipSync(source.body, { level: 6 }),
        etag: `"${createHash('sha1').update(source.body).digest('hex').slice(0, 20)}"`,
      };
      cache.set(index, entry);
    }
    return entry;
  }

  function handle(req, res) {
    counters.requests++;
    const match = /^\/feeds\/(\d+)\.(xml|atom)$/.exec((req.url ?? '').split('?')[0]);
    if (!match) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const entry = entryFor(Number(match[1]));
    const validators = { etag: entry.etag, 'last-modified': lastModified, 'cache-control': 'max-age=60' };
    const inm = req.headers['if-none-match'];
    const ims = req.headers['if-modified-since'];
    const fresh = inm !== undefined ? inm.split(/\s*,\s*/).includes(entry.etag) : ims !== undefined && Date.parse(ims) >= Date.parse(lastModified);
    if (fresh) {
      counters.notModified++;
      res.writeHead(304, validators).end();
      return;
    }
    const gzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
    const body = gzip ? entry.gzip : entry.source.body;
    counters.ok++;
    counters.bodyBytes += body.length;
    res.writeHead(200, {
      ...validators,
      'content-type': entry.source.contentType,
      'content-length': body.length,
      vary: 'Accept-Encoding',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  const servers = [];
  for (let p = 0; p < ports; p++) {
    const server = createServer({ keepAliveTimeout: 5_000 }, handle);
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    servers.push(server);
  }
  const portList = servers.map((s) => s.address().port);

  return {
    counters,
    /** Name, URL and size of sources 0..count-1; generates (and caches) their bodies. */
    sources(count) {
      const list = [];
      for (let i = 0; i < count; i++) {
        const { source } = entryFor(i);
        list.push({ name: source.name, url: `http://127.0.0.1:${portList[i % portList.length]}${source.path}`, items: source.items, bytes: source.body.length, format: source.format, charset: source.charset });
      }
      return list;
    },
    resetCounters() {
      counters.requests = 0;
      counters.ok = 0;
      counters.notModified = 0;
      counters.bodyBytes = 0;
    },
    close: () =>
      Promise.all(
        servers.map(
          (s) =>
            new Promise((resolve) => {
              s.closeAllConnections();
              s.close(() => resolve());
            }),
        ),
      ),
  };
}

/** A small web site on 127.0.0.1 for end-to-end tests of the CLI: fixed routes, 404 for the rest, requests recorded. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Route {
  type: string;
  /** Called with the site's base URL (http://127.0.0.1:PORT), so bodies can hold absolute links. */
  body: (base: string) => string;
  status?: number;
}

export interface FixtureSite {
  /** http://127.0.0.1:PORT, no trailing slash. */
  base: string;
  /** Paths requested so far, in order. */
  requests: string[];
  close(): Promise<void>;
}

export async function startSite(routes: Record<string, Route>): Promise<FixtureSite> {
  const requests: string[] = [];
  let base = '';
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push(path);
    const route = routes[path];
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Nicht gefunden</title><p>404</p>');
      return;
    }
    res.writeHead(route.status ?? 200, { 'content-type': route.type }).end(route.body(base));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface FixtureItem {
  slug: string;
  title: string;
  text: string;
  /** Hours before 2026-11-20 12:00 UTC. */
  hoursAgo: number;
}

export function rss(title: string, items: readonly FixtureItem[]): (base: string) => string {
  return (base) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>${title}</title><link>${base}/</link><description>Fixture</description>\n` +
    items
      .map(
        (it) =>
          `<item><title>${it.title}</title><link>${base}/artikel/${it.slug}</link><guid isPermaLink="false">${it.slug}</guid>` +
          `<pubDate>${publishedAt(it).toUTCString()}</pubDate><description>${it.text}</description></item>\n`,
      )
      .join('') +
    '</channel></rss>\n';
}

export function atom(title: string, items: readonly FixtureItem[]): (base: string) => string {
  return (base) =>
    `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>${title}</title><id>${base}/</id>` +
    `<updated>2026-11-20T12:00:00Z</updated><link href="${base}/"/>\n` +
    items
      .map(
        (it) =>
          `<entry><title>${it.title}</title><id>${base}/artikel/${it.slug}</id><link href="${base}/artikel/${it.slug}"/>` +
          `<updated>${publishedAt(it).toISOString()}</updated><summary>${it.text}</summary></entry>\n`,
      )
      .join('') +
    '</feed>\n';
}

export function publishedAt(item: FixtureItem): Date {
  return new Date(Date.UTC(2026, 10, 20, 12) - item.hoursAgo * 3_600_000);
}

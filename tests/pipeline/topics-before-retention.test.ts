/**
 * A cycle hands its topics to the store in batches while sources are merged
 * (cycle-tally.ts); retention starts only once every batch handed over so far
 * is stored. Real feeds on 127.0.0.1, real JSON store, real read worker; the
 * store's putClassifications is slowed down so that an unawaited batch would
 * still be running when retention starts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { classifyStoredArticle } from '../../src/curate/curation.js';
import { rulesFor } from '../../src/daemon/daemon.js';
import { createFetcher } from '../../src/fetch/fetcher.js';
import { createSilentLogger } from '../../src/log/logger.js';
import { runCycle } from '../../src/pipeline.js';
import { createFeedReader } from '../../src/read/feed-reader.js';
import { openJsonStore } from '../../src/store/json/json-store.js';
import type { StoredArticle } from '../../src/types.js';
import { makeTempDir, renderTestConfig } from '../helpers/cli.js';

const SOURCES = 6;
const ITEMS = 500;

/** An RSS feed of `ITEMS` short Linux news items, distinct per source. */
function feedXml(source: number): string {
  const day = Date.UTC(2026, 11, 3, 8);
  const items = Array.from({ length: ITEMS }, (_, i) => {
    const date = new Date(day - (source * ITEMS + i) * 60_000).toUTCString();
    return `<item><title>Kernel ${source}.${i}: neuer Treiber im Linux-Kernel</title><link>https://news.example.test/${source}/${i}</link><guid>n-${source}-${i}</guid><pubDate>${date}</pubDate><description>Der Linux-Kernel bekommt einen Treiber (${source}/${i}).</description></item>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Quelle ${source}</title><link>https://news.example.test/</link><description>Meldungen</description>${items.join('')}</channel></rss>`;
}

describe('a cycle’s topics and retention', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const feeds = Array.from({ length: SOURCES }, (_, s) => feedXml(s));
    server = createServer((req, res) => {
      const match = /^\/(\d+)\.xml$/.exec(req.url ?? '');
      const body = match ? feeds[Number(match[1])] : undefined;
      if (body === undefined) res.writeHead(404).end();
      else res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('starts retention only once the batches of topics handed to the store are stored', async () => {
    const dir = makeTempDir();
    const sources = Array.from({ length: SOURCES }, (_, s) => ({ name: `Quelle ${s}`, url: `${base}/${s}.xml` }));
    const config = parseConfig(renderTestConfig(dir, sources), path.join(dir, 'c.yaml'), { env: {} });
    const store = await openJsonStore(config.storePath);
    const fetcher = createFetcher({ timeoutMs: 5_000, maxBytes: config.fetch.maxBytes, concurrency: 4, userAgent: 'feedkurator-test' });
    const reader = createFeedReader({ threads: 1 });
    const put = store.putClassifications.bind(store);
    let inFlight = 0;
    let puts = 0;
    store.putClassifications = async (fingerprint, topics) => {
      inFlight++;
      await new Promise((resolve) => setTimeout(resolve, 200));
      await put(fingerprint, topics);
      puts++;
      inFlight--;
    };
    const retain = store.applyRetention.bind(store);
    const atRetention: { inFlight: number; puts: number }[] = [];
    store.applyRetention = (limits, now) => {
      atRetention.push({ inFlight, puts });
      return retain(limits, now);
    };
    const rules = rulesFor(config);
    try {
      const { record } = await runCycle({
        config,
        store,
        fetcher,
        reader,
        classify: (a: StoredArticle) => classifyStoredArticle(rules.classifier, a),
        rulesFingerprint: rules.fingerprint,
        logger: createSilentLogger(),
      });
      expect(record.ok).toBe(SOURCES);
      expect(record.new).toBe(SOURCES * ITEMS);
      // 3,000 articles: one batch (2,048 or more) went while sources were merged, and was stored before retention.
      expect(atRetention).toEqual([{ inFlight: 0, puts: 1 }]);
      // Every article's topics are stored by the cycle's end.
      expect((await store.getClassifications(rules.fingerprint)).size).toBe(SOURCES * ITEMS);
    } finally {
      await fetcher.close();
      await reader.close();
      await store.close();
    }
  });
});

/**
 * `onSourcesDone`: runCycle says when every source is read and merged, before
 * it writes the store, so that `poll` can stop its read workers while the
 * store is written. Real sample server, real JSON store, real worker pool.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { classifyStoredArticle } from '../../src/curate/curation.js';
import { rulesFor } from '../../src/daemon/daemon.js';
import { startSampleServer, type SampleServer } from '../../src/demo/sample-server.js';
import { createFetcher } from '../../src/fetch/fetcher.js';
import { createSilentLogger } from '../../src/log/logger.js';
import { runCycle } from '../../src/pipeline.js';
import { createFeedReader, type FeedReader } from '../../src/read/feed-reader.js';
import { openJsonStore } from '../../src/store/json/json-store.js';
import type { StoredArticle } from '../../src/types.js';
import { makeTempDir, renderTestConfig } from '../helpers/cli.js';

describe('the end of a cycle’s reading', () => {
  let samples: SampleServer;

  beforeAll(async () => {
    samples = await startSampleServer();
  });

  afterAll(async () => {
    await samples.close();
  });

  it('is told once, after the last read and merge and before the store write', async () => {
    const dir = makeTempDir();
    const sources = samples.feeds.map((f) => ({ name: f.name, url: samples.feedUrl(f.file) }));
    const config = parseConfig(renderTestConfig(dir, sources), path.join(dir, 'c.yaml'), { env: {} });
    const store = await openJsonStore(config.storePath);
    const fetcher = createFetcher({ timeoutMs: 5_000, maxBytes: config.fetch.maxBytes, concurrency: 4, userAgent: 'feedkurator-test' });
    const pool = createFeedReader({ threads: 1 });
    const events: string[] = [];
    const reader: FeedReader = {
      read: async (...args) => {
        const feed = await pool.read(...args);
        events.push('read');
        return feed;
      },
      describe: () => pool.describe(),
      close: () => pool.close(),
    };
    const flush = store.flush.bind(store);
    store.flush = async () => {
      events.push('flush');
      return flush();
    };
    let storedWhenDone: Promise<number> | undefined;
    const { classifier } = rulesFor(config);
    try {
      const { record } = await runCycle({
        config,
        store,
        fetcher,
        reader,
        classify: (a: StoredArticle) => classifyStoredArticle(classifier, a),
        logger: createSilentLogger(),
        onSourcesDone: () => {
          events.push('sources done');
          storedWhenDone = store.countArticles();
        },
      });
      expect(record.ok).toBe(sources.length);
      expect(events).toEqual([...sources.map(() => 'read'), 'sources done', 'flush']);
      // Every source was merged by then: the store held the cycle's articles.
      expect(await storedWhenDone).toBe(record.new);
    } finally {
      await fetcher.close();
      await pool.close();
      await store.close();
    }
  });
});

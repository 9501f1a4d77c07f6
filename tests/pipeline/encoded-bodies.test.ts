/**
 * A gzip or br body goes to the read worker as transferred and is inflated
 * there: the cycle reads it as before, and a bomb or a corrupt stream fails
 * as its own source's error, with the message the fetcher gives when it
 * inflates the body itself, and backs that source off. Real HTTP server,
 * real JSON store, real worker pool.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { classifyStoredArticle } from '../../src/curate/curation.js';
import { rulesFor } from '../../src/daemon/daemon.js';
import { createFetcher } from '../../src/fetch/fetcher.js';
import type { LeftEncoded } from '../../src/fetch/undo-encoding.js';
import { createSilentLogger } from '../../src/log/logger.js';
import { runCycle } from '../../src/pipeline.js';
import { createFeedReader, type FeedReader } from '../../src/read/feed-reader.js';
import { openJsonStore } from '../../src/store/json/json-store.js';
import type { CycleRecord, SourceState, StoredArticle } from '../../src/types.js';
import { makeTempDir, renderTestConfig } from '../helpers/cli.js';
import { readHostileFixture, startHostileServer, type HostileServer } from '../helpers/hostile-server.js';

const MAX_BYTES = 2 * 1024 * 1024;
const ROUTES = ['/gzip', '/br', '/gzip-bomb', '/corrupt-gzip'];

describe('a cycle with gzip and br bodies', () => {
  let server: HostileServer;
  let record: CycleRecord;
  let states: Map<string, SourceState>;
  /** What the reader was handed, per source URL. */
  const handed = new Map<string, { bytes: number; encoded?: LeftEncoded }>();
  /** How the fetcher fails on the same route when it inflates the body itself. */
  let fetcherErrors: Map<string, string>;

  beforeAll(async () => {
    server = await startHostileServer();
    const dir = makeTempDir();
    const sources = ROUTES.map((route) => ({ name: route.slice(1), url: server.url(route) }));
    const text = renderTestConfig(dir, sources, `fetch:\n  timeoutSeconds: 10\n  maxBytes: ${MAX_BYTES}`).replace('fetch:\n  timeoutSeconds: 5\n', '');
    const config = parseConfig(text, path.join(dir, 'c.yaml'), { env: {} });
    const store = await openJsonStore(config.storePath);
    const fetcher = createFetcher({ timeoutMs: 10_000, maxBytes: config.fetch.maxBytes, concurrency: 4, userAgent: 'feedkurator-test' });
    const pool = createFeedReader({ threads: 1 });
    const reader: FeedReader = {
      read: (body, contentType, url, now, contentLocation, encoded) => {
        handed.set(url, { bytes: body.length, ...(encoded ? { encoded } : {}) });
        return pool.read(body, contentType, url, now, contentLocation, encoded);
      },
      describe: () => pool.describe(),
      close: () => pool.close(),
    };
    const { classifier } = rulesFor(config);
    try {
      record = (
        await runCycle({ config, store, fetcher, reader, classify: (a: StoredArticle) => classifyStoredArticle(classifier, a), logger: createSilentLogger() })
      ).record;
      states = await store.getSourceStates();
      fetcherErrors = new Map();
      for (const route of ['/gzip-bomb', '/corrupt-gzip']) {
        const failed = await fetcher.fetch({ url: server.url(route) }).then(
          () => 'no error',
          (err: Error) => err.message,
        );
        fetcherErrors.set(route, failed);
      }
    } finally {
      await fetcher.close();
      await pool.close();
      await store.close();
    }
  }, 60_000);

  afterAll(async () => {
    await server.close();
  });

  it('hands the reader each body as transferred, with its encoding and cap', () => {
    const plain = readHostileFixture('good-rss-akamai-kernel-org.xml').length;
    for (const [route, coding] of [
      ['/gzip', 'gzip'],
      ['/br', 'br'],
      ['/corrupt-gzip', 'gzip'],
      ['/gzip-bomb', 'gzip'],
    ] as const) {
      const got = handed.get(server.url(route));
      expect(got?.encoded, route).toEqual({ contentEncoding: coding, maxBytes: MAX_BYTES });
      if (route !== '/gzip-bomb') expect(got!.bytes, route).toBeLessThan(plain);
    }
  });

  it('reads the good bodies', () => {
    expect(record.ok).toBe(2);
    expect(record.new).toBeGreaterThan(0);
  });

  it('fails a bomb and a corrupt stream as their own sources, with the fetcher\'s messages, and backs them off', () => {
    expect(record.failed).toBe(2);
    const errors = new Map(record.errors.map((e) => [e.source, e]));
    expect(errors.get('gzip-bomb')).toEqual({
      source: 'gzip-bomb',
      code: 'FK_TOO_LARGE',
      error: `response larger than ${MAX_BYTES} bytes after decompression`,
    });
    expect(fetcherErrors.get('/gzip-bomb')).toBe(errors.get('gzip-bomb')!.error);
    expect(errors.get('corrupt-gzip')).toMatchObject({ code: 'FK_FETCH', error: expect.stringMatching(/^corrupt gzip response body: /) });
    expect(fetcherErrors.get('/corrupt-gzip')).toBe(errors.get('corrupt-gzip')!.error);
    for (const name of ['gzip-bomb', 'corrupt-gzip']) {
      expect(states.get(name), name).toMatchObject({ consecutiveErrors: 1, lastErrorCode: errors.get(name)!.code, lastError: errors.get(name)!.error });
    }
  });
});

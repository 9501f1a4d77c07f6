/**
 * SPEC §7 through the whole pipeline: one cycle with well-behaved and hostile
 * sources. Each hostile source fails alone with a one-line error naming why,
 * every good source is ingested in full, memory stays bounded, the cycle ends
 * in bounded time, and the next cycle respects 410, 429 and Retry-After.
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
import { openJsonStore } from '../../src/store/json/json-store.js';
import type { CycleRecord, StoredArticle } from '../../src/types.js';
import { measureRssGrowth } from '../fetch/memory-probe.js';
import { makeTempDir, renderTestConfig } from '../helpers/cli.js';
import { closedPortUrl, prepareBombs, startHostileServer, type HostileServer } from '../helpers/hostile-server.js';

const TIMEOUT_SECONDS = 2;

/** Hostile route → the stable code of its error, and what its one-line message must say. */
const HOSTILE: Record<string, [string, RegExp]> = {
  '/not-a-feed': ['FK_NOT_A_FEED', /not .*feed|HTML/i],
  '/broken-xml': ['FK_PARSE', /XML|parse|feed/i],
  '/billion-laughs': ['FK_PARSE', /entit|DOCTYPE|DTD/i],
  '/external-entity': ['FK_PARSE', /entit|DOCTYPE|DTD/i],
  '/gzip-bomb': ['FK_TOO_LARGE', /larger than|too large|bytes/i],
  '/brotli-bomb': ['FK_TOO_LARGE', /larger than|too large|bytes/i],
  '/corrupt-gzip': ['FK_FETCH', /gzip|decompress|compress|encoding/i],
  '/status/404': ['FK_HTTP_STATUS', /404/],
  '/status/410': ['FK_GONE', /410/],
  '/status/429?retry-after=120': ['FK_HTTP_STATUS', /429/],
  '/status/500': ['FK_HTTP_STATUS', /500/],
  '/status/503?retry-after=60': ['FK_HTTP_STATUS', /503/],
  '/redirect/loop-a': ['FK_REDIRECT', /redirect loop/i],
  '/redirect/hops/8': ['FK_REDIRECT', /redirect/i],
  '/reset': ['FK_CONNECT', /reset|closed|socket|connect/i],
  '/garbage': ['FK_FETCH', /HTTP|parse|response|protocol|invalid/i],
};

describe('a cycle with good and hostile sources', () => {
  let samples: SampleServer;
  let hostile: HostileServer;
  let slow: HostileServer[];
  let dir: string;
  let names: Record<string, string>;
  let first: CycleRecord;
  let second: CycleRecord;
  let titles: string[];
  let growthMiB: number;

  beforeAll(async () => {
    samples = await startSampleServer();
    hostile = await startHostileServer();
    await prepareBombs();
    // One server per hanging route: the fetcher allows 2 requests at once per host.
    slow = await Promise.all([startHostileServer(), startHostileServer(), startHostileServer()]);
    dir = makeTempDir();
    const sources = [
      ...samples.feeds.map((f) => ({ name: f.name, url: samples.feedUrl(f.file) })),
      ...Object.keys(HOSTILE).map((route) => ({ name: `hostile ${route}`, url: hostile.url(route) })),
      { name: 'unreachable', url: await closedPortUrl() },
      { name: 'hanging headers', url: slow[0]!.url('/hang-headers') },
      { name: 'slow body', url: slow[1]!.url('/slow-body') },
      { name: 'endless body', url: slow[2]!.url('/endless') },
    ];
    names = Object.fromEntries(sources.map((s) => [s.name, s.url]));
    const text = renderTestConfig(dir, sources, `fetch:\n  timeoutSeconds: ${TIMEOUT_SECONDS}\n  maxBytes: 2097152\n  concurrency: 8`)
      .replace('fetch:\n  timeoutSeconds: 5\n', '');
    const config = parseConfig(text, path.join(dir, 'c.yaml'), { env: {} });
    const store = await openJsonStore(config.storePath);
    const fetcher = createFetcher({
      timeoutMs: TIMEOUT_SECONDS * 1000,
      maxBytes: config.fetch.maxBytes,
      concurrency: config.fetch.concurrency,
      userAgent: 'feedkurator-test',
    });
    const { classifier } = rulesFor(config);
    const ctx = { config, store, fetcher, classify: (a: StoredArticle) => classifyStoredArticle(classifier, a), logger: createSilentLogger() };
    const measured = await measureRssGrowth(() => runCycle(ctx));
    first = measured.result.record;
    growthMiB = measured.growthMiB;
    second = (await runCycle(ctx)).record;
    titles = (await store.listHeads()).map((h) => h.title);
    await fetcher.close();
    await store.close();
  }, 120_000);

  afterAll(async () => {
    await Promise.all([samples.close(), hostile.close(), ...slow.map((s) => s.close())]);
  });

  it('ingests every good source in full', () => {
    expect(first.ok).toBe(4);
    expect(first.new).toBe(12);
    expect(titles).toEqual(
      expect.arrayContaining(['Podman 6.0 erschienen: Rootless-Container ohne Umwege', 'Linuxcon und Containercon Europe 2016: Container Love']),
    );
  });

  it('records one one-line error per hostile source, naming why', () => {
    const hostileCount = Object.keys(HOSTILE).length + 4;
    expect(first.failed).toBe(hostileCount);
    expect(first.sources).toBe(4 + hostileCount);
    const errors = new Map(first.errors.map((e) => [e.source, e]));
    for (const [route, [code, pattern]] of Object.entries(HOSTILE)) {
      const error = errors.get(`hostile ${route}`);
      expect(error?.code, route).toBe(code);
      expect(error?.error, route).toMatch(pattern);
      expect(error?.error, route).not.toContain('\n');
    }
    expect(errors.get('unreachable')).toMatchObject({ code: 'FK_CONNECT', error: expect.stringMatching(/refused|connect/i) });
    expect(errors.get('hanging headers')?.code).toBe('FK_TIMEOUT');
    expect(errors.get('slow body')?.code).toBe('FK_TIMEOUT');
    expect(errors.get('endless body')?.code).toBe('FK_TOO_LARGE');
    expect(names['unreachable']).toMatch(/^http:\/\/127\.0\.0\.1:/);
  });

  it('stays within bounded memory and time', () => {
    // A 1 GiB gzip bomb, a 256 MiB brotli bomb and an endless body were cut off at maxBytes (2 MiB).
    expect(growthMiB).toBeLessThan(128);
    // Everything runs in parallel: a few timeouts deep at most, never one per source.
    expect(first.durationMs).toBeLessThan(TIMEOUT_SECONDS * 1000 * 6);
  });

  it('respects 410 and Retry-After on the next cycle, and retries the others', () => {
    const errors = new Map(second.errors.map((e) => [e.source, e]));
    expect(errors.get('hostile /status/410')).toMatchObject({ code: 'FK_GONE', error: expect.stringMatching(/^skipped: gone \(HTTP 410\)/) });
    expect(errors.get('hostile /status/429?retry-after=120')).toMatchObject({ code: 'FK_RETRY_AFTER', error: expect.stringMatching(/^skipped: /) });
    expect(errors.get('hostile /status/503?retry-after=60')).toMatchObject({ code: 'FK_RETRY_AFTER', error: expect.stringMatching(/^skipped: /) });
    expect(errors.get('hostile /status/500')).toMatchObject({ code: 'FK_HTTP_STATUS', error: expect.stringMatching(/500/) });
    expect(second.notModified + second.ok).toBe(4);
    expect(second.skipped).toBe(3);
    expect(second.ok + second.notModified + second.failed + second.skipped).toBe(second.sources);
  });
});

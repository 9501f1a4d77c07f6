/**
 * The worker pool reads exactly as the calling thread does: every feed
 * fixture gives the same feed, or the same catalogue error (class, FK_*
 * code, message), through real worker threads. A read that exceeds its time
 * or memory limit fails as its own source's ParseError and the pool goes on;
 * a pool that cannot start reads in the calling thread.
 *
 * Under vitest the workers load src/read/read-worker.ts through
 * read-worker-from-source.mjs (tsx); a build loads dist/read/read-worker.js.
 */
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { availableParallelism } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { idForKey, urlKeyOf } from '../../src/dedupe/identity.js';
import { cappedText, hashContent } from '../../src/dedupe/item-digests.js';
import { AbortedError, DecodeError, FeedkuratorError, NotAFeedError, ParseError, SourceError } from '../../src/errors.js';
import { readBody } from '../../src/fetch/read-body.js';
import { createFeedReader, defaultThreads, locateWorkerEntry, type FeedReader } from '../../src/read/feed-reader.js';
import { readFeedBody, type ReadFeed } from '../../src/read/read-feed-body.js';
import { carryError, reviveError } from '../../src/read/read-task.js';
import { listFixtures, readFixtureBytes, type FixtureInput } from '../parse/run-fixture.js';

const WORKERS = new URL('./workers/', import.meta.url);
const readers: FeedReader[] = [];

function makeReader(options: Parameters<typeof createFeedReader>[0] = {}): FeedReader {
  const reader = createFeedReader({ threads: 2, ...options });
  readers.push(reader);
  return reader;
}

afterAll(async () => {
  await Promise.all(readers.map((r) => r.close()));
});

async function outcomeOf(read: Promise<unknown>): Promise<unknown> {
  try {
    return { feed: await read };
  } catch (err) {
    if (!(err instanceof FeedkuratorError)) throw err;
    return { error: { class: err.constructor.name, code: err.code, message: err.message, isSourceError: err instanceof SourceError } };
  }
}

describe('the number of reading threads', () => {
  it('leaves one core to the calling thread, and never has none', () => {
    expect([1, 2, 3, 8].map(defaultThreads)).toEqual([1, 1, 2, 7]);
  });

  it('is that number when neither the caller nor FEEDKURATOR_READ_THREADS sets it', async () => {
    const saved = process.env.FEEDKURATOR_READ_THREADS;
    delete process.env.FEEDKURATOR_READ_THREADS;
    try {
      const reader = createFeedReader();
      const threads = defaultThreads(availableParallelism());
      expect(reader.describe()).toBe(`${threads} worker thread${threads === 1 ? '' : 's'}`);
      await reader.close();
    } finally {
      if (saved !== undefined) process.env.FEEDKURATOR_READ_THREADS = saved;
    }
  });
});

describe('a pooled reader', () => {
  const reader = makeReader();

  it('finds the worker entry from the sources', () => {
    expect(locateWorkerEntry()?.pathname).toMatch(/src\/read\/read-worker-from-source\.mjs$/);
  });

  it.each(listFixtures())('reads $name exactly as the calling thread does, each content also as its JSON text', async ({ input, expected }) => {
    const meta = JSON.parse(readFileSync(new URL(`../fixtures/feeds/${expected}`, import.meta.url), 'utf8')) as FixtureInput;
    const now = new Date(meta.now);
    const here = await outcomeOf(readFeedBody(readFixtureBytes(input), meta.contentType, meta.url, now));
    const there = await outcomeOf(reader.read(readFixtureBytes(input), meta.contentType, meta.url, now));
    // The worker adds each item's content as JSON text in UTF-8, for the JSON store to append as is,
    // and what the merge would compute of it alone: the capped text's hash, the link's url key and its id.
    for (const item of (there as { feed?: ReadFeed }).feed?.items ?? []) {
      expect(Buffer.from(item.contentJson!).toString('utf8')).toBe(JSON.stringify(item.content));
      const text = cappedText(item);
      expect(item.contentHash).toBe(hashContent(text.title, text.summary, text.content));
      const linkKey = item.link ? urlKeyOf(item.link) : undefined;
      expect(item.linkKey).toBe(linkKey);
      expect(item.linkKeyId).toBe(linkKey === undefined ? undefined : idForKey(linkKey));
      delete item.contentJson;
      delete item.contentHash;
      delete item.linkKey;
      delete item.linkKeyId;
    }
    expect(there).toEqual(here);
    expect(reader.describe()).toBe('2 worker threads');
  });

  it('gives the hostile inputs back as their own SourceErrors', async () => {
    const read = (file: string, type = 'application/rss+xml') =>
      reader.read(readFileSync(new URL(`../fixtures/hostile/${file}`, import.meta.url)), type, 'https://example.org/feed', new Date());
    await expect(read('billion-laughs.xml')).rejects.toSatisfy((e) => e instanceof ParseError && e.code === 'FK_PARSE' && /entit|DOCTYPE|DTD/i.test(e.message));
    await expect(read('external-entity.xml')).rejects.toBeInstanceOf(ParseError);
    await expect(read('broken-xml.xml')).rejects.toBeInstanceOf(ParseError);
    await expect(reader.read(Buffer.from('<!doctype html><html><body>hi</body></html>'), 'text/html', 'https://example.org/', new Date())).rejects.toBeInstanceOf(NotAFeedError);
    const good = await read('good-atom-linuxcon-containercon.xml', 'application/atom+xml');
    expect(good.items.length).toBeGreaterThan(0);
  });

  it('reads each body from a copy: the caller\'s bytes, a whole buffer or a view into a larger one, are left as they were', async () => {
    const bytes = readFixtureBytes('hostile-html.xml');
    const large = Buffer.alloc(64 * 1024, 0x20);
    bytes.copy(large);
    // Buffer.from puts a short text into Node's 8 KB pool: a view into a larger buffer, as collected and inflated bodies are.
    const pooled = Buffer.from('<rss version="2.0"><channel><title>t</title></channel></rss>');
    expect(large.buffer.byteLength).toBe(large.byteLength);
    const [fromLarge, fromPooled] = await Promise.all([large, pooled].map((body) => reader.read(body, 'application/rss+xml', 'https://example.org/feed', new Date())));
    expect(fromLarge!.items.length).toBeGreaterThan(0);
    expect(fromPooled!.title).toBe('t');
    expect([large.byteLength, large.equals(Buffer.concat([bytes, Buffer.alloc(large.byteLength - bytes.byteLength, 0x20)]))]).toEqual([64 * 1024, true]);
    expect(pooled.toString()).toContain('<rss');
  });

  it('hands a worker its next body while it reads one, so that it need not wait for this thread', async () => {
    const reader = makeReader({ threads: 1, workerEntry: new URL('count-held-reads.mjs', WORKERS) });
    const reads = [reader.read(Buffer.from('a'), undefined, 'https://example.org/', new Date()), reader.read(Buffer.from('b'), undefined, 'https://example.org/', new Date())];
    expect((await Promise.all(reads)).map((feed) => feed.title)).toEqual(['2', '2']);
  });

  it('keeps up with many reads at once, each answered for its own body', async () => {
    const titles = Array.from({ length: 60 }, (_, i) => `Feed ${i}`);
    const feeds = await Promise.all(
      titles.map((title) =>
        reader.read(Buffer.from(`<rss version="2.0"><channel><title>${title}</title><item><title>x</title><link>https://example.org/${title.replace(' ', '')}</link></item></channel></rss>`), undefined, 'https://example.org/', new Date()),
      ),
    );
    expect(feeds.map((f) => f.title)).toEqual(titles);
  });
});

describe('limits', () => {
  it('stops a read that takes too long, as that source\'s ParseError, and reads on', async () => {
    // Long enough for a replacement worker to start on a busy machine; the hang never ends.
    const reader = makeReader({ threads: 1, timeoutMs: 2_500, workerEntry: new URL('hang-on-body.mjs', WORKERS) });
    const hang = reader.read(Buffer.from('hang'), undefined, 'https://example.org/', new Date());
    // Handed to the same worker to wait behind the hang, and killed with it: not its failure, it runs again.
    const queued = reader.read(Buffer.alloc(0), undefined, 'https://example.org/', new Date());
    await expect(hang).rejects.toSatisfy((e) => e instanceof ParseError && /longer than 2\.5 s/.test(e.message));
    await expect(queued).rejects.toBeInstanceOf(NotAFeedError);
    // The stuck worker was replaced: the next read is answered.
    await expect(reader.read(Buffer.alloc(0), undefined, 'https://example.org/', new Date())).rejects.toBeInstanceOf(NotAFeedError);
  });

  it('runs a read again that waited behind a stopped one, whichever worker tinypool handed it to', async () => {
    // Two workers: tinypool gives a busy worker its second read before it starts another worker, so the
    // first read after the hang waits behind it although a worker is free to start.
    const reader = makeReader({ threads: 2, timeoutMs: 2_500, workerEntry: new URL('hang-on-body.mjs', WORKERS) });
    const hang = reader.read(Buffer.from('hang'), undefined, 'https://example.org/', new Date());
    const others = Promise.all([1, 2, 3].map(() => reader.read(Buffer.alloc(0), undefined, 'https://example.org/', new Date()).catch((err: unknown) => err)));
    await expect(hang).rejects.toSatisfy((e) => e instanceof ParseError && /longer than 2\.5 s/.test(e.message));
    expect((await others).map((err) => (err as Error).name)).toEqual(['NotAFeedError', 'NotAFeedError', 'NotAFeedError']);
  });

  it('counts a read\'s own running time, not the time it waited in the worker behind another', async () => {
    // Each read runs 1.2 s against a 2 s limit; the second waits 1.2 s in the worker first.
    const reader = makeReader({ threads: 1, timeoutMs: 2_000, workerEntry: new URL('spin-on-body.mjs', WORKERS) });
    const reads = ['1200', '1200'].map((ms) => reader.read(Buffer.from(ms), undefined, 'https://example.org/', new Date()));
    expect((await Promise.all(reads)).map((feed) => feed.title)).toEqual(['1200', '1200']);
  });

  it('stops a read that exhausts the worker heap, as that source\'s ParseError, and reads on', async () => {
    const reader = makeReader({ threads: 1, maxMemoryMb: 32, workerEntry: new URL('hoard-on-body.mjs', WORKERS) });
    const hoard = reader.read(Buffer.from('hoard'), undefined, 'https://example.org/', new Date());
    const queued = reader.read(Buffer.alloc(0), undefined, 'https://example.org/', new Date());
    await expect(hoard).rejects.toSatisfy((e) => e instanceof ParseError && /more than 32 MB/.test(e.message));
    await expect(queued).rejects.toBeInstanceOf(NotAFeedError);
    await expect(reader.read(Buffer.alloc(0), undefined, 'https://example.org/', new Date())).rejects.toBeInstanceOf(NotAFeedError);
  }, 60_000);

  it('fails the reads still waiting when closed', async () => {
    const reader = makeReader({ threads: 1, timeoutMs: 5_000, workerEntry: new URL('hang-on-body.mjs', WORKERS) });
    const settle = (p: Promise<unknown>): Promise<unknown> => p.then(() => 'read', (err: unknown) => err);
    const first = settle(reader.read(Buffer.from('hang'), undefined, 'https://example.org/', new Date()));
    const second = settle(reader.read(Buffer.from('hang'), undefined, 'https://example.org/', new Date()));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await reader.close();
    expect(await first).toBeInstanceOf(AbortedError);
    expect(await second).toBeInstanceOf(AbortedError);
  });
});

describe('falling back to the calling thread', () => {
  it('reads in-thread when the worker entry cannot load', async () => {
    const reader = makeReader({ workerEntry: new URL('throws-on-load.mjs', WORKERS) });
    const feed = await reader.read(readFixtureBytes('rss-0.91.xml'), 'application/rss+xml', 'https://example.org/', new Date());
    expect(feed.items.length).toBeGreaterThan(0);
    expect(reader.describe()).toMatch(/^in-thread \(worker threads failed to start: .*broken on purpose/);
  });

  it('reads in-thread with 0 threads', async () => {
    const reader = makeReader({ threads: 0 });
    expect(reader.describe()).toBe('in-thread (configured with 0 threads)');
    await expect(reader.read(Buffer.from('<html></html>'), 'text/html', 'https://example.org/', new Date())).rejects.toBeInstanceOf(NotAFeedError);
  });
});

describe('a body still content-encoded (the fetcher left it so)', () => {
  const pooled = makeReader({ threads: 1 });
  const inThread = makeReader({ threads: 0 });
  const FEED = readFixtureBytes('rss-0.91.xml');
  const TYPE = 'application/rss+xml';
  const URL_ = 'https://example.org/feed';
  const NOW = new Date('2025-11-22T12:00:00Z');
  const MAX = 1024 * 1024;
  const both: [string, FeedReader][] = [
    ['pooled', pooled],
    ['in-thread', inThread],
  ];

  /** The worker's additions (content-json, item digests), which the calling thread's readFeedBody does not make. */
  function withoutWorkerFields(feed: ReadFeed): ReadFeed {
    return { ...feed, items: feed.items.map(({ contentJson, contentHash, linkKey, linkKeyId, ...item }) => item) };
  }

  /** How the fetcher fails on the same bytes when it decodes them itself. */
  async function fetcherOutcome(raw: Buffer, contentEncoding: string): Promise<unknown> {
    return outcomeOf(readBody(Readable.from([raw]), contentEncoding, { maxBytes: MAX, maxRawBytes: MAX }));
  }

  it.each([
    ['gzip', zlib.gzipSync],
    ['x-gzip', zlib.gzipSync],
    ['br', zlib.brotliCompressSync],
  ] as const)('is undone where it is read (%s): the same feed as from the plain body, pooled and in-thread', async (coding, encode) => {
    const plain = await readFeedBody(FEED, TYPE, URL_, NOW);
    for (const [, reader] of both) {
      const feed = await reader.read(encode(FEED), TYPE, URL_, NOW, undefined, { contentEncoding: coding, maxBytes: MAX });
      expect(withoutWorkerFields(feed)).toEqual(plain);
    }
  });

  it('fails as a bomb with the fetcher\'s TooLargeError and message, a source error, pooled and in-thread', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(8 * MAX));
    const expected = {
      error: { class: 'TooLargeError', code: 'FK_TOO_LARGE', message: `response larger than ${MAX} bytes after decompression`, isSourceError: true },
    };
    expect(await fetcherOutcome(bomb, 'gzip')).toEqual(expected);
    for (const [name, reader] of both) {
      expect(await outcomeOf(reader.read(Buffer.from(bomb), TYPE, URL_, NOW, undefined, { contentEncoding: 'gzip', maxBytes: MAX })), name).toEqual(expected);
    }
  });

  it('fails as corrupt data with the fetcher\'s FetchError and message, a source error, pooled and in-thread', async () => {
    const corrupt = zlib.gzipSync(FEED);
    corrupt.fill(0x41, 20, 60);
    const expected = await fetcherOutcome(corrupt, 'gzip');
    expect(expected).toEqual({ error: { class: 'FetchError', code: 'FK_FETCH', message: expect.stringMatching(/^corrupt gzip response body: .+/), isSourceError: true } });
    for (const [name, reader] of both) {
      expect(await outcomeOf(reader.read(Buffer.from(corrupt), TYPE, URL_, NOW, undefined, { contentEncoding: 'gzip', maxBytes: MAX })), name).toEqual(expected);
    }
  });
});

describe('errors across the boundary', () => {
  it('revive as the same catalogue class with code, message and the worker stack as cause', () => {
    const revived = reviveError(carryError(new DecodeError('cannot decode windows-1252')));
    expect(revived).toBeInstanceOf(DecodeError);
    expect((revived as DecodeError).code).toBe('FK_DECODE');
    expect(revived.message).toBe('cannot decode windows-1252');
    expect(String((revived.cause as Error).stack)).toContain('feed-reader.test.ts');
  });

  it('keep the code of a SourceError subclass they do not list', () => {
    class OddError extends SourceError {
      override readonly code = 'FK_ODD';
    }
    const revived = reviveError(carryError(new OddError('odd')));
    expect(revived).toBeInstanceOf(SourceError);
    expect((revived as SourceError).code).toBe('FK_ODD');
  });

  it('turn a bug of ours into a plain Error, not a SourceError', () => {
    const revived = reviveError(carryError(new TypeError('x is undefined')));
    expect(revived).not.toBeInstanceOf(FeedkuratorError);
    expect(revived.name).toBe('TypeError');
    expect(revived.message).toBe('x is undefined');
  });
});

describe('closing', () => {
  it('gives a second caller the first close, which ends when the workers have stopped', async () => {
    const reader = makeReader({ threads: 1 });
    await reader.read(readFixtureBytes('rss-0.91.xml'), 'application/rss+xml', 'https://example.org/', new Date());
    const order: string[] = [];
    const first = reader.close().then(() => order.push('first'));
    await reader.close();
    order.push('second');
    await first;
    expect(order).toEqual(['first', 'second']);
  });
});

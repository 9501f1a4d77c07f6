/**
 * A large flush's new day written while the cycle merges (segment-stream.ts):
 * nothing is visible before the flush, the file holds the same articles a
 * fold would have written, articles changed after they were appended stay
 * right through the journal, and a stream that cannot write falls back to
 * the usual write and its error.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/errors.js';
import { DurableJsonFile } from '../../src/store/durable-json-file.js';
import type { JournalEntry } from '../../src/store/json/journal.js';
import { SegmentStream } from '../../src/store/json/segment-stream.js';
import type { ArticleHead, StoredArticle } from '../../src/types.js';
import { openJsonStore, type CompactionPolicy } from '../../src/store/json/json-store.js';
import type { Store } from '../../src/store/store-api.js';
import { makeItem } from '../dedupe/make-item.js';
import { MAX_CONTENT_CHARS } from '../../src/dedupe/merge-items.js';
import { attachContentJson } from '../../src/read/content-json.js';
import { allArticles, merge } from './helpers/store-test-kit.js';

let dir: string;
let file: string;
const opened: Store[] = [];
const DAY = new Date('2026-11-20T10:00:00Z');
const SEGMENT = 'feedkurator.articles-2026-11-20.json';
const TEMP = `.${SEGMENT}.tmp`;
/** Every flush of more than 20 KB folds; a day streams from 5 KB of changes on. */
const STREAMING: Partial<CompactionPolicy> = { maxJournalBytes: 20_000, streamDayBytes: 5_000 };
const NOT_STREAMING: Partial<CompactionPolicy> = { maxJournalBytes: 20_000, streamDayBytes: Number.POSITIVE_INFINITY };

async function open(compaction: Partial<CompactionPolicy>, path = file): Promise<Store> {
  const store = await openJsonStore(path, { compaction });
  opened.push(store);
  return store;
}

/** A stored article with 6 KB of content, as a merge would keep it. */
function makeStored(n: number): StoredArticle {
  return {
    id: `id-${n}`, key: `url:x.example/${n}`, title: `Artikel ${n}`, link: `https://x.example/${n}`, published: DAY.toISOString(), firstSeen: DAY.toISOString(),
    lastSeen: DAY.toISOString(), summary: 'Zusammenfassung', content: `<p>${'Kernel und Container '.repeat(300)}${n}</p>`, contentHash: 'h', categories: [], sources: [],
  } as unknown as StoredArticle;
}

/** Whether the file appears within a few seconds (a stream opens its temp file on libuv's threads, later than the merge that started it). */
async function appears(path: string): Promise<boolean> {
  for (let waited = 0; waited < 5_000; waited += 10) {
    if (existsSync(path)) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}

const item = (n: number, extra = {}) =>
  makeItem({ link: `https://x.example/${n}`, guid: `${n}`, title: `Artikel ${n} über „Kernel“ und ß`, content: `<p>${'Inhalt '.repeat(200)}${n}</p>`, ...extra });

const CHANGED = '<p>Neu geschrieben: der Kernel 7.0</p>';

/**
 * Ten sources of ten new articles each; source 9 also carries article 3 again (a head change after 3 was
 * appended), and source 0 comes again with article 7 rewritten (head and content change).
 */
async function poll(store: Store): Promise<void> {
  for (let s = 0; s < 10; s++) {
    const items = Array.from({ length: 10 }, (_, k) => item(s * 10 + k));
    if (s === 9) items.push(item(3));
    await merge(store, `source-${s}`, items, DAY);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await merge(store, 'source-0', [item(7, { content: CHANGED })], DAY);
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fk-stream-'));
  file = join(dir, 'feedkurator.json');
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close().catch(() => {})));
  await rm(dir, { recursive: true, force: true });
});

describe('a new day written while the cycle merges', () => {
  it('shows nothing before the flush, then holds what a fold writes; a later change comes from the journal', async () => {
    const store = await open(STREAMING);
    await poll(store);
    // Written meanwhile, but only as the temp file.
    expect(await appears(join(dir, TEMP))).toBe(true);
    expect(existsSync(join(dir, SEGMENT))).toBe(false);
    const stats = await store.flush();
    expect(existsSync(join(dir, TEMP))).toBe(false);
    const segment = JSON.parse(await readFile(join(dir, SEGMENT), 'utf8')) as { schemaVersion: number; day: string; articles: { id: string; sources: unknown[]; content: string }[] };
    expect(segment.schemaVersion).toBe(3);
    expect(segment.day).toBe('2026-11-20');
    expect(segment.articles).toHaveLength(100);
    // Article 3 gained a source after it was appended: the segment has the old head, a journal file the
    // new one (without the content, which did not change); article 7 changed its content: head and content.
    const journals = (await readdir(dir)).filter((n) => n.includes('.journal-'));
    expect(journals).toHaveLength(1);
    const journal = JSON.parse(await readFile(join(dir, journals[0]!), 'utf8')) as { articles: { id: string; sources: unknown[]; content?: string }[] };
    expect(journal.articles).toHaveLength(2);
    const three = journal.articles.find((a) => a.sources.length === 2)!;
    const seven = journal.articles.find((a) => a !== three)!;
    expect(three.content).toBeUndefined();
    expect(seven.content).toBe(CHANGED);
    expect(segment.articles.find((a) => a.id === three.id)!.sources).toHaveLength(1);
    expect(segment.articles.find((a) => a.id === seven.id)!.content).not.toBe(CHANGED);
    expect(stats.bytes).toBeGreaterThan(100 * 1_000);
    const written = await allArticles(store);
    await store.close();

    // The same poll without streaming: the store reads back the same articles.
    const other = join(dir, 'other', 'feedkurator.json');
    await mkdir(join(dir, 'other'));
    const plain = await open(NOT_STREAMING, other);
    await poll(plain);
    expect(existsSync(join(dir, 'other', TEMP))).toBe(false);
    await plain.flush();
    const expected = await allArticles(plain);
    await plain.close();
    const reopened = await open(STREAMING);
    const read = await allArticles(reopened);
    expect(read).toEqual(written);
    expect(read).toEqual(expected);
    expect(read.find((a) => a.id === three.id)!.sources).toHaveLength(2);
    expect(read.find((a) => a.id === three.id)!.content).toContain('Inhalt');
    expect(read.find((a) => a.id === seven.id)!.content).toBe(CHANGED);
    // And through the lookup a poll makes (the article's bytes picked from the file, the journal on top).
    const [picked] = await reopened.getArticles([three.id]);
    expect(picked!.sources).toHaveLength(2);
    expect(picked!.content).toContain('Inhalt');
  });

  it('appends contents whose JSON text the read worker made as they came: the same bytes as serializing them here', async () => {
    // Quotes, a backslash, control and line separators, a character outside the BMP and a lone surrogate;
    // and a content the merge cuts (its JSON no longer fits: serialized here).
    const odd = '<p>„Zitat“ mit "Anführung", \\ Backslash, Zeilen\numbruch\t\u0001, \u2028, 😀 und ein einzelnes \ud800</p>';
    const long = `<p>${'Kernel '.repeat(MAX_CONTENT_CHARS / 5)}</p>`;
    const segmentOf = async (path: string, withJson: boolean): Promise<Buffer> => {
      await mkdir(join(path, '..'), { recursive: true });
      const store = await open(STREAMING, path);
      for (let s = 0; s < 10; s++) {
        const items = Array.from({ length: 10 }, (_, k) => item(s * 10 + k, k === 1 ? { content: odd } : k === 2 ? { content: long } : {}));
        if (withJson) attachContentJson(items);
        await merge(store, `source-${s}`, items, DAY);
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(await appears(join(path, '..', TEMP))).toBe(true);
      await store.flush();
      return readFile(join(path, '..', SEGMENT));
    };
    const streamed = await segmentOf(join(dir, 'json', 'feedkurator.json'), true);
    const serialized = await segmentOf(join(dir, 'plain', 'feedkurator.json'), false);
    expect(streamed.equals(serialized)).toBe(true);
    const articles = (JSON.parse(streamed.toString('utf8')) as { articles: { content: string }[] }).articles;
    expect(articles).toHaveLength(100);
    expect(articles[1]!.content).toBe(odd);
    expect(articles[2]!.content.endsWith('…')).toBe(true);
  });

  it('the newer state of articles changed after they were appended is on disk before the manifest', async () => {
    // The compaction's replacement journal file (written after the manifest) cannot be written: what is on
    // disk then is the segment, the file of the changed articles, and the manifest with the sources' fetch state.
    await mkdir(join(dir, '.feedkurator.journal-000002.json.tmp'));
    const store = await open(STREAMING);
    await poll(store);
    expect(await appears(join(dir, TEMP))).toBe(true);
    const failure = await store.flush().catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as Error).message).toContain('feedkurator.journal-000002.json');
    await store.close();
    expect(existsSync(join(dir, 'feedkurator.json'))).toBe(true);
    const reopened = await open(STREAMING);
    const all = await allArticles(reopened);
    expect(all).toHaveLength(100);
    // The sources count as fetched (the manifest landed), so these changes would never come back.
    expect(all.filter((a) => a.sources.length === 2)).toHaveLength(1);
    expect(all.filter((a) => a.content === CHANGED)).toHaveLength(1);
  });

  it('reads back exactly what the same merges give without streaming: overlapping sources, rewrites, retention', async () => {
    // A seeded mix: 40 sources of 25 items drawn from 600 (many articles carried by several sources), some
    // sources rewriting texts, retention dropping some in between; fed identically to both stores.
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const merges = Array.from({ length: 40 }, (_, s) =>
      Array.from({ length: 25 }, () => {
        const n = Math.floor(random() * 600);
        return random() < 0.1 ? item(n, { content: `<p>Neufassung ${s}</p>` }) : item(n);
      }),
    );
    const run = async (path: string, compaction: Partial<CompactionPolicy>) => {
      await mkdir(join(path, '..'), { recursive: true });
      const store = await open(compaction, path);
      for (const [s, items] of merges.entries()) {
        await merge(store, `source-${s % 12}`, items, DAY);
        if (s === 30) await store.applyRetention({ retentionDays: 36_500, maxItems: 300 }, DAY);
        await new Promise((resolve) => setImmediate(resolve));
      }
      const streamed = compaction === STREAMING ? await appears(join(path, '..', TEMP)) : existsSync(join(path, '..', TEMP));
      await store.flush();
      await store.close();
      const reopened = await open(compaction, path);
      return { streamed, articles: await allArticles(reopened), heads: await reopened.countArticles() };
    };
    const streamed = await run(join(dir, 'a', 'feedkurator.json'), STREAMING);
    const plain = await run(join(dir, 'b', 'feedkurator.json'), NOT_STREAMING);
    expect(streamed.streamed).toBe(true);
    expect(plain.streamed).toBe(false);
    expect(streamed.heads).toBe(plain.heads);
    expect(streamed.articles).toEqual(plain.articles);
  });

  it('an article retention drops after it was appended stays dropped', async () => {
    const store = await open(STREAMING);
    await poll(store);
    const { dropped } = await store.applyRetention({ retentionDays: 36_500, maxItems: 90 }, DAY);
    expect(dropped).toBe(10);
    await store.flush();
    await store.close();
    const reopened = await open(STREAMING);
    expect(await reopened.countArticles()).toBe(90);
    const all = await allArticles(reopened);
    expect(all).toHaveLength(90);
    expect(all.every((a) => a.content.includes('Inhalt') || a.content === CHANGED)).toBe(true);
  });

  it('a store closed without a flush leaves no temp file; a temp file a kill left is removed at the next open', async () => {
    const store = await open(STREAMING);
    await poll(store);
    expect(await appears(join(dir, TEMP))).toBe(true);
    await store.close();
    expect(await readdir(dir)).toEqual([]);

    await writeFile(join(dir, TEMP), '{"schemaVersion":3,"day":"2026-11-20","articles":[{"id":"torn');
    const next = await open(STREAMING);
    expect(existsSync(join(dir, TEMP))).toBe(false);
    expect(await next.countArticles()).toBe(0);
  });

  it('the temp files of every store file a kill left (writes and backup copies) are removed at the next open; others stay', async () => {
    const store = await open(STREAMING);
    await poll(store);
    await store.flush();
    await store.close();
    const leftovers = [`${SEGMENT}.bak.tmp`, 'feedkurator.json.bak.tmp', '.feedkurator.json.tmp', '.feedkurator.topics.json.tmp', '.feedkurator.journal-000007.json.tmp'];
    const others = ['notes.json.bak.tmp', '.other.json.tmp', 'feedkurator.story-words.json.bak.tmp'];
    for (const name of [...leftovers, ...others]) await writeFile(join(dir, name), '{"torn');
    const next = await open(STREAMING);
    const names = await readdir(dir);
    expect(names.filter((n) => n.endsWith('.tmp')).sort()).toEqual([...others].sort());
    expect(await next.countArticles()).toBeGreaterThan(0);
  });

  it('a flush that ends up not folding (retention shrank it) drops the stream and writes a journal file', async () => {
    const store = await open({ maxJournalBytes: 150_000, streamDayBytes: 5_000 });
    await poll(store);
    expect(await appears(join(dir, TEMP))).toBe(true);
    await store.applyRetention({ retentionDays: 36_500, maxItems: 10 }, DAY);
    await store.flush();
    const names = await readdir(dir);
    expect(names.filter((n) => n.endsWith('.tmp') || n.includes('.articles-'))).toEqual([]);
    expect(names.filter((n) => n.includes('.journal-'))).toHaveLength(1);
    await store.close();
    expect(await (await open(STREAMING)).countArticles()).toBe(10);
  });

  it('a store closed while a stream is still serializing stops it cleanly', async () => {
    const store = await open(STREAMING);
    // One merge of 2,000 large articles: the stream needs many slices, and the close comes in the middle.
    const items = Array.from({ length: 2_000 }, (_, n) => item(n, { content: `<p>${'Kernel und Container '.repeat(300)}${n}</p>` }));
    await merge(store, 'big', items, DAY);
    expect(await appears(join(dir, TEMP))).toBe(true);
    await store.close();
    expect(await readdir(dir)).toEqual([]);
  });

  it('articles merged one source at a time are appended in large writes, not one write per merge, and the file is a fold\'s', async () => {
    const entries = new Map<string, JournalEntry>();
    const heads = new Map<string, ArticleHead>();
    const articles: StoredArticle[] = [];
    for (let n = 0; n < 300; n++) {
      const article = makeStored(n);
      const { content, ...head } = article;
      articles.push(article);
      heads.set(head.id, head);
      entries.set(head.id, { day: '2026-11-20', content });
    }
    const target = join(dir, SEGMENT);
    const write = new DurableJsonFile(target).stream();
    let appends = 0;
    const append = write.append.bind(write);
    write.append = (bytes) => {
      appends++;
      append(bytes);
    };
    const stream = new SegmentStream('2026-11-20', write, (id) => entries.get(id), (id) => heads.get(id), (err) => expect.fail(String(err)));
    for (const id of entries.keys()) {
      stream.add([id]); // one merge each, the event loop turning in between as while a cycle waits on its reads
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await stream.finish(entries)).toEqual(new Map());
    await write.commit();
    // The header, 1.9 MB in 512 KB appends, the trailer (one append per merge before: 302).
    expect(appends).toBeLessThanOrEqual(2 + Math.ceil(1_900_000 / (512 * 1024)));
    const folded = JSON.stringify({ schemaVersion: 3, day: '2026-11-20', articles: articles.map(({ content, ...head }) => ({ ...head, content })) });
    expect((await readFile(target, 'utf8')) === folded).toBe(true); // 1.9 MB: not printed when it differs
  });

  it('a stream aborted while it serializes stops before its next slice, and its temp file goes', async () => {
    const entries = new Map<string, JournalEntry>();
    const heads = new Map<string, ArticleHead>();
    for (let n = 0; n < 3_000; n++) {
      const { content, ...head } = { ...(makeStored(n) as StoredArticle) };
      heads.set(head.id, head);
      entries.set(head.id, { day: '2026-11-20', content });
    }
    const target = join(dir, SEGMENT);
    const bugs: unknown[] = [];
    const stream = new SegmentStream('2026-11-20', new DurableJsonFile(target).stream(), (id) => entries.get(id), (id) => heads.get(id), (err) => bugs.push(err));
    stream.add(entries.keys()); // the first slice runs now, the rest after turns of the event loop
    await stream.abort();
    await new Promise((resolve) => setTimeout(resolve, 50)); // a slice that ran on would append now, and throw
    expect(await readdir(dir)).toEqual([]);
    expect(bugs).toEqual([]);
  });

  it('a bug while serializing ahead is reported with its error, and the stream is marked failed (the fold writes the day whole)', async () => {
    const heads = new Map<string, ArticleHead>();
    for (let n = 0; n < 3; n++) {
      const { content: _content, ...head } = { ...(makeStored(n) as StoredArticle) };
      heads.set(head.id, head);
    }
    const bugs: unknown[] = [];
    const broken = new Error('entry lookup broke');
    const stream = new SegmentStream(
      '2026-11-20',
      new DurableJsonFile(join(dir, SEGMENT)).stream(),
      () => {
        throw broken;
      },
      (id) => heads.get(id),
      (err) => bugs.push(err),
    );
    stream.add(heads.keys());
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(bugs).toEqual([broken]);
    expect(stream.failed).toBe(true);
    await stream.abort();
    expect(await readdir(dir)).toEqual([]);
  });

  it('a day that cannot be streamed is written the usual way, and its error names the file; the next flush writes it', async () => {
    // A directory where the temp file goes: the stream cannot open it, nor can the usual write.
    await mkdir(join(dir, TEMP));
    const store = await open(STREAMING);
    await poll(store);
    const failure = await store.flush().catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as Error).message).toContain(SEGMENT);
    expect((failure as Error).message).toContain('the store is as it was before this write');
    expect(existsSync(join(dir, SEGMENT))).toBe(false);
    await rm(join(dir, TEMP), { recursive: true });
    await store.flush();
    await store.close();
    const reopened = await open(STREAMING);
    expect(await reopened.countArticles()).toBe(100);
    expect((await allArticles(reopened)).every((a) => a.content.includes('Inhalt') || a.content === CHANGED)).toBe(true);
  });

  it('only what grows the day counts: the same articles carried by many sources do not start a stream', async () => {
    const store = await open({ maxJournalBytes: 20_000, streamDayBytes: 30_000 });
    const items = Array.from({ length: 10 }, (_, k) => item(k)); // ~24 KB with their content
    for (let s = 0; s < 30; s++) await merge(store, `source-${s}`, items, DAY); // then 29 head-only changes each
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(existsSync(join(dir, TEMP))).toBe(false);
    await store.flush();
    expect((await allArticles(store)).find((a) => a.link === 'https://x.example/3')!.sources).toHaveLength(30);
  });

  it('a day that already has a segment file is not streamed (its file is folded as before)', async () => {
    const store = await open(STREAMING);
    await merge(store, 'early', [item(1000)], DAY);
    await store.flush(); // a journal file
    await store.close();
    const again = await open({ ...STREAMING, maxJournalFiles: 0 });
    await merge(again, 'early', [item(1001)], DAY);
    await again.flush(); // compaction folds the day into its segment
    expect(existsSync(join(dir, SEGMENT))).toBe(true);
    await poll(again);
    expect(existsSync(join(dir, TEMP))).toBe(false);
    await again.flush();
    await again.close();
    const reopened = await open(STREAMING);
    expect(await reopened.countArticles()).toBe(102);
  });
});

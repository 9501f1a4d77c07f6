import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError, StoreLockedError } from '../../src/errors.js';
import { openJsonStore, type CompactionPolicy } from '../../src/store/json/json-store.js';
import type { Store } from '../../src/store/store-api.js';
import { makeItem } from '../dedupe/make-item.js';
import { startChild } from './helpers/child.js';
import { allArticles, merge, stateOf } from './helpers/store-test-kit.js';

let dir: string;
let data: string;
let file: string;
const opened: Store[] = [];

async function open(path = file, readOnly = false, compaction?: Partial<CompactionPolicy>): Promise<Store> {
  const store = await openJsonStore(path, { readOnly, ...(compaction ? { compaction } : {}) });
  opened.push(store);
  return store;
}

/** Every flush folds every day: the journal is empty after it. */
const FOLD_ALL: Partial<CompactionPolicy> = { maxJournalFiles: 0, daysPerStep: 1_000 };

/** A store of `count` articles from source "s" over `days` day segments, compacted, reopened with the default policy. */
async function spreadOverDays(count: number, days: number): Promise<Store> {
  const setup = await open(file, false, FOLD_ALL);
  for (let i = 0; i < count; i++) await merge(setup, 's', [item(i)], new Date(DAY1.getTime() - (i % days) * 86_400_000));
  await setup.flush();
  await setup.close();
  expect((await readdir(data)).filter((n) => n.includes('.journal-'))).toEqual([]);
  return open();
}

const sha = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');
const DAY1 = new Date('2026-11-20T10:00:00Z');
const DAY2 = new Date('2026-11-21T10:00:00Z');
const item = (n: number, extra = {}) => makeItem({ link: `https://x.example/${n}`, guid: `${n}`, title: `Artikel ${n}`, ...extra });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fk-store-'));
  data = join(dir, 'data');
  file = join(data, 'feedkurator.json');
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close().catch(() => {})));
  await rm(dir, { recursive: true, force: true });
});

describe('layout: one file per concern, articles in day segments and a journal', () => {
  it('starts empty in a new directory, writes nothing before flush, and reads back what it wrote', async () => {
    const store = await open();
    expect(await store.countArticles()).toBe(0);
    expect(existsSync(file)).toBe(false);
    await merge(store, 'ip-insider', [makeItem()], DAY1);
    const stats = await store.flush();
    expect(stats.files).toBe(2);
    await store.close();

    expect((await readdir(data)).sort()).toEqual(['feedkurator.journal-000001.json', 'feedkurator.json']);
    const again = await open();
    expect(again.openedSchemaVersion).toBe(3);
    const [article] = await allArticles(again);
    expect(article!.title).toBe(makeItem().title);
    expect(article!.content).toBe(makeItem().content);
    expect((await again.getSourceStates()).get('ip-insider')!.lastSuccess).toBe(DAY1.toISOString());
  });

  it('writes compact, human-readable JSON documents', async () => {
    const store = await open(file, false, FOLD_ALL);
    await merge(store, 's', [item(1), item(2)], DAY1);
    await store.flush();
    await merge(store, 's', [item(3)], DAY1);
    await store.flush();
    for (const name of await readdir(data)) {
      if (name.endsWith('.lock')) continue;
      const text = await readFile(join(data, name), 'utf8');
      expect(text).toBe(JSON.stringify(JSON.parse(text)));
    }
    const segment = JSON.parse(await readFile(join(data, 'feedkurator.articles-2026-11-20.json'), 'utf8'));
    expect(segment).toMatchObject({ schemaVersion: 3, day: '2026-11-20' });
    expect(segment.articles.map((a: { title: string }) => a.title).sort()).toEqual(['Artikel 1', 'Artikel 2', 'Artikel 3']);
  });

  it('a poll that changes only fetch state writes one small journal file with it', async () => {
    const store = await spreadOverDays(200, 20);
    const others = (await readdir(data)).filter((n) => n.endsWith('.json'));
    expect(others.filter((n) => n.includes('.articles-'))).toHaveLength(20);
    const inodes = await Promise.all(others.map(async (n) => (await stat(join(data, n))).ino));

    await store.putSourceState(stateOf('s', { lastAttempt: DAY2.toISOString() }));
    const stats = await store.flush();
    expect(stats.files).toBe(1);
    const journal = join(data, (await readdir(data)).find((n) => n.includes('.journal-'))!);
    expect(stats.bytes).toBe((await stat(journal)).size);
    expect(await Promise.all(others.map(async (n) => (await stat(join(data, n))).ino))).toEqual(inodes);
    expect(JSON.parse(await readFile(journal, 'utf8'))).toMatchObject({ articles: [], removed: {}, sources: { s: { lastAttempt: DAY2.toISOString() } } });
    await store.close();
    expect((await (await open()).getSourceStates()).get('s')!.lastAttempt).toBe(DAY2.toISOString());
  });

  it('a poll writes one journal file of what changed: an older article gaining a source costs its head, not its segment', async () => {
    const store = await spreadOverDays(200, 20);
    const names = (await readdir(data)).filter((n) => n.includes('.articles-'));
    const inodes = await Promise.all(names.map(async (n) => (await stat(join(data, n))).ino));
    const segmentBytes = (await Promise.all(names.map(async (n) => (await stat(join(data, n))).size))).reduce((a, b) => a + b, 0);

    await merge(store, 't', [item(5), item(300)], DAY2); // item 5: an old article, now also from "t"
    await merge(store, 's', [item(7, { summary: 'korrigiert' })], DAY2);
    const stats = await store.flush();
    expect(stats.files).toBe(1); // the journal file, fetch state included
    expect(await Promise.all(names.map(async (n) => (await stat(join(data, n))).ino))).toEqual(inodes);
    const journals = (await readdir(data)).filter((n) => n.includes('.journal-'));
    expect(journals).toHaveLength(1);
    const journal = JSON.parse(await readFile(join(data, journals[0]!), 'utf8'));
    const byTitle = new Map(journal.articles.map((a: { title: string }) => [a.title, a]));
    expect([...byTitle.keys()].sort()).toEqual(['Artikel 300', 'Artikel 5', 'Artikel 7']);
    expect(byTitle.get('Artikel 5')).not.toHaveProperty('content'); // only its head changed
    expect(byTitle.get('Artikel 300')).toHaveProperty('content');
    expect(stats.bytes).toBeLessThan(segmentBytes / 10);
    await store.close();

    const again = await open();
    const articles = await allArticles(again);
    expect(articles).toHaveLength(201);
    const five = articles.find((a) => a.title === 'Artikel 5')!;
    expect(five.sources.map((s) => s.name)).toEqual(['s', 't']);
    expect(five.content).toBe(item(5).content);
    expect(articles.find((a) => a.title === 'Artikel 7')!.summary).toBe('korrigiert');
  });

  it('compaction folds the journal into the segments a few days per flush, and replaces the journal files', async () => {
    const store = await spreadOverDays(60, 6);
    await store.close();
    const compacting = await open(file, false, { maxJournalFiles: 1, maxJournalBytes: 1e9, daysPerStep: 2 });
    const segmentFiles = async () => new Map(await Promise.all((await readdir(data)).filter((n) => n.includes('.articles-') && n.endsWith('.json')).map(async (n) => [n, (await stat(join(data, n))).ino] as const)));
    // One change on every day: six days to fold, two per step.
    for (let day = 0; day < 6; day++) await merge(compacting, 'u', [item(day)], DAY2);
    await compacting.flush(); // journal file 1: nothing to compact yet
    let before = await segmentFiles();
    await merge(compacting, 'u', [item(100)], DAY2);
    await compacting.flush(); // journal file 2: a step folds two days and replaces both files by one
    let after = await segmentFiles();
    expect([...after].filter(([n, ino]) => before.get(n) !== ino).map(([n]) => n)).toHaveLength(2);
    let journals = (await readdir(data)).filter((n) => n.includes('.journal-'));
    expect(journals).toHaveLength(1);
    const replacement = JSON.parse(await readFile(join(data, journals[0]!), 'utf8'));
    expect(replacement.supersedes).toBe(replacement.seq - 1); // the two files before it
    const expected = await allArticles(compacting);
    for (let step = 0; step < 3; step++) {
      await merge(compacting, 'u', [item(200 + step)], DAY2);
      before = await segmentFiles();
      await compacting.flush();
      after = await segmentFiles();
      expect([...after].filter(([n, ino]) => before.get(n) !== ino).length).toBeLessThanOrEqual(2);
    }
    await compacting.close();
    const again = await open();
    const articles = await allArticles(again);
    expect(articles).toHaveLength(expected.length + 3);
    for (const article of expected) expect(articles.find((a) => a.id === article.id)).toEqual(article);
    const zero = articles.find((a) => a.title === 'Artikel 0')!;
    expect(zero.sources.map((s) => s.name)).toEqual(['s', 'u']);
  });

  it('changes bigger than the journal may hold (a first poll) go straight into their segments', async () => {
    const store = await open(file, false, { maxJournalBytes: 20_000 });
    const many = Array.from({ length: 40 }, (_, i) => item(i, { content: `<p>${'Kernel '.repeat(100)}${i}</p>` }));
    await merge(store, 's', many.slice(0, 20), DAY1);
    await merge(store, 's', many.slice(20), DAY2);
    const stats = await store.flush();
    expect((await readdir(data)).filter((n) => n.endsWith('.json')).sort()).toEqual([
      'feedkurator.articles-2026-11-20.json',
      'feedkurator.articles-2026-11-21.json',
      'feedkurator.json',
    ]);
    expect(stats.files).toBe(3);
    await merge(store, 't', [item(3)], DAY2); // small again: a journal file
    await store.flush();
    await store.close();
    const again = await open();
    const articles = await allArticles(again);
    expect(articles).toHaveLength(40);
    expect(articles.find((a) => a.title === 'Artikel 3')!.sources.map((s) => s.name)).toEqual(['s', 't']);
    expect((await again.getSourceStates()).get('t')!.lastSuccess).toBe(DAY2.toISOString());
  });

  it('a superseded journal file that a crash left behind is ignored, then deleted', async () => {
    const store = await open(file, false, { maxJournalFiles: 1, maxJournalBytes: 1e9, daysPerStep: 1 });
    await merge(store, 's', [item(1)], DAY1);
    await store.flush();
    const first = join(data, 'feedkurator.journal-000001.json');
    const stale = await readFile(first, 'utf8');
    await merge(store, 's', [item(1, { summary: 'neu' }), item(2)], DAY2);
    await store.flush(); // folds DAY1, journal 3 supersedes 1 and 2
    await store.close();
    await writeFile(first, stale); // as if the process died before deleting it
    const again = await open();
    const articles = await allArticles(again);
    expect(articles.find((a) => a.title === 'Artikel 1')!.summary).toBe('neu');
    expect(articles).toHaveLength(2);
    await again.flush();
    expect(existsSync(first)).toBe(false);
  });

  it('replaces files atomically: a stale temp file does not disturb, the manifest keeps a .bak', async () => {
    const store = await open(file, false, FOLD_ALL);
    await writeFile(join(data, '.feedkurator.json.tmp'), '{"half": ');
    await store.putSourceState(stateOf('heise'));
    await store.flush();
    const first = await readFile(file, 'utf8');
    const firstInode = (await stat(file)).ino;
    await merge(store, 's', [makeItem()], DAY1);
    await store.flush();
    expect(await readFile(`${file}.bak`, 'utf8')).toBe(first);
    expect((await stat(file)).ino).not.toBe(firstInode);
  });

  it('serializes concurrent merges: two sources carrying one article store it once, with both sources', async () => {
    const store = await open();
    const shared = makeItem();
    await Promise.all([merge(store, 'a', [shared, item(1)], DAY1), merge(store, 'b', [shared, item(2)], DAY1), merge(store, 'c', [shared], DAY1)]);
    const articles = await allArticles(store);
    expect(articles).toHaveLength(3);
    const one = articles.find((a) => a.title === shared.title)!;
    expect(one.sources.map((s) => s.name).sort()).toEqual(['a', 'b', 'c']);
  });
});

describe('heads in memory, content on disk', () => {
  it('lists heads without content and fetches full articles by id', async () => {
    const store = await open();
    await merge(store, 's', [item(1), item(2)], DAY1);
    await store.flush();
    await store.close();
    const again = await open();
    const heads = await again.listHeads();
    expect(heads).toHaveLength(2);
    for (const head of heads) expect(head).not.toHaveProperty('content');
    const [full] = await again.getArticles([heads[0]!.id, 'unknown-id']);
    expect(full!.content).toBe(makeItem().content);
    expect(await again.getArticles(['unknown-id'])).toEqual([]);
  });

  it('fetches articles from the journal and from their day files alike, as a whole-day read gives them', async () => {
    const store = await spreadOverDays(12, 4);
    const same = async (s: Store) => {
      const whole = await allArticles(s);
      const ids = whole.map((a) => a.id);
      expect(await s.getArticles(ids)).toEqual(whole);
      expect(await s.getArticles([ids[5]!, 'unknown', ids[2]!])).toEqual([whole[5], whole[2]]);
    };
    await same(store);
    // A head-only change (a second source), a new content and a new article: all in the journal.
    await merge(store, 't', [item(0)], DAY2);
    await merge(store, 's', [item(1, { content: '<p>Neu geschrieben</p>' }), item(99)], DAY2);
    await same(store);
    await store.flush();
    await same(store);
    await store.close();
    const again = await open();
    await same(again);
    const [changed] = await again.getArticles([(await again.listHeads()).find((h) => h.title === 'Artikel 1')!.id]);
    expect(changed!.content).toContain('Neu geschrieben');
  });

  it('gives heads without categories or enclosures one shared frozen empty list; a later version with categories is stored whole', async () => {
    const store = await open();
    await merge(store, 's', [item(1, { categories: [] }), item(2, { categories: [] }), item(3)], DAY1);
    await store.flush();
    await store.close();
    const again = await open();
    const byTitle = new Map((await again.listHeads()).map((h) => [h.title, h]));
    const [one, two, three] = ['Artikel 1', 'Artikel 2', 'Artikel 3'].map((t) => byTitle.get(t)!);
    expect(one!.categories).toEqual([]);
    expect(one!.categories).toBe(two!.categories);
    expect(Object.isFrozen(one!.categories)).toBe(true);
    expect(one!.enclosures).toBe(three!.enclosures);
    expect(three!.categories).toEqual(['Open Source']);
    expect(Object.isFrozen(three!.categories)).toBe(false);
    // A source now lists article 1 with a category: the new head replaces the shared list, it does not fill it.
    await merge(again, 's', [item(1, { categories: ['Kernel'], summary: 'neu' })], DAY2);
    await again.flush();
    expect(two!.categories).toEqual([]);
    const [full] = await again.getArticles([one!.id]);
    expect(full!.categories).toEqual(['Kernel']);
    // On disk an empty list is still written as [] (segments and journal alike).
    const written = await Promise.all((await readdir(data)).filter((n) => /\.(articles|journal)-/.test(n)).map((n) => readFile(join(data, n), 'utf8')));
    expect(written.join('\n')).toContain('"categories":[]');
  });

  it('keeps classifications per rules fingerprint across a restart', async () => {
    const store = await open();
    await merge(store, 's', [item(1)], DAY1);
    const [head] = await store.listHeads();
    await store.putClassifications('fp-1', new Map([[head!.id, ['kernel']]]));
    await store.flush();
    await store.close();
    const again = await open();
    expect(await again.getClassifications('fp-1')).toEqual(new Map([[head!.id, ['kernel']]]));
    expect((await again.getClassifications('fp-2')).size).toBe(0);
  });

  it('writes the topics of new rules whole in pieces; topics put while it is written are kept too', async () => {
    const store = await spreadOverDays(1_100, 3);
    const ids = (await store.listHeads()).map((h) => h.id).sort();
    // More entries than one piece holds (1,000): the file is serialized with the event loop turning in between.
    const many = new Map<string, string[]>(ids.map((id) => [id, ['kernel']]));
    for (let i = 0; i < 50; i++) many.set(`gone-${i}`, ['kernel']);
    await store.putClassifications('fp-new', many);
    const flushing = store.flush();
    // Put while the flush is under way (whatever piece it is at): the file or the next journal keeps it.
    let done = false;
    void flushing.then(() => (done = true));
    let turns = 0;
    while (!done && turns < 3) {
      await new Promise((resolve) => setImmediate(resolve));
      turns++;
    }
    await store.putClassifications('fp-new', new Map([[ids[0]!, ['server']], [ids[1_099]!, ['desktop', 'kernel']]]));
    await flushing;
    await store.flush();
    const text = await readFile(join(data, 'feedkurator.topics.json'), 'utf8');
    const doc = JSON.parse(text) as { fingerprint: string; topics: Record<string, string[]> };
    expect(doc.fingerprint).toBe('fp-new');
    // Only stored articles are written; the text is what JSON.stringify writes.
    expect(Object.keys(doc.topics).sort()).toEqual(ids);
    expect(text).toBe(JSON.stringify(doc));
    await store.close();
    const again = await open();
    const expected = new Map<string, string[]>(ids.map((id) => [id, ['kernel']]));
    expected.set(ids[0]!, ['server']);
    expected.set(ids[1_099]!, ['desktop', 'kernel']);
    expect(await again.getClassifications('fp-new')).toEqual(expected);
  });

  it('writes each article’s own topics however many distinct lists there are', async () => {
    // Hundreds of distinct lists, in two puts: a list of the first put replaced by one of the
    // second (of the same length) must be written as the second says.
    const store = await spreadOverDays(600, 3);
    const ids = (await store.listHeads()).map((h) => h.id).sort();
    await store.putClassifications('fp-many', new Map(ids.map((id, i) => [id, [`topic-${i % 300}`]])));
    await store.putClassifications('fp-many', new Map(ids.slice(0, 20).map((id, i) => [id, [`topic-${i + 1}`]])));
    await store.flush();
    const text = await readFile(join(data, 'feedkurator.topics.json'), 'utf8');
    const doc = JSON.parse(text) as { topics: Record<string, string[]> };
    expect(text).toBe(JSON.stringify(doc));
    const expected = Object.fromEntries(ids.map((id, i) => [id, [i < 20 ? `topic-${i + 1}` : `topic-${i % 300}`]]));
    expect(doc.topics).toEqual(expected);
    await store.close();
  });

  it('holds one array per distinct topic list once read back, each list as written', async () => {
    const store = await spreadOverDays(40, 2);
    const ids = (await store.listHeads()).map((h) => h.id).sort();
    const put = new Map<string, string[]>(ids.map((id, i) => [id, i % 10 === 0 ? ['desktop', 'kernel'] : i % 7 === 0 ? [] : ['kernel']]));
    await store.putClassifications('fp-shared', put);
    await store.flush();
    await store.close();
    const again = await open();
    const got = await again.getClassifications('fp-shared');
    expect(got).toEqual(put);
    const distinct = new Set(got.values());
    expect(distinct.size).toBe(3);
    expect(got.get(ids[1]!)).toBe(got.get(ids[2]!));
    expect(got.get(ids[0]!)).not.toBe(got.get(ids[1]!));
  });

  it('keeps one array per distinct topic list put, never the array the caller passed', async () => {
    const store = await spreadOverDays(6, 1);
    const ids = (await store.listHeads()).map((h) => h.id).sort();
    // Equal lists in separate arrays, as a rules edit puts them (one per article).
    const lists = ids.map(() => ['desktop', 'kernel']);
    await store.putClassifications('fp-put', new Map(ids.map((id, i) => [id, lists[i]!])));
    await store.putClassifications('fp-put', new Map([[ids[5]!, ['server']]]));
    const got = await store.getClassifications('fp-put');
    expect(got.get(ids[0]!)).toEqual(['desktop', 'kernel']);
    expect(new Set(ids.slice(0, 5).map((id) => got.get(id))).size).toBe(1);
    expect(got.get(ids[5]!)).toEqual(['server']);
    // The caller changing its array afterwards changes nothing stored.
    lists[0]!.push('hosting');
    expect((await store.getClassifications('fp-put')).get(ids[0]!)).toEqual(['desktop', 'kernel']);
    await store.close();
  });
});

describe('retention', () => {
  it('drops whole segments, leaves tombstones, and a dropped article does not come back', async () => {
    const store = await open(file, false, FOLD_ALL);
    await merge(store, 's', [item(1, { published: '2026-09-01T00:00:00.000Z' })], new Date('2026-09-01T01:00:00Z'));
    await merge(store, 's', [item(2, { published: '2026-11-20T00:00:00.000Z' })], DAY1);
    await store.flush();
    expect(existsSync(join(data, 'feedkurator.articles-2026-09-01.json'))).toBe(true);

    expect(await store.applyRetention({ retentionDays: 60, maxItems: 100 }, DAY2)).toEqual({ dropped: 1 });
    await store.flush();
    expect(existsSync(join(data, 'feedkurator.articles-2026-09-01.json'))).toBe(false);
    expect([...(await store.listRetired()).values()]).toEqual(['2026-11-21']);

    const plan = await merge(store, 's', [item(1, { published: '2026-09-01T00:00:00.000Z' })], DAY2);
    expect(plan.counts).toEqual({ new: 0, updated: 0, duplicates: 1 });
    expect(await store.countArticles()).toBe(1);
  });

  it('an article dropped while its newest version is in the journal does not come back at the next start', async () => {
    const store = await open();
    await merge(store, 's', [1, 2, 3].map((n) => item(n, { published: `2026-11-2${n}T00:00:00.000Z` })), DAY1);
    await store.flush(); // all three only in journal file 1
    await store.applyRetention({ retentionDays: 3650, maxItems: 2 }, DAY2);
    await store.flush();
    await store.close();
    const again = await open();
    expect((await allArticles(again)).map((a) => a.title).sort()).toEqual(['Artikel 2', 'Artikel 3']);
    expect((await again.listHeads()).map((h) => h.title).sort()).toEqual(['Artikel 2', 'Artikel 3']);
  });

  it('an imported article has no tombstone; articles retired at once stay retired', async () => {
    const source = await open();
    await merge(source, 's', [1, 2, 3].map((n) => item(n)), DAY1);
    const articles = await allArticles(source);
    await source.close();
    await rm(data, { recursive: true, force: true });
    const store = await open();
    const retired = new Map([[articles[0]!.id, '2026-11-19'], ['gone', '2026-11-18']]);
    await store.importData({ articles, retired });
    expect(await store.listRetired()).toEqual(new Map([['gone', '2026-11-18']]));
    expect(await store.applyRetention({ retentionDays: 3650, maxItems: 0 }, DAY2)).toEqual({ dropped: 3 });
    expect([...(await store.listRetired()).keys()].sort()).toEqual(['gone', ...articles.map((a) => a.id)].sort());
    const plan = await merge(store, 's', [1, 2, 3].map((n) => item(n)), DAY2);
    expect(plan.counts).toEqual({ new: 0, updated: 0, duplicates: 3 });
    expect(await store.countArticles()).toBe(0);
  });

  it('after a restart, a retention that retires nothing and then one that retires keep the key index right', async () => {
    const items = () => [1, 2, 3].map((n) => item(n, { published: `2026-11-2${n}T00:00:00.000Z` }));
    const store = await open();
    await merge(store, 's', items(), DAY1);
    await store.flush();
    await store.close();
    // The key index is built at its first use after the open; a retention with nothing to retire does not need it.
    const again = await open();
    expect(await again.applyRetention({ retentionDays: 3650, maxItems: 10 }, DAY2)).toEqual({ dropped: 0 });
    expect(await again.applyRetention({ retentionDays: 3650, maxItems: 2 }, DAY2)).toEqual({ dropped: 1 });
    const plan = await merge(again, 's', items(), DAY2);
    expect(plan.counts).toEqual({ new: 0, updated: 0, duplicates: 3 });
    expect((await again.listHeads()).map((h) => h.title).sort()).toEqual(['Artikel 2', 'Artikel 3']);
  });

  it('beyond maxItems drops the oldest and rewrites a partly emptied segment', async () => {
    const store = await open();
    await merge(store, 's', [1, 2, 3].map((n) => item(n, { published: `2026-11-2${n}T00:00:00.000Z` })), DAY1);
    await store.flush();
    await store.applyRetention({ retentionDays: 3650, maxItems: 2 }, DAY2);
    await store.flush();
    await store.close();
    const again = await open();
    expect((await allArticles(again)).map((a) => a.title).sort()).toEqual(['Artikel 2', 'Artikel 3']);
  });
});

describe('a store that cannot be used is refused and left untouched', () => {
  const cases: [string, string, string, RegExp][] = [
    ['truncated JSON', 'feedkurator.json', '{"schemaVersion":3,"sources":{', /is not valid JSON/],
    ['an empty file', 'feedkurator.json', '', /is empty/],
    ['a JSON array', 'feedkurator.json', '[1,2,3]', /not a feedkurator store/],
    ['a newer schema', 'feedkurator.json', JSON.stringify({ schemaVersion: 99, sources: {} }), /newer feedkurator \(schema version 99/],
    ['damaged sources', 'feedkurator.json', JSON.stringify({ schemaVersion: 3, sources: [] }), /"sources" is not an object/],
    ['a truncated segment', 'feedkurator.articles-2026-11-20.json', '{"schemaVersion":3,"day":"2026-11-20","articles":[{"id":"ab', /is not valid JSON/],
    [
      'a damaged article in a segment',
      'feedkurator.articles-2026-11-20.json',
      JSON.stringify({ schemaVersion: 3, day: '2026-11-20', articles: [{ id: 'x', key: 'k', title: 't', published: 'nope', firstSeen: 'f', contentHash: 'h', sources: [] }] }),
      /articles\[0\]\.published is not a date/,
    ],
    ['a truncated journal file', 'feedkurator.journal-000001.json', '{"schemaVersion":3,"seq":1,"articles":[', /is not valid JSON/],
    ['a journal file of another number', 'feedkurator.journal-000002.json', JSON.stringify({ schemaVersion: 3, seq: 1, articles: [], removed: {} }), /not a feedkurator journal/],
    ['damaged tombstones', 'feedkurator.retired.json', JSON.stringify({ schemaVersion: 3, retired: [] }), /"retired" is not an object/],
  ];
  for (const [what, name, content, message] of cases) {
    it(`${what}: StoreError naming the file, bytes unchanged, lock released`, async () => {
      await mkdir(data, { recursive: true });
      const target = join(data, name);
      await writeFile(target, content);
      const before = await sha(target);
      const error = await openJsonStore(file).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).code).toBe('FK_STORE');
      expect((error as StoreError).message).toContain(target);
      expect((error as StoreError).message).toMatch(message);
      expect((error as StoreError).message).not.toMatch(/\n/);
      expect(await sha(target)).toBe(before);
      expect(existsSync(`${file}.lock`)).toBe(false);
    });
  }

  it('names the backup when there is one', async () => {
    const store = await open(file, false, FOLD_ALL);
    await store.putSourceState(stateOf('a'));
    await store.flush();
    await store.putSourceState(stateOf('b'));
    await store.flush();
    await store.close();
    await writeFile(file, '{"oops"');
    await expect(openJsonStore(file)).rejects.toThrow(`the last good version is in ${file}.bak`);
  });

  it('a damaged topics file is derived data: recomputed, with a warning', async () => {
    await mkdir(data, { recursive: true });
    await writeFile(join(data, 'feedkurator.topics.json'), '{"fingerprint":');
    const warnings: string[] = [];
    const store = await openJsonStore(file, { onWarning: (m) => warnings.push(m) });
    opened.push(store);
    expect(warnings.join()).toMatch(/feedkurator\.topics\.json.*not valid JSON/);
  });

  it('a path that is a directory cannot be read', async () => {
    await mkdir(file, { recursive: true });
    await expect(openJsonStore(file)).rejects.toThrow(/cannot be read: it is a directory/);
  });
});

describe('read-only and locking', () => {
  it('read-only: no lock, no directory, no writes', async () => {
    const missing = await open(join(dir, 'nowhere', 'x.json'), true);
    expect(await missing.countArticles()).toBe(0);
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);

    const writer = await open();
    await merge(writer, 's', [makeItem()], DAY1);
    await writer.flush();
    const reader = await open(file, true);
    expect(reader.readOnly).toBe(true);
    expect(await reader.countArticles()).toBe(1);
    await expect(reader.flush()).rejects.toThrow(StoreError);
    await expect(merge(reader, 's', [item(5)])).rejects.toThrow(/read-only/);
    await reader.close();
    expect(existsSync(`${file}.lock`)).toBe(true); // still the writer's
  });

  it('refuses a second writer in the same process', async () => {
    await open();
    await expect(openJsonStore(file)).rejects.toBeInstanceOf(StoreLockedError);
  });

  it('refuses a second process, naming it and the lock file; takes over once it was killed', async () => {
    const child = startChild('hold-store.ts', [file]);
    try {
      const line = await child.waitForLine(/^holding \d+$/);
      const pid = Number(line.split(' ')[1]);
      const error = await openJsonStore(file).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreLockedError);
      expect((error as Error).message).toContain(`is in use by process ${pid}`);
      expect((error as Error).message).toContain(`lock file ${file}.lock`);
      expect((error as StoreLockedError).code).toBe('FK_STORE_LOCKED');
    } finally {
      child.proc.kill('SIGKILL');
      await child.exited;
    }
    expect(existsSync(`${file}.lock`)).toBe(true);
    const store = await open();
    await store.flush();
    await store.close();
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('lets a process that closes the store release it for the next one', async () => {
    const child = startChild('hold-store.ts', [file]);
    await child.waitForLine(/^holding/);
    child.proc.stdin!.end();
    expect(await child.exited).toBe(0);
    expect(existsSync(`${file}.lock`)).toBe(false);
    await open();
  });

  it('respects a fresh lock from another host and takes over one whose heartbeat stopped', async () => {
    await mkdir(data, { recursive: true });
    const foreign = { pid: 4242, host: `not-${hostname()}`, token: 'x', since: '2026-11-22T00:00:00.000Z' };
    await writeFile(`${file}.lock`, JSON.stringify(foreign));
    await expect(openJsonStore(file)).rejects.toThrow(`is in use by process 4242 on host not-${hostname()}`);
    const old = new Date(Date.now() - 10 * 60_000);
    await utimes(`${file}.lock`, old, old);
    const store = await open();
    expect(JSON.parse(await readFile(`${file}.lock`, 'utf8')).pid).toBe(process.pid);
    await store.close();
  });

  it('takes over a lock naming its own pid (a restarted container is PID 1 again)', async () => {
    await mkdir(data, { recursive: true });
    await writeFile(`${file}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), token: 'old', since: '2026-01-01T00:00:00.000Z' }));
    const store = await open();
    expect(JSON.parse(await readFile(`${file}.lock`, 'utf8')).token).not.toBe('old');
    await store.close();
  });
});

describe('the tombstones file', () => {
  it('is written in parts, as the same bytes as one JSON.stringify, and read back whole', async () => {
    // None, fewer than one part, and more than two parts (1,000 entries each); days out of order.
    for (const size of [0, 3, 2_345]) {
      const retired = new Map<string, string>();
      for (let i = 0; i < size; i++) retired.set(createHash('sha256').update(`${size}:${i}`).digest('hex').slice(0, 16), `2026-${String(1 + (i % 12)).padStart(2, '0')}-0${1 + (i % 9)}`);
      const store = await open();
      await store.importData({ retired });
      await store.flush();
      await store.close();
      const text = await readFile(join(data, 'feedkurator.retired.json'), 'utf8');
      const parsed = JSON.parse(text) as { schemaVersion: number; retired: Record<string, string> };
      expect(text, `${size} tombstones`).toBe(JSON.stringify({ schemaVersion: parsed.schemaVersion, retired: Object.fromEntries(retired) }));
      const again = await open();
      expect(await again.listRetired()).toEqual(retired);
      await again.close();
      await rm(data, { recursive: true, force: true });
    }
  });
});

import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openJsonStore } from '../../src/store/json/json-store.js';
import type { Store } from '../../src/store/store-api.js';
import type { StoredArticle } from '../../src/types.js';
import { allArticles } from './helpers/store-test-kit.js';

/** A real store, written by feedkurator 0.1.0 (single-file layout, schema 2) polling the demo feeds. */
const V2_STORE = fileURLToPath(new URL('../fixtures/store/v2-written-by-0.1.0.json', import.meta.url));

let dir: string;
let file: string;
const opened: Store[] = [];
const sha = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

async function open(readOnly = false): Promise<Store> {
  const store = await openJsonStore(file, { readOnly });
  opened.push(store);
  return store;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fk-migrate-'));
  file = join(dir, 'feedkurator.json');
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close().catch(() => {})));
  await rm(dir, { recursive: true, force: true });
});

describe('a single-file store of an older version is migrated on first start', () => {
  it('reads the real 0.1.0 store whole, writes the segmented layout on flush, keeps the old file as .bak', async () => {
    await copyFile(V2_STORE, file);
    const original = JSON.parse(await readFile(V2_STORE, 'utf8')) as { articles: StoredArticle[]; sources: object; lastCycle: object };
    const before = await sha(file);

    const store = await open();
    expect(store.openedSchemaVersion).toBe(2);
    expect(await sha(file)).toBe(before); // nothing written before the first flush
    expect(await allArticles(store)).toEqual([...original.articles].sort((a, b) => (a.id < b.id ? -1 : 1)));
    expect(Object.fromEntries(await store.getSourceStates())).toEqual(original.sources);
    expect(await store.getLastCycle()).toEqual(original.lastCycle);

    await store.flush();
    await store.close();
    expect(await sha(`${file}.bak`)).toBe(before);
    const manifest = JSON.parse(await readFile(file, 'utf8'));
    expect(manifest.schemaVersion).toBe(3);
    expect(manifest).not.toHaveProperty('articles');
    expect((await readdir(dir)).filter((n) => n.includes('.articles-'))).toEqual(['feedkurator.articles-2026-12-01.json']);

    const again = await open();
    expect(again.openedSchemaVersion).toBe(3);
    expect(await allArticles(again)).toEqual([...original.articles].sort((a, b) => (a.id < b.id ? -1 : 1)));
  });

  it('splits articles into segments by the day they were first seen', async () => {
    const doc = JSON.parse(await readFile(V2_STORE, 'utf8')) as { articles: StoredArticle[] };
    doc.articles.forEach((a, i) => {
      if (i % 2 === 0) a.firstSeen = '2026-11-28T08:00:00.000Z';
    });
    await writeFile(file, JSON.stringify(doc));
    const store = await open();
    await store.flush();
    expect((await readdir(dir)).filter((n) => n.includes('.articles-')).sort()).toEqual([
      'feedkurator.articles-2026-11-28.json',
      'feedkurator.articles-2026-12-01.json',
    ]);
  });

  it('a migration interrupted before its manifest landed is done again, and its leftovers go', async () => {
    await copyFile(V2_STORE, file);
    // What a crash after writing some segments but before the manifest leaves behind.
    await writeFile(join(dir, 'feedkurator.articles-2026-01-01.json'), JSON.stringify({ schemaVersion: 3, day: '2026-01-01', articles: [] }));
    // …and a journal file of the merges of that first cycle: never replayed over the migrated articles.
    const ghost = { id: 'ffffffffffffffff', key: 'url:ghost.example/x', title: 'Gespenst', summary: '', categories: [], enclosures: [], published: '2026-01-01T00:00:00.000Z', firstSeen: '2026-01-01T00:00:00.000Z', contentHash: 'x', sources: [{ name: 's', firstSeen: '2026-01-01T00:00:00.000Z' }], content: '<p>x</p>' };
    await writeFile(join(dir, 'feedkurator.journal-000001.json'), JSON.stringify({ schemaVersion: 3, seq: 1, articles: [ghost], removed: {} }));
    const store = await open();
    expect(store.openedSchemaVersion).toBe(2);
    expect(await store.countArticles()).toBe(12);
    await store.flush();
    expect((await readdir(dir)).filter((n) => n.includes('.articles-'))).toEqual(['feedkurator.articles-2026-12-01.json']);
    expect((await readdir(dir)).filter((n) => n.includes('.journal-'))).toEqual([]);
    await store.close();
    const again = await open();
    expect(await again.countArticles()).toBe(12);
  });

  it('read-only (export beside an old serve) reads it without writing anything', async () => {
    await copyFile(V2_STORE, file);
    const store = await open(true);
    expect(await store.countArticles()).toBe(12);
    expect((await readdir(dir)).sort()).toEqual(['feedkurator.json']);
  });

  it('reads a schema-1 store and caps its content as schema 2 did', async () => {
    const v1 = {
      articles: [
        {
          id: '18dee604e1f387ea',
          key: 'url:heise.de/news/Linux-6-12-ist-fertig-10012345.html',
          title: 'Linux 6.12 ist fertig',
          link: 'https://www.heise.de/news/Linux-6-12-ist-fertig-10012345.html',
          summary: 'Echtzeit im Mainline-Kernel.',
          content: `<p>${'x'.repeat(60_000)}</p>`,
          categories: [],
          enclosures: [],
          published: '2024-11-17T22:00:00.000Z',
          firstSeen: '2024-11-17T22:05:00.000Z',
          contentHash: 'abc',
          sources: [{ name: 'heise online', firstSeen: '2024-11-17T22:05:00.000Z' }],
        },
      ],
      sources: { 'heise online': { name: 'heise online', url: 'https://www.heise.de/rss/heise-atom.xml', consecutiveErrors: 0 } },
    };
    await mkdir(dir, { recursive: true });
    await writeFile(file, JSON.stringify(v1));
    const store = await open();
    expect(store.openedSchemaVersion).toBe(1);
    const [article] = await allArticles(store);
    expect(article!.content.length).toBe(40_001);
    expect(article!.content.endsWith('…')).toBe(true);
    expect((await store.getSourceStates()).get('heise online')!.url).toBe('https://www.heise.de/rss/heise-atom.xml');
  });
});

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mergeItems } from '../../src/dedupe/merge-items.js';
import { StoreError, StoreLockedError } from '../../src/errors.js';
import { CURRENT_SCHEMA_VERSION, openStore, type Store } from '../../src/store/store.js';
import { makeItem } from '../dedupe/make-item.js';
import { startChild } from './helpers/child.js';

let dir: string;
let file: string;
const opened: Store[] = [];

async function open(path = file, readOnly = false): Promise<Store> {
  const store = await openStore(path, { readOnly });
  opened.push(store);
  return store;
}

const sha = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fk-store-'));
  file = join(dir, 'data', 'feedkurator.json');
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close().catch(() => {})));
  await rm(dir, { recursive: true, force: true });
});

describe('openStore and write', () => {
  it('starts an empty store in a new directory and persists it on write', async () => {
    const store = await open();
    expect(store.data).toEqual({ schemaVersion: CURRENT_SCHEMA_VERSION, articles: [], sources: {}, retired: {} });
    expect(existsSync(file)).toBe(false);
    mergeItems(store.data, 'ip-insider', [makeItem()], new Date('2026-11-20T10:00:00Z'));
    await store.write();
    await store.close();

    const again = await open();
    expect(again.data.articles).toHaveLength(1);
    expect(again.data.articles[0]!.title).toBe(makeItem().title);
    expect(again.openedSchemaVersion).toBe(CURRENT_SCHEMA_VERSION);
  });

  it('really writes to disk under NODE_ENV=test (lowdb JSONFilePreset would stay in memory)', async () => {
    expect(process.env.NODE_ENV).toBe('test');
    const store = await open();
    await store.write();
    const before = await readFile(file, 'utf8');
    mergeItems(store.data, 'ip-insider', [makeItem()], new Date());
    await store.write();
    const after = await readFile(file, 'utf8');
    expect(after).not.toBe(before);
    expect(JSON.parse(after).articles[0].id).toBe(store.data.articles[0]!.id);
  });

  it('writes compact JSON', async () => {
    const store = await open();
    mergeItems(store.data, 's', [makeItem(), makeItem({ link: 'https://x.example/2', guid: '2' })], new Date());
    await store.write();
    const text = await readFile(file, 'utf8');
    expect(text).not.toMatch(/\n/);
    expect(text).toBe(JSON.stringify(JSON.parse(text)));
  });

  it('replaces the file atomically, leaves no temp file and keeps the previous version as .bak', async () => {
    const store = await open();
    // A temp file left behind by a crash does not disturb the next write.
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'data', '.feedkurator.json.tmp'), '{"half": ');
    store.data.sources['heise'] = { name: 'heise', url: 'https://www.heise.de/rss/heise-atom.xml', consecutiveErrors: 0 };
    await store.write();
    const first = await readFile(file, 'utf8');
    const firstInode = (await stat(file)).ino;
    mergeItems(store.data, 's', [makeItem()], new Date());
    await store.write();

    expect(await readFile(`${file}.bak`, 'utf8')).toBe(first);
    expect((await stat(file)).ino).not.toBe(firstInode); // renamed over, never rewritten in place
    expect((await readdir(join(dir, 'data'))).sort()).toEqual(['feedkurator.json', 'feedkurator.json.bak', 'feedkurator.json.lock']);
  });

  it('serializes concurrent writes; the last state wins', async () => {
    const store = await open();
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 5; i++) {
      mergeItems(store.data, 's', [makeItem({ link: `https://x.example/${i}`, guid: `${i}` })], new Date());
      writes.push(store.write());
    }
    await Promise.all(writes);
    expect(JSON.parse(await readFile(file, 'utf8')).articles).toHaveLength(5);
  });
});

describe('a store that cannot be used is refused and left untouched', () => {
  const cases: [string, string | (() => string), RegExp][] = [
    ['truncated JSON', '{"schemaVersion":2,"articles":[{"id":"ab', /is not valid JSON/],
    ['an empty file', '', /is empty/],
    ['a JSON array', '[1,2,3]', /not a feedkurator store/],
    ['a newer schema', JSON.stringify({ schemaVersion: 99, articles: [], sources: {}, retired: {} }), /newer feedkurator \(schema version 99/],
    ['articles that are not a list', JSON.stringify({ schemaVersion: 2, articles: {}, sources: {}, retired: {} }), /"articles" is not a list/],
    [
      'a damaged article',
      () => {
        const data = { schemaVersion: 2, articles: [] as unknown[], sources: {}, retired: {} };
        mergeItems(data as never, 's', [makeItem(), makeItem({ link: 'https://x.example/2', guid: '2' })], new Date());
        delete (data.articles[1] as { id?: string }).id;
        return JSON.stringify(data);
      },
      /articles\[1\]\.id is missing/,
    ],
  ];
  for (const [what, content, message] of cases) {
    it(`${what}: StoreError naming the file, bytes unchanged, lock released`, async () => {
      await mkdir(join(dir, 'data'), { recursive: true });
      await writeFile(file, typeof content === 'function' ? content() : content);
      const before = await sha(file);
      const error = await openStore(file).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).message).toContain(file);
      expect((error as StoreError).message).toMatch(message);
      expect((error as StoreError).message).not.toMatch(/\n/);
      expect(await sha(file)).toBe(before);
      expect(existsSync(`${file}.lock`)).toBe(false);
    });
  }

  it('names the backup when there is one', async () => {
    const store = await open();
    await store.write();
    await store.write();
    await store.close();
    await writeFile(file, '{"oops"');
    await expect(openStore(file)).rejects.toThrow(`the last good version is in ${file}.bak`);
  });

  it('a path that is a directory cannot be read', async () => {
    await mkdir(file, { recursive: true });
    await expect(openStore(file)).rejects.toThrow(/cannot be read: it is a directory/);
  });
});

describe('migrations', () => {
  it('reads a schema-1 store, migrates it in memory and writes it as current only on write', async () => {
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
    await mkdir(join(dir, 'data'), { recursive: true });
    await writeFile(file, JSON.stringify(v1));
    const before = await sha(file);

    const store = await open();
    expect(store.openedSchemaVersion).toBe(1);
    expect(store.data.schemaVersion).toBe(CURRENT_SCHEMA_VERSION);
    expect(store.data.retired).toEqual({});
    expect(store.data.articles[0]!.content.length).toBeLessThan(41_000);
    expect(store.data.sources['heise online']!.url).toBe('https://www.heise.de/rss/heise-atom.xml');
    expect(await sha(file)).toBe(before);

    await store.write();
    expect(JSON.parse(await readFile(file, 'utf8')).schemaVersion).toBe(CURRENT_SCHEMA_VERSION);
    expect(await sha(`${file}.bak`)).toBe(before);
  });
});

describe('read-only and locking', () => {
  it('read-only: no lock, no directory, no writes', async () => {
    const missing = await open(join(dir, 'nowhere', 'x.json'), true);
    expect(missing.data.articles).toEqual([]);
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);

    const writer = await open();
    await writer.write();
    const reader = await open(file, true);
    expect(reader.readOnly).toBe(true);
    await expect(reader.write()).rejects.toThrow(StoreError);
    await reader.close();
    expect(existsSync(`${file}.lock`)).toBe(true); // still the writer's
  });

  it('refuses a second writer in the same process', async () => {
    await open();
    await expect(openStore(file)).rejects.toBeInstanceOf(StoreLockedError);
  });

  it('refuses a second process, naming it and the lock file; takes over once it was killed', async () => {
    const child = startChild('hold-store.ts', [file]);
    try {
      const line = await child.waitForLine(/^holding \d+$/);
      const pid = Number(line.split(' ')[1]);
      const error = await openStore(file).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreLockedError);
      expect((error as Error).message).toContain(`is in use by process ${pid}`);
      expect((error as Error).message).toContain(`lock file ${file}.lock`);
      expect((error as StoreLockedError).code).toBe('FK_STORE_LOCKED');
    } finally {
      child.proc.kill('SIGKILL');
      await child.exited;
    }
    // The SIGKILLed holder could not remove its lock: it is stale now.
    expect(existsSync(`${file}.lock`)).toBe(true);
    const store = await open();
    await store.write();
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
    await mkdir(join(dir, 'data'), { recursive: true });
    const foreign = { pid: 4242, host: `not-${hostname()}`, token: 'x', since: '2026-11-22T00:00:00.000Z' };
    await writeFile(`${file}.lock`, JSON.stringify(foreign));
    await expect(openStore(file)).rejects.toThrow(`is in use by process 4242 on host not-${hostname()}`);
    const old = new Date(Date.now() - 10 * 60_000);
    await utimes(`${file}.lock`, old, old);
    const store = await open();
    expect(JSON.parse(await readFile(`${file}.lock`, 'utf8')).pid).toBe(process.pid);
    await store.close();
  });

  it('takes over a lock naming its own pid (a restarted container is PID 1 again)', async () => {
    await mkdir(join(dir, 'data'), { recursive: true });
    await writeFile(`${file}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), token: 'old', since: '2026-01-01T00:00:00.000Z' }));
    const store = await open();
    expect(JSON.parse(await readFile(`${file}.lock`, 'utf8')).token).not.toBe('old');
    await store.close();
  });
});

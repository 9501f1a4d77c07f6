import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Publication } from '../../src/publish/build-publication.js';
import { loadSnapshot, publicationConfigKey, saveSnapshot, snapshotPath } from '../../src/publish/publication-snapshot.js';
import { compressResource, createResource } from '../../src/publish/resource.js';
import { loadTestConfig } from '../fixtures/publish/german-linux-news.js';
import { makeTempDir } from '../helpers/cli.js';

const GENERATED = new Date('2026-11-30T10:00:00.000Z');

async function publication(text: string, extra: [string, string][] = []): Promise<Publication> {
  const feed = createResource({ contentType: 'application/rss+xml; charset=utf-8', text: `<rss>${text}</rss>`, changed: GENERATED, generatedAt: GENERATED });
  await compressResource(feed);
  const resources = new Map([['/feed.xml', feed]]);
  for (const [route, body] of extra) resources.set(route, createResource({ contentType: 'text/plain', text: body, changed: GENERATED, generatedAt: GENERATED }));
  return { generatedAt: GENERATED, resources, itemCount: 1, topics: [] as unknown as Publication['topics'] };
}

/** The body file's bytes as saveSnapshot lays them out: each resource's identity, gzip, br bodies in order. */
function bodyBytesOf(p: Publication): Buffer {
  const chunks: Buffer[] = [];
  for (const r of p.resources.values()) for (const c of ['identity', 'gzip', 'br'] as const) if (r.bodies[c]) chunks.push(r.bodies[c]);
  return Buffer.concat(chunks);
}

const sha256Prefix = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex').slice(0, 32);

type Index = { version: number; bodyFile: string; bodyBytes: number; resources: { path: string; bodies: Record<string, [number, number]> }[] };
const readIndex = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Index;
const writeIndex = (file: string, index: Index) => writeFileSync(file, JSON.stringify(index));

async function saved(name = 'store.publication.json'): Promise<{ dir: string; file: string; index: Index; p: Publication }> {
  const dir = makeTempDir();
  const file = path.join(dir, name);
  const p = await publication('Kernel 6.18');
  await saveSnapshot(file, p, 'k');
  expect(await loadSnapshot(file, 'k')).toBeDefined();
  return { dir, file, index: readIndex(file), p };
}

describe('snapshotPath', () => {
  it('lies beside the store, named after it without its .json', () => {
    expect(snapshotPath({ storePath: '/var/lib/fk/feedkurator.json' })).toBe('/var/lib/fk/feedkurator.publication.json');
    expect(snapshotPath({ storePath: '/var/lib/fk/store' })).toBe('/var/lib/fk/store.publication.json');
    expect(snapshotPath({ storePath: '/var/lib/fk/news.jsonl' })).toBe('/var/lib/fk/news.jsonl.publication.json');
  });
});

describe('publicationConfigKey', () => {
  const config = loadTestConfig();

  it('is 16 hex digits, the same for the same config', () => {
    expect(publicationConfigKey(config)).toMatch(/^[0-9a-f]{16}$/);
    expect(publicationConfigKey(loadTestConfig())).toBe(publicationConfigKey(config));
  });

  it('changes with what the publication shows, not with the schedule, fetch settings or port', () => {
    const key = publicationConfigKey(config);
    expect(publicationConfigKey({ ...config, feed: { ...config.feed, title: 'Andere News' } })).not.toBe(key);
    expect(publicationConfigKey({ ...config, topics: {} })).not.toBe(key);
    expect(publicationConfigKey({ ...config, server: { ...config.server, baseUrl: 'https://other.example/' } })).not.toBe(key);
    expect(publicationConfigKey({ ...config, timezone: 'America/New_York' })).not.toBe(key);
    expect(publicationConfigKey({ ...config, sources: [] })).not.toBe(key);
    expect(publicationConfigKey({ ...config, schedule: '*/5 * * * *' })).toBe(key);
    expect(publicationConfigKey({ ...config, server: { ...config.server, port: 9999 } })).toBe(key);
    expect(publicationConfigKey({ ...config, fetch: { ...config.fetch, timeoutSeconds: 99 } })).toBe(key);
  });
});

describe('saveSnapshot: the files it writes', () => {
  it('the body file is named <index name without .json>-<first 32 hex digits of its SHA-256>.bin; no backup, no temp file', async () => {
    const { dir, p } = await saved();
    await saveSnapshot(path.join(dir, 'store.publication.json'), p, 'k');
    const bin = `store.publication-${sha256Prefix(bodyBytesOf(p))}.bin`;
    expect(readdirSync(dir).sort()).toEqual([bin, 'store.publication.json']);
  });

  it('only the first ".json" at the end of the index name is cut for the prefix', async () => {
    const { dir, p } = await saved('feed.json.publication.json');
    expect(readdirSync(dir).sort()).toEqual([`feed.json.publication-${sha256Prefix(bodyBytesOf(p))}.bin`, 'feed.json.publication.json']);
  });

  it('leaves files that only share the prefix alone', async () => {
    const { dir, file } = await saved();
    writeFileSync(path.join(dir, 'store.publication-notes.txt'), 'mine');
    await saveSnapshot(file, await publication('Kernel 6.19'), 'k');
    expect(readFileSync(path.join(dir, 'store.publication-notes.txt'), 'utf8')).toBe('mine');
  });

  it('fails and leaves no temp file when the body file cannot be put in place', async () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'store.publication.json');
    const p = await publication('Kernel 6.18');
    const bin = `store.publication-${sha256Prefix(bodyBytesOf(p))}.bin`;
    mkdirSync(path.join(dir, bin, 'in-the-way'), { recursive: true }); // a non-empty directory where the file goes
    await expect(saveSnapshot(file, p, 'k')).rejects.toThrow();
    expect(readdirSync(dir)).toEqual([bin]);
  });

  it('closes every file it opened', async () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'store.publication.json');
    // The descriptors of this process that point into the snapshot's directory (others may come and go).
    const openHere = () => readdirSync('/proc/self/fd').flatMap((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`).startsWith(dir) ? [fd] : [];
      } catch {
        return []; // closed while listing
      }
    });
    for (let i = 0; i < 3; i++) await saveSnapshot(file, await publication(`Kernel 6.${i}`), 'k');
    expect(await loadSnapshot(file, 'k')).toBeDefined();
    expect(openHere()).toEqual([]);
  });
});

describe('loadSnapshot: an index that does not match its body file is no snapshot', () => {
  it('another version', async () => {
    const { file, index } = await saved();
    writeIndex(file, { ...index, version: 3 });
    expect(await loadSnapshot(file, 'k')).toBeUndefined();
  });

  it('a body file of another name, even with the right bytes', async () => {
    const { dir, file, index } = await saved();
    const bytes = readFileSync(path.join(dir, index.bodyFile));
    writeFileSync(path.join(dir, 'other.bin'), bytes);
    writeIndex(file, { ...index, bodyFile: 'other.bin' });
    expect(await loadSnapshot(file, 'k')).toBeUndefined();
    // A path, even one that leads back to the right file.
    mkdirSync(path.join(dir, 'store.publication-x'));
    writeIndex(file, { ...index, bodyFile: `store.publication-x/../${index.bodyFile}` });
    expect(await loadSnapshot(file, 'k')).toBeUndefined();
    writeIndex(file, index);
    expect(await loadSnapshot(file, 'k')).toBeDefined();
  });

  it('a size that is not the file\'s', async () => {
    const { file, index } = await saved();
    writeIndex(file, { ...index, bodyBytes: index.bodyBytes + 1 });
    expect(await loadSnapshot(file, 'k')).toBeUndefined();
  });

  it('a body outside the file, or of negative length', async () => {
    const { file, index } = await saved();
    const withSpan = (at: number, length: number): Index => ({
      ...index,
      resources: index.resources.map((r) => ({ ...r, bodies: { ...r.bodies, identity: [at, length] as [number, number] } })),
    });
    for (const [at, length] of [[-1, 5], [0, -1], [index.bodyBytes - 2, 5], [index.bodyBytes, 1]] as const) {
      writeIndex(file, withSpan(at, length));
      expect(await loadSnapshot(file, 'k'), `[${at}, ${length}]`).toBeUndefined();
    }
    writeIndex(file, withSpan(index.bodyBytes - 2, 2));
    expect((await loadSnapshot(file, 'k'))!.resources.get('/feed.xml')!.bodies.identity).toHaveLength(2);
  });

  it('a resource without its identity body', async () => {
    const { file, index } = await saved();
    writeIndex(file, { ...index, resources: index.resources.map((r) => ({ ...r, bodies: { gzip: r.bodies.gzip!, br: r.bodies.br! } })) });
    expect(await loadSnapshot(file, 'k')).toBeUndefined();
  });
});

describe('loadSnapshot: an empty body', () => {
  it('is a body like any other', async () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'store.publication.json');
    await saveSnapshot(file, await publication('x', [['/empty.txt', '']]), 'k');
    const loaded = await loadSnapshot(file, 'k');
    expect(loaded!.resources.get('/empty.txt')!.bodies.identity).toHaveLength(0);
  });
});


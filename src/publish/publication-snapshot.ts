/**
 * The last publication on disk, beside the store, so that a restarted
 * daemon answers from its first millisecond with what it served before,
 * while the store loads. It is a cache: a missing, stale or damaged snapshot
 * only means the first answer waits for the store.
 *
 * Two files, because start-up reads them before anything else: a small JSON
 * index (`<store>.publication.json`: validators, headers, where each body is)
 * and the bodies as raw bytes in every encoding (`<store>.publication-<hash>.bin`,
 * named by its SHA-256). Version 1 kept the bodies as JSON strings in the index:
 * 2.5 MB of JSON to parse at 20,000 articles (~0.1 s of CPU at start), and the
 * compressed bodies had to be made again after every start.
 *
 * Write order: the body file (temp, fsync, rename), then the index, then the
 * body files no index names any more are removed. A crash at any point leaves
 * an index whose body file exists and matches its name, or no usable snapshot.
 */
import { createHash } from 'node:crypto';
import { open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { Config } from '../config/schema.js';
import { DurableJsonFile } from '../store/durable-json-file.js';
import type { Publication } from './build-publication.js';
import { bodyParts, type Bodies, type ContentCoding, type Resource } from './resource.js';
import { TimeSlice } from '../schedule/take-turn.js';
import { besideStore } from '../store/beside-store.js';

const SNAPSHOT_VERSION = 2;
/** Hashing between two turns of the event loop at most (SHA-256 runs ~2 GB/s here: a body or two). */
const SLICE_MS = 2;
const CODINGS: readonly ContentCoding[] = ['identity', 'gzip', 'br'];

/** Where a body lies in the body file: [offset, length]. */
type Span = [number, number];

interface SnapshotIndex {
  version: number;
  /** The config the publication was built with: a start with another config serves it only until its own publication is built (serve.ts). */
  configKey: string;
  generatedAt: string;
  itemCount: number;
  topics: Publication['topics'];
  /** File name of the bodies, in the same directory; its name carries its SHA-256 (hex, first 32). */
  bodyFile: string;
  bodyBytes: number;
  /** CRC-32 of the body file: checked at every start (a SHA-256 would cost ~10 ms of it). */
  bodyCrc32: number;
  resources: {
    path: string;
    contentType: string;
    etags: Resource['etags'];
    lastModified: string;
    headers: Record<string, string>;
    bodies: Partial<Record<ContentCoding, Span>>;
  }[];
}

export function snapshotPath(config: Pick<Config, 'storePath'>): string {
  return besideStore(config.storePath, '.publication.json');
}

/** `feedkurator.publication.json` → `feedkurator.publication-`: the prefix of its body files. */
function bodyFilePrefix(indexPath: string): string {
  return `${basename(indexPath).replace(/\.json$/, '')}-`;
}

/** What a publication depends on besides the store: the whole config but its sources' fetch settings and the schedule. */
export function publicationConfigKey(config: Config): string {
  const relevant = { feed: config.feed, topics: config.topics, server: config.server.baseUrl, timezone: config.timezone, sources: config.sources };
  return createHash('sha256').update(JSON.stringify(relevant)).digest('hex').slice(0, 16);
}

/**
 * Write the snapshot. The bodies (megabytes) are never joined into one buffer:
 * they are hashed, checked and written piece by piece, with the event loop
 * free every SLICE_MS (a joined copy and WebCrypto's digest of it held this
 * thread 10-35 ms per rebuild, measured in BENCHMARKS.md, latency session 7).
 */
export async function saveSnapshot(path: string, publication: Publication, configKey: string): Promise<void> {
  const chunks: Buffer[] = [];
  let offset = 0;
  const resources: SnapshotIndex['resources'] = [];
  const hash = createHash('sha256');
  let crc = 0;
  const slice = new TimeSlice(SLICE_MS);
  for (const [route, r] of publication.resources) {
    const spans: Partial<Record<ContentCoding, Span>> = {};
    for (const coding of CODINGS) {
      // The plain body as the parts it is kept in (resource.ts bodyParts): written one after the other, one span.
      const parts = coding === 'identity' ? bodyParts(r.bodies) : r.bodies[coding] ? [r.bodies[coding]] : [];
      if (parts.length === 0) continue;
      const start = offset;
      for (const body of parts) {
        chunks.push(body);
        offset += body.length;
        hash.update(body);
        crc = crc32(body, crc);
      }
      spans[coding] = [start, offset - start];
      if (slice.due) await slice.turn();
    }
    resources.push({ path: route, contentType: r.contentType, etags: r.etags, lastModified: r.lastModified.toISOString(), headers: { ...r.headers }, bodies: spans });
  }
  const bodyFile = `${bodyFilePrefix(path)}${hash.digest('hex').slice(0, 32)}.bin`;
  const dir = dirname(path);
  await writeFileDurably(join(dir, bodyFile), chunks);
  const index: SnapshotIndex = {
    version: SNAPSHOT_VERSION,
    configKey,
    generatedAt: publication.generatedAt.toISOString(),
    itemCount: publication.itemCount,
    topics: publication.topics,
    bodyFile,
    bodyBytes: offset,
    bodyCrc32: crc,
    resources,
  };
  await new DurableJsonFile<SnapshotIndex>(path, { keepBackup: false }).write(index);
  await removeStaleBodyFiles(dir, bodyFilePrefix(path), bodyFile);
}

/** The saved publication, or undefined when there is none usable for this config. */
export async function loadSnapshot(path: string, configKey: string): Promise<Publication | undefined> {
  const found = await loadAnySnapshot(path);
  return found?.configKey === configKey ? found.publication : undefined;
}

/**
 * The snapshot whatever config it was built with, and that config's key. A start after a config edit
 * serves it while the publication for the edited config is built, as a running daemon serves its
 * previous publication during a rebuild after an edit; it never builds on it.
 */
export async function loadAnySnapshot(path: string): Promise<{ publication: Publication; configKey: string } | undefined> {
  try {
    const index = await new DurableJsonFile<SnapshotIndex>(path).read();
    if (!index || index.version !== SNAPSHOT_VERSION || typeof index.configKey !== 'string' || !Array.isArray(index.resources)) return undefined;
    if (typeof index.bodyFile !== 'string' || !index.bodyFile.startsWith(bodyFilePrefix(path)) || basename(index.bodyFile) !== index.bodyFile) return undefined;
    const bytes = await readFile(join(dirname(path), index.bodyFile));
    if (bytes.length !== index.bodyBytes || crc32(bytes) !== index.bodyCrc32) return undefined;
    const resources = new Map<string, Resource>();
    for (const r of index.resources) {
      const bodies: Partial<Bodies> = {};
      for (const coding of CODINGS) {
        const span = r.bodies[coding];
        if (!span) continue;
        const [at, length] = span;
        if (!(at >= 0 && length >= 0 && at + length <= bytes.length)) return undefined;
        // A copy: a view would keep the whole body file alive while any one route (say, the OPML) is unchanged.
        bodies[coding] = Buffer.from(bytes.subarray(at, at + length));
      }
      if (!bodies.identity) return undefined;
      resources.set(r.path, { contentType: r.contentType, bodies: bodies as Bodies, etags: r.etags, lastModified: new Date(r.lastModified), headers: r.headers });
    }
    return { publication: { generatedAt: new Date(index.generatedAt), resources, itemCount: index.itemCount, topics: index.topics }, configKey: index.configKey };
  } catch {
    return undefined; // missing or damaged: it is only a cache
  }
}

/** Temp file, fsync, rename: the file is there whole or not at all. A file of this name already holds these bytes. */
async function writeFileDurably(path: string, chunks: readonly Buffer[]): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.tmp`);
  try {
    const handle = await open(temp, 'w', 0o644);
    try {
      for (const chunk of chunks) await handle.writeFile(chunk); // each from where the last ended
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => {}); // a full disk: give the space back
    throw err;
  }
}

async function removeStaleBodyFiles(dir: string, prefix: string, keep: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (name !== keep && name.startsWith(prefix) && name.endsWith('.bin')) await unlink(join(dir, name)).catch(() => {});
  }
}

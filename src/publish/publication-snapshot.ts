/**
 * The last publication on disk, beside the store, so that a restarted
 * daemon answers from its first millisecond with what it served before,
 * while the store loads. It is a cache: a missing, stale or damaged snapshot
 * only means the first answer waits for the store.
 */
import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { Config } from '../config/schema.js';
import { DurableJsonFile } from '../store/durable-json-file.js';
import type { Publication } from './build-publication.js';
import type { Resource } from './resource.js';

const SNAPSHOT_VERSION = 1;

interface SnapshotDoc {
  version: number;
  /** The config the publication was built with: another config must not be served from it. */
  configKey: string;
  generatedAt: string;
  itemCount: number;
  topics: Publication['topics'];
  resources: { path: string; contentType: string; body: string; etags: Resource['etags']; lastModified: string; headers: Record<string, string> }[];
}

export function snapshotPath(config: Pick<Config, 'storePath'>): string {
  const name = basename(config.storePath).replace(/\.json$/, '');
  return join(dirname(config.storePath), `${name}.publication.json`);
}

/** What a publication depends on besides the store: the whole config but its sources' fetch settings and the schedule. */
export function publicationConfigKey(config: Config): string {
  const relevant = { feed: config.feed, topics: config.topics, server: config.server.baseUrl, timezone: config.timezone, sources: config.sources };
  return createHash('sha256').update(JSON.stringify(relevant)).digest('hex').slice(0, 16);
}

export async function saveSnapshot(path: string, publication: Publication, configKey: string): Promise<void> {
  const doc: SnapshotDoc = {
    version: SNAPSHOT_VERSION,
    configKey,
    generatedAt: publication.generatedAt.toISOString(),
    itemCount: publication.itemCount,
    topics: publication.topics,
    resources: [...publication.resources].map(([route, r]) => ({
      path: route,
      contentType: r.contentType,
      body: r.bodies.identity.toString('utf8'),
      etags: r.etags,
      lastModified: r.lastModified.toISOString(),
      headers: { ...r.headers },
    })),
  };
  await new DurableJsonFile<SnapshotDoc>(path, { keepBackup: false }).write(doc);
}

/** The saved publication (identity bodies only), or undefined when there is none usable for this config. */
export async function loadSnapshot(path: string, configKey: string): Promise<Publication | undefined> {
  let doc: SnapshotDoc | null;
  try {
    doc = await new DurableJsonFile<SnapshotDoc>(path).read();
  } catch {
    return undefined; // damaged: it is only a cache
  }
  if (!doc || doc.version !== SNAPSHOT_VERSION || doc.configKey !== configKey || !Array.isArray(doc.resources)) return undefined;
  const resources = new Map<string, Resource>();
  for (const r of doc.resources) {
    resources.set(r.path, {
      contentType: r.contentType,
      bodies: { identity: Buffer.from(r.body, 'utf8') },
      etags: r.etags,
      lastModified: new Date(r.lastModified),
      headers: r.headers,
    });
  }
  return { generatedAt: new Date(doc.generatedAt), resources, itemCount: doc.itemCount, topics: doc.topics };
}

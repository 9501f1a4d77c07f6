/**
 * The embedded default store: lowdb JSON files (json-layout.ts) with the
 * heads of all articles in memory and their HTML on disk, segment by
 * segment. This folder is the only user of lowdb.
 *
 * Changes collect in memory and reach the disk at flush(), each changed file
 * replaced atomically (durable-json-file.ts), in an order that keeps every
 * crash consistent: tombstones, then segments, then classifications, then
 * the manifest with the sources' fetch state. A crash before the manifest
 * lands re-fetches those sources; merging is idempotent.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Low } from 'lowdb';
import { KeyIndex } from '../../dedupe/article-keys.js';
import { dayOf, pruneTombstones, selectExpired } from '../../dedupe/retention.js';
import { StoreError } from '../../errors.js';
import type { ArticleHead, CycleRecord, SourceState, StoredArticle } from '../../types.js';
import { DurableJsonFile } from '../durable-json-file.js';
import type { ClaimRequest, MergeRequest, RetentionLimits, Store, WriteStats } from '../store-api.js';
import { acquireStoreLock, type StoreLock } from '../store-lock.js';
import { describeLayout, SCHEMA_VERSION, segmentDayOf, type JsonLayout } from './json-layout.js';
import { describeFsError, readManifest, readRetired, readSegment, readTopics, type ManifestDoc } from './read-json-store.js';
import { SegmentCache } from './segment-cache.js';

export interface OpenJsonStoreOptions {
  /** No lock, no writes: for `export` and `preview` beside a running `serve`. */
  readOnly?: boolean;
  /** Problems that do not stop the store (a directory that cannot be fsynced, damaged derived data). */
  onWarning?: (message: string, err?: unknown) => void;
}

export async function openJsonStore(path: string, options: OpenJsonStoreOptions = {}): Promise<Store> {
  const file = resolve(path);
  const layout = describeLayout(file);
  let lock: StoreLock | undefined;
  if (!options.readOnly) {
    await mkdir(layout.dir, { recursive: true }).catch((err: unknown) => {
      throw new StoreError(file, `cannot create its directory: ${describeFsError(err)}`, { cause: err });
    });
    lock = await acquireStoreLock(file, options.onWarning);
  }
  try {
    const store = new JsonStore(layout, lock, options.onWarning ?? (() => {}));
    await store.load();
    return store;
  } catch (err) {
    await lock?.release().catch(() => {});
    throw err;
  }
}

class JsonStore implements Store {
  readonly kind = 'json' as const;
  readonly location: string;
  readonly readOnly: boolean;
  openedSchemaVersion: number | null = null;

  readonly #layout: JsonLayout;
  readonly #lock: StoreLock | undefined;
  readonly #warn: (message: string, err?: unknown) => void;
  readonly #heads = new Map<string, ArticleHead>();
  readonly #keys = new KeyIndex();
  readonly #segments: SegmentCache;
  #retired = new Map<string, string>();
  #sources = new Map<string, SourceState>();
  #lastCycle: CycleRecord | undefined;
  #topics: { fingerprint: string; byId: Map<string, string[]> } = { fingerprint: '', byId: new Map() };
  #dirty = { manifest: false, retired: false, topics: false };
  /** Set by a migration from the single-file layout: segment files not written by it are leftovers of a crashed attempt. */
  #migrated = false;
  #lastPruneDay = '';
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;
  readonly #files = new Map<string, Low<unknown>>();

  constructor(layout: JsonLayout, lock: StoreLock | undefined, warn: (message: string, err?: unknown) => void) {
    this.#layout = layout;
    this.#lock = lock;
    this.#warn = warn;
    this.location = layout.manifest;
    this.readOnly = lock === undefined;
    this.#segments = new SegmentCache((day) => readSegment(layout, day));
  }

  async load(): Promise<void> {
    const opened = await readManifest(this.#layout);
    if (opened.kind === 'legacy') {
      this.openedSchemaVersion = opened.version;
      this.#loadManifest(opened.manifest);
      this.#retired = new Map(Object.entries(opened.retired));
      for (const article of opened.articles) this.#putArticle(article);
      this.#dirty = { manifest: true, retired: true, topics: false };
      this.#migrated = true;
      return;
    }
    if (opened.kind === 'current') {
      this.openedSchemaVersion = SCHEMA_VERSION;
      this.#loadManifest(opened.doc);
    }
    this.#retired = await readRetired(this.#layout);
    const topics = await readTopics(this.#layout);
    if (topics && 'problem' in topics) this.#warn(topics.problem);
    else if (topics) this.#topics = { fingerprint: topics.fingerprint, byId: topics.topics };
    // One segment at a time: only its heads stay in memory.
    for (const day of (await this.#layout.listSegmentDays()).sort()) {
      for (const article of await readSegment(this.#layout, day)) this.#addHead(article);
    }
  }

  #loadManifest(doc: ManifestDoc): void {
    this.#sources = new Map(Object.entries(doc.sources));
    this.#lastCycle = doc.lastCycle;
  }

  #addHead(article: StoredArticle): ArticleHead {
    const { content: _content, ...head } = article;
    this.#heads.set(head.id, head);
    this.#keys.add(head);
    return head;
  }

  /** An article whose content is in hand (migration, import): head in memory, content in its dirty segment. */
  #putArticle(article: StoredArticle): void {
    this.#addHead(article);
    this.#segments.putNew(segmentDayOf(article.firstSeen), article);
  }

  /** One change at a time: a merge's lookup, plan and apply see no other change in between. */
  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work);
    this.#queue = next.catch(() => {});
    return next;
  }

  async countArticles(): Promise<number> {
    return this.#heads.size;
  }

  async listHeads(): Promise<ArticleHead[]> {
    return [...this.#heads.values()];
  }

  async getArticles(ids: readonly string[]): Promise<StoredArticle[]> {
    const byDay = new Map<string, string[]>();
    for (const id of ids) {
      const head = this.#heads.get(id);
      if (!head) continue;
      const day = segmentDayOf(head.firstSeen);
      const list = byDay.get(day);
      if (list) list.push(id);
      else byDay.set(day, [id]);
    }
    const found = new Map<string, StoredArticle>();
    for (const [day, dayIds] of byDay) {
      const segment = await this.#segments.read(day);
      for (const id of dayIds) {
        const article = segment.get(id);
        if (article) found.set(id, article);
      }
    }
    return ids.flatMap((id) => {
      const article = found.get(id);
      return article ? [article] : [];
    });
  }

  async *streamArticles(batchSize = 500): AsyncIterable<StoredArticle[]> {
    const days = new Set<string>();
    for (const head of this.#heads.values()) days.add(segmentDayOf(head.firstSeen));
    for (const day of [...days].sort().reverse()) {
      const segment = await this.#segments.read(day);
      const live = [...segment.values()].filter((a) => this.#heads.has(a.id));
      for (let i = 0; i < live.length; i += batchSize) yield live.slice(i, i + batchSize);
    }
  }

  mergeSource<T>(request: MergeRequest<T>): Promise<T> {
    return this.#exclusive(async () => {
      this.#assertWritable();
      const byKey = new Map<string, ArticleHead>();
      for (const key of request.keys) {
        const id = this.#keys.get(key);
        const head = id === undefined ? undefined : this.#heads.get(id);
        if (head) byKey.set(key, head);
      }
      const byId = new Map<string, ArticleHead>();
      const retired = new Set<string>();
      for (const id of request.ids) {
        const head = this.#heads.get(id);
        if (head) byId.set(id, head);
        if (this.#retired.has(id)) retired.add(id);
      }
      const { merge, result } = request.plan({ byKey, byId, retired });
      for (const write of merge.writes) {
        const day = segmentDayOf(write.head.firstSeen);
        const segment = await this.#segments.edit(day);
        const content = write.content ?? segment.get(write.head.id)?.content ?? '';
        segment.set(write.head.id, { ...write.head, content });
        this.#heads.set(write.head.id, write.head);
        this.#keys.add(write.head);
      }
      for (const id of merge.retiredSeen) {
        if (this.#retired.get(id) !== merge.day) {
          this.#retired.set(id, merge.day);
          this.#dirty.retired = true;
        }
      }
      this.#sources.set(request.state.name, request.state);
      this.#dirty.manifest = true;
      return result;
    });
  }

  applyRetention(limits: RetentionLimits, now: Date): Promise<{ dropped: number }> {
    return this.#exclusive(async () => {
      this.#assertWritable();
      const dropped = selectExpired(this.#heads.values(), limits, now);
      const today = dayOf(now);
      if (dropped.length > 0) {
        const perDay = new Map<string, number>();
        for (const head of this.#heads.values()) {
          const day = segmentDayOf(head.firstSeen);
          perDay.set(day, (perDay.get(day) ?? 0) + 1);
        }
        const droppedPerDay = new Map<string, string[]>();
        for (const id of dropped) {
          const head = this.#heads.get(id)!;
          const day = segmentDayOf(head.firstSeen);
          droppedPerDay.set(day, [...(droppedPerDay.get(day) ?? []), id]);
          this.#heads.delete(id);
          this.#keys.remove(head);
          this.#retired.set(id, today);
        }
        for (const [day, ids] of droppedPerDay) {
          if (ids.length === perDay.get(day)) this.#segments.drop(day);
          else {
            const segment = await this.#segments.edit(day);
            for (const id of ids) segment.delete(id);
          }
        }
        this.#dirty.retired = true;
      }
      if (dropped.length > 0 || this.#lastPruneDay !== today) {
        const kept = pruneTombstones(this.#retired, (id) => this.#heads.has(id), limits, now);
        if (kept.size !== this.#retired.size) this.#dirty.retired = true;
        this.#retired = kept;
        this.#lastPruneDay = today;
      }
      return { dropped: dropped.length };
    });
  }

  async getSourceStates(): Promise<Map<string, SourceState>> {
    return new Map(this.#sources);
  }

  async putSourceState(state: SourceState): Promise<void> {
    this.#assertWritable();
    this.#sources.set(state.name, state);
    this.#dirty.manifest = true;
  }

  async claimSources(request: ClaimRequest): Promise<string[]> {
    return [...request.names];
  }

  async getClassifications(fingerprint: string): Promise<Map<string, string[]>> {
    return fingerprint === this.#topics.fingerprint ? new Map(this.#topics.byId) : new Map();
  }

  async putClassifications(fingerprint: string, topics: ReadonlyMap<string, readonly string[]>): Promise<void> {
    if (this.readOnly) return; // derived data: a read-only reader simply does not keep it
    if (fingerprint !== this.#topics.fingerprint) this.#topics = { fingerprint, byId: new Map() };
    for (const [id, list] of topics) this.#topics.byId.set(id, [...list]);
    if (topics.size > 0) this.#dirty.topics = true;
  }

  async getLastCycle(): Promise<CycleRecord | undefined> {
    return this.#lastCycle;
  }

  async putLastCycle(record: CycleRecord): Promise<void> {
    this.#assertWritable();
    this.#lastCycle = record;
    this.#dirty.manifest = true;
  }

  async listRetired(): Promise<Map<string, string>> {
    return new Map(this.#retired);
  }

  importData(data: { articles?: readonly StoredArticle[]; sources?: readonly SourceState[]; retired?: ReadonlyMap<string, string> }): Promise<void> {
    return this.#exclusive(async () => {
      this.#assertWritable();
      for (const article of data.articles ?? []) {
        const segment = await this.#segments.edit(segmentDayOf(article.firstSeen));
        segment.set(article.id, article);
        this.#addHead(article);
      }
      for (const state of data.sources ?? []) this.#sources.set(state.name, state);
      for (const [id, day] of data.retired ?? []) this.#retired.set(id, day);
      this.#dirty = { manifest: true, retired: true, topics: this.#dirty.topics };
    });
  }

  flush(): Promise<WriteStats> {
    return this.#exclusive(async () => {
      this.#assertWritable();
      const stats: WriteStats = { bytes: 0, files: 0 };
      if (this.#dirty.retired) {
        await this.#write(this.#layout.retired, { schemaVersion: SCHEMA_VERSION, retired: Object.fromEntries(this.#retired) }, stats);
        this.#dirty.retired = false;
      }
      for (const day of this.#segments.dirtyDays()) {
        const articles = this.#segments.dirtyArticles(day);
        if (articles.length === 0) await this.#remove(this.#layout.segment(day));
        else await this.#write(this.#layout.segment(day), { schemaVersion: SCHEMA_VERSION, day, articles }, stats);
        this.#segments.markClean(day);
      }
      if (this.#dirty.topics) {
        const byId: Record<string, string[]> = {};
        for (const [id, list] of this.#topics.byId) if (this.#heads.has(id)) byId[id] = list;
        await this.#write(this.#layout.topics, { schemaVersion: SCHEMA_VERSION, fingerprint: this.#topics.fingerprint, topics: byId }, stats);
        this.#dirty.topics = false;
      }
      if (this.#dirty.manifest) {
        const doc: ManifestDoc = { schemaVersion: SCHEMA_VERSION, sources: Object.fromEntries(this.#sources), ...(this.#lastCycle ? { lastCycle: this.#lastCycle } : {}) };
        await this.#write(this.#layout.manifest, doc, stats);
        this.#dirty.manifest = false;
      }
      if (this.#migrated) {
        await this.#removeLeftoverSegments();
        this.#migrated = false;
      }
      return stats;
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue;
    await this.#lock?.release();
  }

  async #removeLeftoverSegments(): Promise<void> {
    const live = new Set<string>();
    for (const head of this.#heads.values()) live.add(segmentDayOf(head.firstSeen));
    for (const day of await this.#layout.listSegmentDays()) if (!live.has(day)) await this.#remove(this.#layout.segment(day));
  }

  async #write(file: string, data: unknown, stats: WriteStats): Promise<void> {
    let db = this.#files.get(file);
    if (!db) {
      db = new Low<unknown>(new DurableJsonFile<unknown>(file, { onWarning: this.#warn }), null);
      this.#files.set(file, db);
    }
    db.data = data;
    try {
      await db.write();
    } catch (err) {
      throw new StoreError(file, `cannot be written: ${describeFsError(err)}; the store is as it was before this write`, { cause: err });
    } finally {
      db.data = null; // the caller's data is not kept twice
    }
    stats.bytes += (db.adapter as DurableJsonFile<unknown>).lastWriteBytes;
    stats.files++;
  }

  async #remove(file: string): Promise<void> {
    try {
      await new DurableJsonFile<unknown>(file, { onWarning: this.#warn }).remove();
    } catch (err) {
      throw new StoreError(file, `cannot be removed: ${describeFsError(err)}`, { cause: err });
    }
  }

  #assertWritable(): void {
    if (this.readOnly) throw new StoreError(this.location, 'was opened read-only and cannot be written');
    if (this.#closed) throw new StoreError(this.location, 'is closed and cannot be written');
  }
}

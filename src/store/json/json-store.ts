/**
 * The embedded default store: lowdb JSON files (json-layout.ts) with the
 * heads of all articles in memory and their HTML on disk, segment by
 * segment. This folder is the only user of lowdb.
 *
 * Changes collect in memory and reach the disk at flush(), each file
 * replaced atomically (durable-json-file.ts), in an order that keeps every
 * crash consistent: tombstones, then the journal file of this flush
 * (journal.ts: changed articles, removals, topics and the fetch state of the
 * sources polled, in one atomic write), then segments rewritten whole
 * (migration, import, retention of a whole day), then a compaction step
 * when the journal has grown (folded segments, manifest and
 * topics file, then one journal file replacing the others), then a topics file of a new rules
 * fingerprint. Merging is idempotent: a crash before a journal file lands
 * re-fetches those sources.
 */
import { mkdir, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Low } from 'lowdb';
import { KeyIndex } from '../../dedupe/article-keys.js';
import { dayOf, pruneTombstones, selectExpired } from '../../dedupe/retention.js';
import { StoreError } from '../../errors.js';
import type { ArticleHead, CycleRecord, SourceState, StoredArticle } from '../../types.js';
import { DurableJsonFile, removeFiles } from '../durable-json-file.js';
import type { ClaimRequest, MergeRequest, RetentionLimits, Store, WriteStats } from '../store-api.js';
import { acquireStoreLock, type StoreLock } from '../store-lock.js';
import { describeLayout, SCHEMA_VERSION, segmentDayOf, type JsonLayout } from './json-layout.js';
import { Journal, type JournalDoc } from './journal.js';
import { describeFsError, readJournal, readManifest, readRetired, readSegment, readTopics, type ManifestDoc, type TopicsDoc } from './read-json-store.js';
import { SegmentCache } from './segment-cache.js';
import { SharedStrings } from './shared-strings.js';

export interface OpenJsonStoreOptions {
  /** No lock, no writes: for `export` and `preview` beside a running `serve`. */
  readOnly?: boolean;
  /** Problems that do not stop the store (a directory that cannot be fsynced, damaged derived data). */
  onWarning?: (message: string, err?: unknown) => void;
  /** When a flush runs a compaction step, and how big it is (tests make it run often). */
  compaction?: Partial<CompactionPolicy>;
}

export interface CompactionPolicy {
  /** A step runs once the journal files hold more than this many bytes… */
  maxJournalBytes: number;
  /** …or are more than this many (a day of polls every 15 minutes). */
  maxJournalFiles: number;
  /** Days folded into their segments per step, those with the most changes first. */
  daysPerStep: number;
}

const DEFAULT_COMPACTION: CompactionPolicy = { maxJournalBytes: 4_000_000, maxJournalFiles: 96, daysPerStep: 3 };

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
    const store = new JsonStore(layout, lock, options.onWarning ?? (() => {}), { ...DEFAULT_COMPACTION, ...options.compaction });
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
  readonly #strings = new SharedStrings();
  readonly #segments: SegmentCache;
  #retired = new Map<string, string>();
  #sources = new Map<string, SourceState>();
  #lastCycle: CycleRecord | undefined;
  /** Fetch state and cycle changed since the last flush: they go into its journal file. */
  #changedSources = new Set<string>();
  #cycleChanged = false;
  /** Journal files hold fetch state the manifest does not; the manifest covers the journal up to #manifestSeq. */
  #manifestUnsaved = false;
  #manifestSeq = 0;
  readonly #journal = new Journal();
  readonly #policy: CompactionPolicy;
  #topics = newTopics('');
  #dirty = { manifest: false, retired: false };
  /** Set by a migration from the single-file layout: segment files not written by it are leftovers of a crashed attempt. */
  #migrated = false;
  #lastPruneDay = '';
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(layout: JsonLayout, lock: StoreLock | undefined, warn: (message: string, err?: unknown) => void, policy: CompactionPolicy) {
    this.#layout = layout;
    this.#policy = policy;
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
      this.#dirty = { manifest: true, retired: true };
      this.#migrated = true;
      // Journal files beside a single-file store are leftovers of a crashed migration: never replayed, deleted at the first write.
      this.#journal.staleSeqs = await this.#layout.listJournalSeqs();
      this.#journal.nextSeq = Math.max(0, ...this.#journal.staleSeqs) + 1;
      return;
    }
    if (opened.kind === 'current') {
      this.openedSchemaVersion = SCHEMA_VERSION;
      this.#loadManifest(opened.doc);
    } else this.#dirty.manifest = true; // a new store: the manifest marks the directory as one
    this.#retired = await readRetired(this.#layout);
    const topics = await readTopics(this.#layout);
    if (topics && 'problem' in topics) this.#warn(topics.problem);
    else if (topics) this.#topics = { ...newTopics(topics.fingerprint), byId: topics.topics, fileSeq: topics.journalSeq };
    // One segment at a time: only its heads stay in memory.
    for (const day of (await this.#layout.listSegmentDays()).sort()) {
      for (const article of await readSegment(this.#layout, day)) this.#addHead(article);
    }
    await this.#replayJournal();
  }

  async #replayJournal(): Promise<void> {
    const seqs = await this.#layout.listJournalSeqs();
    const docs: JournalDoc[] = [];
    for (const seq of seqs) {
      const doc = await readJournal(this.#layout, seq);
      if (doc) docs.push(doc);
    }
    const superseded = Math.max(0, ...docs.map((d) => d.supersedes ?? 0));
    const journal = this.#journal;
    // Never reuse a number the manifest or topics file may claim to cover.
    journal.nextSeq = Math.max(0, ...seqs, this.#manifestSeq, this.#topics.fileSeq) + 1;
    for (const doc of docs) {
      if (doc.seq <= superseded) {
        journal.staleSeqs.push(doc.seq);
        continue;
      }
      for (const record of doc.articles) {
        const { content: _content, ...head } = record;
        this.#strings.share(head);
        this.#heads.set(head.id, head);
        this.#keys.add(head);
        journal.replay(record, segmentDayOf(head.firstSeen));
      }
      for (const [id, day] of Object.entries(doc.removed)) {
        const head = this.#heads.get(id);
        if (head) {
          this.#keys.remove(head);
          this.#heads.delete(id);
        }
        journal.remove(id, day);
      }
      // Fetch state the manifest already covers is older than the manifest's.
      if (doc.seq > this.#manifestSeq) {
        for (const [name, state] of Object.entries(doc.sources ?? {})) this.#sources.set(name, state);
        if (doc.lastCycle) this.#lastCycle = doc.lastCycle;
        if (doc.sources || doc.lastCycle) this.#manifestUnsaved = true;
      }
      // Topics of another fingerprint, or already in the topics file, are not current.
      if (doc.topics && doc.topics.fingerprint === this.#topics.fingerprint && doc.seq > this.#topics.fileSeq) {
        for (const [id, list] of Object.entries(doc.topics.byId)) this.#topics.byId.set(id, list);
        this.#topics.unsaved = true;
      }
      journal.files.push({ seq: doc.seq, bytes: (await stat(this.#layout.journal(doc.seq))).size });
    }
    journal.clearPending();
  }

  #loadManifest(doc: ManifestDoc): void {
    this.#sources = new Map(Object.entries(doc.sources));
    this.#lastCycle = doc.lastCycle;
    this.#manifestSeq = doc.journalSeq ?? 0;
  }

  #addHead(article: StoredArticle): ArticleHead {
    const { content: _content, ...head } = article;
    this.#strings.share(head);
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
      const segment = await this.#readDay(day);
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
      const segment = await this.#readDay(day);
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
        this.#strings.share(write.head);
        this.#heads.set(write.head.id, write.head);
        this.#keys.add(write.head);
        this.#journal.put(write.head.id, segmentDayOf(write.head.firstSeen), write.content);
      }
      for (const id of merge.retiredSeen) {
        if (this.#retired.get(id) !== merge.day) {
          this.#retired.set(id, merge.day);
          this.#dirty.retired = true;
        }
      }
      this.#sources.set(request.state.name, request.state);
      this.#changedSources.add(request.state.name);
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
        const droppedPerDay = new Map<string, number>();
        for (const id of dropped) {
          const head = this.#heads.get(id)!;
          const day = segmentDayOf(head.firstSeen);
          droppedPerDay.set(day, (droppedPerDay.get(day) ?? 0) + 1);
          this.#heads.delete(id);
          this.#keys.remove(head);
          this.#retired.set(id, today);
          // Journaled even when the whole day goes: an older journal file may list the article.
          this.#journal.remove(id, day);
        }
        // A day whose articles are all gone loses its file at once; others are folded later.
        for (const [day, count] of droppedPerDay) if (count === perDay.get(day)) this.#segments.drop(day);
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
    this.#changedSources.add(state.name);
  }

  async claimSources(request: ClaimRequest): Promise<string[]> {
    return [...request.names];
  }

  async getClassifications(fingerprint: string): Promise<Map<string, string[]>> {
    return fingerprint === this.#topics.fingerprint ? new Map(this.#topics.byId) : new Map();
  }

  async putClassifications(fingerprint: string, topics: ReadonlyMap<string, readonly string[]>): Promise<void> {
    if (this.readOnly) return; // derived data: a read-only reader simply does not keep it
    const current = fingerprint === this.#topics.fingerprint ? this.#topics : (this.#topics = { ...newTopics(fingerprint), whole: true });
    for (const [id, list] of topics) {
      const known = current.byId.get(id);
      if (known && known.length === list.length && known.every((t, i) => t === list[i])) continue; // unchanged: nothing to write
      const copy = [...list];
      current.byId.set(id, copy);
      if (!current.whole) current.pending.set(id, copy);
    }
  }

  async getLastCycle(): Promise<CycleRecord | undefined> {
    return this.#lastCycle;
  }

  async putLastCycle(record: CycleRecord): Promise<void> {
    this.#assertWritable();
    this.#lastCycle = record;
    this.#cycleChanged = true;
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
      this.#dirty = { manifest: true, retired: true };
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
      // Changes bigger than the journal may hold (a first poll, many new sources) go straight into their segments.
      const large = this.#journal.pendingBytes() > this.#policy.maxJournalBytes;
      // Their days are folded before the manifest records the fetch state that brought them.
      const mustFold = large ? this.#journal.pendingDays() : new Set<string>();
      if (large) this.#keepInSegments();
      else await this.#writeJournal(stats);
      for (const day of this.#segments.dirtyDays()) {
        const articles = this.#segments.dirtyArticles(day);
        if (articles.length === 0) await this.#remove(this.#layout.segment(day));
        else await this.#write(this.#layout.segment(day), { schemaVersion: SCHEMA_VERSION, day, articles }, stats);
        this.#segments.markClean(day);
      }
      if (large || this.#compactionDue()) await this.#compactStep(stats, mustFold);
      if (this.#topics.whole) await this.#writeTopics(stats);
      if (this.#dirty.manifest) await this.#writeManifest(stats);
      if (this.#migrated) {
        await this.#removeLeftoverSegments();
        this.#migrated = false;
      }
      return stats;
    });
  }

  /** This flush's changes (articles, removals, topics) as one new journal file. */
  async #writeJournal(stats: WriteStats): Promise<void> {
    const topics = this.#topics;
    const topicsPending = !topics.whole && topics.pending.size > 0;
    const fetchState = this.#changedSources.size > 0 || this.#cycleChanged;
    if (!this.#journal.hasPending && !topicsPending && !fetchState) return;
    const seq = this.#journal.nextSeq;
    const doc = this.#journal.buildDoc(seq, (id) => this.#heads.get(id), false);
    if (this.#changedSources.size > 0) doc.sources = Object.fromEntries([...this.#changedSources].map((name) => [name, this.#sources.get(name)!]));
    if (this.#cycleChanged && this.#lastCycle) doc.lastCycle = this.#lastCycle;
    if (topicsPending) {
      const byId: Record<string, string[]> = {};
      for (const [id, list] of topics.pending) if (this.#heads.has(id)) byId[id] = list;
      doc.topics = { fingerprint: topics.fingerprint, byId };
    }
    const bytes = await this.#write(this.#layout.journal(seq), doc, stats, false);
    this.#journal.nextSeq = seq + 1;
    this.#journal.files.push({ seq, bytes });
    this.#journal.markWritten();
    topics.pending.clear();
    if (topicsPending) topics.unsaved = true;
    if (fetchState) this.#manifestUnsaved = true;
    this.#changedSources.clear();
    this.#cycleChanged = false;
  }

  /** This flush's changes skip the journal: the compaction step folds them, manifest and topics file take the rest. */
  #keepInSegments(): void {
    if (this.#changedSources.size > 0 || this.#cycleChanged) this.#manifestUnsaved = true;
    if (this.#topics.pending.size > 0) this.#topics.unsaved = true;
    this.#changedSources.clear();
    this.#cycleChanged = false;
    this.#topics.pending.clear();
  }

  #compactionDue(): boolean {
    const journal = this.#journal;
    return journal.staleSeqs.length > 0 || journal.files.length > this.#policy.maxJournalFiles || journal.bytesOnDisk > this.#policy.maxJournalBytes;
  }

  /**
   * One bounded compaction step: fold the days with the most changes into
   * their segments (daysPerStep, and more while what is left would exceed
   * half of maxJournalBytes), then the manifest and topics file, then
   * replace every journal file by one holding what is left (`supersedes`),
   * then delete the old files, oldest first, so that whatever survives a
   * crash replays in order and ends at the newest state.
   */
  async #compactStep(stats: WriteStats, mustFold: ReadonlySet<string>): Promise<void> {
    const journal = this.#journal;
    const days = journal.daysByBytes();
    let left = days.reduce((sum, d) => sum + d.bytes, 0);
    for (const [i, { day, bytes }] of days.entries()) {
      if (i >= this.#policy.daysPerStep && left <= this.#policy.maxJournalBytes / 2 && !mustFold.has(day)) continue;
      left -= bytes;
      const segment = new Map((await readSegment(this.#layout, day)).map((a) => [a.id, a]));
      for (const [id, entry] of journal.entriesOf(day) ?? []) {
        const head = entry.removed ? undefined : this.#heads.get(id);
        if (head) segment.set(id, { ...head, content: entry.content ?? segment.get(id)?.content ?? '' });
        else segment.delete(id);
      }
      if (segment.size === 0) await this.#remove(this.#layout.segment(day));
      else await this.#write(this.#layout.segment(day), { schemaVersion: SCHEMA_VERSION, day, articles: [...segment.values()] }, stats);
      journal.forgetDay(day);
      this.#segments.forget(day);
    }
    // The manifest and the topics file first: they cover the journal files so far.
    if (this.#manifestUnsaved) await this.#writeManifest(stats);
    if (this.#topics.unsaved) await this.#writeTopics(stats);
    const old = [...journal.staleSeqs, ...journal.files.map((f) => f.seq)].sort((a, b) => a - b);
    journal.files = [];
    journal.staleSeqs = old; // superseded once the replacement lands; deleted below or by the next step
    if (journal.size > 0) {
      const seq = journal.nextSeq;
      const doc = { ...journal.buildDoc(seq, (id) => this.#heads.get(id), true), supersedes: old.at(-1) ?? 0 };
      const bytes = await this.#write(this.#layout.journal(seq), doc, stats, false);
      journal.nextSeq = seq + 1;
      journal.files.push({ seq, bytes });
    }
    journal.markWritten(); // whatever was pending is in a segment or in the replacement file
    const oldFiles = old.map((seq) => this.#layout.journal(seq));
    await removeFiles(oldFiles, this.#warn).catch((err: unknown) => {
      throw new StoreError(oldFiles[0] ?? this.location, `cannot be removed: ${describeFsError(err)}`, { cause: err });
    });
    journal.staleSeqs = [];
  }

  async #writeManifest(stats: WriteStats): Promise<void> {
    const journalSeq = this.#journal.nextSeq - 1;
    const doc: ManifestDoc = {
      schemaVersion: SCHEMA_VERSION,
      journalSeq,
      sources: Object.fromEntries(this.#sources),
      ...(this.#lastCycle ? { lastCycle: this.#lastCycle } : {}),
    };
    await this.#write(this.#layout.manifest, doc, stats);
    this.#dirty.manifest = false;
    this.#manifestUnsaved = false;
    this.#manifestSeq = journalSeq;
  }

  async #writeTopics(stats: WriteStats): Promise<void> {
    const topics = this.#topics;
    const byId: Record<string, string[]> = {};
    for (const [id, list] of topics.byId) if (this.#heads.has(id)) byId[id] = list;
    const fileSeq = this.#journal.nextSeq - 1;
    const doc: TopicsDoc = { schemaVersion: SCHEMA_VERSION, fingerprint: topics.fingerprint, journalSeq: fileSeq, topics: byId };
    await this.#write(this.#layout.topics, doc, stats);
    topics.whole = false;
    topics.unsaved = false;
    topics.pending.clear();
    topics.fileSeq = fileSeq;
  }

  /** A day's articles as stored: its segment with the journal's changes on top. */
  async #readDay(day: string): Promise<ReadonlyMap<string, StoredArticle>> {
    const segment = await this.#segments.read(day);
    const entries = this.#journal.entriesOf(day);
    if (!entries) return segment;
    const merged = new Map(segment);
    for (const [id, entry] of entries) {
      const head = entry.removed ? undefined : this.#heads.get(id);
      if (head) merged.set(id, { ...head, content: entry.content ?? segment.get(id)?.content ?? '' });
      else merged.delete(id);
    }
    return merged;
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

  /** Replace one file atomically; `keepBackup` false for files written once (journal). Returns the bytes written. */
  async #write(file: string, data: unknown, stats: WriteStats, keepBackup = true): Promise<number> {
    const adapter = new DurableJsonFile<unknown>(file, { onWarning: this.#warn, keepBackup });
    const db = new Low<unknown>(adapter, data);
    try {
      await db.write();
    } catch (err) {
      throw new StoreError(file, `cannot be written: ${describeFsError(err)}; the store is as it was before this write`, { cause: err });
    }
    stats.bytes += adapter.lastWriteBytes;
    stats.files++;
    return adapter.lastWriteBytes;
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

interface TopicsState {
  fingerprint: string;
  byId: Map<string, string[]>;
  /** Set since the last flush, for this flush's journal file. */
  pending: Map<string, string[]>;
  /** A new fingerprint: the topics file is written whole at the next flush. */
  whole: boolean;
  /** Journal files hold topics the topics file does not. */
  unsaved: boolean;
  /** The journal sequence number the topics file covers. */
  fileSeq: number;
}

function newTopics(fingerprint: string): TopicsState {
  return { fingerprint, byId: new Map(), pending: new Map(), whole: false, unsaved: false, fileSeq: 0 };
}

/**
 * The embedded default store: lowdb JSON files (json-layout.ts) with the
 * heads of all articles in memory and their HTML on disk, segment by
 * segment. Files are written through json-files.ts.
 *
 * Changes collect in memory and reach the disk at flush(), each file
 * replaced atomically (durable-json-file.ts), in an order that keeps every
 * crash consistent: tombstones, then the journal file of this flush
 * (journal.ts: changed articles, removals, topics and the fetch state of the
 * sources polled, in one atomic write), then segments rewritten whole
 * (migration, import, retention of a whole day), then a compaction step
 * when the journal has grown (folded segments, manifest and
 * topics file, then one journal file replacing the others: compaction.ts),
 * then a topics file of a new rules fingerprint. Merging is idempotent: a
 * crash before a journal file lands re-fetches those sources.
 *
 * A flush too large for the journal (a first poll) folds its days at once;
 * a new day that holds much of it is serialized and written to its temp
 * file while the cycle still merges (segment-streams.ts), and only lands,
 * renamed, at the fold.
 */
import { mkdir, unlink } from 'node:fs/promises';
import { resolve } from 'node:path';
import { dayOf, scanExpired } from '../../dedupe/retention.js';
import { StoreError } from '../../errors.js';
import type { ArticleHead, CycleRecord, SourceState, StoredArticle } from '../../types.js';
import type { ClaimRequest, MergeRequest, RetentionLimits, Store, WriteStats } from '../store-api.js';
import { acquireStoreLock, type StoreLock } from '../store-lock.js';
import { compactionDue, compactStep, DEFAULT_COMPACTION, type CompactionPolicy } from './compaction.js';
import { JsonFiles } from './json-files.js';
import { describeLayout, SCHEMA_VERSION, segmentDayOf, type JsonLayout } from './json-layout.js';
import { JsonState, newTopics } from './json-state.js';
import { describeFsError, readSegment, type ManifestDoc, type TopicsDoc } from './read-json-store.js';
import { readSegmentDates, statSegment, writeSegmentDates, type SegmentDate } from './segment-dates.js';
import { SegmentCache } from './segment-cache.js';
import { SegmentStreams } from './segment-streams.js';
import { takeTurn, TimeSlice } from '../../schedule/take-turn.js';

export interface OpenJsonStoreOptions {
  /** No lock, no writes: for `export` and `preview` beside a running `serve`. */
  readOnly?: boolean;
  /** Problems that do not stop the store (a directory that cannot be fsynced, damaged derived data). */
  onWarning?: (message: string, err?: unknown) => void;
  /** When a flush runs a compaction step, and how big it is (tests make it run often). */
  compaction?: Partial<CompactionPolicy>;
  /** Work between two turns of the event loop in the store's sliced operations (SLICE_MS; tests make it 0: a turn at every step). */
  sliceMs?: number;
}

export type { CompactionPolicy } from './compaction.js';

/** Entries of the topics file serialized between two turns of the event loop (~1 ms). */
const TOPICS_PER_CHUNK = 1_000;
/** Work on the event loop between two turns, for a store operation that may touch every article (retention after a long stop). */
const SLICE_MS = 8;

export async function openJsonStore(path: string, options: OpenJsonStoreOptions = {}): Promise<Store> {
  return (await openJson(path, options, false)).store;
}

/**
 * A store a `serve` start opens in stages: the manifest, tombstones, topics
 * and journal, then the segments one by one as the caller asks (readMore:
 * those whose newest date is not known first, then the newest days), so that
 * the first publication can be built from the window's heads; then the rest
 * (finish). Until then the store answers getArticles, getClassifications and
 * the fetch state from what is loaded; every other operation first finishes
 * the load, so no merge, retention or write ever sees a part of the store.
 */
export async function openJsonStoreStaged(path: string, options: OpenJsonStoreOptions = {}): Promise<{ store: Store; load: StagedLoad }> {
  const { store, load } = await openJson(path, options, true);
  return { store, load: load! };
}

export interface StagedLoad {
  /** The heads loaded so far: the journal's and those of the segments read (in no particular order). */
  loadedHeads(): ArticleHead[];
  /**
   * What is not read yet: nothing, or the newest unread day and the newest published date an unread article
   * can carry (undefined while a segment whose newest date is not known is unread: segment-dates.ts).
   */
  horizon(): { done: true } | { done: false; newestDay: string; newestPublished: string | undefined };
  /**
   * Read one more segment; `curatedUnder` (a rules fingerprint): of it only the articles a curation under those
   * rules can show, those whose stored topics for them are not empty (or not stored); the rest is read by finish.
   */
  readMore(curatedUnder?: string): Promise<void>;
  /** Read the rest and lay the store out whole (every other store operation waits for it). */
  finish(): Promise<void>;
}

async function openJson(path: string, options: OpenJsonStoreOptions, staged: boolean): Promise<{ store: JsonStore; load?: StagedLoad }> {
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
    const warn = options.onWarning ?? (() => {});
    const segments = new SegmentCache((day, wanted) => readSegment(layout, day, wanted));
    const state = new JsonState(layout, warn);
    if (!staged) await state.load(segments);
    else await state.beginLoad(segments);
    // Under the lock no write is under way: a temp file is what a kill left (a streamed day's may be large).
    if (lock) for (const temp of await layout.listLeftoverTemps()) await unlink(temp).catch((err: unknown) => warn(`cannot remove the leftover ${temp}`, err));
    const store = new JsonStore(layout, lock, warn, { ...DEFAULT_COMPACTION, ...options.compaction }, segments, state, options.sliceMs);
    if (!staged) return { store };
    const known = await readSegmentDates(layout, [...state.unreadDays]);
    return { store, load: stagedLoad(state, known, () => store.whole()) };
  } catch (err) {
    await lock?.release().catch(() => {});
    throw err;
  }
}

function stagedLoad(state: JsonState, known: ReadonlyMap<string, SegmentDate>, whole: () => Promise<void>): StagedLoad {
  const newestFirst = (days: Iterable<string>): string[] => [...days].sort().reverse();
  return {
    loadedHeads: () => [...state.heads.values()],
    horizon() {
      if (state.loaded || state.unreadDays.size === 0) return { done: true };
      let newestPublished: string | undefined = '';
      for (const day of state.unreadDays) {
        const entry = known.get(day);
        if (!entry) {
          newestPublished = undefined;
          break;
        }
        if (entry.newest > newestPublished) newestPublished = entry.newest;
      }
      return { done: false, newestDay: newestFirst(state.unreadDays)[0]!, newestPublished };
    },
    async readMore(curatedUnder?: string) {
      const unread = newestFirst(state.unreadDays);
      const next = unread.find((day) => !known.has(day)) ?? unread[0];
      // Only what a curation under these rules can show: articles with topics stored for them, or none stored.
      const topics = state.topics.fingerprint === curatedUnder ? state.topics.byId : undefined;
      const only = topics && ((id: string) => topics.get(id)?.length !== 0);
      if (next !== undefined) await state.readDay(next, { keepContent: true, only });
    },
    finish: whole,
  };
}

class JsonStore implements Store {
  readonly kind = 'json' as const;
  readonly location: string;
  readonly readOnly: boolean;
  get openedSchemaVersion(): number | null {
    return this.#s.openedSchemaVersion;
  }

  readonly #layout: JsonLayout;
  readonly #lock: StoreLock | undefined;
  readonly #warn: (message: string, err?: unknown) => void;
  readonly #segments: SegmentCache;
  readonly #files: JsonFiles;
  /** What is in memory: heads, keys, fetch state, topics, the journal (json-state.ts). */
  readonly #s: JsonState;
  /** Fetch state and cycle changed since the last flush: they go into its journal file. */
  #changedSources = new Set<string>();
  #cycleChanged = false;
  /** One array per distinct topic list put (a handful of combinations): a rules edit at 50,000 kept a copy per article. */
  readonly #lists = new Map<string, string[]>();
  readonly #policy: CompactionPolicy;
  #lastPruneDay = '';
  /** Days' segments written while the cycle merges, until the flush folds them. */
  readonly #streams: SegmentStreams;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  readonly #sliceMs: number;

  constructor(
    layout: JsonLayout,
    lock: StoreLock | undefined,
    warn: (message: string, err?: unknown) => void,
    policy: CompactionPolicy,
    segments: SegmentCache,
    state: JsonState,
    sliceMs = SLICE_MS,
  ) {
    this.#sliceMs = sliceMs;
    this.#layout = layout;
    this.#s = state;
    this.#policy = policy;
    this.#lock = lock;
    this.#warn = warn;
    this.location = layout.manifest;
    this.readOnly = lock === undefined;
    this.#segments = segments;
    this.#files = new JsonFiles(warn);
    this.#streams = new SegmentStreams({
      policy,
      journal: state.journal,
      segments,
      files: this.#files,
      segmentPath: (day) => layout.segment(day),
      headOf: (id) => state.heads.get(id),
      warn,
    });
  }

  /** One change at a time: a merge's lookup, plan and apply see no other change in between. */
  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(() => this.whole()).then(work);
    this.#queue = next.catch(() => {});
    return next;
  }

  /** The rest of a staged load (openJsonStoreStaged), read in slices and laid out; at once when it is done. */
  whole(): Promise<void> {
    if (this.#s.loaded) return Promise.resolve();
    this.#finishing ??= (async () => {
      this.#s.dropStagedContent();
      // Also a day the caller is reading now (readMore): its read is awaited, not started again (and read whole after, if in part).
      for (let days = this.#s.pendingDays(); days.length > 0; days = this.#s.pendingDays()) {
        for (const day of days.sort().reverse()) {
          await this.#s.readDay(day);
          await takeTurn();
        }
      }
      this.#s.finishLoad();
    })();
    return this.#finishing;
  }

  #finishing: Promise<void> | undefined;

  /**
   * Keep the newest date of each segment read by this load whose file is unchanged since, for the next
   * start (segment-dates.ts); a segment this process wrote is left out (read first by that start).
   */
  async saveSegmentDates(): Promise<void> {
    if (this.readOnly || this.#closed) return;
    await this.whole();
    const kept = new Map<string, SegmentDate>();
    await Promise.all(
      [...this.#s.segmentDates].map(async ([day, entry]) => {
        const now = await statSegment(this.#layout.segment(day));
        if (now && now.size === entry.size && now.mtimeMs === entry.mtimeMs) kept.set(day, entry);
      }),
    );
    await writeSegmentDates(this.#layout, kept);
  }

  async countArticles(): Promise<number> {
    await this.whole();
    return this.#s.heads.size;
  }

  async listHeads(): Promise<ArticleHead[]> {
    await this.whole();
    return [...this.#s.heads.values()];
  }

  /**
   * Content from the journal when it holds it (what recent polls wrote), else
   * only the wanted articles parsed from their day's file: a poll asks for a
   * few articles on each of many days, and parsing whole days held the event
   * loop 20–40 ms each.
   */
  async getArticles(ids: readonly string[]): Promise<StoredArticle[]> {
    // During a staged load: only what is loaded can be answered from it.
    if (!this.#s.loaded && ids.some((id) => !this.#s.heads.has(id))) await this.whole();
    const byDay = new Map<string, string[]>();
    for (const id of ids) {
      const head = this.#s.heads.get(id);
      if (!head) continue;
      const day = segmentDayOf(head.firstSeen);
      const list = byDay.get(day);
      if (list) list.push(id);
      else byDay.set(day, [id]);
    }
    const found = new Map<string, StoredArticle>();
    for (const [day, dayIds] of byDay) {
      const entries = this.#s.journal.entriesOf(day);
      const fromFile = new Set<string>();
      for (const id of dayIds) {
        // During a staged load, the HTML its first segments held (json-state.ts: stagedContent), unless the journal's is newer.
        const content = entries?.get(id)?.content ?? this.#s.stagedContent(id);
        if (content !== undefined) found.set(id, { ...this.#s.heads.get(id)!, content });
        else fromFile.add(id);
      }
      if (fromFile.size === 0) continue;
      for (const stored of await this.#segments.readSome(day, fromFile)) {
        const head = this.#s.heads.get(stored.id);
        if (!head) continue; // removed meanwhile
        // A journal entry without content changed the head only.
        found.set(stored.id, entries?.has(stored.id) ? { ...head, content: stored.content } : stored);
      }
      // Journaled without content and in no file (never so when written by this store): the head alone, as a whole-day read gives it.
      for (const id of fromFile) if (!found.has(id) && entries?.get(id)?.removed === undefined && entries?.has(id)) found.set(id, { ...this.#s.heads.get(id)!, content: '' });
    }
    return ids.flatMap((id) => {
      const article = found.get(id);
      return article ? [article] : [];
    });
  }

  async *streamArticles(batchSize = 500): AsyncIterable<StoredArticle[]> {
    await this.whole();
    const days = new Set<string>();
    // In slices: one pass over 50,000 heads held the event loop ~17 ms.
    const slice = new TimeSlice(this.#sliceMs);
    for (const head of this.#s.heads.values()) {
      days.add(segmentDayOf(head.firstSeen));
      if (slice.due) await slice.turn();
    }
    for (const day of [...days].sort().reverse()) {
      const segment = await this.#readDay(day);
      const live = [...segment.values()].filter((a) => this.#s.heads.has(a.id));
      for (let i = 0; i < live.length; i += batchSize) yield live.slice(i, i + batchSize);
    }
  }

  mergeSource<T>(request: MergeRequest<T>): Promise<T> {
    return this.#exclusive(async () => {
      this.#assertWritable();
      await this.#s.keysReady();
      const byKey = new Map<string, ArticleHead>();
      for (const key of request.keys) {
        const id = this.#s.keys.get(key);
        const head = id === undefined ? undefined : this.#s.heads.get(id);
        if (head) byKey.set(key, head);
      }
      const byId = new Map<string, ArticleHead>();
      const retired = new Set<string>();
      for (const id of request.ids) {
        const head = this.#s.heads.get(id);
        if (head) byId.set(id, head);
        if (this.#s.retired.has(id)) retired.add(id);
      }
      const { merge, result } = request.plan({ byKey, byId, retired });
      for (const write of merge.writes) {
        this.#s.strings.share(write.head);
        this.#s.heads.set(write.head.id, write.head);
        // A stored article has no tombstone (Tombstones.prune counts on it); a plan never writes a retired id, so this only keeps that true.
        if (this.#s.retired.delete(write.head.id)) this.#s.dirty.retired = true;
        this.#s.keys.add(write.head);
        this.#s.journal.put(write.head.id, segmentDayOf(write.head.firstSeen), write.content);
      }
      for (const id of merge.retiredSeen) if (this.#s.retired.list(id, merge.day)) this.#s.dirty.retired = true;
      if (merge.writes.length > 0) this.#streams.merged(merge.writes);
      this.#s.sources.set(request.state.name, request.state);
      this.#changedSources.add(request.state.name);
      return result;
    });
  }

  /**
   * Which heads expired, then their heads, keys and tombstones, in slices of
   * SLICE_MS with the event loop free between (this walks every head after
   * each poll; the first poll after a long stop may retire thousands), the
   * keys in one pass over the index (KeyIndex.removingIds). Ends with a turn,
   * so that the flush after it starts a slice of its own (the scan and the
   * journal's first part in one turn held `serve` 10–24 ms of a poll).
   * Inside #exclusive: no merge sees a part done, and the heads do not change.
   */
  applyRetention(limits: RetentionLimits, now: Date): Promise<{ dropped: number }> {
    return this.#exclusive(async () => {
      this.#assertWritable();
      const slice = new TimeSlice(this.#sliceMs);
      const scan = scanExpired(this.#s.heads.values(), limits, now);
      let step = scan.next();
      for (; !step.done; step = scan.next()) if (slice.due) await slice.turn();
      const dropped = step.value;
      const today = dayOf(now);
      if (dropped.length > 0) {
        // Keys of retired articles leave the index below, so it must be built before any head goes (the
        // index replays the open's heads). With nothing to retire — a poll in which every source answers
        // 304 — it is not built at all (~0.3 s of CPU at 20,000 articles).
        await this.#s.keysReady();
        slice.restart();
        const perDay = new Map<string, number>();
        let counted = 0;
        for (const head of this.#s.heads.values()) {
          const day = segmentDayOf(head.firstSeen);
          perDay.set(day, (perDay.get(day) ?? 0) + 1);
          if (++counted % 256 === 0 && slice.due) await slice.turn();
        }
        const droppedPerDay = new Map<string, number>();
        const gone = new Set<string>();
        for (const id of dropped) {
          const head = this.#s.heads.get(id)!;
          const day = segmentDayOf(head.firstSeen);
          droppedPerDay.set(day, (droppedPerDay.get(day) ?? 0) + 1);
          this.#s.heads.delete(id);
          gone.add(id);
          this.#s.retired.list(id, today);
          // Journaled even when the whole day goes: an older journal file may list the article.
          this.#s.journal.remove(id, day);
          if (gone.size % 256 === 0 && slice.due) await slice.turn();
        }
        for (const _ of this.#s.keys.removingIds(gone, 4_096)) if (slice.due) await slice.turn();
        // A day whose articles are all gone loses its file at once; others are folded later.
        for (const [day, count] of droppedPerDay) if (count === perDay.get(day)) this.#segments.drop(day);
        this.#s.dirty.retired = true;
      }
      if (dropped.length > 0 || this.#lastPruneDay !== today) {
        if (this.#s.retired.prune(limits, now) > 0) this.#s.dirty.retired = true;
        this.#lastPruneDay = today;
      }
      await slice.turn();
      return { dropped: dropped.length };
    });
  }

  async getSourceStates(): Promise<Map<string, SourceState>> {
    return new Map(this.#s.sources);
  }

  async putSourceState(state: SourceState): Promise<void> {
    await this.whole();
    this.#assertWritable();
    this.#s.sources.set(state.name, state);
    this.#changedSources.add(state.name);
  }

  async claimSources(request: ClaimRequest): Promise<string[]> {
    return [...request.names];
  }

  async getClassifications(fingerprint: string, ids?: readonly string[]): Promise<Map<string, string[]>> {
    if (fingerprint !== this.#s.topics.fingerprint) return new Map();
    if (!ids) return new Map(this.#s.topics.byId);
    // A few ids (a start's window): not a copy of every article's topics.
    const found = new Map<string, string[]>();
    for (const id of ids) {
      const topics = this.#s.topics.byId.get(id);
      if (topics) found.set(id, topics);
    }
    return found;
  }

  async putClassifications(fingerprint: string, topics: ReadonlyMap<string, readonly string[]>): Promise<void> {
    if (this.readOnly) return; // derived data: a read-only reader simply does not keep it
    await this.whole();
    const current = fingerprint === this.#s.topics.fingerprint ? this.#s.topics : (this.#s.topics = { ...newTopics(fingerprint), whole: true });
    // forEach, not for-of: no iterator result and entry pair per id (a rules edit at 50,000 puts every id).
    topics.forEach((list, id) => {
      const known = current.byId.get(id);
      if (known && sameTopics(known, list)) return; // unchanged: nothing to write
      const shared = this.#shared(list);
      current.byId.set(id, shared);
      if (!current.whole) current.pending.set(id, shared);
    });
  }

  /** The store's own array equal to `list` (never the caller's: it may change it). */
  #shared(list: readonly string[]): string[] {
    const key = list.join('\n');
    let shared = this.#lists.get(key);
    if (!shared) this.#lists.set(key, (shared = [...list]));
    return shared;
  }

  async getLastCycle(): Promise<CycleRecord | undefined> {
    return this.#s.lastCycle;
  }

  async putLastCycle(record: CycleRecord): Promise<void> {
    await this.whole();
    this.#assertWritable();
    this.#s.lastCycle = record;
    this.#cycleChanged = true;
  }

  async listRetired(): Promise<Map<string, string>> {
    await this.whole();
    return new Map(this.#s.retired.entries());
  }

  importData(data: { articles?: readonly StoredArticle[]; sources?: readonly SourceState[]; retired?: ReadonlyMap<string, string> }): Promise<void> {
    return this.#exclusive(async () => {
      this.#assertWritable();
      for (const article of data.articles ?? []) {
        const segment = await this.#segments.edit(segmentDayOf(article.firstSeen));
        segment.set(article.id, article);
        this.#s.addHead(article);
      }
      for (const state of data.sources ?? []) this.#s.sources.set(state.name, state);
      for (const [id, day] of data.retired ?? []) if (!this.#s.heads.has(id)) this.#s.retired.list(id, day);
      for (const article of data.articles ?? []) this.#s.retired.delete(article.id);
      this.#s.dirty = { manifest: true, retired: true };
    });
  }

  flush(): Promise<WriteStats> {
    return this.#exclusive(async () => {
      this.#assertWritable();
      const stats: WriteStats = { bytes: 0, files: 0 };
      if (this.#s.dirty.retired) {
        await this.#writeRetired(stats);
        this.#s.dirty.retired = false;
      }
      // Changes bigger than the journal may hold (a first poll, many new sources) go straight into their segments.
      const large = this.#s.journal.pendingOver(this.#policy.maxJournalBytes);
      // Their days are folded before the manifest records the fetch state that brought them.
      const mustFold = large ? this.#s.journal.pendingDays() : new Set<string>();
      if (large) this.#keepInSegments();
      else {
        await this.#streams.dropAll();
        await this.#writeJournal(stats);
      }
      for (const day of this.#segments.dirtyDays()) {
        const articles = this.#segments.dirtyArticles(day);
        if (articles.length === 0) await this.#files.remove(this.#layout.segment(day));
        else await this.#files.write(this.#layout.segment(day), { schemaVersion: SCHEMA_VERSION, day, articles }, stats);
        this.#segments.markClean(day);
      }
      try {
        if (large || compactionDue(this.#s.journal, this.#policy)) await compactStep(this.#compaction(), stats, mustFold);
      } finally {
        await this.#streams.dropAll();
      }
      if (this.#s.topics.whole) await this.#writeTopics(stats);
      if (this.#s.dirty.manifest) await this.#writeManifest(stats);
      if (this.#s.migrated) {
        await this.#removeLeftoverSegments();
        this.#s.migrated = false;
      }
      return stats;
    });
  }

  /** This flush's changes (articles, removals, topics) as one new journal file. */
  async #writeJournal(stats: WriteStats): Promise<void> {
    const topics = this.#s.topics;
    const topicsPending = !topics.whole && topics.pending.size > 0;
    const fetchState = this.#changedSources.size > 0 || this.#cycleChanged;
    if (!this.#s.journal.hasPending && !topicsPending && !fetchState) return;
    const seq = this.#s.journal.nextSeq;
    const doc = this.#s.journal.buildDoc(seq, (id) => this.#s.heads.get(id), false);
    if (this.#changedSources.size > 0) doc.sources = Object.fromEntries([...this.#changedSources].map((name) => [name, this.#s.sources.get(name)!]));
    if (this.#cycleChanged && this.#s.lastCycle) doc.lastCycle = this.#s.lastCycle;
    if (topicsPending) {
      const byId: Record<string, string[]> = {};
      for (const [id, list] of topics.pending) if (this.#s.heads.has(id)) byId[id] = list;
      doc.topics = { fingerprint: topics.fingerprint, byId };
    }
    const bytes = await this.#files.write(this.#layout.journal(seq), doc, stats, false);
    this.#s.journal.nextSeq = seq + 1;
    this.#s.journal.files.push({ seq, bytes });
    this.#s.journal.markWritten();
    topics.pending.clear();
    if (topicsPending) topics.unsaved = true;
    if (fetchState) this.#s.manifestUnsaved = true;
    this.#changedSources.clear();
    this.#cycleChanged = false;
  }

  /** This flush's changes skip the journal: the compaction step folds them, manifest and topics file take the rest. */
  #keepInSegments(): void {
    if (this.#changedSources.size > 0 || this.#cycleChanged) this.#s.manifestUnsaved = true;
    if (this.#s.topics.pending.size > 0) this.#s.topics.unsaved = true;
    this.#changedSources.clear();
    this.#cycleChanged = false;
    this.#s.topics.pending.clear();
  }

  #compaction(): Parameters<typeof compactStep>[0] {
    return {
      layout: this.#layout,
      journal: this.#s.journal,
      policy: this.#policy,
      files: this.#files,
      segments: this.#segments,
      headOf: (id) => this.#s.heads.get(id),
      takeStream: (day) => this.#streams.take(day),
      saveCovering: async (stats) => {
        if (this.#s.manifestUnsaved) await this.#writeManifest(stats);
        if (this.#s.topics.unsaved) await this.#writeTopics(stats);
      },
      warn: this.#warn,
      location: this.location,
    };
  }

  async #writeManifest(stats: WriteStats): Promise<void> {
    const journalSeq = this.#s.journal.nextSeq - 1;
    const doc: ManifestDoc = {
      schemaVersion: SCHEMA_VERSION,
      journalSeq,
      sources: Object.fromEntries(this.#s.sources),
      ...(this.#s.lastCycle ? { lastCycle: this.#s.lastCycle } : {}),
    };
    await this.#files.write(this.#layout.manifest, doc, stats);
    this.#s.dirty.manifest = false;
    this.#s.manifestUnsaved = false;
    this.#s.manifestSeq = journalSeq;
  }

  /**
   * The tombstones, up to 5 × maxItems of them, as the same JSON that
   * JSON.stringify of `{schemaVersion, retired: {id: day}}` gives, serialized a
   * part at a time with the event loop free in between: at 20,000 articles the
   * one-call form held it for 15–30 ms every poll that retired something.
   * Runs inside #exclusive, so the map does not change meanwhile.
   */
  async #writeRetired(stats: WriteStats): Promise<void> {
    const chunks = await serializeObjectInParts({ schemaVersion: SCHEMA_VERSION }, 'retired', this.#s.retired.entries(), () => true);
    await this.#files.writeSerialized(this.#layout.retired, chunks, stats);
  }

  /**
   * The whole topics file (a new fingerprint: 50,000 entries after a rules
   * edit), serialized a thousand entries at a time with the event loop free
   * in between. Topics put meanwhile go to `pending` (the next journal file)
   * as well as into the file's later pieces: either way they are kept.
   */
  async #writeTopics(stats: WriteStats): Promise<void> {
    const topics = this.#s.topics;
    const wasWhole = topics.whole;
    topics.whole = false;
    topics.pending.clear();
    const fileSeq = this.#s.journal.nextSeq - 1;
    const head = { schemaVersion: SCHEMA_VERSION, fingerprint: topics.fingerprint, journalSeq: fileSeq } satisfies Omit<TopicsDoc, 'topics'>;
    const chunks = await serializeObjectInParts(head, 'topics', topics.byId, (id) => this.#s.heads.has(id));
    try {
      await this.#files.writeSerialized(this.#layout.topics, chunks, stats);
    } catch (err) {
      topics.whole = wasWhole;
      topics.unsaved = true;
      throw err;
    }
    topics.unsaved = false;
    topics.fileSeq = fileSeq;
  }

  /** A day's articles as stored: its segment with the journal's changes on top. */
  async #readDay(day: string): Promise<ReadonlyMap<string, StoredArticle>> {
    const segment = await this.#segments.read(day);
    const entries = this.#s.journal.entriesOf(day);
    if (!entries) return segment;
    const merged = new Map(segment);
    for (const [id, entry] of entries) {
      const head = entry.removed ? undefined : this.#s.heads.get(id);
      if (head) merged.set(id, { ...head, content: entry.content ?? segment.get(id)?.content ?? '' });
      else merged.delete(id);
    }
    return merged;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#finishing?.catch(() => {});
    await this.#queue;
    await this.#streams.dropAll();
    this.#segments.close();
    await this.#lock?.release();
  }

  async #removeLeftoverSegments(): Promise<void> {
    const live = new Set<string>();
    for (const head of this.#s.heads.values()) live.add(segmentDayOf(head.firstSeen));
    for (const day of await this.#layout.listSegmentDays()) if (!live.has(day)) await this.#files.remove(this.#layout.segment(day));
  }

  #assertWritable(): void {
    if (this.readOnly) throw new StoreError(this.location, 'was opened read-only and cannot be written');
    if (this.#closed) throw new StoreError(this.location, 'is closed and cannot be written');
  }
}

/**
 * `{...head, [key]: {id: value, …}}` as JSON.stringify writes it, with the
 * map's entries (those `keep` accepts) serialized TOPICS_PER_CHUNK at a time
 * and the event loop free between parts.
 */
async function serializeObjectInParts<V>(head: object, key: string, entries: Iterable<[string, V]>, keep: (id: string) => boolean): Promise<string[]> {
  const start = JSON.stringify(head);
  const chunks = [`${start.slice(0, -1)},${JSON.stringify(key)}:{`];
  let part: string[] = [];
  for (const [id, value] of entries) {
    if (!keep(id)) continue;
    part.push(`${JSON.stringify(id)}:${JSON.stringify(value)}`);
    if (part.length < TOPICS_PER_CHUNK) continue;
    chunks.push((chunks.length > 1 ? ',' : '') + part.join(','));
    part = [];
    await yieldToEventLoop();
  }
  if (part.length > 0) chunks.push((chunks.length > 1 ? ',' : '') + part.join(','));
  chunks.push('}}');
  return chunks;
}

function sameTopics(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function yieldToEventLoop(): Promise<void> {
  return takeTurn();
}

/**
 * What the JSON store holds in memory (json-store.ts): every article's head
 * and identity keys, fetch state, tombstones, topics and the journal not yet
 * folded into segments; and loading it: the manifest, one segment at a time
 * (only its heads stay), then the journal files replayed on top. A store of
 * the single-file layout is migrated: its articles go into dirty segments,
 * written at the first flush.
 */
import { stat } from 'node:fs/promises';
import { KeyIndex } from '../../dedupe/article-keys.js';
import { Tombstones } from '../../dedupe/retention.js';
import type { ArticleHead, CycleRecord, SourceState, StoredArticle } from '../../types.js';
import { SCHEMA_VERSION, segmentDayOf, type JsonLayout } from './json-layout.js';
import { Journal, type JournalDoc } from './journal.js';
import { readJournal, readManifest, readRetired, readSegment, readTopics, type ManifestDoc } from './read-json-store.js';
import type { SegmentCache } from './segment-cache.js';
import { ShardedMap } from './sharded-map.js';
import { TimeSlice } from '../../schedule/take-turn.js';
import { SharedStrings } from './shared-strings.js';
import { statSegment, type SegmentDate } from './segment-dates.js';

export class JsonState {
  openedSchemaVersion: number | null = null;
  readonly heads = new Map<string, ArticleHead>();
  /**
   * The identity key index, built at the first use (keysReady) instead of at the open: building it
   * parses every stored link as a URL (~0.3 s at 20,000 articles, session 8), which a start's first
   * answer does not need. Until then the load's operations wait here, in their order, so the index
   * is the same as one built while loading (first writer wins: the order decides).
   */
  #keys: KeyIndex | undefined;
  #pendingKeys: (ArticleHead | ReadonlySet<string>)[] | undefined = [];
  readonly strings = new SharedStrings();
  retired = new Tombstones();
  sources = new Map<string, SourceState>();
  lastCycle: CycleRecord | undefined;
  /** Journal files hold fetch state the manifest does not; the manifest covers the journal up to manifestSeq. */
  manifestUnsaved = false;
  manifestSeq = 0;
  readonly journal = new Journal();
  topics = newTopics('');
  dirty = { manifest: false, retired: false };
  /** Set by a migration from the single-file layout: segment files not written by it are leftovers of a crashed attempt. */
  migrated = false;
  readonly #layout: JsonLayout;
  readonly #warn: (message: string, err?: unknown) => void;

  constructor(layout: JsonLayout, warn: (message: string, err?: unknown) => void) {
    this.#layout = layout;
    this.#warn = warn;
  }

  /** Everything at once: what a store opened for a command (or a start with its snapshot) needs. */
  async load(segments: SegmentCache): Promise<void> {
    await this.beginLoad(segments);
    // finishLoad lays every head out in day order: read this way, the days' heads need not join `heads` first (a
    // 20,000-entry Map built only to be cleared, its tables garbage in old space).
    for (const day of [...this.unreadDays].sort()) {
      this.unreadDays.delete(day);
      await this.#readDay(day, { intoHeads: false });
    }
    this.finishLoad();
  }

  /**
   * The first part of a load (load() does all of it): manifest, tombstones,
   * topics and the journal, whose heads are in `heads` from here on. The
   * segments follow through readDay, in any order, each adding the heads the
   * journal does not replace; finishLoad then lays the heads and the key
   * index out exactly as a load in day order builds them, so the store is the
   * same whatever order the days came in.
   */
  async beginLoad(segments: SegmentCache): Promise<void> {
    const opened = await readManifest(this.#layout);
    if (opened.kind === 'legacy') {
      this.openedSchemaVersion = opened.version;
      this.#loadManifest(opened.manifest);
      this.retired = new Tombstones(Object.entries(opened.retired));
      for (const article of opened.articles) this.#putArticle(article, segments);
      this.dirty = { manifest: true, retired: true };
      this.migrated = true;
      // Journal files beside a single-file store are leftovers of a crashed migration: never replayed, deleted at the first write.
      this.journal.staleSeqs = await this.#layout.listJournalSeqs();
      this.journal.nextSeq = Math.max(0, ...this.journal.staleSeqs) + 1;
      this.#forgetLiveTombstones();
      this.#loaded = true;
      return;
    }
    if (opened.kind === 'current') {
      this.openedSchemaVersion = SCHEMA_VERSION;
      this.#loadManifest(opened.doc);
    } else this.dirty.manifest = true; // a new store: the manifest marks the directory as one
    this.retired = await readRetired(this.#layout);
    const topics = await readTopics(this.#layout);
    if (topics && 'problem' in topics) this.#warn(topics.problem);
    else if (topics) this.topics = { ...newTopics(topics.fingerprint), byId: topics.topics, fileSeq: topics.journalSeq };
    this.unreadDays = new Set(await this.#layout.listSegmentDays());
    await this.#readJournal();
  }

  /** Days whose segment is not read yet (beginLoad to finishLoad). */
  unreadDays = new Set<string>();
  /** Whether every segment is read and the heads laid out (finishLoad). */
  get loaded(): boolean {
    return this.#loaded;
  }

  #loaded = false;
  /** Per segment read, its heads in file order, until finishLoad lays them out. */
  #dayHeads = new Map<string, ArticleHead[]>();
  /** The journal's heads and removals per file, in order, for finishLoad. */
  #journalOps: { heads: ArticleHead[]; removed: string[] }[] = [];
  /** Ids the journal replaces or removes: a segment's copy of them is not current. */
  #journalIds = new Set<string>();
  /** Each segment read: its file's size and time then, and the newest published date in it (segment-dates.ts). */
  readonly segmentDates = new Map<string, SegmentDate>();

  /**
   * The HTML of the articles in the segments a staged load read before the rest (readDay's `keepContent`), until
   * finishLoad: the first publication reads the window's HTML (its stories compare the start of each body, its
   * feeds show it), and reading those days' files a second time for it was most of the window's segment reads.
   */
  #stagedContent = new Map<string, string>();

  /** Segments being read now: a second reader of the same day waits for the first. */
  readonly #reading = new Map<string, Promise<void>>();

  /**
   * Days a staged load read in part (readDay's `only`: the articles a first publication can show), with the
   * heads read: read whole before finishLoad, those heads kept as they are (the first publication holds them).
   */
  readonly #partial = new Map<string, Map<string, ArticleHead>>();

  /** Days read or being read now, or read in part, not yet all in: finishLoad must wait for them. */
  pendingDays(): string[] {
    return [...this.unreadDays, ...this.#reading.keys(), ...this.#partial.keys()];
  }

  /**
   * One segment's articles: their heads join `heads` (those the journal does not replace). `keepContent`:
   * their HTML is kept too, until finishLoad (stagedContent). `only`: only the articles it accepts are parsed,
   * the day stays pending (pendingDays) and is read whole later; its newest date is known only then.
   */
  readDay(day: string, { keepContent = false, only }: { keepContent?: boolean; only?: (id: string) => boolean } = {}): Promise<void> {
    const running = this.#reading.get(day);
    if (running) return running;
    if (!this.unreadDays.delete(day) && !this.#partial.has(day)) return Promise.resolve();
    const reading = this.#readDay(day, { keepContent, only: this.#partial.has(day) ? undefined : only }).finally(() => this.#reading.delete(day));
    this.#reading.set(day, reading);
    return reading;
  }

  /** `intoHeads`: the heads join `heads` (load() lays them out itself, in finishLoad). */
  async #readDay(day: string, { keepContent = false, only, intoHeads = true }: { keepContent?: boolean; only?: (id: string) => boolean; intoHeads?: boolean }): Promise<void> {
    const before = await statSegment(this.#layout.segment(day));
    let newest = '';
    const known = this.#partial.get(day);
    // Each article made a head as it is parsed: its HTML (unless kept) dies young (readSegment).
    // A staged start's first segments (keepContent) are read before anything is served: at once, no thread-pool round trips.
    const heads = await readSegment(this.#layout, day, only && { has: only }, {
      keep: (article) => {
        const head = known?.get(article.id) ?? this.#headOf(article);
        if (keepContent && !known) this.#stagedContent.set(head.id, article.content);
        return head;
      },
      readNow: keepContent,
    });
    for (const head of heads) {
      if (head.published > newest) newest = head.published;
      if (intoHeads && !this.#journalIds.has(head.id)) this.heads.set(head.id, head);
    }
    this.#dayHeads.set(day, heads);
    if (only) {
      this.#partial.set(day, new Map(heads.map((h) => [h.id, h])));
      return;
    }
    this.#partial.delete(day);
    if (before) this.segmentDates.set(day, { ...before, newest });
  }

  /** The HTML of an article as its segment file held it when a staged load read it first (readDay's `keepContent`). */
  stagedContent(id: string): string | undefined {
    return this.#stagedContent.get(id);
  }

  /** The first publication is built: what the load reads from here on is not kept (finishLoad drops it too). */
  dropStagedContent(): void {
    if (this.#stagedContent.size > 0) this.#stagedContent = new Map();
  }

  /** Every segment read: heads and key index as a load in day order, then the journal, makes them. */
  finishLoad(): void {
    if (this.#loaded) return;
    if (this.pendingDays().length > 0) throw new Error(`finishLoad with ${this.pendingDays().length} segments not read`);
    this.heads.clear();
    this.#pendingKeys = [];
    for (const day of [...this.#dayHeads.keys()].sort()) {
      for (const head of this.#dayHeads.get(day)!) {
        this.heads.set(head.id, head);
        this.#addKeys(head);
      }
    }
    for (const { heads, removed } of this.#journalOps) {
      for (const head of heads) {
        this.heads.set(head.id, head);
        this.#addKeys(head);
      }
      const gone = new Set<string>();
      for (const id of removed) if (this.heads.delete(id)) gone.add(id);
      // One pass over the index per file, before a later file may store an id again.
      if (gone.size > 0) this.#pendingKeys.push(gone);
    }
    this.#dayHeads = new Map();
    this.dropStagedContent();
    this.#journalOps = [];
    this.#journalIds = new Set();
    this.#forgetLiveTombstones();
    this.#loaded = true;
  }

  /** A live article needs no tombstone (Tombstones.prune counts on it); an older version may have left some. */
  #forgetLiveTombstones(): void {
    if (this.retired.size === 0) return;
    for (const id of this.heads.keys()) if (this.retired.delete(id)) this.dirty.retired = true;
  }

  /**
   * The journal files: their fetch state, topics and entries now; their heads
   * into `heads` as the current version of those articles (a later file wins),
   * and kept in order for finishLoad.
   */
  async #readJournal(): Promise<void> {
    const seqs = await this.#layout.listJournalSeqs();
    const docs: JournalDoc[] = [];
    for (const seq of seqs) {
      const doc = await readJournal(this.#layout, seq);
      if (doc) docs.push(doc);
    }
    const superseded = Math.max(0, ...docs.map((d) => d.supersedes ?? 0));
    const journal = this.journal;
    // Never reuse a number the manifest or topics file may claim to cover.
    journal.nextSeq = Math.max(0, ...seqs, this.manifestSeq, this.topics.fileSeq) + 1;
    for (const doc of docs) {
      if (doc.seq <= superseded) {
        journal.staleSeqs.push(doc.seq);
        continue;
      }
      const heads: ArticleHead[] = [];
      for (const record of doc.articles) {
        const { content: _content, ...head } = record;
        this.strings.share(head);
        heads.push(head);
        this.heads.set(head.id, head);
        this.#journalIds.add(head.id);
        journal.replay(record, segmentDayOf(head.firstSeen));
      }
      const removed = Object.keys(doc.removed);
      for (const [id, day] of Object.entries(doc.removed)) {
        this.heads.delete(id);
        this.#journalIds.add(id);
        journal.remove(id, day);
      }
      this.#journalOps.push({ heads, removed });
      // Fetch state the manifest already covers is older than the manifest's.
      if (doc.seq > this.manifestSeq) {
        for (const [name, state] of Object.entries(doc.sources ?? {})) this.sources.set(name, state);
        if (doc.lastCycle) this.lastCycle = doc.lastCycle;
        if (doc.sources || doc.lastCycle) this.manifestUnsaved = true;
      }
      // Topics of another fingerprint, or already in the topics file, are not current.
      if (doc.topics && doc.topics.fingerprint === this.topics.fingerprint && doc.seq > this.topics.fileSeq) {
        for (const [id, list] of Object.entries(doc.topics.byId)) this.topics.byId.set(id, list);
        this.topics.unsaved = true;
      }
      journal.files.push({ seq: doc.seq, bytes: (await stat(this.#layout.journal(doc.seq))).size });
    }
    journal.clearPending();
  }

  #loadManifest(doc: ManifestDoc): void {
    this.sources = new Map(Object.entries(doc.sources));
    this.lastCycle = doc.lastCycle;
    this.manifestSeq = doc.journalSeq ?? 0;
  }

  addHead(article: StoredArticle): ArticleHead {
    const head = this.#headOf(article);
    this.heads.set(head.id, head);
    this.#addKeys(head);
    return head;
  }

  #headOf(article: StoredArticle): ArticleHead {
    const { content: _content, ...head } = article;
    this.strings.share(head);
    return head;
  }

  #addKeys(head: ArticleHead): void {
    if (this.#keys) this.#keys.add(head);
    else this.#pendingKeys!.push(head);
  }

  /** The key index, built now if it was not yet (in one piece: callers that can wait use keysReady first). */
  get keys(): KeyIndex {
    if (!this.#keys) {
      const index = new KeyIndex();
      for (const op of this.#pendingKeys!) applyKeyOp(index, op);
      this.#pendingKeys = undefined;
      this.#keys = index;
    }
    return this.#keys;
  }

  /** Build the key index if it is not yet, in slices with the event loop free between them. */
  async keysReady(): Promise<void> {
    if (this.#keys) return;
    const ops = this.#pendingKeys!;
    const index = new KeyIndex();
    const slice = new TimeSlice(SLICE_MS);
    for (let i = 0; i < ops.length; i++) {
      applyKeyOp(index, ops[i]!);
      if (slice.due) {
        await slice.turn();
        // Built meanwhile by a caller that could not wait: that one counts.
        if (this.#keys) return;
      }
    }
    if (this.#keys) return;
    // Anything added while this ran was queued behind the ops taken: same order.
    for (let i = ops.length; i < this.#pendingKeys!.length; i++) applyKeyOp(index, this.#pendingKeys![i]!);
    this.#pendingKeys = undefined;
    this.#keys = index;
  }

  /** An article whose content is in hand (migration, import): head in memory, content in its dirty segment. */
  #putArticle(article: StoredArticle, segments: SegmentCache): void {
    this.addHead(article);
    segments.putNew(segmentDayOf(article.firstSeen), article);
  }
}

/** Work on the event loop between two turns while the key index is built. */
const SLICE_MS = 8;

function applyKeyOp(index: KeyIndex, op: ArticleHead | ReadonlySet<string>): void {
  if (op instanceof Set) index.removeIds(op);
  else index.add(op as ArticleHead);
}

export interface TopicsState {
  fingerprint: string;
  /** A rules edit fills a new one (sharded: no one step of growth copies 50,000 entries); read from disk, a Map. */
  byId: Map<string, string[]> | ShardedMap<string[]>;
  /** Set since the last flush, for this flush's journal file. */
  pending: Map<string, string[]>;
  /** A new fingerprint: the topics file is written whole at the next flush. */
  whole: boolean;
  /** Journal files hold topics the topics file does not. */
  unsaved: boolean;
  /** The journal sequence number the topics file covers. */
  fileSeq: number;
}

export function newTopics(fingerprint: string): TopicsState {
  return { fingerprint, byId: new ShardedMap(), pending: new Map(), whole: false, unsaved: false, fileSeq: 0 };
}

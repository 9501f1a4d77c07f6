/**
 * The store boundary: the operations the engine needs from persistence,
 * and nothing about how they are kept. Two backends implement it:
 *
 *   src/store/json/      the embedded default (lowdb JSON files under data/)
 *   src/store/postgres/  PostgreSQL, which several `serve` replicas may share
 *
 * The pipeline, dedupe, retention and publishing talk only to this
 * interface. Rules for every backend:
 *
 * - An article's HTML (`content`) is fetched only where it is needed: heads
 *   (everything but the content) are what listing, dedupe and curation use.
 * - `mergeSource` is atomic: one source's items are merged whole or not at
 *   all, together with that source's new fetch state.
 * - Every failure is a StoreError (src/errors.ts) naming the file or the
 *   database (password redacted).
 */
import type { ArticleHead, CycleRecord, MergeLookup, SourceMerge, SourceState, StoredArticle } from '../types.js';

export type { ArticleHead, ArticleWrite, MergeLookup, SourceMerge } from '../types.js';

export interface MergeRequest<T> {
  source: string;
  /** Every key the plan may look up (see lookupKeysOfItems in src/dedupe/). */
  keys: readonly string[];
  ids: readonly string[];
  /** Pure: decides the merge from what the store holds. Run once, inside the store's transaction. */
  plan(found: MergeLookup): { merge: SourceMerge; result: T };
  /** The source's fetch state after this poll, written in the same transaction. */
  state: SourceState;
}

export interface ClaimRequest {
  names: readonly string[];
  /** Only sources whose last attempt is older than this are due (replicas must not poll a source twice per due time). */
  attemptedBefore: Date;
  /** The lease: another process may take the source after this time. */
  leaseUntil: Date;
}

export interface RetentionLimits {
  retentionDays: number;
  maxItems: number;
}

export interface WriteStats {
  /** Bytes written by this flush (JSON: file bytes; PostgreSQL: 0, every operation is already committed). */
  bytes: number;
  /** Files (or segments) replaced. */
  files: number;
}

export interface Store {
  readonly kind: 'json' | 'postgres';
  /** For messages and /healthz: the file path, or the database URL with the password redacted. */
  readonly location: string;
  readonly readOnly: boolean;
  /** The schema version found when opened (older than current: migrated); null for a new store. */
  readonly openedSchemaVersion: number | null;

  // ---------------------------------------------------------------- articles
  countArticles(): Promise<number>;
  /** Heads of all stored articles, in no particular order. */
  listHeads(): Promise<ArticleHead[]>;
  /** Full articles (with content) for these ids; unknown ids are left out. */
  getArticles(ids: readonly string[]): Promise<StoredArticle[]>;
  /** Every stored article with its content, batch by batch (re-classification, copy-store, preview). */
  streamArticles(batchSize?: number): AsyncIterable<StoredArticle[]>;
  /** Look up, plan and apply one source's merge atomically; resolves with the plan's result. */
  mergeSource<T>(request: MergeRequest<T>): Promise<T>;
  /** Drop articles older than retentionDays or beyond maxItems, leaving tombstones; prune old tombstones. */
  applyRetention(limits: RetentionLimits, now: Date): Promise<{ dropped: number }>;

  // ---------------------------------------------------------------- sources
  getSourceStates(): Promise<Map<string, SourceState>>;
  /** A fetch state outside a merge (not modified, failed). */
  putSourceState(state: SourceState): Promise<void>;
  /** Of these sources, those this process may poll now; JSON: all (the lock file makes this process the only writer). */
  claimSources(request: ClaimRequest): Promise<string[]>;

  // ---------------------------------------------------------------- curation
  /** Stored topics per article id, computed with the rules of this fingerprint (of these ids only, when given; a backend may return more). */
  getClassifications(fingerprint: string, ids?: readonly string[]): Promise<Map<string, string[]>>;
  /** Adds or replaces the topics of these articles for this fingerprint; other fingerprints may be forgotten. */
  putClassifications(fingerprint: string, topics: ReadonlyMap<string, readonly string[]>): Promise<void>;

  // ---------------------------------------------------------------- cycles
  getLastCycle(): Promise<CycleRecord | undefined>;
  putLastCycle(record: CycleRecord): Promise<void>;

  // ---------------------------------------------------------------- copy-store
  /** Tombstones: id → day last listed. */
  listRetired(): Promise<Map<string, string>>;
  /** Bulk load into an empty store (copy-store, migration); no dedupe. */
  importData(data: { articles?: readonly StoredArticle[]; sources?: readonly SourceState[]; retired?: ReadonlyMap<string, string> }): Promise<void>;

  /** Make every change so far durable. JSON: write the files that changed, each atomically. */
  flush(): Promise<WriteStats>;
  /** Flush nothing; release the lock or the connections. */
  close(): Promise<void>;
  /** Called when another process changed the store (PostgreSQL replicas: LISTEN/NOTIFY). Returns an unsubscribe. */
  watch?(onChange: (what: 'articles' | 'rules' | 'published') => void): Promise<() => void>;

  /** JSON store: keep each segment's newest published date for the next start (segment-dates.ts; derived, written only when changed). */
  saveSegmentDates?(): Promise<void>;

  // ---------------------------------------------------------------- optional, added for PostgreSQL (issue 12)
  /** Newest articles first (published, first seen, id): publishing without reading the whole table. */
  listNewestHeads?(options: { limit: number; publishedAfter?: Date }): Promise<ArticleHead[]>;
  /**
   * What other processes wrote since `cursor` (null: everything): heads written
   * and ids removed by retention. At least once: a change may come twice.
   * A replica keeping heads in memory calls it on watch('articles').
   */
  changesSince?(cursor: string | null): Promise<StoreChanges>;
  /** The cursor changesSince(null) would return, without reading anything (a replica's start). */
  changesCursor?(): Promise<string>;
  /** Replicas: record this process's rules fingerprint (NOTIFY 'rules' when it changed) and whether the live replicas agree. */
  reportRules?(fingerprint: string, now: Date): Promise<RulesAgreement>;
  /**
   * Replicas: the Last-Modified of each route's body (by its identity ETag), the same on every
   * replica serving that body, never backwards; a body not seen before is stamped now.
   */
  stampPublication?(bodies: readonly { path: string; etag: string }[]): Promise<Map<string, Date>>;
  /** The stamps of these bodies as stored now, read-only (after watch('published')); unknown bodies are left out. */
  readPublicationStamps?(bodies: readonly { path: string; etag: string }[]): Promise<Map<string, Date>>;
  /** For /healthz: can the store be reached now, and how fast. */
  checkHealth?(): Promise<StoreHealth>;
  /** For the metrics: connections of the pool. */
  poolStats?(): PoolStats;
}

export interface StoreChanges {
  cursor: string;
  heads: ArticleHead[];
  removed: string[];
}

export interface RulesAgreement {
  /** This replica's rules are the ones most live replicas run (ties: the most recently changed). */
  agreed: boolean;
  /** The fingerprint the others are measured against. */
  reference: string;
  replicas: { replica: string; fingerprint: string; seenAt: string }[];
}

export interface StoreHealth {
  ok: boolean;
  /** One line: "database … on host:port, 3 ms" or the reason it failed. */
  detail: string;
  latencyMs?: number;
}

export interface PoolStats {
  total: number;
  idle: number;
  /** Callers waiting for a connection: above 0 for long, the pool is too small. */
  waiting: number;
}

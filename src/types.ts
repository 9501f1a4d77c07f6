/**
 * The domain model that flows through the pipeline. Each stage takes one of
 * these shapes and returns the next; only src/store persists them.
 *
 *   fetch  -> FetchResult      (bytes, knows nothing about feeds)
 *   parse  -> ParsedFeed       (RawItem[], still source-shaped)
 *   normalize -> NormalizedItem (plain-text title/summary, sanitized HTML, canonical link)
 *   dedupe -> StoredArticle    (stable id, every source that carried it)
 *   classify -> Classification (computed from the current rules, never stored)
 *   publish -> feed documents
 */

export type FeedFormat = 'rss0.9' | 'rss1.0' | 'rss2.0' | 'atom1.0' | 'jsonfeed1.0' | 'jsonfeed1.1';

export interface Enclosure {
  url: string;
  type?: string;
  length?: number;
}

/** One item as the source wrote it, after parsing but before any cleaning. */
export interface RawItem {
  /** The source's own guid (RSS) or id (Atom, JSON Feed). */
  guid?: string;
  title?: string;
  /** Absolute where the parser could resolve it (xml:base, feed link), else as written. */
  link?: string;
  /** Date strings exactly as written; normalize parses them. */
  published?: string;
  updated?: string;
  /** HTML or text, as written. */
  summary?: string;
  /** HTML, as written. */
  content?: string;
  author?: string;
  categories?: string[];
  enclosures?: Enclosure[];
  /** Base for relative URLs in this item's HTML when it differs from the feed's (Atom/RSS xml:base). */
  baseUrl?: string;
}

export interface ParsedFeed {
  format: FeedFormat;
  title?: string;
  link?: string;
  /** Base URL for resolving relative item links (feed link or the fetched URL). */
  baseUrl?: string;
  items: RawItem[];
  /** What the parser repaired or doubted (duplicate guids, ...), for logs and `inspect`. */
  warnings?: string[];
}

/** Why an article's date is the first-seen time rather than the source's. */
export type DateProblem = 'missing' | 'unparseable' | 'future';

export interface NormalizedItem {
  guid?: string;
  /** Plain text, entities decoded, whitespace collapsed. Never empty (falls back to link or "(ohne Titel)"). */
  title: string;
  /** Canonical absolute URL (tracking parameters removed) or undefined if the item has none. */
  link?: string;
  /** ISO 8601 UTC; undefined when dateProblem is set. */
  published?: string;
  updated?: string;
  dateProblem?: DateProblem;
  /** Plain text, cut at a word boundary. */
  summary: string;
  /** Sanitized HTML with absolute URLs. May be empty. */
  content: string;
  author?: string;
  categories: string[];
  enclosures: Enclosure[];
  /** `content` as JSON text in UTF-8, when a read worker made it (src/read/content-json.ts): the JSON store appends it as is. */
  contentJson?: Uint8Array;
  /** The hash of the capped title, summary and content, when a read worker made it (src/dedupe/item-digests.ts). */
  contentHash?: string;
  /** `link`'s url key and that key's id (src/dedupe/identity.ts), when a read worker made them and the link has one. */
  linkKey?: string;
  linkKeyId?: string;
}

/** One source that carried an article. */
export interface ArticleSource {
  name: string;
  guid?: string;
  /** The link as this source gave it (canonicalized). */
  link?: string;
  firstSeen: string;
}

export interface StoredArticle {
  /** Stable public id, derived from `key` (see src/dedupe/identity.ts). */
  id: string;
  /** The canonical key the id was derived from ("url:…", "guid:…" or "hash:…"). */
  key: string;
  title: string;
  link?: string;
  summary: string;
  content: string;
  author?: string;
  categories: string[];
  enclosures: Enclosure[];
  /** The source's publication date, or firstSeen when the source gave none or an impossible one. */
  published: string;
  dateProblem?: DateProblem;
  firstSeen: string;
  /** Set when a source changed the article after it was first stored. */
  updated?: string;
  /** Hash of title+summary+content, to detect changes. */
  contentHash: string;
  sources: ArticleSource[];
}

/**
 * An article without its HTML: what dedupe, retention and curation read. Heads a merge makes have
 * one shape: an absent optional field is an undefined property (JSON, and so the store, leaves it out).
 */
export type ArticleHead = Omit<StoredArticle, 'content'>;

/** One article to write: its head, and its content when the content is new or changed. */
export interface ArticleWrite {
  head: ArticleHead;
  /** Absent: keep the stored content (only the head changed, e.g. a second source listed it). */
  content?: string;
  /** `content` as JSON text in UTF-8, when the reader made it (NormalizedItem.contentJson). */
  contentJson?: Uint8Array;
}

/** What the store holds for the keys and ids a merge asked about. */
export interface MergeLookup {
  /** Lookup key (identity key, url key of a known link, guid key) → the article known under it. */
  byKey: ReadonlyMap<string, ArticleHead>;
  /** Article id → the article. */
  byId: ReadonlyMap<string, ArticleHead>;
  /** Of the asked ids, those dropped by retention (tombstones). */
  retired: ReadonlySet<string>;
}

/** The outcome of merging one source's items, as the store must apply it. */
export interface SourceMerge {
  /** New and changed articles. */
  writes: ArticleWrite[];
  /** Tombstoned ids the source still lists: their "last listed" day becomes `day`. */
  retiredSeen: string[];
  /** Calendar day (UTC, YYYY-MM-DD) of the merge. */
  day: string;
}

/** Fetch state of one configured source, persisted in the store. */
export interface SourceState {
  name: string;
  /** The configured URL this state belongs to; a config change of the URL resets the state. */
  url: string;
  /** Where a permanent redirect (301/308) pointed; fetched instead of `url`. */
  permanentUrl?: string;
  etag?: string;
  lastModified?: string;
  lastAttempt?: string;
  lastSuccess?: string;
  lastError?: string;
  lastErrorAt?: string;
  /** Error code from the error catalogue (src/errors.ts). */
  lastErrorCode?: string;
  consecutiveErrors: number;
  /** ISO time before which the source is not polled (backoff, Retry-After). */
  nextDue?: string;
  /** What `nextDue` waits for: the server's Retry-After, or our backoff after failures. */
  waitingFor?: 'retry-after' | 'backoff';
  /** What the last successful read recovered from or doubted ("recovered: …"), for /healthz. */
  warnings?: string[];
  /** Set on HTTP 410: the fingerprint of the source's config entry when it went away. */
  goneFor?: string;
}

export interface CycleError {
  source: string;
  /** Stable code from the error catalogue (src/errors.ts); skipped sources carry the code of their reason. */
  code: string;
  error: string;
}

/** The `poll --json` object of SPEC §2, also kept as the last cycle in the store. */
export interface CycleSummary {
  sources: number;
  ok: number;
  notModified: number;
  failed: number;
  /** Sources not polled this cycle: backoff, Retry-After or 410. ok + notModified + failed + skipped = sources. */
  skipped: number;
  new: number;
  updated: number;
  duplicates: number;
  curated: number;
  durationMs: number;
  errors: CycleError[];
}

export interface CycleRecord extends CycleSummary {
  startedAt: string;
  finishedAt: string;
}

/** Result of classifying one article against the current topic rules. */
export interface Classification {
  topics: string[];
  /** Per topic, the include terms that matched. */
  matches: Record<string, string[]>;
  /** Per topic, the exclude terms that vetoed it. */
  excluded: Record<string, string[]>;
}

/** The text classify looks at. */
export interface ClassifiableText {
  title: string;
  summary?: string;
  content?: string;
  /**
   * Names of the sources that carried the article. A source restricted to
   * some topics (`sources[].topics`) only lends those; the article may have
   * the union of what its sources allow. Absent: no restriction.
   */
  sources?: readonly string[];
}

/** One entry of the published feed: an article, its current topics, and the other outlets of its story. */
export interface CuratedEntry {
  article: StoredArticle;
  topics: string[];
  /** Other articles about the same story from other outlets (same-story cluster), newest first. */
  alsoAt: { id: string; source: string; title: string; link?: string }[];
  /** Per topic, the include terms that gave it (as `explain` shows them), over the lead and its other outlets. */
  matches?: Record<string, string[]>;
}

/** What /healthz answers: computed by the daemon, served as is. */
export interface HealthReport {
  /** 200 while the store is usable and the server serving, else 503. */
  httpStatus: number;
  body: Record<string, unknown>;
}

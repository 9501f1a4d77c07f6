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
  /** Set on HTTP 410: the fingerprint of the source's config entry when it went away. */
  goneFor?: string;
}

export interface CycleError {
  source: string;
  error: string;
}

/** The `poll --json` object of SPEC §2, also kept as the last cycle in the store. */
export interface CycleSummary {
  sources: number;
  ok: number;
  notModified: number;
  failed: number;
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
  /** Sources skipped this cycle because of backoff, Retry-After or 410. */
  skipped: number;
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

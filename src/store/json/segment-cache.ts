/**
 * The article segments in memory: those changed since the last flush
 * (dirty, kept until written) and a few recently read ones (clean, least
 * recently used dropped first). Everything else stays on disk, so memory
 * holds the HTML of a few days, not of the whole store.
 *
 * The clean ones serve the reads of one burst (a cycle's merge and publish,
 * a rebuild); once no segment was read for `cleanIdleMs` they are all
 * dropped, so an idle daemon holds none (at 20,000 articles four clean days
 * were about 7 MB of HTML kept between polls for nothing).
 */
import type { StoredArticle } from '../../types.js';

type Segment = Map<string, StoredArticle>;

const CLEAN_SEGMENTS_KEPT = 4;
/** Quiet time after the last read before the clean segments are dropped: longer than the gaps within a cycle's reads, shorter than idle-memory.ts's 6 s before its collection. */
const CLEAN_IDLE_MS = 3_000;

export class SegmentCache {
  readonly #readFromDisk: (day: string, wanted?: ReadonlySet<string>) => Promise<StoredArticle[]>;
  readonly #dirty = new Map<string, Segment>();
  readonly #clean = new Map<string, Segment>();
  readonly #cleanIdleMs: number;
  #lastRead = 0;
  #expiry: NodeJS.Timeout | undefined;

  constructor(readFromDisk: (day: string, wanted?: ReadonlySet<string>) => Promise<StoredArticle[]>, options: { cleanIdleMs?: number } = {}) {
    this.#readFromDisk = readFromDisk;
    this.#cleanIdleMs = options.cleanIdleMs ?? CLEAN_IDLE_MS;
  }

  /** How many clean segments are held now. */
  get cleanCount(): number {
    return this.#clean.size;
  }

  /** The segment's articles by id; do not change the map (use edit). */
  async read(day: string): Promise<ReadonlyMap<string, StoredArticle>> {
    this.#lastRead = performance.now();
    const dirty = this.#dirty.get(day);
    if (dirty) return dirty;
    const clean = this.#clean.get(day);
    if (clean) {
      this.#clean.delete(day);
      this.#clean.set(day, clean); // most recently used last
      return clean;
    }
    const loaded = new Map((await this.#readFromDisk(day)).map((a) => [a.id, a]));
    // Another caller may have loaded or changed it while this one read the file.
    const raced = this.#dirty.get(day) ?? this.#clean.get(day);
    if (raced) return raced;
    this.#keepClean(day, loaded);
    return loaded;
  }

  /**
   * These articles of the segment (those it holds): from memory when the
   * segment is there, else only they are parsed from the file, and nothing
   * is kept (a poll's lookups touch a few articles on each of many days).
   */
  async readSome(day: string, ids: ReadonlySet<string>): Promise<StoredArticle[]> {
    const held = this.#dirty.get(day) ?? this.#clean.get(day);
    if (!held) return this.#readFromDisk(day, ids);
    const found: StoredArticle[] = [];
    for (const id of ids) {
      const article = held.get(id);
      if (article) found.push(article);
    }
    return found;
  }

  /** The segment, to change: it stays in memory until written. */
  async edit(day: string): Promise<Segment> {
    const dirty = this.#dirty.get(day);
    if (dirty) return dirty;
    const segment = new Map(await this.read(day));
    this.#clean.delete(day);
    this.#dirty.set(day, segment);
    return segment;
  }

  /** A segment built in memory from scratch (migration): whatever is on disk for that day is replaced. */
  putNew(day: string, article: StoredArticle): void {
    let segment = this.#dirty.get(day);
    if (!segment) {
      segment = new Map();
      this.#dirty.set(day, segment);
      this.#clean.delete(day);
    }
    segment.set(article.id, article);
  }

  /** Every article of the segment is gone: its file is removed at the next write. */
  drop(day: string): void {
    this.#clean.delete(day);
    this.#dirty.set(day, new Map());
  }

  /** The file changed on disk (a compaction folded the journal into it): read it again when asked. */
  forget(day: string): void {
    this.#clean.delete(day);
  }

  isDirty(day: string): boolean {
    return this.#dirty.has(day);
  }

  dirtyDays(): string[] {
    return [...this.#dirty.keys()].sort();
  }

  dirtyArticles(day: string): StoredArticle[] {
    return [...(this.#dirty.get(day)?.values() ?? [])];
  }

  /** Written: the segment may now be forgotten like any clean one. */
  markClean(day: string): void {
    const segment = this.#dirty.get(day);
    if (!segment) return;
    this.#dirty.delete(day);
    if (segment.size > 0) this.#keepClean(day, segment);
  }

  /** No more reads coming (the store closes): drop the clean segments and the timer now. */
  close(): void {
    clearTimeout(this.#expiry);
    this.#expiry = undefined;
    this.#clean.clear();
  }

  #keepClean(day: string, segment: Segment): void {
    this.#clean.set(day, segment);
    while (this.#clean.size > CLEAN_SEGMENTS_KEPT) this.#clean.delete(this.#clean.keys().next().value!);
    this.#lastRead = performance.now();
    this.#armExpiry(this.#cleanIdleMs);
  }

  /** One timer for all clean segments; a read since it was armed moves the deadline on instead of re-arming on every read. */
  #armExpiry(ms: number): void {
    if (this.#expiry) return;
    this.#expiry = setTimeout(() => {
      this.#expiry = undefined;
      const quiet = performance.now() - this.#lastRead;
      if (quiet >= this.#cleanIdleMs) this.#clean.clear();
      else this.#armExpiry(this.#cleanIdleMs - quiet);
    }, Math.max(1, ms));
    this.#expiry.unref();
  }
}

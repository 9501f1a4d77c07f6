/**
 * Retention: after each cycle drop articles published more than
 * `retentionDays` ago, then the oldest beyond `maxItems`.
 *
 * Every dropped article leaves a tombstone `retired[id] = day last listed`
 * (about 30 bytes), so that a merge does not store it again as new while a
 * source still lists it. Listing refreshes the day; a tombstone expires only
 * after no source listed it for TOMBSTONE_MIN_DAYS (or retentionDays, if
 * longer) — long enough to outlast feeds that answer 304 for weeks and are
 * therefore not re-read. Their number is capped at TOMBSTONE_FACTOR × maxItems,
 * the least recently listed going first.
 *
 * Each store backend applies these rules: the JSON store in memory
 * (Tombstones below), PostgreSQL in SQL with the same constants.
 */
import type { ArticleHead } from '../types.js';

export const TOMBSTONE_MIN_DAYS = 90;
export const TOMBSTONE_FACTOR = 5;
/** The fewest tombstones kept whatever maxItems says. */
export const TOMBSTONE_MIN_CAP = 1_000;
const DAY_MS = 86_400_000;

export interface RetentionLimits {
  retentionDays: number;
  maxItems: number;
}

type Dated = Pick<ArticleHead, 'id' | 'published' | 'firstSeen'>;

/** The ids retention drops from these articles. */
export function selectExpired(articles: Iterable<Dated>, limits: RetentionLimits, now: Date): string[] {
  const scan = scanExpired(articles, limits, now);
  for (;;) {
    const step = scan.next();
    if (step.done) return step.value;
  }
}

/** Articles looked at between two steps of scanExpired (~0.3 ms at 20,000 heads). */
const SCAN_STEP = 512;

/**
 * selectExpired in steps: pauses (yields) after every SCAN_STEP articles, and
 * returns the same ids. A store that walks every head after each poll drives
 * it with its time slice and gives the event loop a turn between steps: in
 * one piece it held `serve` 10–24 ms of a poll, with the journal write after it.
 */
export function* scanExpired(articles: Iterable<Dated>, limits: RetentionLimits, now: Date): Generator<void, string[], void> {
  const cutoff = now.getTime() - limits.retentionDays * DAY_MS;
  const cutoffIso = new Date(cutoff).toISOString();
  const kept: Dated[] = [];
  const dropped: string[] = [];
  let seen = 0;
  for (const article of articles) {
    // Dates as toISOString writes them compare as text: this runs over every head after each cycle, and Date.parse of each took ~10 ms at 20,000.
    const published = article.published;
    const keep = isCanonicalIso(published) ? published >= cutoffIso : Date.parse(published) >= cutoff;
    if (keep) kept.push(article);
    else dropped.push(article.id);
    if (++seen % SCAN_STEP === 0) yield;
  }
  if (kept.length > limits.maxItems) for (const article of yield* oldest(kept, kept.length - limits.maxItems)) dropped.push(article.id);
  return dropped;
}

/**
 * The `count` oldest articles, newest first: what sorting all of them and
 * taking the tail gives, with a heap of `count` instead of a sort of all
 * (this runs after every cycle; a full store is over maxItems by a few
 * hundred, and sorting 20,000 heads held the event loop for ~20 ms).
 */
function* oldest(articles: readonly Dated[], count: number): Generator<void, Dated[], void> {
  // heap[0] is the newest of the oldest found so far: the first to give way.
  const heap: Dated[] = [];
  const down = (at: number): void => {
    for (;;) {
      const left = 2 * at + 1;
      const right = left + 1;
      let top = at;
      if (left < heap.length && newestFirst(heap[left]!, heap[top]!) < 0) top = left;
      if (right < heap.length && newestFirst(heap[right]!, heap[top]!) < 0) top = right;
      if (top === at) return;
      [heap[at], heap[top]] = [heap[top]!, heap[at]!];
      at = top;
    }
  };
  let seen = 0;
  for (const article of articles) {
    if (++seen % SCAN_STEP === 0) yield;
    if (heap.length < count) {
      heap.push(article);
      for (let at = heap.length - 1; at > 0; ) {
        const parent = (at - 1) >> 1;
        if (newestFirst(heap[at]!, heap[parent]!) >= 0) break;
        [heap[at], heap[parent]] = [heap[parent]!, heap[at]!];
        at = parent;
      }
    } else if (newestFirst(article, heap[0]!) > 0) {
      heap[0] = article;
      down(0);
    }
  }
  return heap.sort(newestFirst);
}

/** Day before which a tombstone not listed since has expired. */
export function tombstoneExpiryDay(limits: RetentionLimits, now: Date): string {
  return dayOf(new Date(now.getTime() - Math.max(TOMBSTONE_MIN_DAYS, limits.retentionDays) * DAY_MS));
}

export function tombstoneCap(limits: RetentionLimits): number {
  return Math.max(TOMBSTONE_MIN_CAP, TOMBSTONE_FACTOR * limits.maxItems);
}

/**
 * The tombstones a store keeps in memory (the JSON store): id → day last
 * listed, in the order they were last listed on a new day (a Map keeps
 * insertion order, and listing on a later day moves an entry to the end).
 * Expiry and the cap then both cut from the front, the least recently listed
 * first, so a prune costs what goes, not the up to 5 × maxItems held:
 * building the map anew at the cap held the event loop 16–28 ms every poll
 * at 20,000 articles.
 *
 * Order is checked, not trusted: a file of an older version, or a day that
 * goes backwards (a clock set back), makes the next prune sort by day first
 * (stable: within a day the order stays).
 */
export class Tombstones {
  #byId = new Map<string, string>();
  /** Every entry's day is >= the day of every entry before it. */
  #ordered = true;
  #newest = '';

  /** From a file or an import: put in order at once (a start, not a poll, pays for a file of an older version). */
  constructor(entries: Iterable<readonly [string, string]> = []) {
    for (const [id, day] of entries) this.list(id, day);
    if (!this.#ordered) this.#sortByDay();
  }

  get size(): number {
    return this.#byId.size;
  }

  get(id: string): string | undefined {
    return this.#byId.get(id);
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  /** id → day, least recently listed first (once pruned or built in order). */
  entries(): IterableIterator<[string, string]> {
    return this.#byId.entries();
  }

  /** The article was retired, or a source listed it, on this day; false when that changes nothing. */
  list(id: string, day: string): boolean {
    const was = this.#byId.get(id);
    if (was === day) return false;
    if (was !== undefined) this.#byId.delete(id);
    this.#byId.set(id, day);
    if (day < this.#newest) this.#ordered = false;
    else this.#newest = day;
    return true;
  }

  /** An article of this id is stored again (an import): it needs no tombstone. */
  delete(id: string): boolean {
    return this.#byId.delete(id);
  }

  /**
   * Drop the expired tombstones, then the least recently listed beyond the
   * cap; returns how many went. Live articles have none (the store deletes a
   * tombstone when it stores the article), so none count against the cap.
   */
  prune(limits: RetentionLimits, now: Date): number {
    if (!this.#ordered) this.#sortByDay();
    const expired = tombstoneExpiryDay(limits, now);
    const cap = tombstoneCap(limits);
    let removed = 0;
    for (const [id, day] of this.#byId) {
      if (day >= expired && this.#byId.size <= cap) break;
      this.#byId.delete(id);
      removed++;
    }
    return removed;
  }

  /** Stable, by counting per day: a few distinct days, up to 5 × maxItems entries. */
  #sortByDay(): void {
    const byDay = new Map<string, string[]>();
    for (const [id, day] of this.#byId) {
      const ids = byDay.get(day);
      if (ids) ids.push(id);
      else byDay.set(day, [id]);
    }
    const sorted = new Map<string, string>();
    for (const day of [...byDay.keys()].sort()) for (const id of byDay.get(day)!) sorted.set(id, day);
    this.#byId = sorted;
    this.#ordered = true;
  }
}

/** `YYYY-MM-DDTHH:MM:SS.sssZ`, the form of toISOString for years 0000–9999. */
function isCanonicalIso(date: string): boolean {
  return date.length === 24 && date.charCodeAt(23) === 90 /* Z */ && date.charCodeAt(10) === 84 /* T */ && date.charCodeAt(19) === 46 /* . */;
}

/** Calendar day (UTC) of a time, the resolution tombstones need. */
export function dayOf(time: Date): string {
  return time.toISOString().slice(0, 10);
}

function newestFirst(a: Dated, b: Dated): number {
  if (a.published !== b.published) return a.published < b.published ? 1 : -1;
  if (a.firstSeen !== b.firstSeen) return a.firstSeen < b.firstSeen ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

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
 * Pure functions: each store backend applies them (the JSON store in memory,
 * PostgreSQL in SQL with the same constants).
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
  const cutoff = now.getTime() - limits.retentionDays * DAY_MS;
  const kept: Dated[] = [];
  const dropped: string[] = [];
  for (const article of articles) {
    if (Date.parse(article.published) >= cutoff) kept.push(article);
    else dropped.push(article.id);
  }
  if (kept.length > limits.maxItems) for (const article of oldest(kept, kept.length - limits.maxItems)) dropped.push(article.id);
  return dropped;
}

/**
 * The `count` oldest articles, newest first: what sorting all of them and
 * taking the tail gives, with a heap of `count` instead of a sort of all
 * (this runs after every cycle; a full store is over maxItems by a few
 * hundred, and sorting 20,000 heads held the event loop for ~20 ms).
 */
function oldest(articles: readonly Dated[], count: number): Dated[] {
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
  for (const article of articles) {
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
 * The tombstones to keep: not expired, not live again, at most the cap (the
 * most recently listed; on the day where the cap falls, the first listed).
 * `retired` itself when none goes (below the cap, no day turned). At the cap
 * every poll that retires articles goes over it and the map is built anew,
 * but the cut is found by counting per day instead of sorting: copying and
 * sorting the up to 5 × maxItems entries held the event loop for 16–28 ms
 * per poll at 20,000 articles.
 */
export function pruneTombstones(
  retired: Map<string, string>,
  isLive: (id: string) => boolean,
  limits: RetentionLimits,
  now: Date,
): Map<string, string> {
  const expired = tombstoneExpiryDay(limits, now);
  const perDay = new Map<string, number>();
  let staying = 0;
  for (const [id, day] of retired) {
    if (day < expired || isLive(id)) continue;
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
    staying++;
  }
  const cap = tombstoneCap(limits);
  if (staying === retired.size && staying <= cap) return retired;
  // Newest days first: the day where the cap falls keeps `room` of its entries, older days none.
  let cutDay = '';
  let room = Infinity;
  if (staying > cap) {
    let before = 0;
    for (const day of [...perDay.keys()].sort().reverse()) {
      const count = perDay.get(day)!;
      if (before + count > cap) {
        cutDay = day;
        room = cap - before;
        break;
      }
      before += count;
    }
  }
  const kept = new Map<string, string>();
  for (const [id, day] of retired) {
    if (day < expired || day < cutDay || isLive(id)) continue;
    if (day === cutDay && room-- <= 0) continue;
    kept.set(id, day);
  }
  return kept;
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

/**
 * Retention: after each cycle drop articles published more than
 * `retentionDays` ago, then the oldest beyond `maxItems`.
 *
 * Every dropped article leaves a tombstone `retired[id] = day last listed`
 * (about 30 bytes), so that merge-items does not store it again as new while
 * a source still lists it. Listing refreshes the day; a tombstone expires only
 * after no source listed it for TOMBSTONE_MIN_DAYS (or retentionDays, if
 * longer) — long enough to outlast feeds that answer 304 for weeks and are
 * therefore not re-read. Their number is capped at TOMBSTONE_FACTOR × maxItems,
 * the least recently listed going first.
 */
import type { StoreData } from '../store/store.js';
import type { StoredArticle } from '../types.js';

export const TOMBSTONE_MIN_DAYS = 90;
export const TOMBSTONE_FACTOR = 5;
const DAY_MS = 86_400_000;

export interface RetentionLimits {
  retentionDays: number;
  maxItems: number;
}

export function applyRetention(data: StoreData, limits: RetentionLimits, now: Date): { dropped: number } {
  const cutoff = now.getTime() - limits.retentionDays * DAY_MS;
  const today = dayOf(now);
  let kept: StoredArticle[] = [];
  const dropped: StoredArticle[] = [];
  for (const article of data.articles) (Date.parse(article.published) >= cutoff ? kept : dropped).push(article);

  if (kept.length > limits.maxItems) {
    kept.sort(newestFirst);
    dropped.push(...kept.slice(limits.maxItems));
    kept = kept.slice(0, limits.maxItems);
  }

  for (const article of dropped) data.retired[article.id] = today;
  if (dropped.length > 0) data.articles = kept;
  pruneTombstones(data, limits, now);
  return { dropped: dropped.length };
}

/** Calendar day (UTC) of a time, the resolution tombstones need. */
export function dayOf(time: Date): string {
  return time.toISOString().slice(0, 10);
}

function pruneTombstones(data: StoreData, limits: RetentionLimits, now: Date): void {
  const keepDays = Math.max(TOMBSTONE_MIN_DAYS, limits.retentionDays);
  const expired = dayOf(new Date(now.getTime() - keepDays * DAY_MS));
  const live = new Set(data.articles.map((a) => a.id));
  let entries = Object.entries(data.retired).filter(([id, day]) => day >= expired && !live.has(id));
  const cap = Math.max(1_000, TOMBSTONE_FACTOR * limits.maxItems);
  if (entries.length > cap) entries = entries.sort((a, b) => (a[1] < b[1] ? 1 : a[1] > b[1] ? -1 : 0)).slice(0, cap);
  if (entries.length !== Object.keys(data.retired).length) data.retired = Object.fromEntries(entries);
}

function newestFirst(a: StoredArticle, b: StoredArticle): number {
  if (a.published !== b.published) return a.published < b.published ? 1 : -1;
  if (a.firstSeen !== b.firstSeen) return a.firstSeen < b.firstSeen ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

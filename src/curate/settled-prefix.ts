/**
 * A rules edit's curation while only part of the store is classified with
 * the new rules: the feeds read only the newest part of it (select-entries.ts),
 * so a publication can be built as soon as that part is settled, long before
 * the whole store is (derive-curation.ts serves it early).
 *
 * The prefix grows over the heads in curated order (newest first), over
 * every one whose topics are settled, up to the first one that is not.
 * That one's date is the horizon (LoadHorizon): every article not settled yet
 * was published at or before it. With the articles first seen on the clock's
 * UTC day all settled, the selection then gives the whole store's entries, or
 * says it would look past the horizon (WindowNotLoaded): the same contract as
 * a start that reads the newest segments first (window-start.ts).
 */
import type { ArticleHead } from '../types.js';
import { mergeSorted, newestFirst, type CuratedHead } from './curation.js';
import type { LoadHorizon } from './select-entries.js';
import { sortInSlices } from './sort-in-slices.js';
import { dayOf } from './words-by-day.js';

export class SettledPrefix {
  /** The heads by UTC day of publication, the days newest first: each day sorted only when the prefix reaches it. */
  readonly #days: ArticleHead[][];
  #day = 0;
  #sortedDay = -1;
  #at = 0;
  /** The ids first seen on or after the day the selection starts its window (all must be settled). */
  readonly #today: ArticleHead[];
  /** How many heads are settled from the newest on; the curated among them, in order. */
  #settled = 0;
  readonly #total: number;
  readonly #curated: CuratedHead[] = [];

  private constructor(days: ArticleHead[][], today: ArticleHead[], total: number) {
    this.#days = days;
    this.#today = today;
    this.#total = total;
  }

  /**
   * The heads put in buckets by day of publication (a full sort of 50,000 heads cost ~130 ms of a rules
   * edit, most of it for days the feeds never reach); `dayIso`: the start of the clock's UTC day.
   */
  static async of(heads: Iterable<ArticleHead>, dayIso: string, pause: () => Promise<void>): Promise<SettledPrefix> {
    const byDay = new Map<string, ArticleHead[]>();
    const today: ArticleHead[] = [];
    let total = 0;
    for (const head of heads) {
      const day = dayOf(head.published);
      const list = byDay.get(day);
      if (list) list.push(head);
      else byDay.set(day, [head]);
      if (head.firstSeen >= dayIso) today.push(head);
      if ((++total & 4_095) === 0) await pause();
    }
    const days = [...byDay.keys()].sort().reverse().map((day) => byDay.get(day)!);
    return new SettledPrefix(days, today.sort(newestFirst), total);
  }

  /** Move over the heads settled since the last call. */
  async advance(topics: ReadonlyMap<string, string[]>, pause: () => Promise<void>): Promise<void> {
    while (this.#day < this.#days.length) {
      const day = this.#days[this.#day]!;
      if (this.#sortedDay !== this.#day) {
        this.#days[this.#day] = await sortInSlices(day, newestFirst, pause);
        this.#sortedDay = this.#day;
        continue;
      }
      for (; this.#at < day.length; this.#at++) {
        const head = day[this.#at]!;
        const list = topics.get(head.id);
        if (list === undefined) return;
        if (list.length > 0) this.#curated.push({ head, topics: list });
        if ((++this.#settled & 1_023) === 0) await pause();
      }
      this.#day++;
      this.#at = 0;
    }
  }

  /** How many heads, from the newest, are settled. */
  get size(): number {
    return this.#settled;
  }

  /**
   * The curated list and horizon a publication can be built from now; undefined when every head is
   * settled (nothing to serve early) or an article first seen today is not settled yet.
   */
  partial(topics: ReadonlyMap<string, string[]>): { curated: CuratedHead[]; horizon: LoadHorizon } | undefined {
    // Before advance() has sorted the day it stands in, that day's first head need not be its newest.
    if (this.#settled >= this.#total || this.#sortedDay !== this.#day) return undefined;
    const first = this.#days[this.#day]![this.#at]!;
    const beyond: CuratedHead[] = [];
    for (const head of this.#today) {
      const list = topics.get(head.id);
      if (list === undefined) return undefined;
      // Today's articles published before the horizon: in the list too, where their dates put them.
      if (list.length > 0 && newestFirst(head, first) > 0) beyond.push({ head, topics: list });
    }
    const curated = beyond.length === 0 ? [...this.#curated] : mergeSorted(this.#curated, beyond);
    return { curated, horizon: { unloadedNewest: first.published } };
  }
}

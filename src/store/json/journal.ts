/**
 * The changes of the JSON store that are not yet folded into the day
 * segments. A flush writes what changed since the previous flush as one new
 * journal file (feedkurator.journal-NNNNNN.json), so that the bytes written
 * follow the change, not the size of the segments it touches: an old article
 * that gains a source costs its head, not its day's whole segment.
 *
 * A journal file holds full heads (replacing the segment's), the content
 * only when it changed, removed ids with their segment day, the topics
 * computed since the topics file was written, and the fetch state of the
 * sources polled (so that a source's articles and its new ETag land in one
 * atomic write). Files are replayed in sequence
 * order on top of the segments; a later entry for an id wins, so replaying a
 * file twice, or on top of a segment it was already folded into, changes
 * nothing as long as the newest entry comes last.
 *
 * Compaction (json-store.ts) folds a few days into their segments per flush
 * and replaces the journal by one file holding what is left, marked
 * `supersedes: N`: files up to N are ignored from then on and deleted.
 */
import type { ArticleHead, CycleRecord, SourceState } from '../../types.js';

/** What is known about one article beyond its segment file. */
export interface JournalEntry {
  day: string;
  /** Newer than the segment's; absent: the segment (or an older journal entry, folded into this one) has it. */
  content?: string;
  removed?: true;
}

export interface JournalRecord extends ArticleHead {
  content?: string;
}

export interface JournalDoc {
  schemaVersion: number;
  seq: number;
  /** Journal files up to this sequence number are replaced by this one. */
  supersedes?: number;
  articles: JournalRecord[];
  /** Removed by retention: id → segment day. */
  removed: Record<string, string>;
  /** Topics computed since the topics file was written, for its fingerprint. */
  topics?: { fingerprint: string; byId: Record<string, string[]> };
  /** Fetch state of the sources polled since the previous file, and the last cycle: the manifest gets them at compaction. */
  sources?: Record<string, SourceState>;
  lastCycle?: CycleRecord;
}

/** About what a head takes as JSON (975 characters on average in a generated store of 20,000 articles). */
const HEAD_BYTES = 1_000;

export class Journal {
  /** Every change not yet folded into a segment, by day then id. */
  readonly #byDay = new Map<string, Map<string, JournalEntry>>();
  /** Ids changed since the last flush, and whether their content changed. */
  readonly #pending = new Map<string, { day: string; contentChanged: boolean }>();
  /** Journal files on disk that count (not superseded), in sequence order, with their sizes. */
  files: { seq: number; bytes: number }[] = [];
  /** Superseded files still on disk (a crash before their deletion). */
  staleSeqs: number[] = [];
  nextSeq = 1;

  get size(): number {
    let n = 0;
    for (const day of this.#byDay.values()) n += day.size;
    return n;
  }

  get bytesOnDisk(): number {
    return this.files.reduce((sum, f) => sum + f.bytes, 0);
  }

  get hasPending(): boolean {
    return this.#pending.size > 0;
  }

  entriesOf(day: string): ReadonlyMap<string, JournalEntry> | undefined {
    return this.#byDay.get(day);
  }

  /** Days with changes and the bytes their entries take in a journal file (estimated), most first. */
  daysByBytes(): { day: string; bytes: number }[] {
    const days = [...this.#byDay.entries()].map(([day, entries]) => {
      let bytes = 0;
      for (const entry of entries.values()) bytes += HEAD_BYTES + (entry.content?.length ?? 0);
      return { day, bytes };
    });
    return days.sort((a, b) => b.bytes - a.bytes || (a.day < b.day ? -1 : 1));
  }

  /** Days of the changes since the last flush. */
  pendingDays(): Set<string> {
    return new Set([...this.#pending.values()].map((p) => p.day));
  }

  /**
   * Whether this flush's journal file would take more than `limit` bytes (estimated). Counting stops there: a
   * cold poll's flush counted all its 47,000 changes (15-34 ms at 1,000 sources) while the read worker was idle.
   */
  pendingOver(limit: number): boolean {
    let bytes = 0;
    for (const [id, { day, contentChanged }] of this.#pending) {
      bytes += HEAD_BYTES + (contentChanged ? (this.#byDay.get(day)?.get(id)?.content?.length ?? 0) : 0);
      if (bytes > limit) return true;
    }
    return false;
  }

  /** The article's head changed (and its content, when given). */
  put(id: string, day: string, content: string | undefined): void {
    const entries = this.#entriesFor(day);
    const previous = entries.get(id);
    const kept = content ?? (previous?.removed ? undefined : previous?.content);
    entries.set(id, kept === undefined ? { day } : { day, content: kept });
    this.#pending.set(id, { day, contentChanged: content !== undefined || (this.#pending.get(id)?.contentChanged ?? false) });
  }

  remove(id: string, day: string): void {
    this.#entriesFor(day).set(id, { day, removed: true });
    this.#pending.set(id, { day, contentChanged: false });
  }

  /** Replay of a journal file at open. */
  replay(record: JournalRecord, day: string): void {
    this.put(record.id, day, record.content);
  }

  /**
   * The day was folded into its segment file: its entries are no longer
   * needed, but for those in `keep`, newer than the file (true: content
   * too; false: the head only, the file's content is current).
   */
  forgetDay(day: string, keep?: ReadonlyMap<string, boolean>): void {
    const entries = this.#byDay.get(day);
    this.#byDay.delete(day);
    if (!entries || !keep || keep.size === 0) return;
    const kept = new Map<string, JournalEntry>();
    for (const [id, withContent] of keep) {
      const entry = entries.get(id);
      if (entry) kept.set(id, withContent || entry.removed ? entry : { day });
    }
    this.#byDay.set(day, kept);
  }

  /** Whether every entry of the day was put since the last flush (none comes from a journal file on disk). */
  onlyPending(day: string): boolean {
    for (const id of this.#byDay.get(day)?.keys() ?? []) if (!this.#pending.has(id)) return false;
    return true;
  }

  /** After replay at open: nothing is pending, the files hold it all. */
  clearPending(): void {
    this.#pending.clear();
  }

  /**
   * The journal file of this flush (pending changes only), or with `all`
   * every change not folded (a compaction's replacement file), or those of
   * one day.
   */
  buildDoc(seq: number, headOf: (id: string) => ArticleHead | undefined, all: boolean | { day: string }): JournalDoc {
    const articles: JournalRecord[] = [];
    const removed: Record<string, string> = {};
    const add = (id: string, entry: JournalEntry, withContent: boolean): void => {
      const head = entry.removed ? undefined : headOf(id);
      if (!head) {
        removed[id] = entry.day;
        return;
      }
      articles.push(withContent && entry.content !== undefined ? { ...head, content: entry.content } : { ...head });
    };
    if (all === true) {
      for (const entries of this.#byDay.values()) for (const [id, entry] of entries) add(id, entry, true);
    } else if (all !== false) {
      for (const [id, entry] of this.#byDay.get(all.day) ?? []) add(id, entry, true);
    } else {
      for (const [id, { day, contentChanged }] of this.#pending) {
        const entry = this.#byDay.get(day)?.get(id);
        if (entry) add(id, entry, contentChanged);
      }
    }
    return { schemaVersion: 3, seq, articles, removed };
  }

  /** The pending changes are in a file now. */
  markWritten(): void {
    this.#pending.clear();
  }

  #entriesFor(day: string): Map<string, JournalEntry> {
    let entries = this.#byDay.get(day);
    if (!entries) {
      entries = new Map();
      this.#byDay.set(day, entries);
    }
    return entries;
  }
}

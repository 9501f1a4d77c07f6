/**
 * Which days of a flush are written while the cycle merges (segment-stream.ts):
 * a day gets a stream once its changes since the last flush hold
 * streamDayBytes (half of what the journal may hold: such a flush almost
 * always folds), and only when its segment would be exactly this flush's
 * entries. Not waiting until the flush is sure to fold: a cold poll of 50
 * sources (4.3 MB) got there at 93 % of its merges, too late to gain. A
 * flush that writes a journal file after all drops the stream (at most
 * maxJournalBytes serialized for nothing).
 */
import { existsSync } from 'node:fs';
import type { ArticleHead } from '../../types.js';
import type { CompactionPolicy } from './compaction.js';
import type { JsonFiles } from './json-files.js';
import { segmentDayOf } from './json-layout.js';
import type { Journal } from './journal.js';
import type { SegmentCache } from './segment-cache.js';
import { SegmentStream, type KnownJson } from './segment-stream.js';

/** About what a head takes as JSON (journal.ts counts the same). */
const HEAD_CHARS = 1_000;

export interface SegmentStreamsContext {
  policy: CompactionPolicy;
  journal: Journal;
  segments: SegmentCache;
  files: JsonFiles;
  segmentPath: (day: string) => string;
  headOf: (id: string) => ArticleHead | undefined;
  warn: (message: string, err?: unknown) => void;
}

export class SegmentStreams {
  readonly #ctx: SegmentStreamsContext;
  readonly #streams = new Map<string, SegmentStream>();
  /** Characters merged per day since the last flush (about), and days found unfit: what decides a stream. */
  readonly #fresh = new Map<string, number>();
  readonly #unfit = new Set<string>();
  /** Per day that may stream: contents merged with their JSON text (ArticleWrite.contentJson), for its stream. */
  readonly #known = new Map<string, Map<string, KnownJson>>();

  constructor(ctx: SegmentStreamsContext) {
    this.#ctx = ctx;
  }

  /** A merge's writes, after the journal took them. */
  merged(writes: readonly { head: ArticleHead; content?: string; contentJson?: Uint8Array }[]): void {
    let grown = false;
    for (const write of writes) {
      const day = segmentDayOf(write.head.firstSeen);
      if (write.contentJson !== undefined) {
        if (write.content !== undefined && !this.#unfit.has(day)) this.#knownOf(day).set(write.head.id, { content: write.content, json: write.contentJson });
        // Taken: the cycle keeps its writes until it ends (80 MB of these bytes at 1,000 sources); appended, they can go.
        write.contentJson = undefined;
      }
      const stream = this.#streams.get(day);
      if (stream) {
        stream.add([write.head.id]);
        continue;
      }
      // What the day's file grows by: an article with its content. A head-only change (another source
      // carrying it) does not (counted, it made days of a store built in one flush stream).
      if (write.content === undefined) continue;
      this.#fresh.set(day, (this.#fresh.get(day) ?? 0) + HEAD_CHARS + write.content.length);
      grown = true;
    }
    if (!grown) return;
    for (const [day, chars] of this.#fresh) {
      if (chars >= this.#ctx.policy.streamDayBytes && !this.#streams.has(day) && !this.#unfit.has(day)) this.#start(day);
    }
  }

  /** No segment file, nothing from an earlier flush, not rewritten whole (migration, import): the file is this flush's entries. */
  #start(day: string): void {
    const { journal, segments, files, segmentPath, headOf, warn } = this.#ctx;
    const file = segmentPath(day);
    if (segments.isDirty(day) || !journal.onlyPending(day) || existsSync(file)) {
      this.#unfit.add(day);
      this.#known.delete(day);
      return;
    }
    const stream = new SegmentStream(
      day,
      files.stream(file),
      (id) => journal.entriesOf(day)?.get(id),
      headOf,
      (err) => warn(`internal error while writing ${file} ahead of the flush; the flush writes it whole`, err),
      this.#knownOf(day),
    );
    this.#streams.set(day, stream);
    stream.add(journal.entriesOf(day)?.keys() ?? []);
  }

  #knownOf(day: string): Map<string, KnownJson> {
    let known = this.#known.get(day);
    if (!known) this.#known.set(day, (known = new Map()));
    return known;
  }

  /** The day's stream, handed over to the fold once. */
  take(day: string): SegmentStream | undefined {
    const stream = this.#streams.get(day);
    this.#streams.delete(day);
    return stream;
  }

  /** After a flush (it folded what it took), or at close: streams left go with their temp files, and counting starts again. */
  async dropAll(): Promise<void> {
    const left = [...this.#streams.values()];
    this.#streams.clear();
    this.#fresh.clear();
    this.#unfit.clear();
    this.#known.clear();
    for (const stream of left) await stream.abort();
  }
}

/**
 * Compaction of the JSON store's journal (journal.ts): when the journal files
 * have grown past the policy, a flush folds the days with the most changes
 * into their segments and replaces every journal file by one holding what is
 * left. Bounded per step, so that no flush rewrites the whole store.
 */
import { StoreError } from '../../errors.js';
import type { ArticleHead } from '../../types.js';
import { removeFiles } from '../durable-json-file.js';
import type { WriteStats } from '../store-api.js';
import type { JsonFiles } from './json-files.js';
import { SCHEMA_VERSION, type JsonLayout } from './json-layout.js';
import type { Journal } from './journal.js';
import { describeFsError, readSegment } from './read-json-store.js';
import type { SegmentCache } from './segment-cache.js';
import type { SegmentStream } from './segment-stream.js';

export interface CompactionPolicy {
  /** A step runs once the journal files hold more than this many bytes… */
  maxJournalBytes: number;
  /** …or are more than this many (a day of polls every 15 minutes). */
  maxJournalFiles: number;
  /** Days folded into their segments per step, those with the most changes first. */
  daysPerStep: number;
  /**
   * A day is written while the cycle merges once its changes since the
   * last flush hold about this many characters (segment-streams.ts). Above
   * the largest day of a store built by regular polls (~1.3 MB at 20,000
   * articles): a cold poll of 50 sources (4.3 MB) streams, a day of regular
   * polls never does.
   */
  streamDayBytes: number;
}

export const DEFAULT_COMPACTION: CompactionPolicy = { maxJournalBytes: 4_000_000, maxJournalFiles: 96, daysPerStep: 3, streamDayBytes: 2_000_000 };

export function compactionDue(journal: Journal, policy: CompactionPolicy): boolean {
  return journal.staleSeqs.length > 0 || journal.files.length > policy.maxJournalFiles || journal.bytesOnDisk > policy.maxJournalBytes;
}

/** What a compaction step needs of the store. */
export interface CompactionContext {
  layout: JsonLayout;
  journal: Journal;
  policy: CompactionPolicy;
  files: JsonFiles;
  segments: SegmentCache;
  headOf: (id: string) => ArticleHead | undefined;
  /** Write the manifest and the topics file if the journal holds what they lack: they must cover it before it is replaced. */
  saveCovering: (stats: WriteStats) => Promise<void>;
  warn: (message: string, err?: unknown) => void;
  /** The day's segment written while the cycle merged (segment-stream.ts), handed over once. */
  takeStream: (day: string) => SegmentStream | undefined;
  /** For the error when old journal files cannot be removed. */
  location: string;
}

/**
 * One bounded compaction step: fold the days with the most changes into
 * their segments (daysPerStep, and more while what is left would exceed
 * half of maxJournalBytes, and every day in `mustFold`), then the manifest
 * and topics file, then replace every journal file by one holding what is
 * left (`supersedes`), then delete the old files, oldest first, so that
 * whatever survives a crash replays in order and ends at the newest state.
 */
export async function compactStep(ctx: CompactionContext, stats: WriteStats, mustFold: ReadonlySet<string>): Promise<void> {
  const { journal, layout, policy } = ctx;
  const days = journal.daysByBytes();
  let left = days.reduce((sum, d) => sum + d.bytes, 0);
  for (const [i, { day, bytes }] of days.entries()) {
    if (i >= policy.daysPerStep && left <= policy.maxJournalBytes / 2 && !mustFold.has(day)) continue;
    left -= bytes;
    const stream = ctx.takeStream(day);
    if (stream && !stream.failed) {
      const stale = await stream.finish(journal.entriesOf(day) ?? new Map());
      if (stale === null) {
        await stream.write.abort();
        await ctx.files.remove(layout.segment(day));
      } else await ctx.files.commit(layout.segment(day), stream.write, stats);
      journal.forgetDay(day, stale ?? undefined);
      ctx.segments.forget(day);
      // The file holds older copies of these: their newer state lands before the manifest records the
      // fetch state that brought it (the replacement file below comes after the manifest).
      if (stale && stale.size > 0) {
        const seq = journal.nextSeq;
        const bytes = await ctx.files.write(layout.journal(seq), journal.buildDoc(seq, ctx.headOf, { day }), stats, false);
        journal.nextSeq = seq + 1;
        journal.files.push({ seq, bytes });
      }
      continue;
    }
    // A stream that could not write (a full disk) is dropped: the day is written the usual way, which reports the problem.
    await stream?.abort();
    const segment = new Map((await readSegment(layout, day)).map((a) => [a.id, a]));
    for (const [id, entry] of journal.entriesOf(day) ?? []) {
      const head = entry.removed ? undefined : ctx.headOf(id);
      if (head) segment.set(id, { ...head, content: entry.content ?? segment.get(id)?.content ?? '' });
      else segment.delete(id);
    }
    if (segment.size === 0) await ctx.files.remove(layout.segment(day));
    else await ctx.files.write(layout.segment(day), { schemaVersion: SCHEMA_VERSION, day, articles: [...segment.values()] }, stats);
    journal.forgetDay(day);
    ctx.segments.forget(day);
  }
  // The manifest and the topics file first: they cover the journal files so far.
  await ctx.saveCovering(stats);
  const old = [...journal.staleSeqs, ...journal.files.map((f) => f.seq)].sort((a, b) => a - b);
  journal.files = [];
  journal.staleSeqs = old; // superseded once the replacement lands; deleted below or by the next step
  if (journal.size > 0) {
    const seq = journal.nextSeq;
    const doc = { ...journal.buildDoc(seq, ctx.headOf, true), supersedes: old.at(-1) ?? 0 };
    const bytes = await ctx.files.write(layout.journal(seq), doc, stats, false);
    journal.nextSeq = seq + 1;
    journal.files.push({ seq, bytes });
  }
  journal.markWritten(); // whatever was pending is in a segment or in the replacement file
  const oldFiles = old.map((seq) => layout.journal(seq));
  await removeFiles(oldFiles, ctx.warn).catch((err: unknown) => {
    throw new StoreError(oldFiles[0] ?? ctx.location, `cannot be removed: ${describeFsError(err)}`, { cause: err });
  });
  journal.staleSeqs = [];
}

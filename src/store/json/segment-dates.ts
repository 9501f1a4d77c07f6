/**
 * The newest publication date in each day segment, kept beside the store
 * (`feedkurator.segment-dates.json`) so that a start can read the newest
 * segments first and know what the ones it has not read yet may hold.
 *
 * A segment is keyed by the day its articles were first seen, but an
 * article's published date is not bounded by that day: a source that first
 * gave no date, and a real one later, moves it forward (merge-items.ts), and
 * an imported store holds whatever it held. So the bound is measured, not
 * assumed: the newest `published` of the articles parsed from the segment,
 * with the file's size and modification time when it was read. An entry
 * counts only while the file still has that size and time: a segment written
 * since (compaction, retention, another program) is read before the first
 * answer like one without an entry. `cp -a` and `rsync -a` keep both; a plain
 * copy does not (`cpSync` only with `preserveTimestamps`), and then the first
 * start reads every segment, as before.
 *
 * Derived data: missing, torn or foreign, it is ignored (the start reads
 * everything) and written again after the next whole load.
 */
import { stat } from 'node:fs/promises';
import { DurableJsonFile } from '../durable-json-file.js';
import type { JsonLayout } from './json-layout.js';
import { besideStore } from '../beside-store.js';

const VERSION = 1;

export interface SegmentDate {
  size: number;
  /**
   * Modification time in whole milliseconds (rounded from the nanoseconds): the kernel stamps writes in
   * ticks of 1-4 ms anyway, and a copy that keeps times through a millisecond API (Node's cpSync) keeps it.
   */
  mtimeMs: number;
  /** The newest `published` of the segment's articles (ISO), '' for a segment without articles. */
  newest: string;
}

interface SegmentDatesDoc {
  version: number;
  segments: Record<string, SegmentDate>;
}

export function segmentDatesPath(layout: JsonLayout): string {
  return besideStore(layout.manifest, '.segment-dates.json');
}

/** The file's size and modification time now, or null when it is gone. */
export async function statSegment(file: string): Promise<Pick<SegmentDate, 'size' | 'mtimeMs'> | null> {
  try {
    const s = await stat(file, { bigint: true });
    return { size: Number(s.size), mtimeMs: Number((s.mtimeNs + 500_000n) / 1_000_000n) };
  } catch {
    return null;
  }
}

/** The entries that still describe their segment file as it is now (by day). A missing or damaged file gives none. */
export async function readSegmentDates(layout: JsonLayout, days: readonly string[]): Promise<Map<string, SegmentDate>> {
  const valid = new Map<string, SegmentDate>();
  let doc: SegmentDatesDoc | null;
  try {
    doc = await new DurableJsonFile<SegmentDatesDoc>(segmentDatesPath(layout), { keepBackup: false }).read();
  } catch {
    return valid;
  }
  if (!doc || doc.version !== VERSION || typeof doc.segments !== 'object' || doc.segments === null) return valid;
  const checked = await Promise.all(
    days.map(async (day) => {
      const entry = (doc.segments as Record<string, SegmentDate | undefined>)[day];
      if (!entry || typeof entry.newest !== 'string' || typeof entry.mtimeMs !== 'number' || typeof entry.size !== 'number') return null;
      const now = await statSegment(layout.segment(day));
      return now && now.size === entry.size && now.mtimeMs === entry.mtimeMs ? ([day, entry] as const) : null;
    }),
  );
  for (const hit of checked) if (hit) valid.set(hit[0], { size: hit[1].size, mtimeMs: hit[1].mtimeMs, newest: hit[1].newest });
  return valid;
}

/**
 * Write the entries (those whose file is unchanged since they were measured: the caller checks), unless the
 * file already says exactly that (a poll that changed no segment writes nothing); none and no file: nothing.
 */
export async function writeSegmentDates(layout: JsonLayout, entries: ReadonlyMap<string, SegmentDate>): Promise<void> {
  const segments: Record<string, SegmentDate> = {};
  for (const day of [...entries.keys()].sort()) segments[day] = entries.get(day)!;
  const file = new DurableJsonFile<SegmentDatesDoc>(segmentDatesPath(layout), { keepBackup: false });
  const doc: SegmentDatesDoc = { version: VERSION, segments };
  const written = await file.readText().catch(() => null);
  if (written === null ? entries.size === 0 : written === JSON.stringify(doc)) return;
  await file.write(doc);
}

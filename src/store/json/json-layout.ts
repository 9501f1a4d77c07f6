/**
 * The files of the JSON store, all in the directory of `storage.path`
 * (default data/feedkurator.json), each a lowdb JSON document replaced
 * atomically on its own:
 *
 *   feedkurator.json                      manifest: schema version, sources' fetch state, last cycle (as of journal file N)
 *   feedkurator.retired.json              tombstones of articles dropped by retention
 *   feedkurator.topics.json               topics per article for the current rules fingerprint
 *   feedkurator.articles-YYYY-MM-DD.json  the articles first seen on that day (UTC), content included
 *   feedkurator.journal-NNNNNN.json       changes not yet folded into the segments (journal.ts)
 *
 * A poll writes only what it changed, as one journal file: the articles,
 * heads and topics that changed and the fetch state of the sources polled.
 * Now and then a compaction step folds a few days of the journal into their
 * segments and the fetch state into the manifest. Retention deletes whole
 * segments once all their articles are gone.
 */
import { readdir, readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export const SCHEMA_VERSION = 3;

export interface JsonLayout {
  dir: string;
  manifest: string;
  retired: string;
  topics: string;
  segment(day: string): string;
  journal(seq: number): string;
  /** Days of the segment files present, in any order. */
  listSegmentDays(): Promise<string[]>;
  /** Sequence numbers of the journal files present, ascending. */
  listJournalSeqs(): Promise<number[]>;
  /** Temp files of the store's own files a kill left behind: writes (a streamed day's can be large) and backup copies. */
  listLeftoverTemps(): Promise<string[]>;
}

export function describeLayout(manifestPath: string): JsonLayout {
  const dir = dirname(manifestPath);
  const name = basename(manifestPath);
  const stem = name.endsWith('.json') ? name.slice(0, -'.json'.length) : name;
  const quoted = stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^${quoted}\\.articles-(\\d{4}-\\d{2}-\\d{2})\\.json$`);
  const journalPattern = new RegExp(`^${quoted}\\.journal-(\\d{6,})\\.json$`);
  // The manifest, segments, journals, topics and tombstones: `.<name>.tmp` while written, `<name>.bak.tmp` while backed up.
  const own = `${quoted}(?:\\.articles-\\d{4}-\\d{2}-\\d{2}|\\.journal-\\d{6,}|\\.topics|\\.retired)?\\.json`;
  const tempPattern = new RegExp(`^(?:\\.${own}\\.tmp|${own}\\.bak\\.tmp)$`);
  return {
    dir,
    manifest: manifestPath,
    retired: join(dir, `${stem}.retired.json`),
    topics: join(dir, `${stem}.topics.json`),
    segment: (day) => join(dir, `${stem}.articles-${day}.json`),
    journal: (seq) => join(dir, `${stem}.journal-${String(seq).padStart(6, '0')}.json`),
    async listSegmentDays() {
      return (await listMatches(dir, pattern)).map((m) => m[1]!);
    },
    async listJournalSeqs() {
      return (await listMatches(dir, journalPattern)).map((m) => Number(m[1])).sort((a, b) => a - b);
    },
    async listLeftoverTemps() {
      return (await listMatches(dir, tempPattern)).map((m) => join(dir, m[0]));
    },
  };
}

async function listMatches(dir: string, pattern: RegExp): Promise<RegExpExecArray[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const found: RegExpExecArray[] = [];
  for (const file of names) {
    const match = pattern.exec(file);
    if (match) found.push(match);
  }
  return found;
}

/**
 * The bytes of a file, or null when it does not exist. A text is read as
 * bytes and decoded once: readFile(path, 'utf8') decodes chunk by chunk into
 * a string JSON.parse must flatten again, 0.35 s more CPU over a
 * 20,000-article store.
 */
export async function readOptionalBytes(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (err) {
    return nullIfMissing(err);
  }
}

/**
 * readOptionalBytes in one synchronous read, for the open's own files (manifest, tombstones, topics, journal:
 * each parsed in one piece right after, which blocks longer than reading it) and the segments a staged start
 * reads before its first answer. fs/promises' readFile takes a thread-pool round trip for the open, the size,
 * each 512 KiB and the close, with the event loop idle in between: for the bench store's 15 such files 16-18 ms
 * of wall and 6-7 ms of CPU, against 2-4.5 ms for both read at once (load ~21, 21 alternated rounds).
 */
export function readOptionalBytesNow(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch (err) {
    return nullIfMissing(err);
  }
}

/** A file that does not exist reads as null; any other failure is thrown on. */
function nullIfMissing(err: unknown): null {
  if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
  throw err;
}

/** Segment day of an article: the UTC day it was first seen, which never changes. */
export function segmentDayOf(firstSeen: string): string {
  return firstSeen.slice(0, 10);
}

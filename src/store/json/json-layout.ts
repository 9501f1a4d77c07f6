/**
 * The files of the JSON store, all in the directory of `storage.path`
 * (default data/feedkurator.json), each a lowdb JSON document replaced
 * atomically on its own:
 *
 *   feedkurator.json                      manifest: schema version, sources' fetch state, last cycle
 *   feedkurator.retired.json              tombstones of articles dropped by retention
 *   feedkurator.topics.json               topics per article for the current rules fingerprint
 *   feedkurator.articles-YYYY-MM-DD.json  the articles first seen on that day (UTC), content included
 *
 * A poll rewrites only what it changed: the manifest (a few hundred bytes a
 * source), today's segment when articles arrived, an older segment when its
 * article was edited. Retention deletes whole segments once all their
 * articles are gone.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export const SCHEMA_VERSION = 3;

export interface JsonLayout {
  dir: string;
  manifest: string;
  retired: string;
  topics: string;
  segment(day: string): string;
  /** Days of the segment files present, in any order. */
  listSegmentDays(): Promise<string[]>;
}

export function describeLayout(manifestPath: string): JsonLayout {
  const dir = dirname(manifestPath);
  const name = basename(manifestPath);
  const stem = name.endsWith('.json') ? name.slice(0, -'.json'.length) : name;
  const pattern = new RegExp(`^${stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.articles-(\\d{4}-\\d{2}-\\d{2})\\.json$`);
  return {
    dir,
    manifest: manifestPath,
    retired: join(dir, `${stem}.retired.json`),
    topics: join(dir, `${stem}.topics.json`),
    segment: (day) => join(dir, `${stem}.articles-${day}.json`),
    async listSegmentDays() {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
      const days: string[] = [];
      for (const file of names) {
        const match = pattern.exec(file);
        if (match) days.push(match[1]!);
      }
      return days;
    },
  };
}

/** The text of a file, or null when it does not exist. */
export async function readOptional(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Segment day of an article: the UTC day it was first seen, which never changes. */
export function segmentDayOf(firstSeen: string): string {
  return firstSeen.slice(0, 10);
}

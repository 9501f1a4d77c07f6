/**
 * The files of a JSON store (manifest, day segments, retired, topics) next
 * to its manifest path: what "the store's bytes" means in the goal rows.
 * The publication snapshot is a cache, not the store, and is left out.
 */
import { cpSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function listStoreFiles(storePath) {
  const dir = dirname(storePath);
  const stem = basename(storePath).replace(/\.json$/, '');
  return readdirSync(dir)
    .filter((name) => name === `${stem}.json` || (name.startsWith(`${stem}.`) && name.endsWith('.json') && name !== `${stem}.publication.json`))
    .map((name) => join(dir, name));
}

export function measureStoreDir(storePath) {
  const files = listStoreFiles(storePath);
  return { bytes: files.reduce((sum, file) => sum + statSync(file).size, 0), files: files.length };
}

/** Copy a store's files into another directory, under the manifest name `feedkurator.json`. */
export function copyStore(storePath, toDir) {
  const stem = basename(storePath).replace(/\.json$/, '');
  // With their times, as `cp -a` copies: the segment dates file (segment-dates.ts) holds only for unchanged files.
  for (const file of listStoreFiles(storePath)) cpSync(file, join(toDir, basename(file).replace(stem, 'feedkurator')), { preserveTimestamps: true });
  return join(toDir, 'feedkurator.json');
}

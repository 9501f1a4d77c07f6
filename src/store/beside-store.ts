/**
 * The files derived from a JSON store (snapshot, story words and clusters,
 * word filters, segment dates, the remembered config) sit beside its
 * manifest and are named after its stem: `data/feedkurator.json` and
 * `.story-words.json` → `data/feedkurator.story-words.json`.
 */
import { basename, dirname, join } from 'node:path';

export function besideStore(storePath: string, suffix: string): string {
  return join(dirname(storePath), `${basename(storePath).replace(/\.json$/, '')}${suffix}`);
}

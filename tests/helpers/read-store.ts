import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { CycleRecord, SourceState, StoredArticle } from '../../src/types.js';

/** The JSON store's files as a test sees them on disk: manifest plus every article segment. */
export function readStoreFiles(file: string): { articles: StoredArticle[]; sources: Record<string, SourceState>; lastCycle?: CycleRecord } {
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as { sources: Record<string, SourceState>; lastCycle?: CycleRecord };
  const stem = basename(file).replace(/\.json$/, '');
  const articles: StoredArticle[] = [];
  for (const name of readdirSync(dirname(file)).sort()) {
    if (!name.startsWith(`${stem}.articles-`) || !name.endsWith('.json')) continue;
    articles.push(...(JSON.parse(readFileSync(join(dirname(file), name), 'utf8')) as { articles: StoredArticle[] }).articles);
  }
  return { articles, sources: manifest.sources, ...(manifest.lastCycle ? { lastCycle: manifest.lastCycle } : {}) };
}

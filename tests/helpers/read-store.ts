import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { CycleRecord, SourceState, StoredArticle } from '../../src/types.js';

interface JournalFile {
  seq: number;
  supersedes?: number;
  articles: (Omit<StoredArticle, 'content'> & { content?: string })[];
  removed: Record<string, string>;
  sources?: Record<string, SourceState>;
  lastCycle?: CycleRecord;
}

/**
 * The JSON store's files as a test sees them on disk: manifest plus every
 * article segment, with the journal files replayed on top in order (see
 * src/store/json/journal.ts), read independently of the store's code.
 */
export function readStoreFiles(file: string): { articles: StoredArticle[]; sources: Record<string, SourceState>; lastCycle?: CycleRecord } {
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as { sources: Record<string, SourceState>; lastCycle?: CycleRecord; journalSeq?: number };
  const dir = dirname(file);
  const stem = basename(file).replace(/\.json$/, '');
  const byId = new Map<string, StoredArticle>();
  const journals: JournalFile[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!name.startsWith(`${stem}.`) || !name.endsWith('.json')) continue;
    const doc = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    if (name.startsWith(`${stem}.articles-`)) for (const a of (doc as { articles: StoredArticle[] }).articles) byId.set(a.id, a);
    if (name.startsWith(`${stem}.journal-`)) journals.push(doc as JournalFile);
  }
  const superseded = Math.max(0, ...journals.map((j) => j.supersedes ?? 0));
  const sources = { ...manifest.sources };
  let lastCycle = manifest.lastCycle;
  for (const journal of journals.sort((a, b) => a.seq - b.seq)) {
    if (journal.seq <= superseded) continue;
    for (const record of journal.articles) {
      byId.set(record.id, { ...record, content: record.content ?? byId.get(record.id)?.content ?? '' });
    }
    for (const id of Object.keys(journal.removed)) byId.delete(id);
    if (journal.seq > (manifest.journalSeq ?? 0)) {
      Object.assign(sources, journal.sources ?? {});
      lastCycle = journal.lastCycle ?? lastCycle;
    }
  }
  return { articles: [...byId.values()], sources, ...(lastCycle ? { lastCycle } : {}) };
}

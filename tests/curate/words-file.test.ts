import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WordsFiles, wordsPrefixOf } from '../../src/curate/words-file.js';

const dir = mkdtempSync(join(tmpdir(), 'fk-words-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the word filters on disk', () => {
  it('are written beside the store, read back as written, and pruned to the days still stored without touching other files', async () => {
    const files = new WordsFiles(wordsPrefixOf(join(dir, 'feedkurator.json')), 4);
    const bits = Uint32Array.from([1, 2, 3, 0xffffffff]);
    for (const day of ['2026-11-01', '2026-11-02']) await files.write({ day, articles: new Map([['a1', 'abc']]), bits });
    // The store's own day segment, another store's filter and a stray name must stay.
    for (const name of ['feedkurator.articles-2026-11-02.json', 'other.words-2026-11-02.json', 'feedkurator.words-notes.json']) writeFileSync(join(dir, name), '{}');

    expect(await files.read('2026-11-01')).toEqual({ day: '2026-11-01', articles: new Map([['a1', 'abc']]), bits });
    await files.prune(new Set(['2026-11-01']));
    expect(readdirSync(dir).sort()).toEqual([
      'feedkurator.articles-2026-11-02.json',
      'feedkurator.words-2026-11-01.json',
      'feedkurator.words-notes.json',
      'other.words-2026-11-02.json',
    ]);
    expect(await files.read('2026-11-02')).toBeUndefined();
  });
});

/**
 * The publish window's story texts on disk (story-words-file.ts): read back
 * as written; refused, with the reason, when missing, torn, foreign or
 * written by another story reading; never torn by a kill -9 in a write. And
 * the shelf (story-words-storage.ts) hands out a kept text only for the same
 * article and content.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readStoryWords, storyReadingFingerprint, storyWordsPath, writeStoryWords } from '../../src/dedupe/story-words-file.js';
import { clearStoryTextShelf, keptStoryText, shelvedFor, shelveStoryTexts, storyInputKey, storyTextsRead, type ShelvedText } from '../../src/dedupe/story-words-storage.js';
import { readStoryText } from '../../src/dedupe/story-text.js';
import { killWriterMidWrite } from '../helpers/kill-writer.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fk-story-words-'));
  clearStoryTextShelf();
});
afterEach(async () => {
  clearStoryTextShelf();
  await rm(dir, { recursive: true, force: true });
});

function sample(n: number): Map<string, ShelvedText> {
  const texts = new Map<string, ShelvedText>();
  for (let i = 0; i < n; i++) {
    texts.set(`art-${i}`, {
      key: storyInputKey(`t${i}`, `s${i}`, `<p>${i}</p>`),
      text: readStoryText(`Akamai übernimmt kernel.org ${i}: Linux 6.${i} mit „Umlauten“ und \u{1F427}`, `Am Dienstag, 14. März, meldete Hetzner 3,3 Milliarden Euro für CVE-2026-10${i}.`),
    });
  }
  return texts;
}

describe('story words file', () => {
  it('reads back exactly what it wrote, beside the store', async () => {
    const path = storyWordsPath(join(dir, 'feedkurator.json'));
    expect(path).toBe(join(dir, 'feedkurator.story-words.json'));
    const texts = sample(300);
    await writeStoryWords(path, texts);
    const loaded = await readStoryWords(path);
    expect(loaded && 'texts' in loaded ? loaded.texts : loaded).toEqual(texts);
    expect(JSON.parse(await readFile(path, 'utf8')).fingerprint).toBe(storyReadingFingerprint());
  });

  it('is null when missing, and refuses a torn, foreign, damaged or other-reading file with the reason', async () => {
    const path = join(dir, 'feedkurator.story-words.json');
    expect(await readStoryWords(path)).toBeNull();
    await writeStoryWords(path, sample(20));
    const written = await readFile(path, 'utf8');
    const edited = (edit: (doc: { articles: Record<string, unknown[]>; words: unknown[] }) => void): string => {
      const doc = JSON.parse(written) as { articles: Record<string, unknown[]>; words: unknown[] };
      edit(doc);
      return JSON.stringify(doc);
    };
    const cases: [string, string, RegExp][] = [
      ['torn', written.slice(0, written.length >> 1), /damaged \(not JSON\)/],
      ['empty', '', /damaged \(not JSON\)/],
      ['another version', written.replace('"version":1', '"version":2'), /not a story words file of version 1/],
      ['another story reading', written.replace(storyReadingFingerprint(), 'f'.repeat(32)), /another version of the story reading/],
      ['a word index past the words', edited((d) => (d.articles['art-0']![1] = [999_999])), /damaged \(article "art-0"\)/],
      ['an entry without its key', edited((d) => (d.articles['art-3']![0] = 1)), /damaged \(article "art-3"\)/],
      ['an entry short of a list', edited((d) => d.articles['art-2']!.pop()), /damaged \(article "art-2"\)/],
      ['a word that is not a string', edited((d) => (d.words[0] = 7)), /not a story words file/],
      ['not an object', '[1,2]', /not a story words file/],
    ];
    for (const [what, text, reason] of cases) {
      await writeFile(path, text);
      const loaded = await readStoryWords(path);
      expect(loaded && 'problem' in loaded ? loaded.problem : `read: ${what}`, what).toMatch(reason);
    }
  });

  it('leaves the old or the new file, whole, when the writer is killed (kill -9) in the middle of writes', { timeout: 120_000 }, async () => {
    const path = join(dir, 'feedkurator.story-words.json');
    const script = fileURLToPath(new URL('./helpers/story-words-writer.ts', import.meta.url));
    const seen = new Set<string>();
    for (let round = 0; round < 6; round++) {
      await killWriterMidWrite(script, [path, '1500']);
      const loaded = await readStoryWords(path);
      if (!loaded || 'problem' in loaded) throw new Error(`round ${round}: ${loaded ? loaded.problem : 'no file'}`);
      expect(loaded.texts.size).toBe(1500);
      const sets = new Set([...loaded.texts.values()].map((t) => t.key[0]));
      expect(sets.size, 'one write whole, not a mix').toBe(1);
      seen.add([...sets][0]!);
      expect(loaded.texts.get('id-7')!.text.words.some((w) => w.includes(`${[...sets][0]}7`))).toBe(true);
    }
    expect(seen.size).toBeGreaterThan(0);
  });
});

describe('the shelf of story texts', () => {
  it('hands out a kept text only for the same article and input, and reads anew otherwise', () => {
    const kept = readStoryText('Hetzner erhöht Preise', 'Der Hoster Hetzner erhöht die Preise für Cloud-Server.');
    const key = storyInputKey('Hetzner erhöht Preise', 'Der Hoster Hetzner erhöht die Preise für Cloud-Server.', '');
    expect(storyInputKey('Hetzner erhöht Preise', 'Der Hoster Hetzner erhöht die Preise für Cloud-Server.', '')).toBe(key);
    // The separators count: the same characters split otherwise are another input.
    expect(storyInputKey('Hetzner erhöht', ' Preise', '')).not.toBe(storyInputKey('Hetzner erhöht ', 'Preise', ''));
    shelveStoryTexts([['x', { key, text: kept }]]);
    const before = storyTextsRead();
    const fresh = () => readStoryText('Hetzner-Ausfall', 'Ein Ausfall bei Hetzner trifft Cloud-Server.');
    expect(keptStoryText('x', () => key, fresh)).toBe(kept);
    expect(storyTextsRead()).toBe(before);
    const changed = keptStoryText('x', () => storyInputKey('Hetzner-Ausfall', 'Ein Ausfall bei Hetzner trifft Cloud-Server.', ''), fresh);
    expect(changed).not.toBe(kept);
    expect(changed.titleWords).toEqual(fresh().titleWords);
    expect(keptStoryText('y', () => key, fresh)).not.toBe(kept);
    expect(storyTextsRead()).toBe(before + 2);
  });

  it('keeps only the articles asked for', () => {
    shelveStoryTexts(sample(5));
    expect([...shelvedFor(['art-0', 'art-1', 'art-9']).keys()]).toEqual(['art-0', 'art-1']);
    // The rest left the shelf: art-2 is read again.
    let read = false;
    keptStoryText('art-2', () => storyInputKey('t2', 's2', '<p>2</p>'), () => ((read = true), readStoryText('t', 's')));
    expect(read).toBe(true);
  });

  it('hashes a text read here only when its key is asked for (the file is written after the first answer), once', () => {
    clearStoryTextShelf();
    let hashed = 0;
    const keyOf = () => (hashed++, storyInputKey('t', 's', ''));
    const text = keptStoryText('lazy', keyOf, () => readStoryText('t', 's'));
    expect(hashed).toBe(0);
    const entry = shelvedFor(['lazy']).get('lazy')!;
    expect(entry.text).toBe(text);
    expect(hashed).toBe(0);
    expect(entry.key).toBe(storyInputKey('t', 's', ''));
    expect(entry.key).toBe(storyInputKey('t', 's', ''));
    expect(hashed).toBe(1);
    // Asked again for the same id: the shelved text counts only for the same key (computed now for the comparison).
    expect(keptStoryText('lazy', keyOf, () => readStoryText('other', 's'))).toBe(text);
    expect(hashed).toBe(2);
  });
});

import { describe, expect, it } from 'vitest';
import { bodyLeadOf, clusterStories, storyWordsOf } from '../../src/dedupe/story-clusters.js';
import { compareStories, internStory, prepareCorpus, type StoryWords } from '../../src/dedupe/story-similarity.js';
import { readStoryText } from '../../src/dedupe/story-text.js';
import { compactStoryWords, internedWords, internWord } from '../../src/dedupe/story-words-storage.js';
import type { StoredArticle } from '../../src/types.js';
import { loadNewsPairs, pairArticles } from './story-news-pairs.js';

/** Both parts of the v5 batch, each pair in its own slot of time: real articles with bodies. */
function corpus(): StoredArticle[] {
  return (['tuning', 'heldOut'] as const).flatMap((part) => loadNewsPairs(part, 'v5').flatMap((p, i) => pairArticles(p, i + (part === 'heldOut' ? 500 : 0))));
}

/** The words as story-similarity reads them, without the compact storage. */
function plainWords(a: StoredArticle): StoryWords {
  return internStory(readStoryText(a.title, a.summary, bodyLeadOf(a.content)));
}

const idFields = (w: StoryWords) => Object.entries(w).filter(([, v]) => v instanceof Int32Array) as [string, Int32Array][];

describe('story words held compactly', () => {
  it('hold the same ids and text as read, the id arrays as disjoint views of one buffer', () => {
    const articles = corpus();
    expect(articles.length).toBeGreaterThan(40);
    for (const a of articles) {
      const plain = plainWords(a);
      const compact = compactStoryWords(plainWords(a));
      expect(compact.text).toEqual(plain.text);
      const fields = idFields(compact);
      expect(fields.map(([k]) => k)).toEqual(idFields(plain).map(([k]) => k));
      for (const [key, ids] of fields) expect([...ids], key).toEqual([...(plain as unknown as Record<string, Int32Array>)[key]!]);
      const buffers = new Set(fields.map(([, ids]) => ids.buffer));
      expect(buffers.size).toBe(1);
      const total = fields.reduce((n, [, ids]) => n + ids.length, 0);
      expect(fields[0]![1].buffer.byteLength).toBe(total * 4);
      // Disjoint: filling one view leaves every other as it was.
      const [firstKey, first] = fields.find(([, ids]) => ids.length > 0)!;
      first.fill(-1);
      for (const [key, ids] of fields) if (key !== firstKey) expect([...ids], key).toEqual([...(plain as unknown as Record<string, Int32Array>)[key]!]);
    }
  });

  it('compares every pair of the batch exactly as the words read without it', () => {
    const articles = corpus();
    const plain = prepareCorpus(articles.map(plainWords));
    const compact = prepareCorpus(articles.map((a) => compactStoryWords(plainWords(a))));
    let same = 0;
    for (let i = 0; i < articles.length; i += 2) {
      for (const j of [i + 1, (i + 7) % articles.length]) {
        const before = compareStories(plain.stories[i]!, plain.stories[j]!, plain);
        const after = compareStories(compact.stories[i]!, compact.stories[j]!, compact);
        expect(after).toEqual(before);
        if (after.same) same++;
      }
    }
    // The batch has same-story pairs the model finds: the comparison above is not of empty words.
    expect(same).toBeGreaterThan(3);
  });

  it('pools one copy per distinct word, whatever string object it arrives as', () => {
    const before = internedWords();
    const word = `speicherwort-${before}-${Math.random().toString(36).slice(2)}`;
    const cut = `Vorspann ${word} Nachspann`.slice(9, 9 + word.length);
    expect(internWord(word)).toBe(word);
    expect(internedWords()).toBe(before + 1);
    expect(internWord(cut)).toBe(word);
    expect(internWord([...word].join(''))).toBe(word);
    expect(internedWords()).toBe(before + 1);
  });

  it('storyWordsOf holds compact words; fresh copies of the batch cluster alike', () => {
    const articles = corpus();
    const words = storyWordsOf(articles[0]!);
    expect(new Set(idFields(words).map(([, ids]) => ids.buffer)).size).toBe(1);
    // Clustering twice over fresh objects (the words read again) gives the same clusters: nothing depends on which copy is held.
    const ids = (cs: ReturnType<typeof clusterStories>) => cs.map((c) => [c.lead.id, ...c.others.map((o) => o.id)].join(' ')).sort();
    const first = ids(clusterStories(articles));
    const again = ids(clusterStories(articles.map((a) => ({ ...a, sources: a.sources.map((s) => ({ ...s })) }))));
    expect(again).toEqual(first);
    expect(first.some((c) => c.includes(' '))).toBe(true);
  });
});

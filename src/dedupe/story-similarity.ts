/**
 * When are two teasers the same story? Two conditions, both weighted by how
 * rare each word is in the articles being clustered (IDF, smoothed so that a
 * handful of articles still gives sensible weights):
 *
 *  - title cover: the share of each title's weight that the other article
 *    mentions anywhere — outlets word a story differently, but they name its
 *    subject (the less covered direction counts);
 *  - weighted Jaccard of all title and summary words.
 *
 * Vetoes come first, because a wrong merge hides an article from readers
 * while a missed one only shows two entries: different ids in the titles
 * (Linux 6.12 / 6.13, two CVEs), or each side naming a version of the same
 * shape that the other lacks (xz 5.6.2 vs 5.6.0).
 *
 * Thresholds are tuned on tests/fixtures/same-story/pairs.json for
 * precision 1.0 (see tests/dedupe/story-clusters.test.ts for the numbers).
 */
import { shapeOf, type StoryText } from './story-text.js';

export const MIN_TITLE_COVER = 0.42;
export const MIN_WEIGHTED_JACCARD = 0.22;
/** Words so common in Linux news that they say little about the event, whatever the corpus. */
const DOMAIN_WORDS = new Set(
  'linux kernel contain cloud serv server host hosting open sourc projekt entwickl nutz kund anbiet updat system software distributio'.split(
    ' ',
  ),
);
/** Pretend this many other articles exist, none with the word: keeps IDF sane for tiny inputs. */
const BACKGROUND_DOCS = 50;

export interface WordWeights {
  weight(word: string): number;
}

export function buildWordWeights(texts: readonly StoryText[]): WordWeights {
  const df = new Map<string, number>();
  for (const text of texts) for (const w of text.words) df.set(w, (df.get(w) ?? 0) + 1);
  const n = texts.length + BACKGROUND_DOCS;
  const cache = new Map<string, number>();
  return {
    weight(word) {
      let w = cache.get(word);
      if (w === undefined) {
        w = Math.log(n / ((df.get(word) ?? 0) + 0.5));
        if (DOMAIN_WORDS.has(word)) w *= 0.5;
        cache.set(word, w);
      }
      return w;
    },
  };
}

export interface StoryComparison {
  same: boolean;
  /** Set when a veto decided. */
  veto?: 'title-ids' | 'version-conflict';
  titleCover: number;
  weightedJaccard: number;
}

export function compareStories(a: PreparedStory, b: PreparedStory, weights: WordWeights): StoryComparison {
  const veto = findVeto(a.text, b.text);
  if (veto) return { same: false, veto, titleCover: 0, weightedJaccard: 0 };
  const titleCover = Math.min(cover(a.text.titleWords, b.wordSet, weights), cover(b.text.titleWords, a.wordSet, weights));
  let shared = 0;
  let total = 0;
  for (const w of a.wordSet) {
    const x = weights.weight(w);
    total += x;
    if (b.wordSet.has(w)) shared += x;
  }
  for (const w of b.wordSet) if (!a.wordSet.has(w)) total += weights.weight(w);
  const weightedJaccard = total > 0 ? shared / total : 0;
  return { same: titleCover >= MIN_TITLE_COVER && weightedJaccard >= MIN_WEIGHTED_JACCARD, titleCover, weightedJaccard };
}

export interface PreparedStory {
  text: StoryText;
  wordSet: Set<string>;
  idSet: Set<string>;
}

export function prepareStory(text: StoryText): PreparedStory {
  return { text, wordSet: new Set(text.words), idSet: new Set(text.ids) };
}

function cover(titleWords: readonly string[], other: Set<string>, weights: WordWeights): number {
  let all = 0;
  let covered = 0;
  for (const w of titleWords) {
    const x = weights.weight(w);
    all += x;
    if (other.has(w)) covered += x;
  }
  return all > 0 ? covered / all : 0;
}

function findVeto(a: StoryText, b: StoryText): StoryComparison['veto'] {
  if (a.titleIds.length > 0 && b.titleIds.length > 0 && !a.titleIds.some((id) => b.titleIds.includes(id))) return 'title-ids';
  if (conflictingVersion(a, b) || conflictingVersion(b, a)) return 'version-conflict';
  return undefined;
}

/** x's title names an id y never mentions, while y names one of the same shape that x never mentions. */
function conflictingVersion(x: StoryText, y: StoryText): boolean {
  const yIds = new Set(y.ids);
  const xIds = new Set(x.ids);
  for (const id of x.titleIds) {
    if (yIds.has(id)) continue;
    const shape = shapeOf(id);
    if (y.ids.some((other) => !xIds.has(other) && shapeOf(other) === shape)) return true;
  }
  return false;
}

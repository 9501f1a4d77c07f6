/**
 * When are two news items the same story? The evidence a person uses
 * (story-features: shared rare words, how much of each title the other
 * covers, overlap, cosine, shared amounts, conflicting stages), each word
 * weighted by how rare it is among the articles being clustered (IDF,
 * smoothed so that a handful of articles still gives sane weights, and
 * divided by the largest possible weight so that scores do not depend on how
 * many articles are clustered).
 *
 * A linear model weighs the evidence: story-model.json, a logistic
 * regression fitted by tests/dedupe/story-train.ts on tuning data only (every
 * part of the pair sets whose held-out part was already reported, v7's tuning
 * part and the older teaser set, at the reports' real distance in time), each
 * weight kept to the direction a person
 * reads its term in, shipped as data. Its score is the sum of weight ×
 * feature plus a bias, so every decision can be read back term by term
 * (explainComparison); the same story from the model's threshold, the lowest
 * score at which 97 % of the merged training pairs are the same event, plus a
 * margin.
 *
 * Vetoes come first, because a wrong merge hides an article from readers
 * while a missed one only shows two entries: title versions or CVE ids that
 * neither text names on the other side (Linux 6.12 / 6.13), each side naming
 * a version of the same shape that the other lacks (xz 5.6.2 vs 5.6.0), or
 * title and teaser dating the event to different days ("am Dienstag" vs "am
 * Freitag", "14. März" vs "17. März") or years.
 */
import { FEATURE_NAMES, storyFeatures, type FeatureName } from './story-features.js';
import shipped from './story-model.json' with { type: 'json' };
import { shapeOf, type StoryText } from './story-text.js';

interface StoryModel {
  features: string[];
  weights: number[];
  bias: number;
  threshold: number;
}
const model = shipped as StoryModel;
if (model.features.join() !== FEATURE_NAMES.join()) {
  throw new Error(`story-model.json was trained on features ${model.features.join(',')}, the code computes ${FEATURE_NAMES.join(',')}`);
}
/** The model's score from which two items are the same story. */
export const SAME_STORY_SCORE = model.threshold;

/** Words so common in Linux news that they say little about the event, whatever the corpus. */
const DOMAIN_WORDS = new Set(
  'linux kernel contain cloud serv server host hosting projekt entwickl nutz kund anbiet updat system software distributio'.split(
    ' ',
  ),
);
/** Pretend this many other articles exist, none with the word: keeps IDF sane for tiny inputs. */
const BACKGROUND_DOCS = 50;

/** One article's words as ids into the shared vocabulary, sorted, for merge-style comparison. */
export interface StoryWords {
  text: StoryText;
  words: Int32Array;
  titleWords: Int32Array;
  /** Ids of the title words that name a company (StoryText.titleActors), usually none. */
  titleActors: Int32Array;
  /**
   * The ids of `words` in the order the text gives them (title first, then the lead): the order
   * candidates are looked up in. Ids follow the order a process first met each word, so an order
   * by id would let two replicas with different histories pick different words, and cluster apart.
   */
  inTextOrder: Int32Array;
  /** Ids of the names of the whole text read (StoryText.names), sorted: entity evidence beyond the lead. */
  names: Int32Array;
  /** Ids of the names the text is about (StoryText.mainNames), sorted. */
  mainNames: Int32Array;
  /** Ids of the main actors (StoryText.actors), sorted. */
  actors: Int32Array;
}

export interface PreparedStory extends StoryWords {
  titleWeight: number;
  totalWeight: number;
}

/** Stories of the articles being clustered, with word weights (IDF, at most 1) and document frequencies by word id. */
export interface StoryCorpus {
  stories: PreparedStory[];
  weight: Float64Array;
  df: Int32Array;
}

// Word ids are shared by every clustering run, so that an article's ids can be
// cached with it and a run only counts, instead of hashing every word again.
// The vocabulary of German news stays bounded; it is only dropped when it
// grows past any plausible language size (then cached ids are re-read).
const MAX_VOCABULARY = 2_000_000;
let vocabulary = new Map<string, number>();
let vocabularyGeneration = 0;
const halfWeight: boolean[] = [];

/** The generation of the vocabulary; ids cached under another generation must be re-read. */
export function currentVocabulary(): number {
  return vocabularyGeneration;
}

export function internStory(text: StoryText): StoryWords {
  if (vocabulary.size > MAX_VOCABULARY) {
    vocabulary = new Map();
    halfWeight.length = 0;
    vocabularyGeneration++;
  }
  // Every id list a view of one buffer (as story-words-storage holds them): one allocation, not seven.
  const { words, titleWords, titleActors, names, mainNames, actors } = text;
  const buffer = new Int32Array(2 * words.length + titleWords.length + titleActors.length + names.length + mainNames.length + actors.length);
  // In this order the words meet the vocabulary first (ids follow it).
  const inTextOrder = idsInto(words, buffer, 0);
  const sorted = buffer.subarray(words.length, 2 * words.length);
  sorted.set(inTextOrder);
  sorted.sort();
  const titleIds = idsInto(titleWords, buffer, 2 * words.length).sort();
  const actorIds = idsInto(titleActors, buffer, titleIds.byteOffset / 4 + titleIds.length).sort();
  const nameIds = idsInto(names, buffer, actorIds.byteOffset / 4 + actorIds.length).sort();
  const mainIds = idsInto(mainNames, buffer, nameIds.byteOffset / 4 + nameIds.length).sort();
  return {
    text,
    words: sorted,
    titleWords: titleIds,
    titleActors: actorIds,
    inTextOrder,
    names: nameIds,
    mainNames: mainIds,
    actors: idsInto(actors, buffer, mainIds.byteOffset / 4 + mainIds.length).sort(),
  };
}

/** The ids of these words (new ones added to the vocabulary), written into buffer from `at`: that view. */
function idsInto(words: readonly string[], buffer: Int32Array, at: number): Int32Array {
  const ids = buffer.subarray(at, at + words.length);
  for (let k = 0; k < words.length; k++) {
    const w = words[k]!;
    let id = vocabulary.get(w);
    if (id === undefined) {
      vocabulary.set(w, (id = vocabulary.size));
      // Bare small numbers ("Redis 8", "45 Neuerungen") name less than "6.12" or a CVE id.
      halfWeight[id] = DOMAIN_WORDS.has(w) || SMALL_NUMBER.test(w);
    }
    ids[k] = id;
  }
  return ids;
}

const SMALL_NUMBER = /^\d{1,3}$/;

/**
 * Word weights from document frequencies over a reference set of stories: by
 * default the stories being clustered, or a set frozen by the caller (the
 * publish window's articles of the days before, so that a day's weights are
 * fixed and clustering can go on incrementally), each word counted in
 * `extraDf` more articles (story-clusters: FROZEN_EXTRA_DF).
 */
export class WordWeights {
  readonly df: Int32Array;
  readonly generation = vocabularyGeneration;
  #weight = new Float64Array(0);
  #filled = 0;
  readonly #n: number;
  readonly #most: number;

  constructor(
    reference: readonly StoryWords[],
    /** Counted on top of every word's document frequency (see story-clusters: frozen weights). */
    private readonly extraDf = 0,
    /** The reference's document frequencies, counted already (WordWeights.count). */
    counted?: Int32Array,
  ) {
    if (counted) this.df = counted;
    else {
      this.df = new Int32Array(vocabulary.size);
      for (const story of reference) for (const id of story.words) this.df[id]!++;
    }
    this.#n = reference.length + BACKGROUND_DOCS;
    this.#most = Math.log(this.#n / 0.5);
  }

  /**
   * The same weights, the counting paused every few hundred stories: over a window of ~5,000 stories
   * (a rules edit at 50,000 articles) the count held the event loop ~11 ms in one go.
   */
  static async count(reference: readonly StoryWords[], extraDf: number, pause: () => Promise<void>): Promise<WordWeights | undefined> {
    const generation = vocabularyGeneration;
    const df = new Int32Array(vocabulary.size);
    for (let i = 0; i < reference.length; i++) {
      for (const id of reference[i]!.words) df[id]!++;
      if ((i & 255) === 255) await pause();
    }
    // Other work may read story words between the pauses: had that reset the vocabulary, these ids are stale (undefined: count again).
    return vocabularyGeneration === generation ? new WordWeights(reference, extraDf, df) : undefined;
  }

  /** Weights of every word id of the vocabulary as it is now (filled as the vocabulary grows; read it again after new words). */
  table(): Float64Array {
    const size = vocabulary.size;
    if (this.#filled >= size) return this.#weight;
    if (this.#weight.length < size) {
      const grown = new Float64Array(Math.max(size, Math.ceil(this.#weight.length * 1.5)));
      grown.set(this.#weight.subarray(0, this.#filled));
      this.#weight = grown;
    }
    for (let id = this.#filled; id < size; id++) {
      const df = (this.df[id] ?? 0) + this.extraDf;
      // log(n / 0.5) / most is 1: no logarithm for the many words the reference lacks.
      const w = df === 0 ? 1 : Math.log(this.#n / (df + 0.5)) / this.#most;
      this.#weight[id] = onGrid(halfWeight[id] ? w * 0.5 : w);
    }
    this.#filled = size;
    return this.#weight;
  }
}

export function prepareStory(story: StoryWords, weight: Float64Array): PreparedStory {
  // Field by field, not a spread: this runs for every article a rebuild adds.
  return {
    text: story.text,
    words: story.words,
    titleWords: story.titleWords,
    titleActors: story.titleActors,
    inTextOrder: story.inTextOrder,
    names: story.names,
    mainNames: story.mainNames,
    actors: story.actors,
    titleWeight: sumWeight(story.titleWords, weight),
    totalWeight: sumWeight(story.words, weight),
  };
}

export function prepareCorpus(input: readonly StoryWords[], weights: WordWeights = new WordWeights(input)): StoryCorpus {
  const weight = weights.table();
  return { stories: input.map((story) => prepareStory(story, weight)), weight, df: weights.df };
}

/**
 * Weights are multiples of 2^-24, so that every sum of them is exact: the same
 * whatever order the words are added in (ids, and so the order of a sorted id
 * list, differ from process to process). Replicas must cluster alike.
 */
const GRID = 2 ** 24;
function onGrid(w: number): number {
  return Math.round(w * GRID) / GRID;
}

export interface StoryComparison {
  same: boolean;
  /** Set when a veto decided. */
  veto?: 'title-ids' | 'version-conflict' | 'different-days' | 'different-years';
  /** The model's score: bias + Σ weight × feature. */
  score: number;
  /** Weight of the words both use. */
  shared: number;
  /** The share of each title's weight the other article mentions; the less covered direction. */
  titleCover: number;
  /** Shared weight over the smaller item's weight. */
  overlap: number;
  /** Every feature the model weighs, in FEATURE_NAMES order. */
  features: number[];
}

/**
 * `hoursLater`: how many hours after b's publication a's was (negative when a came first); the
 * clusterer compares only articles within STORY_WINDOW_HOURS, so it lies within ±48.
 */
export function compareStories(a: PreparedStory, b: PreparedStory, corpus: StoryCorpus, hoursLater = 0): StoryComparison {
  const features = storyFeatures(a, b, corpus, hoursLater);
  const score = scoreOf(features);
  const veto = findVeto(a.text, b.text);
  const comparison: StoryComparison = {
    same: !veto && score >= model.threshold,
    score,
    shared: features[0]!,
    titleCover: features[1]!,
    overlap: features[2]!,
    features,
  };
  if (veto) comparison.veto = veto;
  return comparison;
}

/**
 * The score of a pair compareStories calls the same story, or undefined when it does not: a veto
 * (cheap, read first) spares the features. What the clusterer asks of every candidate pair.
 */
export function sameStoryScore(a: PreparedStory, b: PreparedStory, corpus: StoryCorpus, hoursLater = 0): number | undefined {
  if (findVeto(a.text, b.text)) return undefined;
  const score = scoreOf(storyFeatures(a, b, corpus, hoursLater));
  return score >= model.threshold ? score : undefined;
}

/** The model's score of a pair's features: its bias plus each feature times its weight. */
function scoreOf(features: readonly number[]): number {
  let score = model.bias;
  for (let k = 0; k < features.length; k++) score += model.weights[k]! * features[k]!;
  return score;
}

/** What each feature added to the score of a comparison, for a person asking why. */
export function explainComparison(comparison: StoryComparison): { bias: number; threshold: number; terms: Record<FeatureName, { value: number; adds: number }> } {
  const terms = {} as Record<FeatureName, { value: number; adds: number }>;
  FEATURE_NAMES.forEach((name, k) => {
    const value = comparison.features[k]!;
    terms[name] = { value, adds: model.weights[k]! * value };
  });
  return { bias: model.bias, threshold: model.threshold, terms };
}

function sumWeight(x: Int32Array, w: Float64Array): number {
  let sum = 0;
  for (const id of x) sum += w[id]!;
  return sum;
}

/** The veto between two stories, if any, without weighing the evidence (cheaper than compareStories). */
export function vetoBetween(a: PreparedStory, b: PreparedStory): StoryComparison['veto'] {
  return findVeto(a.text, b.text);
}

function findVeto(a: StoryText, b: StoryText): StoryComparison['veto'] {
  if (a.headDays.length > 0 && b.headDays.length > 0) {
    if (conflictingDays(a.headDays, b.headDays, 'weekday:') || conflictingDays(a.headDays, b.headDays, 'date:')) return 'different-days';
  }
  if (a.headYears.length > 0 && b.headYears.length > 0 && !a.headYears.some((y) => b.headYears.includes(y))) return 'different-years';
  if (a.titleIds.length === 0 && b.titleIds.length === 0) return undefined;
  // Disjoint title ids veto only when neither item names the other's anywhere:
  // "Linux 6.19 veröffentlicht" and "Linux 7.0 bestätigt" report one announcement when both texts name both.
  if (a.titleIds.length > 0 && b.titleIds.length > 0 && !a.titleIds.some((id) => b.ids.includes(id)) && !b.titleIds.some((id) => a.ids.includes(id))) {
    return 'title-ids';
  }
  if (conflictingVersion(a, b) || conflictingVersion(b, a)) return 'version-conflict';
  return undefined;
}

/** x's title names an id y never mentions, while y names one of the same shape that x never mentions. */
function conflictingVersion(x: StoryText, y: StoryText): boolean {
  for (const id of x.titleIds) {
    if (y.ids.includes(id)) continue;
    const shape = shapeOf(id);
    if (y.ids.some((other) => !x.ids.includes(other) && shapeOf(other) === shape)) return true;
  }
  return false;
}

/** Both name days of this kind ("weekday:", "date:") and none in common. Allocation-free: it runs for every candidate pair. */
function conflictingDays(x: readonly string[], y: readonly string[], kind: string): boolean {
  let mine = false;
  let theirs = false;
  for (const d of y) if (d.startsWith(kind)) theirs = true;
  if (!theirs) return false;
  for (const d of x) {
    if (!d.startsWith(kind)) continue;
    mine = true;
    if (y.includes(d)) return false;
  }
  return mine;
}

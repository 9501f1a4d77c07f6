/**
 * Same story, several outlets: heise, golem and ip-insider report one event
 * in their own words within hours. clusterStories() folds such reports into
 * one cluster, so that publishing shows one entry naming every outlet.
 *
 * Articles are taken one at a time in the order they were first seen (then
 * by id), and an article's candidates are only the articles before it: so a
 * later article never changes an earlier one's decisions, and a caller can
 * keep the index (StoryIndex) and add a poll's new articles to it. The
 * candidates come from an inverted index of the earlier articles' words,
 * looked up by the article's title words and rare lead words among those
 * published within STORY_WINDOW_HOURS of it, so the cost grows with the
 * articles per window, not with the square of the input. Articles of a
 * common source are never joined (a follow-up is not a duplicate). Each
 * candidate pair is then decided by story-similarity.
 *
 * What it reads of an article: title, summary (its first LEAD_CHARS),
 * content (its first CONTENT_HEAD_CHARS of HTML, for the first LEAD_CHARS of
 * body text and the names of up to BODY_CHARS), published (the window), firstSeen and id (order, lead),
 * contentHash (cache key), sources[].name. Word weights come from the
 * articles passed, or from a reference set the caller fixes (src/curate
 * freezes them per day, so that its index stays valid from poll to poll).
 *
 * An article joins a cluster only if it is the same story as more than half
 * its members and no member vetoes it (majority linkage, StoryIndex.#join),
 * which prevents chains (A≈B, B≈C, A≠C) without asking a third outlet's
 * words to match every report before it. The lead is the
 * member stored first, so an entry a reader already has does not change its
 * id when another outlet reports the story later.
 */
import type { StoredArticle } from '../types.js';
import { stripHtml } from '../text/strip-html.js';
import {
  currentVocabulary,
  internStory,
  prepareStory,
  sameStoryScore,
  WordWeights,
  type PreparedStory,
  type StoryCorpus,
  type StoryWords,
  vetoBetween,
} from './story-similarity.js';
import { hasId } from './story-features.js';
import { BODY_CHARS, readStoryText } from './story-text.js';
import { compactStoryWords, keptStoryText, storyInputKey } from './story-words-storage.js';

export interface StoryCluster {
  lead: StoredArticle;
  /** Same story from other outlets, newest first. */
  others: StoredArticle[];
}

export const STORY_WINDOW_HOURS = 48;
/** A word found in more articles of the window than this is not walked in the index (it still counts in the score). */
const MAX_WALK = 48;
/** At most this many candidates per article are scored, the most promising first. */
const MAX_COMPARE = 8;
/**
 * Lead words at least this rare (weight 0..1) are looked up besides the title words… (0.55 until
 * session 7: with the model fitted at the reports' real distance most misses of the tuning parts
 * were pairs never compared, their shared words common in a window that one big event fills.)
 */
const QUERY_WEIGHT = 0.3;
/** …up to this many words per article. */
const MAX_QUERY_WORDS = 32;
/**
 * A candidate shares at least this much weight with the article's looked-up
 * words. At 1, reports whose shared words are common in the window (a big
 * outage everyone covers) were never compared: 2 of 17 same-event pairs of
 * the fresh tuning part. At 0.5 (QUERY_WEIGHT 0.55), 160 of the 246 same-event pairs of session 7's
 * tuning parts were found at the reports' real distance; at 0.2 with QUERY_WEIGHT 0.3, 198, none more
 * wrong. MAX_COMPARE still bounds the work per article.
 */
const MIN_CANDIDATE_WEIGHT = 0.2;

interface Node {
  article: StoredArticle;
  time: number;
  /** Ids of the source names that carried the article (nearly always one). */
  sources: Int32Array;
}

/**
 * The clusters of these articles, from scratch: StoryIndex fed in (firstSeen, id) order. Word
 * weights come from `reference` when given (a caller's frozen set), else from the articles themselves.
 */
export function clusterStories(input: readonly StoredArticle[], reference?: readonly StoredArticle[]): StoryCluster[] {
  const articles = [...input].sort(storyOrder);
  const index = new StoryIndex(reference ? weightsOver(reference, FROZEN_EXTRA_DF) : weightsOver(articles));
  for (const article of articles) index.add(article);
  return index.clusters();
}

/** Word weights over these articles' words, all read under one vocabulary. */
export function weightsOver(articles: readonly StoredArticle[], extraDf = 0): WordWeights {
  return new WordWeights(wordsUnderOneVocabulary(articles), extraDf);
}

/** weightsOver, counted with the event loop free every few hundred articles (their words already read). */
export async function weightsOverInSlices(articles: readonly StoredArticle[], extraDf: number, pause: () => Promise<void>): Promise<WordWeights> {
  // Counted again in one go in the rare case the vocabulary was reset between the pauses.
  return (await WordWeights.count(wordsUnderOneVocabulary(articles), extraDf, pause)) ?? weightsOver(articles, extraDf);
}

function wordsUnderOneVocabulary(articles: readonly StoredArticle[]): StoryWords[] {
  const generation = currentVocabulary();
  let words = articles.map(storyWordsOf);
  // The vocabulary was reset while reading (past any plausible size): ids read before it are stale.
  if (currentVocabulary() !== generation) words = articles.map(storyWordsOf);
  return words;
}

/**
 * Frozen weights count every word in this many more articles than the reference has it in. Weights
 * over the clustered articles counted the two compared ones (a word both share was in two at least);
 * a reference of earlier days lacks them, and a new event's words weighed 1 on both sides: merges the
 * model was not fitted for. Two for the pair, one for margin: on the tuning parts of the labelled
 * sets with weights frozen over the other sets' articles, 0 → 7 wrong merges, 2 → 4, 3 → none, at a
 * recall still above the sets' own weights (session 5, rebuild helper; BENCHMARKS.md).
 */
export const FROZEN_EXTRA_DF = 3;

/** The order articles are clustered in: a later article never changes an earlier one's decisions. */
export function storyOrder(a: Pick<StoredArticle, 'firstSeen' | 'id'>, b: Pick<StoredArticle, 'firstSeen' | 'id'>): number {
  if (a.firstSeen !== b.firstSeen) return a.firstSeen < b.firstSeen ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * The HTML a story is read from: the lead (LEAD_CHARS) and the names of the
 * body (up to BODY_CHARS of plain text) usually lie within this much markup.
 * A caller that keeps only this prefix of `content` in memory gets exactly
 * the same clusters.
 */
export const CONTENT_HEAD_CHARS = 4000;

// Source names as ids shared by every run (as word ids are), so that an unchanged article's node is
// made once; only equality of ids matters. Outlets are few: the map is dropped only past any plausible count.
let sourceIds = new Map<string, number>();
// Nearly every article has one source: its ids list is shared by every node of that source (never written).
let singleSources: Int32Array[] = [];
const nodeCache = new WeakMap<StoredArticle, { published: string; names: string[]; ids: Map<string, number>; node: Node }>();

function nodeOf(article: StoredArticle): Node {
  const hit = nodeCache.get(article);
  // Checked by value: a caller may have changed the article in place.
  if (hit && hit.published === article.published && hit.ids === sourceIds && sameNames(hit.names, article.sources)) return hit.node;
  if (sourceIds.size > 100_000) {
    sourceIds = new Map();
    singleSources = [];
  }
  const ids = sourceIds;
  const idOfSource = (name: string): number => {
    let id = ids.get(name);
    if (id === undefined) ids.set(name, (id = ids.size));
    return id;
  };
  const single = article.sources.length === 1 ? idOfSource(article.sources[0]!.name) : -1;
  const sources = single >= 0 ? (singleSources[single] ??= Int32Array.of(single)) : Int32Array.from(article.sources, (s) => idOfSource(s.name));
  const node = { article, time: Date.parse(article.published), sources };
  nodeCache.set(article, { published: article.published, names: article.sources.map((x) => x.name), ids, node });
  return node;
}

function sameNames(names: readonly string[], sources: StoredArticle['sources']): boolean {
  if (names.length !== sources.length) return false;
  for (let i = 0; i < names.length; i++) if (names[i] !== sources[i]!.name) return false;
  return true;
}

// Curating runs after every cycle over the whole store: reading the words of
// an unchanged article once is enough.
const textCache = new WeakMap<StoredArticle, { hash: string; generation: number; words: StoryWords }>();

/** The article's words as ids, read once per article object (and vocabulary). */
export function storyWordsOf(article: StoredArticle): StoryWords {
  const hit = textCache.get(article);
  if (hit && hit.hash === article.contentHash && hit.generation === currentVocabulary()) return hit.words;
  // Held compactly (story-words-storage.ts): the index keeps these for the whole window.
  // The text from the shelf when this content's was read before (story-words-file.ts: kept across starts).
  const head = article.content.length > CONTENT_HEAD_CHARS ? article.content.slice(0, CONTENT_HEAD_CHARS) : article.content;
  const { title, summary } = article;
  const keyOf = (): string => storyInputKey(title, summary, head);
  const words = compactStoryWords(internStory(keptStoryText(article.id, keyOf, () => readStoryText(title, summary, bodyLeadOf(head)))));
  textCache.set(article, { hash: article.contentHash, generation: currentVocabulary(), words });
  return words;
}

/** The start of the body as plain text (at most BODY_CHARS), whitespace collapsed. */
export function bodyLeadOf(content: string): string {
  if (!content) return '';
  let head = content.slice(0, CONTENT_HEAD_CHARS);
  // A tag cut in half would be read as text.
  const open = head.lastIndexOf('<');
  if (open > head.lastIndexOf('>')) head = head.slice(0, open);
  return stripHtml(head).replace(/\s+/g, ' ').trim().slice(0, BODY_CHARS);
}

/**
 * Clusters grown one article at a time in storyOrder under fixed word
 * weights: an article's candidates are the articles added before it, so
 * adding later articles never changes the clusters so far. Adding the new
 * articles of a poll to the index kept from the last rebuild gives exactly
 * the clusters clusterStories gives for the whole set with the same weights.
 */
export class StoryIndex {
  readonly #nodes: Node[] = [];
  readonly #stories: PreparedStory[] = [];
  /** The cluster (node indices, the lead first) each node joined. */
  readonly #clusterOf: number[][] = [];
  readonly #clusters: number[][] = [];
  /** By word id: the nodes with that word in title or lead, sorted by publication time (ties in the order added). */
  readonly #postings: (number[] | undefined)[] = [];
  /**
   * Each node's publication time by node index, for the postings' binary searches: read from a typed array
   * instead of through each node object (a poll's 200 articles search and insert into ~15,000 postings).
   */
  #times = new Float64Array(64);
  /**
   * Each cluster's result as clusters() last made it, with its member count then: clusters only grow (a
   * member is pushed), so one of the same count is the same cluster, handed out again as the same object.
   */
  readonly #made: { size: number; cluster: StoryCluster }[] = [];
  readonly #corpus: StoryCorpus;
  #last: StoredArticle | undefined;
  // Scratch of the candidate search, kept between articles.
  #reached = new Float64Array(64);
  readonly #touched: number[] = [];
  readonly #candidates: number[] = [];

  constructor(readonly weights: WordWeights) {
    this.#corpus = { stories: this.#stories, weight: weights.table(), df: weights.df };
  }

  get size(): number {
    return this.#nodes.length;
  }

  /** Whether the index can take this article: it comes after every article added, and the word ids are still valid. */
  accepts(article: Pick<StoredArticle, 'firstSeen' | 'id'>): boolean {
    return this.weights.generation === currentVocabulary() && (!this.#last || storyOrder(this.#last, article) < 0);
  }

  add(article: StoredArticle): void {
    if (!this.#last || storyOrder(this.#last, article) < 0) this.#last = article;
    else throw new Error(`story index: ${article.id} (first seen ${article.firstSeen}) does not come after ${this.#last.id} (${this.#last.firstSeen})`);
    const words = storyWordsOf(article);
    if (this.weights.generation !== currentVocabulary()) throw new Error('story index: the word vocabulary was reset; cluster from scratch');
    const weight = (this.#corpus.weight = this.weights.table());
    const i = this.#nodes.length;
    const node = nodeOf(article);
    const story = prepareStory(words, weight);
    this.#nodes.push(node);
    this.#stories.push(story);
    if (this.#reached.length <= i) {
      const grown = new Float64Array(this.#reached.length * 2);
      grown.set(this.#reached);
      this.#reached = grown;
      const times = new Float64Array(grown.length);
      times.set(this.#times);
      this.#times = times;
    }
    this.#times[i] = node.time;
    let best: number[] | undefined;
    if (Number.isFinite(node.time)) {
      best = this.#join(i, this.#sameStoryAs(node, story, weight));
      const postings = this.#postings;
      for (const id of story.words) {
        // Grown one slot at a time: a write far past the end (word ids run to ~40,000) made the list a
        // dictionary, and every look-up of a word's posting a hash probe.
        while (postings.length <= id) postings.push(undefined);
        let list = postings[id];
        if (!list) postings[id] = list = [];
        // A poll's articles are mostly the newest: then no search.
        const at = list.length === 0 || this.#times[list[list.length - 1]!]! <= node.time ? list.length : afterTime(list, node.time, this.#times);
        if (at === list.length) list.push(i);
        else insertAt(list, at, i);
      }
    }
    if (!best) this.#clusters.push((best = []));
    best.push(i);
    this.#clusterOf[i] = best;
  }

  /**
   * Every cluster, in the order their leads were added. A cluster no article joined since the last call is
   * the same object as then (a poll's rebuild remade ~1,500 of them for the few it changed): do not change it.
   */
  clusters(): StoryCluster[] {
    const nodes = this.#nodes;
    return this.#clusters.map((members, k) => {
      const made = this.#made[k];
      if (made?.size === members.length) return made.cluster;
      const [lead, ...others] = members;
      const cluster = { lead: nodes[lead!]!.article, others: others.map((i) => nodes[i]!.article).sort(newestFirst) };
      this.#made[k] = { size: members.length, cluster };
      return cluster;
    });
  }

  /**
   * The earlier articles this one is the same story as, with the pair's score. Candidates share
   * its title words or rare lead words within STORY_WINDOW_HOURS of publication, ranked by the
   * weight they share. A word that more than MAX_WALK of them contain is not walked: it says
   * little and would make the work grow with the window. This bounds the work per article.
   */
  #sameStoryAs(node: Node, story: PreparedStory, weight: Float64Array): Map<number, number> {
    const windowMs = STORY_WINDOW_HOURS * 3_600_000;
    const reached = this.#reached;
    const touched = this.#touched;
    const candidates = this.#candidates;
    const { inTextOrder, titleWords } = story;
    let looked = 0;
    for (let k = 0; k < inTextOrder.length && looked < MAX_QUERY_WORDS; k++) {
      const id = inTextOrder[k]!;
      const w = weight[id]!;
      if (w < QUERY_WEIGHT && !hasId(titleWords, id)) continue;
      looked++;
      const list = this.#postings[id];
      if (!list) continue;
      const start = fromTime(list, node.time - windowMs, this.#times);
      const end = afterTime(list, node.time + windowMs, this.#times);
      if (end - start > MAX_WALK) continue;
      for (let p = start; p < end; p++) {
        const j = list[p]!;
        if (reached[j] === 0) touched.push(j);
        reached[j]! += w;
      }
    }
    // The MAX_COMPARE candidates sharing the most weight, in the order a stable sort by that weight
    // (descending) gives: kept by insertion, as a few hundred touched nodes would cost a sort each.
    candidates.length = 0;
    for (const j of touched) {
      const r = reached[j]!;
      if (r < MIN_CANDIDATE_WEIGHT || sharesSource(node, this.#nodes[j]!)) continue;
      let at = candidates.length;
      while (at > 0 && reached[candidates[at - 1]!]! < r) at--;
      if (at >= MAX_COMPARE) continue;
      // The last one drops out when all MAX_COMPARE are taken.
      if (candidates.length < MAX_COMPARE) candidates.push(j);
      for (let m = candidates.length - 1; m > at; m--) candidates[m] = candidates[m - 1]!;
      candidates[at] = j;
    }
    for (const j of touched) reached[j] = 0;
    touched.length = 0;
    const same = new Map<number, number>();
    for (const j of candidates) {
      const score = sameStoryScore(story, this.#stories[j]!, this.#corpus, (node.time - this.#nodes[j]!.time) / 3_600_000);
      if (score !== undefined) same.set(j, score);
    }
    return same;
  }

  /**
   * Majority linkage: the cluster of earlier articles this one is the same story as more than half
   * the members of, no member sharing its source and no member vetoing it (a title version, CVE id,
   * day or year of the member's that contradicts it), the one with the highest summed score; none:
   * a cluster of its own. A cluster of two is joined only when both agree, so A≈B, B≈C, A≠C does not
   * chain; a third outlet's report that words the story like two of three reports but not like the
   * third (complete linkage asked for all three) now joins. Decided from earlier articles only, so
   * the order-independence of StoryIndex holds.
   */
  #join(i: number, mine: Map<number, number>): number[] | undefined {
    let best: number[] | undefined;
    let bestScore = -1;
    const tried = new Set<number[]>();
    const node = this.#nodes[i]!;
    for (const j of mine.keys()) {
      const cluster = this.#clusterOf[j]!;
      if (tried.has(cluster)) continue;
      tried.add(cluster);
      let score = 0;
      let agree = 0;
      let joins = true;
      for (const m of cluster) {
        if (sharesSource(node, this.#nodes[m]!)) {
          joins = false;
          break;
        }
        const s = mine.get(m);
        if (s === undefined) continue;
        agree++;
        score += s;
      }
      if (!joins || agree * 2 <= cluster.length || score <= bestScore) continue;
      // The members not among the agreeing ones may still veto (their comparison was skipped or said no).
      if (agree < cluster.length && this.#anyVeto(i, cluster, mine)) continue;
      best = cluster;
      bestScore = score;
    }
    return best;
  }

  #anyVeto(i: number, cluster: readonly number[], mine: Map<number, number>): boolean {
    const story = this.#stories[i]!;
    for (const m of cluster) {
      if (mine.has(m)) continue;
      if (vetoBetween(story, this.#stories[m]!)) return true;
    }
    return false;
  }
}

/** splice(at, 0, value) without the builtin's call: the lists are short (a few to a few hundred entries). */
function insertAt(list: number[], at: number, value: number): void {
  list.push(value);
  for (let m = list.length - 1; m > at; m--) list[m] = list[m - 1]!;
  list[at] = value;
}

/** Index of the first entry of the time-sorted list whose time is >= t, or its length. */
function fromTime(list: readonly number[], t: number, times: Float64Array): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[list[mid]!]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first entry of the time-sorted list whose time is > t, or its length. */
function afterTime(list: readonly number[], t: number, times: Float64Array): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[list[mid]!]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function sharesSource(a: Node, b: Node): boolean {
  if (a.sources.length === 1 && b.sources.length === 1) return a.sources[0] === b.sources[0];
  for (const s of a.sources) if (b.sources.includes(s)) return true;
  return false;
}

function newestFirst(a: StoredArticle, b: StoredArticle): number {
  if (a.published !== b.published) return a.published < b.published ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

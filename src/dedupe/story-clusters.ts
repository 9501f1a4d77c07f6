/**
 * Same story, several outlets: heise, golem and ip-insider report one event
 * in their own words within hours. clusterStories() folds such reports into
 * one cluster, so that publishing shows one entry naming every outlet.
 *
 * Candidates come from an inverted index of the articles' words over a
 * sliding STORY_WINDOW_HOURS window (sorted by publication time), looked up
 * by each article's title words and rare lead words, so the cost grows with
 * the articles per window, not with the square of the input. Articles of a
 * common source are never joined (a follow-up is not a duplicate). Each
 * candidate pair is then decided by story-similarity.
 *
 * What it reads of an article: title, summary (its first LEAD_CHARS),
 * content (its first CONTENT_HEAD_CHARS of HTML, for the first LEAD_CHARS of
 * body text and the names of up to BODY_CHARS), published (the window), firstSeen and id (order, lead),
 * contentHash (cache key), sources[].name. Any subset works: word weights
 * come from the articles passed, so a caller clustering incrementally should
 * pass a window of fixed width (144 hours: the 48-hour window plus a margin
 * of two more) and treat clusters whose members are all older than 48 hours
 * as settled.
 *
 * Clusters are built greedily in first-seen order with complete linkage: an
 * article joins a cluster only if it is the same story as every member,
 * which prevents chains (A≈B, B≈C, A≠C). The lead is the member stored first,
 * so an entry a reader already has does not change its id when another
 * outlet reports the story later.
 */
import type { StoredArticle } from '../types.js';
import { stripHtml } from '../text/strip-html.js';
import {
  compareStories,
  currentVocabulary,
  internStory,
  prepareCorpus,
  type StoryCorpus,
  type StoryWords,
} from './story-similarity.js';
import { hasId } from './story-features.js';
import { BODY_CHARS, readStoryText } from './story-text.js';

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
/** Lead words at least this rare (weight 0..1) are looked up besides the title words… */
const QUERY_WEIGHT = 0.55;
/** …up to this many words per article. */
const MAX_QUERY_WORDS = 32;
/**
 * A candidate shares at least this much weight with the article's looked-up
 * words. At 1, reports whose shared words are common in the window (a big
 * outage everyone covers) were never compared: 2 of 17 same-event pairs of
 * the fresh tuning part; MAX_COMPARE still bounds the work per article.
 */
const MIN_CANDIDATE_WEIGHT = 0.5;

interface Node {
  article: StoredArticle;
  time: number;
  /** Ids of the source names that carried the article (nearly always one). */
  sources: Int32Array;
}

export function clusterStories(input: readonly StoredArticle[]): StoryCluster[] {
  // By id first: which of two articles published in the same second is looked at first must not
  // depend on the order a store listed them in (replicas must publish the same clusters).
  const articles = [...input].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const nodes: Node[] = articles.map(nodeOf);
  const corpus = prepareCorpus(articles.map(storyWordsOf));
  const edges = findSameStoryEdges(nodes, corpus);
  return buildClusters(nodes, edges);
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
const nodeCache = new WeakMap<StoredArticle, { published: string; names: string[]; ids: Map<string, number>; node: Node }>();

function nodeOf(article: StoredArticle): Node {
  const hit = nodeCache.get(article);
  // Checked by value: a caller may have changed the article in place.
  if (hit && hit.published === article.published && hit.ids === sourceIds && sameNames(hit.names, article.sources)) return hit.node;
  if (sourceIds.size > 100_000) sourceIds = new Map();
  const ids = sourceIds;
  const idOfSource = (name: string): number => {
    let id = ids.get(name);
    if (id === undefined) ids.set(name, (id = ids.size));
    return id;
  };
  const node = { article, time: Date.parse(article.published), sources: Int32Array.from(article.sources, (s) => idOfSource(s.name)) };
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

function storyWordsOf(article: StoredArticle): StoryWords {
  const hit = textCache.get(article);
  if (hit && hit.hash === article.contentHash && hit.generation === currentVocabulary()) return hit.words;
  const words = internStory(readStoryText(article.title, article.summary, bodyLeadOf(article.content)));
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

/** For each node, the nodes it is the same story as, with the pair's score. */
function findSameStoryEdges(nodes: readonly Node[], corpus: StoryCorpus): Map<number, Map<number, number>> {
  const { stories, weight, df } = corpus;
  const windowMs = STORY_WINDOW_HOURS * 3_600_000;
  const byTime = nodes.map((_, i) => i).filter((i) => Number.isFinite(nodes[i]!.time));
  byTime.sort((a, b) => nodes[a]!.time - nodes[b]!.time);
  const timeOf = (i: number): number => nodes[i]!.time;

  // Postings: the earlier nodes (in time order) with word `id` anywhere in title or lead are
  // flat[begin[id] .. begin[id] + filled[id]). One flat array sized by the document
  // frequencies: no list per word to allocate and grow on every rebuild.
  const begin = new Int32Array(df.length + 1);
  for (let id = 0; id < df.length; id++) begin[id + 1] = begin[id]! + df[id]!;
  const flat = new Int32Array(begin[df.length]!);
  const filled = new Int32Array(df.length);
  const edges = new Map<number, Map<number, number>>();
  const reached = new Float64Array(nodes.length);
  const touched: number[] = [];
  const candidates: number[] = [];
  for (const i of byTime) {
    const node = nodes[i]!;
    const story = stories[i]!;
    // Candidates are the earlier articles of the window that share this
    // article's title words or its rare lead words, ranked by the weight
    // they share. A word that more than MAX_WALK articles of the window
    // contain is not walked: it says little and would make the work grow
    // with the window. This bounds the work per article whatever the corpus.
    const from = node.time - windowMs;
    const { inTextOrder, titleWords } = story;
    let looked = 0;
    for (let k = 0; k < inTextOrder.length && looked < MAX_QUERY_WORDS; k++) {
      const id = inTextOrder[k]!;
      const w = weight[id]!;
      if (w < QUERY_WEIGHT && !hasId(titleWords, id)) continue;
      looked++;
      const first = begin[id]!;
      const end = first + filled[id]!;
      const start = firstAtOrAfter(flat, first, end, from, timeOf);
      if (end - start > MAX_WALK) continue;
      for (let p = start; p < end; p++) {
        const j = flat[p]!;
        if (reached[j] === 0) touched.push(j);
        reached[j]! += w;
      }
    }
    // The MAX_COMPARE candidates sharing the most weight, in the order a stable sort by that weight
    // (descending) gives: kept by insertion, as a few hundred touched nodes would cost a sort each.
    candidates.length = 0;
    for (const j of touched) {
      const r = reached[j]!;
      if (r < MIN_CANDIDATE_WEIGHT || sharesSource(node, nodes[j]!)) continue;
      let at = candidates.length;
      while (at > 0 && reached[candidates[at - 1]!]! < r) at--;
      if (at >= MAX_COMPARE) continue;
      candidates.splice(at, 0, j);
      if (candidates.length > MAX_COMPARE) candidates.length = MAX_COMPARE;
    }
    for (const j of candidates) {
      const result = compareStories(story, stories[j]!, corpus);
      if (result.same) {
        addEdge(edges, i, j, result.score);
        addEdge(edges, j, i, result.score);
      }
    }
    for (const j of touched) reached[j] = 0;
    touched.length = 0;
    for (const id of story.words) flat[begin[id]! + filled[id]!++] = i;
  }
  return edges;
}

/** Index of the first entry in list[lo..hi) whose time is >= from (that part is sorted by time), or hi. */
function firstAtOrAfter(list: Int32Array, lo: number, hi: number, from: number, timeOf: (i: number) => number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (timeOf(list[mid]!) < from) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function buildClusters(nodes: readonly Node[], edges: Map<number, Map<number, number>>): StoryCluster[] {
  const order = nodes.map((_, i) => i).sort((a, b) => compareFirstSeen(nodes[a]!.article, nodes[b]!.article));
  const clusterOf = new Map<number, number[]>();
  const clusters: number[][] = [];
  for (const i of order) {
    const mine = edges.get(i);
    let best: number[] | undefined;
    let bestScore = -1;
    if (mine) {
      const tried = new Set<number[]>();
      for (const j of mine.keys()) {
        const cluster = clusterOf.get(j);
        if (!cluster || tried.has(cluster)) continue;
        tried.add(cluster);
        let score = 0;
        let joins = true;
        for (const m of cluster) {
          const s = mine.get(m);
          if (s === undefined || sharesSource(nodes[i]!, nodes[m]!)) {
            joins = false;
            break;
          }
          score += s;
        }
        if (joins && score > bestScore) {
          best = cluster;
          bestScore = score;
        }
      }
    }
    if (!best) clusters.push((best = []));
    best.push(i);
    clusterOf.set(i, best);
  }
  return clusters.map(([lead, ...others]) => ({
    lead: nodes[lead!]!.article,
    others: others.map((i) => nodes[i]!.article).sort(newestFirst),
  }));
}

function sharesSource(a: Node, b: Node): boolean {
  if (a.sources.length === 1 && b.sources.length === 1) return a.sources[0] === b.sources[0];
  for (const s of a.sources) if (b.sources.includes(s)) return true;
  return false;
}

function addEdge(edges: Map<number, Map<number, number>>, from: number, to: number, score: number): void {
  let m = edges.get(from);
  if (!m) edges.set(from, (m = new Map()));
  m.set(to, score);
}

function compareFirstSeen(a: StoredArticle, b: StoredArticle): number {
  if (a.firstSeen !== b.firstSeen) return a.firstSeen < b.firstSeen ? -1 : 1;
  if (a.published !== b.published) return a.published < b.published ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function newestFirst(a: StoredArticle, b: StoredArticle): number {
  if (a.published !== b.published) return a.published < b.published ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Same story, several outlets: heise, golem and ip-insider report one event
 * in their own words within hours. clusterStories() folds such reports into
 * one cluster, so that publishing shows one entry naming every outlet.
 *
 * Candidates come from an inverted index of the articles' distinctive words
 * over a sliding STORY_WINDOW_HOURS window (sorted by publication time), so
 * the cost grows with the articles per window, not with the square of the
 * store. Candidates from a common source are never joined (a follow-up is
 * not a duplicate). Each candidate pair is then decided by story-similarity.
 *
 * Clusters are built greedily in first-seen order with complete linkage: an
 * article joins a cluster only if it is the same story as every member,
 * which prevents chains (A≈B, B≈C, A≠C). The lead is the member stored first,
 * so an entry a reader already has does not change its id when another
 * outlet reports the story later.
 */
import type { StoredArticle } from '../types.js';
import { buildWordWeights, compareStories, prepareStory, type PreparedStory } from './story-similarity.js';
import { readStoryText } from './story-text.js';

export interface StoryCluster {
  lead: StoredArticle;
  /** Same story from other outlets, newest first. */
  others: StoredArticle[];
}

export const STORY_WINDOW_HOURS = 48;
/** Words in more than this share of the articles do not generate candidates (they still count in the score). */
const MAX_POSTING_SHARE = 0.05;
const MIN_POSTING_CAP = 50;

interface Node {
  article: StoredArticle;
  story: PreparedStory;
  time: number;
  sources: Set<string>;
}

export function clusterStories(articles: readonly StoredArticle[]): StoryCluster[] {
  const nodes: Node[] = articles.map((article) => ({
    article,
    story: prepareStory(readStoryText(article.title, article.summary)),
    time: Date.parse(article.published),
    sources: new Set(article.sources.map((s) => s.name)),
  }));
  const edges = findSameStoryEdges(nodes);
  return buildClusters(nodes, edges);
}

/** For each node, the nodes it is the same story as, with the pair's score. */
function findSameStoryEdges(nodes: readonly Node[]): Map<number, Map<number, number>> {
  const weights = buildWordWeights(nodes.map((n) => n.story.text));
  const df = new Map<string, number>();
  for (const n of nodes) for (const w of n.story.wordSet) df.set(w, (df.get(w) ?? 0) + 1);
  const postingCap = Math.max(MIN_POSTING_CAP, Math.floor(nodes.length * MAX_POSTING_SHARE));
  const windowMs = STORY_WINDOW_HOURS * 3_600_000;

  const byTime = nodes.map((_, i) => i).filter((i) => Number.isFinite(nodes[i]!.time));
  byTime.sort((a, b) => nodes[a]!.time - nodes[b]!.time);

  const postings = new Map<string, number[]>();
  const edges = new Map<number, Map<number, number>>();
  const seen = new Set<number>();
  for (const i of byTime) {
    const node = nodes[i]!;
    seen.clear();
    for (const word of node.story.wordSet) {
      if ((df.get(word) ?? 0) > postingCap) continue;
      let list = postings.get(word);
      if (!list) postings.set(word, (list = []));
      for (let k = list.length - 1; k >= 0; k--) {
        const j = list[k]!;
        if (node.time - nodes[j]!.time > windowMs) break;
        if (seen.has(j)) continue;
        seen.add(j);
        const other = nodes[j]!;
        if (sharesSource(node, other)) continue;
        const result = compareStories(node.story, other.story, weights);
        if (result.same) {
          addEdge(edges, i, j, result.weightedJaccard);
          addEdge(edges, j, i, result.weightedJaccard);
        }
      }
      list.push(i);
    }
  }
  return edges;
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
  for (const s of a.sources) if (b.sources.has(s)) return true;
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

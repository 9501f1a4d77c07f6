/**
 * From the store to what is published: classify every stored article with
 * the current rules, keep the ones with a topic, fold same-story reports of
 * several outlets into one entry. Runs after every cycle and every rules
 * change, over the whole store, so it caches per article and rule set.
 */
import type { Classifier } from './classify/classifier.js';
import { clusterStories } from './dedupe/story-clusters.js';
import type { Classification, CuratedEntry, StoredArticle } from './types.js';

export interface Curator {
  /** The curated entries for the store as it is now. */
  curate(articles: readonly StoredArticle[]): CuratedEntry[];
  classifyArticle(article: StoredArticle): Classification;
}

/** An article as the classifier sees it: its text, and the sources that may lend it topics. */
function classifyStoredArticle(classifier: Classifier, article: StoredArticle): Classification {
  return classifier.classify({
    title: article.title,
    summary: article.summary,
    content: article.content,
    sources: article.sources.map((s) => s.name),
  });
}

export function createCurator(classifier: Classifier): Curator {
  // Keyed by id; valid while the article's content and sources are unchanged.
  const cache = new Map<string, { stamp: string; result: Classification }>();

  function classifyArticle(article: StoredArticle): Classification {
    const stamp = `${article.contentHash}|${article.sources.length}`;
    const hit = cache.get(article.id);
    if (hit && hit.stamp === stamp) return hit.result;
    const result = classifyStoredArticle(classifier, article);
    cache.set(article.id, { stamp, result });
    return result;
  }

  function curate(articles: readonly StoredArticle[]): CuratedEntry[] {
    const topicsById = new Map<string, string[]>();
    const curated: StoredArticle[] = [];
    const live = new Set<string>();
    for (const article of articles) {
      live.add(article.id);
      const { topics } = classifyArticle(article);
      if (topics.length === 0) continue;
      topicsById.set(article.id, topics);
      curated.push(article);
    }
    for (const id of cache.keys()) if (!live.has(id)) cache.delete(id);

    return clusterStories(curated).map(({ lead, others }) => {
      const topics = new Set(topicsById.get(lead.id));
      for (const other of others) for (const t of topicsById.get(other.id) ?? []) topics.add(t);
      return {
        article: lead,
        topics: classifier.topics.filter((t) => topics.has(t)),
        alsoAt: others.map((o) => ({
          id: o.id,
          source: o.sources[0]?.name ?? '',
          title: o.title,
          ...(o.link ? { link: o.link } : {}),
        })),
        matches: mergeMatches([lead, ...others].map((a) => classifyArticle(a).matches)),
      };
    });
  }

  return { curate, classifyArticle };
}

/** The union of the deciding terms per topic, in first-seen order: why a story entry has each of its topics. */
function mergeMatches(all: Record<string, string[]>[]): Record<string, string[]> {
  const merged: Record<string, string[]> = {};
  for (const matches of all) {
    for (const [topic, terms] of Object.entries(matches)) merged[topic] = [...new Set([...(merged[topic] ?? []), ...terms])];
  }
  return merged;
}

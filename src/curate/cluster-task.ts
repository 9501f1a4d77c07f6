/**
 * What crosses the thread boundary when stories are clustered in a worker:
 * per article only what clusterStories reads (its head and the start of its
 * HTML), sent once; later tasks name unchanged articles by id. The answer
 * names clusters by article id.
 */
import { CONTENT_HEAD_CHARS, clusterStories } from '../dedupe/story-clusters.js';
import type { ArticleHead, StoredArticle } from '../types.js';

export interface ClusterTask {
  /** The articles to cluster, in this order: a full article, or the id of one sent before with the same head. */
  articles: (StoredArticle | string)[];
  /**
   * Only keep these (full) articles for the next task, cluster nothing. A whole window goes over in
   * such parts: one message of ~2,000 articles is a structured clone that holds the event loop for
   * tens of milliseconds, a part of HOLD_PART articles a few.
   */
  hold?: boolean;
}

/** Articles per hold task when a whole window is sent. */
export const HOLD_PART = 250;

export type ClusterOutcome =
  | { ok: true; clusters: { lead: string; others: string[] }[] }
  /** Ids the worker does not hold (it was restarted): the caller sends those articles whole. */
  | { ok: false; missing: string[] }
  | { ok: false; error: string };

/** The part of an article clustering reads: the same clusters as the whole article (see CONTENT_HEAD_CHARS). */
export function clusterInput(head: ArticleHead, content: string): StoredArticle {
  return { ...head, content: content.length > CONTENT_HEAD_CHARS ? content.slice(0, CONTENT_HEAD_CHARS) : content };
}

/**
 * The worker's side: the articles it was sent, so that an unchanged article
 * is the same object from task to task (clusterStories caches its words per
 * object).
 */
export class ClusterState {
  #held = new Map<string, StoredArticle>();

  run(task: ClusterTask): ClusterOutcome {
    if (task.hold) {
      for (const a of task.articles) if (typeof a !== 'string') this.#held.set(a.id, a);
      return { ok: true, clusters: [] };
    }
    try {
      const missing = task.articles.filter((a): a is string => typeof a === 'string' && !this.#held.has(a));
      if (missing.length > 0) return { ok: false, missing };
      const articles = task.articles.map((a) => (typeof a === 'string' ? this.#held.get(a)! : a));
      const next = new Map<string, StoredArticle>();
      for (const a of articles) next.set(a.id, a);
      this.#held = next;
      return { ok: true, clusters: clusterStories(articles).map((c) => ({ lead: c.lead.id, others: c.others.map((o) => o.id) })) };
    } catch (err) {
      return { ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
    }
  }
}

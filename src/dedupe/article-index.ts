/**
 * In-memory lookup of stored articles by every key they are known under:
 * their identity key, the url key of every link a source gave them, and
 * every source's guid. Never persisted: it is rebuilt from the articles on
 * first use after opening a store, and whenever the article list was replaced
 * or changed behind merge-items' back (retention, tests, migrations).
 */
import type { StoreData } from '../store/store.js';
import type { StoredArticle } from '../types.js';
import { guidKeyOf, urlKeyOf } from './identity.js';

export interface ArticleIndex {
  byKey: Map<string, StoredArticle>;
  byId: Map<string, StoredArticle>;
}

interface CachedIndex {
  articles: StoredArticle[];
  length: number;
  index: ArticleIndex;
}

const cache = new WeakMap<StoreData, CachedIndex>();

export function getArticleIndex(data: StoreData): ArticleIndex {
  const hit = cache.get(data);
  if (hit && hit.articles === data.articles && hit.length === data.articles.length) return hit.index;
  const index = buildIndex(data.articles);
  cache.set(data, { articles: data.articles, length: data.articles.length, index });
  return index;
}

/** Tell the cache that merge-items appended to the list itself (the index is already up to date). */
export function noteAppended(data: StoreData): void {
  const hit = cache.get(data);
  if (hit && hit.articles === data.articles) hit.length = data.articles.length;
}

function buildIndex(articles: readonly StoredArticle[]): ArticleIndex {
  const index: ArticleIndex = { byKey: new Map(), byId: new Map() };
  for (const article of articles) indexArticle(index, article);
  return index;
}

export function indexArticle(index: ArticleIndex, article: StoredArticle): void {
  index.byId.set(article.id, article);
  addKey(index, article.key, article);
  // A link that was not the article's identity (a front page, a link the feed
  // shared between articles) must not pull other items into this article.
  const linksIdentify = article.key.startsWith('url:');
  if (linksIdentify && article.link) addKey(index, urlKeyOf(article.link), article);
  for (const source of article.sources) {
    if (linksIdentify && source.link) addKey(index, urlKeyOf(source.link), article);
    if (source.guid) addKey(index, guidKeyOf(source.name, source.guid), article);
  }
}

function addKey(index: ArticleIndex, key: string | undefined, article: StoredArticle): void {
  // First writer wins: an alias never steals the key of another article.
  if (key && !index.byKey.has(key)) index.byKey.set(key, article);
}

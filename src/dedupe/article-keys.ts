/**
 * The lookup keys an article is known under: its identity key, the url key
 * of every link a source gave it (when links identify it), and every source's
 * guid. Stores index articles by these; the first article to claim a key
 * keeps it, so an alias never steals the key of another article.
 */
import type { ArticleHead } from '../types.js';
import { guidKeyOf, urlKeyOf } from './identity.js';

export function indexKeysOf(article: ArticleHead): string[] {
  const keys = new Set<string>([article.key]);
  // A link that was not the article's identity (a front page, a link the feed
  // shared between articles) must not pull other items into this article.
  const linksIdentify = article.key.startsWith('url:');
  const addUrl = (link: string | undefined): void => {
    const key = link ? urlKeyOf(link) : undefined;
    if (key) keys.add(key);
  };
  if (linksIdentify) addUrl(article.link);
  for (const source of article.sources) {
    if (linksIdentify) addUrl(source.link);
    if (source.guid) keys.add(guidKeyOf(source.name, source.guid));
  }
  return [...keys];
}

/** An in-memory key → id index with first-writer-wins, for backends that keep heads in memory. */
export class KeyIndex {
  readonly #ids = new Map<string, string>();

  add(article: ArticleHead): void {
    for (const key of indexKeysOf(article)) if (!this.#ids.has(key)) this.#ids.set(key, article.id);
  }

  /** Forget the keys that point at this article. */
  remove(article: ArticleHead): void {
    for (const key of indexKeysOf(article)) if (this.#ids.get(key) === article.id) this.#ids.delete(key);
  }

  /**
   * Forget every key that points at one of these articles, in one pass over
   * the index: computing each article's keys again costs a URL parse per
   * link (retiring 20,000 articles held the event loop ~300 ms), a pass costs
   * a lookup per key held. Keys left over from an earlier version of a head
   * (a link that changed) go too.
   */
  removeIds(ids: ReadonlySet<string>): void {
    for (const _ of this.removingIds(ids, Infinity));
  }

  /** removeIds, pausing after every `step` keys looked at: a caller lets the event loop run in between (no change may come meanwhile). */
  *removingIds(ids: ReadonlySet<string>, step: number): Generator<void> {
    if (ids.size === 0) return;
    let seen = 0;
    for (const [key, id] of this.#ids) {
      if (ids.has(id)) this.#ids.delete(key);
      if (++seen % step === 0) yield;
    }
  }

  get(key: string): string | undefined {
    return this.#ids.get(key);
  }

  get size(): number {
    return this.#ids.size;
  }
}

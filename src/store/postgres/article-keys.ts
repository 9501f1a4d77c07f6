/**
 * The lookup keys an article is known under, as article_keys stores them:
 * the same rule as the in-memory index of src/dedupe/article-index.ts
 * (identity key; url keys of its links only when a link is its identity;
 * every source's guid key), so that both backends find the same articles.
 */
import { guidKeyOf, urlKeyOf } from '../../dedupe/identity.js';
import type { ArticleHead } from '../store-api.js';

export function lookupKeysOf(head: ArticleHead): string[] {
  const keys = [head.key];
  const linksIdentify = head.key.startsWith('url:');
  if (linksIdentify && head.link) push(keys, urlKeyOf(head.link));
  for (const source of head.sources) {
    if (linksIdentify && source.link) push(keys, urlKeyOf(source.link));
    if (source.guid) push(keys, guidKeyOf(source.name, source.guid));
  }
  return keys;
}

function push(keys: string[], key: string | undefined): void {
  if (key && !keys.includes(key)) keys.push(key);
}

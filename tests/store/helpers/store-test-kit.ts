import { mergeIntoStore } from '../../../src/dedupe/merge-source.js';
import type { MergePlan } from '../../../src/dedupe/merge-items.js';
import type { Store } from '../../../src/store/store-api.js';
import type { NormalizedItem, SourceState, StoredArticle } from '../../../src/types.js';

export function stateOf(name: string, extra: Partial<SourceState> = {}): SourceState {
  return { name, url: `https://${name.replace(/\W+/g, '-')}.example/feed.xml`, consecutiveErrors: 0, ...extra };
}

/** Merge items as one source's successful poll would. */
export function merge(store: Store, source: string, items: readonly NormalizedItem[], now = new Date()): Promise<MergePlan> {
  return mergeIntoStore(store, items, stateOf(source, { lastSuccess: now.toISOString() }), now);
}

export async function allArticles(store: Store): Promise<StoredArticle[]> {
  const all: StoredArticle[] = [];
  for await (const batch of store.streamArticles()) all.push(...batch);
  return all.sort((a, b) => (a.id < b.id ? -1 : 1));
}

import type { MergeRequest, Store } from '../store/store-api.js';
import type { NormalizedItem, SourceState } from '../types.js';
import { planMerge, prepareItems, type MergePlan } from './merge-items.js';

/**
 * Merge one source's items into the store, whole or not at all, together
 * with the source's new fetch state: prepare the lookup keys, let the store
 * answer them, plan (pure), and let the store apply the plan atomically.
 */
export function mergeIntoStore(store: Store, items: readonly NormalizedItem[], state: SourceState, now: Date): Promise<MergePlan> {
  const prepared = prepareItems(state.name, items);
  const request: MergeRequest<MergePlan> = {
    source: state.name,
    keys: prepared.keys,
    ids: prepared.ids,
    plan: (found) => {
      const planned = planMerge(found, prepared, now);
      return { merge: planned.merge, result: planned };
    },
    state,
  };
  return store.mergeSource(request);
}

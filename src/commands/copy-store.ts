/**
 * `feedkurator copy-store --to URL|PATH`: copy the active config's store
 * (JSON files or PostgreSQL) into an empty store of either kind — how a user
 * moves from the file to PostgreSQL, and back. Only the Store interface is
 * used: articles stream in batches, then source states, tombstones and the
 * last cycle; classifications are not copied (recomputed from the rules).
 *
 * Exit codes: 2 when --to is missing or names the active store itself
 * (usage); 1 when the target is not empty, cannot be opened, or the counts
 * after copying differ (runtime: nothing in the source was changed).
 */
import { loadConfig } from '../config/load.js';
import { StoreError, UsageError } from '../errors.js';
import { describeStoreTarget, openStoreAt, parseStoreTarget, sameStoreTarget, storeTargetOfConfig } from '../store/open-store-at.js';
import type { Store } from '../store/store-api.js';

export interface CopyCounts {
  articles: number;
  sources: number;
  tombstones: number;
}

const BATCH = 500;

export async function runCopyStore(options: { configPath: string | undefined; to: string | undefined }): Promise<number> {
  if (!options.to) throw new UsageError('copy-store needs --to URL|PATH (a postgres:// URL or a file path)');
  const config = loadConfig({ configPath: options.configPath });
  const from = storeTargetOfConfig(config);
  const to = parseStoreTarget(options.to);
  if (sameStoreTarget(from, to)) throw new UsageError(`--to names the active store itself (${describeStoreTarget(to)})`);

  const source = await openStoreAt(from, { readOnly: true });
  try {
    const target = await openStoreAt(to);
    try {
      const counts = await copyStore(source, target);
      process.stdout.write(
        `copied ${counts.articles} articles, ${counts.sources} sources, ${counts.tombstones} tombstones ` +
          `from ${source.location} to ${target.location} (counts verified)\n`,
      );
      return 0;
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

/** Copy everything into an empty target and verify by counts; throws StoreError otherwise. */
export async function copyStore(source: Store, target: Store): Promise<CopyCounts> {
  const existing = await countsOf(target);
  if (existing.articles + existing.sources + existing.tombstones > 0) {
    throw new StoreError(
      target.location,
      `is not empty (${existing.articles} articles, ${existing.sources} sources, ${existing.tombstones} tombstones); copy-store only fills an empty store`,
    );
  }
  const expected = await countsOf(source);
  let articles = 0;
  for await (const batch of source.streamArticles(BATCH)) {
    await target.importData({ articles: batch });
    articles += batch.length;
  }
  const states = await source.getSourceStates();
  const retired = await source.listRetired();
  await target.importData({ sources: [...states.values()], retired });
  const cycle = await source.getLastCycle();
  if (cycle) await target.putLastCycle(cycle);
  await target.flush();

  const copied = { articles, sources: states.size, tombstones: retired.size };
  const landed = await countsOf(target);
  for (const key of ['articles', 'sources', 'tombstones'] as const) {
    if (copied[key] !== expected[key] || landed[key] !== expected[key]) {
      throw new StoreError(
        target.location,
        `copy not verified: ${key} in the source ${expected[key]}, read ${copied[key]}, in the target ${landed[key]} (was the source changed meanwhile? stop serve and copy again into an empty store)`,
      );
    }
  }
  return landed;
}

async function countsOf(store: Store): Promise<CopyCounts> {
  return { articles: await store.countArticles(), sources: (await store.getSourceStates()).size, tombstones: (await store.listRetired()).size };
}

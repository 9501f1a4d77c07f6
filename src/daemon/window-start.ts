/**
 * A start without a publication snapshot builds its first publication from
 * the newest part of the JSON store: the heads of 20,000 articles cost
 * ~0.35 s of CPU to read and as much again in garbage collection, and the
 * first answer needs only the window's (BENCHMARKS.md, startup sessions 8-9).
 *
 * The store is read newest segment first (json-store.ts, StagedLoad) until
 * every segment not read yet is older than the clock's UTC day and holds only
 * articles published at or before some date (segment-dates.ts measured it
 * when the segment was last read whole); the selection then looks only at
 * curated articles published after that date, which are the same, in the
 * same order, as in the whole store (select-entries.ts, LoadHorizon), or
 * says it would look further (WindowNotLoaded), and more is read. The
 * publication is therefore the one a start that loads everything first
 * builds, byte for byte; anything this path cannot vouch for (a segment of
 * unknown dates, a loaded article without stored topics, feeds that reach
 * past the loaded part) falls back to that start.
 */
import { Curation, type Rules } from '../curate/curation.js';
import { WindowNotLoaded, type LoadHorizon } from '../curate/select-entries.js';
import type { Logger } from '../log/logger.js';
import type { Publication } from '../publish/build-publication.js';
import type { StagedLoad } from '../store/open-store.js';
import type { Store } from '../store/store-api.js';
import { readWindowHint, writeWindowHint } from './window-hint.js';

export interface WindowFirstOptions {
  store: Store;
  load: StagedLoad;
  rules: Rules;
  log: Logger;
  /** The daemon's build, from a curation of the loaded part. */
  build: (curation: Curation, horizon: LoadHorizon) => Promise<Publication>;
  /** The segment count hint beside the store (window-hint.ts): read first, and kept when this start needed another count. */
  hint?: { path: string; save: (work: () => Promise<void>) => void };
}

/** The first publication from the newest segments, or undefined: build it from the whole store instead. */
export async function windowFirst({ store, load, rules, log, build, hint }: WindowFirstOptions): Promise<Publication | undefined> {
  const today = new Date().toISOString().slice(0, 10);
  // As many segments as the last first publication needed today, before the first try (no tries below it).
  const hinted = hint ? await readWindowHint(hint.path, rules.fingerprint, today) : undefined;
  let read = 0;
  for (;;) {
    const horizon = load.horizon();
    if (horizon.done) return undefined; // everything is read: the ordinary build
    // Today's articles (first seen today or later) must all be there, and every unread segment's dates known.
    if (horizon.newestPublished === undefined || horizon.newestDay >= today || read < (hinted?.segments ?? 0)) {
      await load.readMore(rules.fingerprint);
      read++;
      continue;
    }
    const heads = load.loadedHeads();
    const stored = await store.getClassifications(rules.fingerprint, heads.map((h) => h.id));
    if (stored.size < heads.length) {
      log.info('first publication from the whole store: loaded articles without topics for these rules');
      return undefined;
    }
    const curation = await Curation.open(loadedView(store, heads, stored), rules);
    try {
      const built = await build(curation, { unloadedNewest: horizon.newestPublished });
      log.debug({ segments: read, articles: heads.length, hinted: hinted?.segments }, 'first publication from the newest segments');
      if (hint && read !== hinted?.segments) hint.save(() => writeWindowHint(hint.path, rules.fingerprint, { segments: read, day: today }));
      return built;
    } catch (err) {
      if (!(err instanceof WindowNotLoaded)) throw err;
      if (err.stage === 'feeds') {
        log.info({ reason: err.message }, 'first publication from the whole store');
        return undefined;
      }
    }
    // The window reaches further: half as many segments again as read so far (a few retries, little read past it).
    for (let more = Math.max(2, Math.ceil(read / 2)); more > 0 && !load.horizon().done; more--) {
      await load.readMore(rules.fingerprint);
      read++;
    }
  }
}

/** The store as a curation of its loaded part sees it: those heads and their topics; the rest is the store's own. */
function loadedView(store: Store, heads: ReturnType<StagedLoad['loadedHeads']>, topics: Map<string, string[]>): Store {
  return new Proxy(store, {
    get(target, key) {
      if (key === 'listHeads') return async () => heads;
      if (key === 'getClassifications') return async () => topics;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

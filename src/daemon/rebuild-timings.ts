/**
 * What a rebuild's time went to (Daemon.lastRebuild, the bench's rebuild
 * row, the debug log line "feeds rebuilt"), and the clusterer wrapped to
 * time its calls.
 */
import type { StoryClusterer } from '../curate/story-clusterer.js';
import type { ArticleHead } from '../types.js';

export interface RebuildTimings {
  /** From taking the change in to the new publication swapped in (identity bodies). */
  totalMs: number;
  selectMs: number;
  clusterMs: number;
  renderMs: number;
  /** The compression of the changed bodies, after the swap (NaN until done). */
  compressMs: number;
  /** From taking the change in to every body of the new publication compressed (NaN until done). */
  compressedMs: number;
  entries: number;
  /** Entries rendered anew (the rest came from the previous build). */
  rendered: number;
}

/** The clusterer, timing its calls (wall time: its slices and what runs between them). */
export function timedClusterer(clusterer: StoryClusterer): StoryClusterer & { ms: number; window: string[] | undefined } {
  const timed = {
    ms: 0,
    /** The ids of the window the last call clustered. */
    window: undefined as string[] | undefined,
    async cluster(...args: Parameters<StoryClusterer['cluster']>) {
      timed.window = args[0].map((a) => a.head.id);
      const t = performance.now();
      try {
        return await clusterer.cluster(...args);
      } finally {
        timed.ms += performance.now() - t;
      }
    },
    get lastRun() {
      return clusterer.lastRun;
    },
    readAhead: (head: ArticleHead, content: string) => clusterer.readAhead(head, content),
    describe: () => clusterer.describe(),
    close: () => clusterer.close(),
  };
  return timed;
}

export function roundAll(timings: RebuildTimings): Record<string, number> {
  return Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v)]));
}

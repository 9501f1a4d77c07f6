/**
 * Each read item's content as the JSON store writes it (`JSON.stringify`,
 * UTF-8), made in the read worker, which has the strings first and waits
 * on the main thread for part of a cold poll. A cold poll appends every new
 * article to today's segment while the cycle merges (segment-stream.ts);
 * serializing and encoding the contents there cost the main thread ~10 % of
 * its busy time at 200 sources (BENCHMARKS.md, session 11, pollmain). The
 * main thread now appends these bytes as they are and serializes only the
 * head.
 *
 * All items of a feed share one buffer of exactly their bytes, so the
 * structured clone back to the main thread copies it once.
 */
import type { NormalizedItem } from '../types.js';

/** Encoded into first, at most 3 bytes per UTF-16 unit, then copied out: no separate pass to count the bytes. */
let scratch = Buffer.alloc(0);
/** A larger feed gets a buffer of its own, not kept: the worker holds at most this much between reads. */
const KEEP_SCRATCH_BYTES = 4 * 1024 * 1024;

export function attachContentJson(items: NormalizedItem[]): void {
  // Pushed, not mapped: map's result is packed before this function is optimized and holey after (see merge-items.ts).
  const texts: string[] = [];
  for (const item of items) texts.push(JSON.stringify(item.content));
  let most = 0;
  for (const text of texts) most += text.length * 3;
  const into = scratch.length >= most ? scratch : Buffer.allocUnsafeSlow(most);
  if (most <= KEEP_SCRATCH_BYTES) scratch = into;
  const ends: number[] = [];
  let at = 0;
  for (const text of texts) {
    at += into.write(text, at, 'utf8');
    ends.push(at);
  }
  const bytes = new Uint8Array(at);
  bytes.set(into.subarray(0, at));
  let start = 0;
  for (let i = 0; i < items.length; i++) {
    items[i]!.contentJson = bytes.subarray(start, ends[i]);
    start = ends[i]!;
  }
}

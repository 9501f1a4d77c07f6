/**
 * Each read item's content as the JSON store writes it (`JSON.stringify`,
 * UTF-8), made in the read worker, which has the strings first and waits
 * on the main thread for most of a cold poll. A cold poll appends every new
 * article to today's segment while the cycle merges (segment-stream.ts);
 * serializing and encoding the contents there held the main thread ~10 % of
 * its busy time at 200 sources (BENCHMARKS.md, session 11, pollmain). The
 * main thread now appends these bytes as they are and serializes only the
 * head.
 *
 * All items of a feed share one buffer, so the structured clone back to the
 * main thread copies it once (a few hundred KB per feed).
 */
import type { NormalizedItem } from '../types.js';

export function attachContentJson(items: NormalizedItem[]): void {
  const texts = items.map((item) => JSON.stringify(item.content));
  let total = 0;
  for (const text of texts) total += Buffer.byteLength(text, 'utf8');
  const bytes = Buffer.allocUnsafeSlow(total);
  let at = 0;
  for (let i = 0; i < items.length; i++) {
    const length = bytes.write(texts[i]!, at, 'utf8');
    items[i]!.contentJson = new Uint8Array(bytes.buffer, at, length);
    at += length;
  }
}

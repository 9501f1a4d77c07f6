/**
 * What a cycle does with its sources' bodies before it publishes, without HTTP: each body read, merged
 * into the daemon's store and the written articles classified with the daemon's rules (as runCycle does).
 */
import type { Daemon } from '../../src/daemon/daemon.js';
import { mergeIntoStore } from '../../src/dedupe/merge-source.js';
import { readFeedBody } from '../../src/pipeline.js';
import type { StoredArticle } from '../../src/types.js';

/** Merges each named RSS body as its source (url http://127.0.0.1:9/NAME.xml) and stores the topics; returns what was written with content. */
export async function mergeAndClassify(daemon: Daemon, bodies: readonly { name: string; rss: string }[], now: Date): Promise<StoredArticle[]> {
  const written: StoredArticle[] = [];
  for (const { name, rss } of bodies) {
    const url = `http://127.0.0.1:9/${name}.xml`;
    const { items } = await readFeedBody(Buffer.from(rss), 'application/rss+xml', url, now);
    const plan = await mergeIntoStore(daemon.store, items, { name, url, consecutiveErrors: 0, lastSuccess: now.toISOString() }, now);
    for (const w of plan.merge.writes) if (w.content !== undefined) written.push({ ...w.head, content: w.content });
  }
  await daemon.store.putClassifications(daemon.curation!.rules.fingerprint, new Map(written.map((a) => [a.id, daemon.classifyMerged(a).topics])));
  return written;
}

/**
 * The worker threads' entry (tinypool loads it and calls the default
 * export per task). It must never reject: every error goes back as a value
 * (read-task.ts) so that the caller can rebuild it as the right class.
 */
import { attachItemDigests } from '../dedupe/item-digests.js';
import { undoEncoding } from '../fetch/undo-encoding.js';
import { attachContentJson } from './content-json.js';
import { readFeedBody } from './read-feed-body.js';
import { lowerThreadPriority } from '../schedule/thread-priority.js';
import { carryError, type ReadOutcome, type ReadTask } from './read-task.js';

/** The nice value this thread runs at, once a task asked for one (a thread is only ever lowered). */
let niceness = 0;

export default async function readInWorker(task: ReadTask): Promise<ReadOutcome> {
  if (task.niceness !== undefined && task.niceness > niceness) {
    const outcome = lowerThreadPriority(task.niceness);
    // Where threads have no priority of their own, reading simply runs at the process's.
    niceness = outcome.lowered ? outcome.niceness : Infinity;
  }
  try {
    // A view on the transferred bytes, no copy.
    const bytes = Buffer.from(task.body.buffer, task.body.byteOffset, task.body.byteLength);
    const body = task.encoded ? undoEncoding(bytes, task.encoded) : bytes;
    const feed = await readFeedBody(body, task.contentType, task.url, new Date(task.now), task.contentLocation);
    attachContentJson(feed.items);
    attachItemDigests(feed.items);
    return { ok: true, feed };
  } catch (err) {
    return { ok: false, error: carryError(err) };
  }
}

/**
 * The worker threads' entry (tinypool loads it and calls the default
 * export per task). It must never reject: every error goes back as a value
 * (read-task.ts) so that the caller can rebuild it as the right class.
 *
 * A worker holds up to two tasks: the one it reads and the next, so that it
 * starts the next body the moment it finishes one instead of waiting for the
 * calling thread to answer. It reads them one after the other, marking each
 * one's start and end for the caller's time limit (read-clock.ts).
 */
import { attachItemDigests } from '../dedupe/item-digests.js';
import { undoEncoding } from '../fetch/undo-encoding.js';
import { attachContentJson } from './content-json.js';
import { markReadFinished, markReadStarted } from './read-clock.js';
import { readFeedBody } from './read-feed-body.js';
import { lowerThreadPriority } from '../schedule/thread-priority.js';
import { carryError, type ReadOutcome, type ReadTask } from './read-task.js';

/** The nice value this thread runs at, once a task asked for one (a thread is only ever lowered). */
let niceness = 0;
/** The read before this one: a read that awaits must not let the next one run alongside (and eat its time). */
let previous: Promise<unknown> = Promise.resolve();

export default function readInWorker(task: ReadTask): Promise<ReadOutcome> {
  const outcome = previous.then(() => readOne(task));
  previous = outcome;
  return outcome;
}

async function readOne(task: ReadTask): Promise<ReadOutcome> {
  if (task.clock) markReadStarted(task.clock);
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
  } finally {
    if (task.clock) markReadFinished(task.clock);
  }
}

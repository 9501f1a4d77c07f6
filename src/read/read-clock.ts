/**
 * When a read really started, and on which thread: a worker holds its next
 * body queued behind the one it is reading, so the time between handing a
 * body over and the worker starting on it is queueing, not reading. The
 * worker marks the start (and the end) in a few bytes of shared memory that
 * travel with the task; the calling thread's timer reads them, so the time
 * limit counts each read's own running time without a message round trip.
 *
 * Both threads read the same monotonic clock (process.hrtime, process-wide), in µs.
 */
import { threadId } from 'node:worker_threads';

const STARTED_AT = 0;
const THREAD_ID = 1;
const FINISHED = 2;

/** A read's marks: [started at (µs, 0 = not yet), worker thread id, finished (1)]. */
export type ReadClock = BigInt64Array;

export function newReadClock(): ReadClock {
  return new BigInt64Array(new SharedArrayBuffer(3 * BigInt64Array.BYTES_PER_ELEMENT));
}

export function markReadStarted(clock: ReadClock): void {
  Atomics.store(clock, THREAD_ID, BigInt(threadId));
  Atomics.store(clock, STARTED_AT, clockNowUs());
}

export function markReadFinished(clock: ReadClock): void {
  Atomics.store(clock, FINISHED, 1n);
}

/** How long the read has run so far (ms), or undefined while it waits its turn. */
export function readRunningMs(clock: ReadClock): number | undefined {
  const startedAt = Atomics.load(clock, STARTED_AT);
  return startedAt === 0n ? undefined : Number(clockNowUs() - startedAt) / 1000;
}

/** The worker thread that started the read. */
export function readThreadId(clock: ReadClock): number {
  return Number(Atomics.load(clock, THREAD_ID));
}

export function isReadFinished(clock: ReadClock): boolean {
  return Atomics.load(clock, FINISHED) !== 0n;
}

/** Started and not finished: the read a dying worker was busy with. */
export function isReadRunning(clock: ReadClock): boolean {
  return Atomics.load(clock, STARTED_AT) !== 0n && Atomics.load(clock, FINISHED) === 0n;
}

/** Never 0 (which means "not started"): hrtime counts from boot or process start, far from 0 µs. */
function clockNowUs(): bigint {
  return process.hrtime.bigint() / 1000n || 1n;
}

/**
 * Background threads at a lower OS priority. In `serve`, reading a poll's
 * bodies is background work: a request for /feed.xml should not wait for a
 * core while a worker parses XML. On Linux the nice value is per thread, so a
 * worker can lower its own priority without touching the thread that
 * answers requests. Lowering is always allowed; raising it back is not (for
 * an unprivileged user), so a thread is only ever lowered, once.
 */
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** Nice value for background work: CFS gives a nice-10 thread ~1/10 of a contended core's time. */
export const BACKGROUND_NICENESS = 10;

export type PriorityOutcome = { lowered: true; tid: number; niceness: number } | { lowered: false; reason: string };

/** This thread's kernel id (Linux: /proc/thread-self → "<pid>/task/<tid>"), undefined elsewhere. */
export function currentThreadId(): number | undefined {
  try {
    const match = /\/task\/(\d+)$/.exec(readlinkSync('/proc/thread-self'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Lower the calling thread to at least `niceness` (never raises it: an operator's `nice` stays in force). */
export function lowerThreadPriority(niceness: number = BACKGROUND_NICENESS): PriorityOutcome {
  const tid = currentThreadId();
  if (tid === undefined) return { lowered: false, reason: 'no per-thread priority on this platform' };
  try {
    const current = getPriority(tid);
    if (current >= niceness) return { lowered: true, tid, niceness: current };
    setPriority(tid, niceness);
    return { lowered: true, tid, niceness: getPriority(tid) };
  } catch (err) {
    return { lowered: false, reason: (err as Error).message };
  }
}

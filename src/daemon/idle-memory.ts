/**
 * Memory back to the system once the daemon is idle. A cycle grows V8's
 * young generation to its 32 MB maximum (two 16 MB semi-spaces) and nothing
 * shrinks it while the process sleeps: at 20,000 articles an idle serve held
 * 25-30 MB of it for nothing. One major collection once the process has
 * been quiet for a while shrinks it to 1-6 MB (measured: idle RSS 184 -> 161
 * MB, a 21 ms collection on a machine at load 15). Where `--max-semi-space-size=2` would have cost every poll
 * about 15 % more CPU by collecting the young generation eight times as often.
 *
 * Node exposes no collection call without --expose-gc; the flag is turned on
 * only to take `gc` from a fresh context, then off again. When that fails
 * (another engine, a changed flag) the daemon just keeps its memory.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Collect = (options: { type: 'major' | 'minor'; execution: 'sync' }) => void;

let collect: Collect | null | undefined;

function majorCollection(): Collect | null {
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      const gc: unknown = runInNewContext('gc');
      collect = typeof gc === 'function' ? (gc as Collect) : null;
    } catch {
      collect = null;
    } finally {
      setFlagsFromString('--no-expose-gc');
    }
  }
  return collect;
}

/**
 * V8 shrinks the young generation at a major collection when the allocation
 * rate since the previous collection was low but not zero (zero reads as
 * "unknown"). So: a minor collection right after the last activity (the
 * burst's tail no longer counts), `delayMs` of quiet, a few kilobytes
 * allocated, the major collection.
 */
export class IdleMemory {
  readonly #delayMs: number;
  readonly #onCollected: ((ms: number) => void) | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(delayMs: number, onCollected?: (ms: number) => void) {
    this.#delayMs = delayMs;
    this.#onCollected = onCollected;
    // Taken now, not when collecting: making the context allocates.
    majorCollection();
  }

  /** Something just happened (a cycle, a rules edit): collect once it has been quiet for the delay (plus 0.2 s for a minor collection first). */
  arm(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      majorCollection()?.({ type: 'minor', execution: 'sync' });
      this.#timer = setTimeout(() => this.collectNow(), this.#delayMs).unref();
    }, 200).unref();
  }

  /**
   * False when no collection could be run. On Node 20's V8 the typed
   * `{ type: 'major', execution: 'sync' }` runs a scavenge, not a full
   * collection (`--trace-gc` says "Scavenge … testing"; only `gc()` or an
   * async major one mark the old generation): the figures above were
   * measured with that scavenge, and a full one freed no RSS at idle while
   * pausing far longer (BENCHMARKS.md, session 11 snapidle, session 12 idlemem).
   */
  collectNow(): boolean {
    this.#timer = undefined;
    const gc = majorCollection();
    if (!gc) return false;
    const started = performance.now();
    for (let i = 0; i < 256; i++) trickle.push({ i });
    gc({ type: 'major', execution: 'sync' });
    trickle.length = 0;
    this.#onCollected?.(performance.now() - started);
    return true;
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/** The few kilobytes that make the allocation rate low rather than unknown. */
const trickle: object[] = [];

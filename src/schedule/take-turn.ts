/**
 * A turn of the event loop for work done in slices. With setImmediate alone,
 * every sliced task that yielded resumes in the same check phase, one after
 * the other: four sources' classifications, the read-ahead and a segment
 * parse, 3-4 ms each, made one block of 10-15 ms before the next request
 * was read (BENCHMARKS.md, latency session 7). Tasks waiting here resume one
 * per iteration of the loop, in the order they asked, so that I/O (requests)
 * is taken between any two of their slices.
 */
const waiting: ((() => void) | undefined)[] = [];
let next = 0;
let scheduled = false;

export function takeTurn(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!scheduled) {
      scheduled = true;
      setImmediate(resumeOne);
    }
  });
}

function resumeOne(): void {
  const resolve = waiting[next];
  waiting[next++] = undefined;
  if (next < waiting.length) setImmediate(resumeOne); // runs in the next iteration, after its I/O
  else {
    waiting.length = 0;
    next = 0;
    scheduled = false;
  }
  resolve?.();
}

/**
 * Work done in a loop that gives the event loop a turn (takeTurn) once
 * `sliceMs` of it went by since the last turn: `if (slice.due) await
 * slice.turn();` after each step (no await at all while the slice lasts).
 */
export class TimeSlice {
  #start = performance.now();

  constructor(private readonly sliceMs: number) {}

  get due(): boolean {
    return performance.now() - this.#start > this.sliceMs;
  }

  async turn(): Promise<void> {
    await takeTurn();
    this.#start = performance.now();
  }

  /**
   * `if (slice.due) await slice.turn();` as a function, for code that takes a pause callback (sortInSlices
   * and the like). Loops over every article check `due` inline instead: an awaited call per step makes a promise.
   */
  readonly pause = async (): Promise<void> => {
    if (this.due) await this.turn();
  };

  /** A new slice from now, for a loop that took its turn some other way (such as an awaited read). */
  restart(): void {
    this.#start = performance.now();
  }
}

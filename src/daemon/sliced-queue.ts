/**
 * Work handed over item by item that need not be done before the caller goes
 * on, done in slices of at most `sliceMs` with the event loop free between
 * them. A poll's cycle classifies each source's articles as it merges them;
 * reading their words for the day's filter and the story index as well, in
 * the same turn, held /feed.xml requests up for a whole source's worth of
 * readings (tens of ms for fifty articles). Here requests get their turn
 * every few milliseconds, by time, not by a count of items (an item's cost
 * varies with its text).
 */
import { takeTurn } from '../schedule/take-turn.js';
export interface SlicedQueueOptions<T> {
  work: (item: T) => void;
  /** An item whose work threw: the rest go on. */
  onError: (err: unknown, item: T) => void;
  /** Longest stretch of work between two turns of the event loop. */
  sliceMs?: number;
}

export const QUEUE_SLICE_MS = 3;

export class SlicedQueue<T> {
  readonly #work: (item: T) => void;
  readonly #onError: (err: unknown, item: T) => void;
  readonly #sliceMs: number;
  #items: (T | undefined)[] = [];
  #next = 0;
  #running: Promise<void> | undefined;
  /** Slices run so far (what a test checks to see the work split). */
  slices = 0;

  constructor(options: SlicedQueueOptions<T>) {
    this.#work = options.work;
    this.#onError = options.onError;
    this.#sliceMs = options.sliceMs ?? QUEUE_SLICE_MS;
  }

  /** Items pushed and not done yet. */
  get pending(): number {
    return this.#items.length - this.#next;
  }

  /** Queue an item; its work starts on a later turn of the event loop. */
  push(item: T): void {
    this.#items.push(item);
    this.#running ??= this.#drain();
  }

  /** Resolves once every item pushed so far (and any pushed meanwhile) is done. */
  drained(): Promise<void> {
    return this.#running ?? Promise.resolve();
  }

  async #drain(): Promise<void> {
    try {
      while (this.#next < this.#items.length) {
        await takeTurn();
        const start = performance.now();
        do {
          const item = this.#items[this.#next] as T;
          this.#items[this.#next++] = undefined; // done items are not held until the queue empties
          try {
            this.#work(item);
          } catch (err) {
            this.#onError(err, item);
          }
        } while (this.#next < this.#items.length && performance.now() - start < this.#sliceMs);
        this.slices++;
      }
    } finally {
      this.#items = [];
      this.#next = 0;
      this.#running = undefined;
    }
  }
}

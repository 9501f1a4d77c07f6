import { AbortedError } from '../errors.js';
import { watchAbort } from './abort-fanout.js';

/** A slot held by one request; call release exactly once. */
export type Release = () => void;

interface Waiter {
  host: string;
  grant: (release: Release) => void;
  reject: (err: unknown) => void;
}

/**
 * Global plus per-host concurrency limit. Waiters queue in arrival order but a
 * waiter for a busy host does not block one for an idle host behind it, so a
 * slow server cannot stall every other source.
 */
export class HostLimiter {
  private active = 0;
  private readonly perHost = new Map<string, number>();
  private readonly queue: Waiter[] = [];

  constructor(
    private readonly globalLimit: number,
    private readonly hostLimit: number,
  ) {
    if (!(globalLimit >= 1) || !(hostLimit >= 1)) throw new RangeError('concurrency limits must be at least 1');
  }

  acquire(host: string, signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.canRun(host)) return Promise.resolve(this.take(host));
    return new Promise<Release>((resolve, reject) => {
      // Hundreds of waiters may watch the same signal: they share one listener (abort-fanout).
      const unwatch = signal
        ? watchAbort(signal, () => {
            const i = this.queue.indexOf(waiter);
            if (i >= 0) this.queue.splice(i, 1);
            reject(abortReason(signal));
          })
        : undefined;
      const waiter: Waiter = {
        host,
        grant: (release) => {
          unwatch?.();
          resolve(release);
        },
        reject,
      };
      this.queue.push(waiter);
    });
  }

  /** Requests running now and waiting now, for metrics and tests. */
  stats(): { active: number; queued: number } {
    return { active: this.active, queued: this.queue.length };
  }

  private canRun(host: string): boolean {
    return this.active < this.globalLimit && (this.perHost.get(host) ?? 0) < this.hostLimit;
  }

  private take(host: string): Release {
    this.active++;
    this.perHost.set(host, (this.perHost.get(host) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      const left = (this.perHost.get(host) ?? 1) - 1;
      if (left === 0) this.perHost.delete(host);
      else this.perHost.set(host, left);
      this.drain();
    };
  }

  private drain(): void {
    for (let i = 0; i < this.queue.length && this.active < this.globalLimit; ) {
      const waiter = this.queue[i]!;
      if (this.canRun(waiter.host)) {
        this.queue.splice(i, 1);
        waiter.grant(this.take(waiter.host));
      } else {
        i++;
      }
    }
  }
}

function abortReason(_signal: AbortSignal | undefined): AbortedError {
  return new AbortedError('fetch abandoned while waiting for a free connection slot');
}

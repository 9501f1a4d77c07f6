/**
 * One 'abort' listener per caller signal, however many fetches wait on it.
 *
 * A cycle starts every source's fetch at once and all of them watch the
 * daemon's long-lived shutdown signal, most while queued for a connection
 * slot. One listener each put hundreds on that signal at a time (Node's
 * MaxListenersExceededWarning at 11); here they share one, which goes away
 * with the last fetch that watched it.
 */

interface Fanout {
  readonly callbacks: Set<() => void>;
  readonly fire: () => void;
}

const fanouts = new WeakMap<AbortSignal, Fanout>();

/**
 * Calls `onAbort` once when `signal` aborts. Returns the function that stops
 * watching; call it when the work ends (calling it twice is harmless).
 */
export function watchAbort(signal: AbortSignal, onAbort: () => void): () => void {
  let fanout = fanouts.get(signal);
  if (!fanout) {
    const callbacks = new Set<() => void>();
    const fire = (): void => {
      fanouts.delete(signal);
      // A copy: a callback may stop watching (and so change the set) while we go through it.
      for (const callback of [...callbacks]) callback();
      callbacks.clear();
    };
    fanout = { callbacks, fire };
    fanouts.set(signal, fanout);
    signal.addEventListener('abort', fire, { once: true });
  }
  const entry = (): void => onAbort();
  const { callbacks, fire } = fanout;
  callbacks.add(entry);
  return () => {
    if (!callbacks.delete(entry) || callbacks.size > 0) return;
    signal.removeEventListener('abort', fire);
    if (fanouts.get(signal)?.fire === fire) fanouts.delete(signal);
  };
}

/**
 * Counts iterations of the event loop: a setImmediate that re-arms itself
 * ticks once per check phase. Tests of slicing tell by it whether two pieces
 * of work ran in the same iteration (no request could have been answered
 * between them) or in different ones.
 */
export function countLoopIterations(): { readonly count: number; stop: () => void } {
  let count = 0;
  let ticking = true;
  const tick = (): void => {
    count++;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    get count() {
      return count;
    },
    stop: () => (ticking = false),
  };
}

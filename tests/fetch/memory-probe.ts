import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** A real gc() even without --expose-gc, so that a baseline does not include earlier garbage. */
function getGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Samples RSS every 5 ms while `work` runs; returns the peak growth over a collected baseline, in MiB. */
export async function measureRssGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growthMiB: number }> {
  const gc = getGc();
  gc();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, growthMiB: (peak - baseline) / 1024 / 1024 };
  } finally {
    clearInterval(sampler);
  }
}

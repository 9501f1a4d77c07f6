/**
 * Which code blocks the event loop: a timer that should fire every
 * millisecond notes every gap longer than the threshold, and the V8
 * sampling profiler (inspector, same process) says what ran in each gap.
 * For finding stretches to slice, not a benchmark figure: the profiler
 * itself costs some percent.
 *
 * startBlockProbe() → { stop(): Promise<Block[]> }, Block = { ms, cpuMs, frames: [[frame, ms]…] }
 * (frames: the program's own functions on the stack during the gap, by
 * inclusive time, dist/ or bench/ paths; a gap of GC shows "(garbage collector)").
 *
 * On a shared machine a gap's wall time includes the time other processes
 * held the CPU; `cpuMs` is what this process's main thread ran during the
 * gap (Linux schedstat, nanoseconds): the block an idle machine would see.
 * startBlockMonitor() gives the longest gap both ways without the profiler.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/** Nanoseconds the main thread has run (Linux), or undefined elsewhere. */
function mainThreadClock() {
  let fd;
  try {
    fd = openSync(`/proc/self/task/${process.pid}/schedstat`, 'r');
  } catch {
    return { read: () => undefined, close() {} };
  }
  const buf = Buffer.alloc(128);
  return {
    read() {
      const n = readSync(fd, buf, 0, buf.length, 0);
      return Number(buf.toString('latin1', 0, n).split(' ')[0]);
    },
    close: () => closeSync(fd),
  };
}

/** Gaps of a 1 ms timer over the threshold: [fromUs, toUs, cpuMs]. */
export function startBlockMonitor({ thresholdMs = 15 } = {}) {
  const clock = mainThreadClock();
  const gaps = [];
  let last = process.hrtime.bigint();
  let lastCpu = clock.read();
  const timer = setInterval(() => {
    const now = process.hrtime.bigint();
    const cpu = clock.read();
    if (Number(now - last) / 1e6 > thresholdMs || (cpu - lastCpu) / 1e6 > thresholdMs) gaps.push([Number(last / 1000n), Number(now / 1000n), cpu === undefined ? undefined : (cpu - lastCpu) / 1e6]);
    last = now;
    lastCpu = cpu;
  }, 1);
  return {
    gaps,
    /** The longest gap by wall time and by the main thread's CPU time (ms). */
    stop() {
      clearInterval(timer);
      clock.close();
      return { wallMs: Math.max(0, ...gaps.map((g) => (g[1] - g[0]) / 1000)), cpuMs: Math.max(0, ...gaps.map((g) => g[2] ?? 0)), gaps: gaps.length };
    },
  };
}

export async function startBlockProbe({ thresholdMs = 15, samplingUs = 200 } = {}) {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: samplingUs });
  await session.post('Profiler.start');
  const monitor = startBlockMonitor({ thresholdMs });
  return {
    async stop() {
      monitor.stop();
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      return monitor.gaps.map(([from, to, cpuMs]) => ({ ms: (to - from) / 1000, cpuMs, frames: framesIn(profile, from, to) }));
    },
  };
}

/** Inclusive time of the program's own frames (and GC) among the samples taken between `from` and `to` (µs). */
function framesIn(profile, from, to) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map();
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i];
    t += dt;
    if (t < from || t > to) return;
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const { functionName, url, lineNumber } = byId.get(at).callFrame;
      const own = /\/(dist|bench)\//.test(url) || functionName.startsWith('(garbage');
      if (!own) continue;
      const name = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(dist|bench)\//, '$1/')}:${lineNumber + 1}`;
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + dt / 1000);
    }
  });
  return [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([n, ms]) => [n, Math.round(ms * 10) / 10]);
}

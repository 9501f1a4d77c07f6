/**
 * Preloaded into measured child processes (`node --import`): on exit, write
 * this process's resource usage (peak RSS in KB, CPU time of all threads, and
 * CPU time of the main thread alone) to the file named by BENCH_USAGE_FILE.
 * Works however the program exits, process.exit included.
 *
 * The main thread's share tells what a machine with idle cores would make of
 * a multi-threaded run: its wall time cannot drop below the main thread's CPU
 * time, nor below all threads' CPU time spread over the cores.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(
      file,
      JSON.stringify({ maxRssKb: u.maxRSS, userMs: u.userCPUTime / 1000, systemMs: u.systemCPUTime / 1000, mainThreadMs: readMainThreadMs() }),
    );
  });
}

/** utime + stime of the calling (main) thread from /proc, in ms; undefined off Linux. */
function readMainThreadMs() {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    // Fields after the parenthesized command name; utime and stime are fields 14 and 15 (clock ticks, 100 per second on Linux).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

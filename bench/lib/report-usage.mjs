/**
 * Preloaded into measured child processes (`node --import`): on exit, write
 * this process's resource usage (peak RSS in KB, CPU time) to the file named
 * by BENCH_USAGE_FILE. Works however the program exits, process.exit included.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ maxRssKb: u.maxRSS, userMs: u.userCPUTime / 1000, systemMs: u.systemCPUTime / 1000 }));
  });
}

import { execFile } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { IdleMemory } from '../../src/daemon/idle-memory.js';
import { ROOT } from '../helpers/cli.js';

const run = promisify(execFile);

describe('IdleMemory (an idle daemon gives its young generation back)', () => {
  // In a process of its own: the test runner's worker allocates all the time, and V8 shrinks only a quiet process's young generation.
  it('gives back the young generation a burst of work grew, once the process has been quiet', async () => {
    const script = `
      import { getHeapSpaceStatistics } from 'node:v8';
      import { IdleMemory } from ${JSON.stringify(pathToFileURL(path.join(ROOT, 'dist', 'daemon', 'idle-memory.js')).href)};
      const newSpace = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
      let collected;
      const memory = new IdleMemory(5500, () => collected());
      function burst() { let kept = []; for (let i = 0; i < 400000; i++) { kept.push({ i, text: 'item ' + i, list: [i] }); if (kept.length > 50000) kept = []; } }
      burst();
      const grown = newSpace();
      const alive = setInterval(() => {}, 1000); // a daemon's timers
      memory.arm();
      await new Promise((resolve) => (collected = resolve));
      clearInterval(alive);
      console.log(JSON.stringify({ grown, after: newSpace() }));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script]);
    const r = JSON.parse(stdout) as { grown: number; after: number };
    expect(r.grown).toBeGreaterThanOrEqual(16 * 1024 * 1024);
    expect(r.after).toBeLessThan(r.grown / 4);
  }, 30_000);

  it('collects once, the delay after the last arm', async () => {
    const times: number[] = [];
    const memory = new IdleMemory(40, (ms) => times.push(ms));
    const started = performance.now();
    memory.arm();
    await new Promise((resolve) => setTimeout(resolve, 150));
    memory.arm(); // more activity: the quiet time starts again
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(times).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(times).toHaveLength(1);
    expect(times[0]).toBeGreaterThanOrEqual(0);
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
  });

  it('does not collect after close', async () => {
    const times: number[] = [];
    const memory = new IdleMemory(10, (ms) => times.push(ms));
    memory.arm();
    memory.close();
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(times).toEqual([]);
  });
});

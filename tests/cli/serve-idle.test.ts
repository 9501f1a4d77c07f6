/**
 * An idle `serve` sleeps: between polls nothing should wake its event loop
 * more than a few times a second. prom-client's event-loop sampler, at its
 * default 10 ms, woke it 100 times a second (about 1 % of a core for
 * nothing). Counted, not timed: the main thread's voluntary context switches
 * (each one a sleep in epoll_wait) over a few seconds, from /proc (Linux).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSampleServer, type SampleServer } from '../../src/demo/sample-server.js';
import { makeTempDir, renderTestConfig, spawnCli, waitFor, waitForExit } from '../helpers/cli.js';

const WINDOW_MS = 3_000;
/**
 * Wake-ups a second allowed: the 100 ms sampler (10) plus the config and store watchers, with room for a
 * loaded machine. Measured: 291 in 3 s with the 10 ms sampler (97 a second), 45 with 100 ms (15 a second).
 */
const MAX_WAKEUPS_PER_SECOND = 40;

function voluntarySwitches(pid: number): number {
  const status = readFileSync(`/proc/${pid}/task/${pid}/status`, 'utf8');
  return Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)![1]);
}

describe('an idle serve', () => {
  let samples: SampleServer;
  let configFile: string;

  beforeAll(async () => {
    samples = await startSampleServer();
    const dir = makeTempDir();
    configFile = path.join(dir, 'feedkurator.yaml');
    writeFileSync(configFile, renderTestConfig(dir, samples.feeds.map((f) => ({ name: f.name, url: samples.feedUrl(f.file) }))));
  });

  afterAll(async () => {
    await samples.close();
  });

  it.runIf(existsSync('/proc/self/task'))('wakes its event loop at most a few times a second between polls', { timeout: 60_000 }, async () => {
    const serve = spawnCli(['serve', '--config', configFile], { LOG_LEVEL: 'info' });
    try {
      const url = await waitFor('the serving log line', async () => {
        const line = serve.output().split('\n').find((l) => l.includes('"msg":"serving"'));
        return line ? (JSON.parse(line) as { url: string }).url : undefined;
      }, 30_000);
      await waitFor('the first cycle', async () => {
        const health = (await (await fetch(`${url}/healthz`)).json()) as { lastCycle?: unknown };
        return health.lastCycle ? true : undefined;
      }, 30_000);
      // Let the cycle's publishing and snapshot settle.
      await new Promise((r) => setTimeout(r, 1_500));
      const before = voluntarySwitches(serve.pid!);
      await new Promise((r) => setTimeout(r, WINDOW_MS));
      const wakeups = voluntarySwitches(serve.pid!) - before;
      expect(wakeups).toBeLessThan((MAX_WAKEUPS_PER_SECOND * WINDOW_MS) / 1000);
    } finally {
      serve.kill('SIGTERM');
      await waitForExit(serve);
    }
  });
});

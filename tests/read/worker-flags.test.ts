/**
 * Read workers start with the process's Node flags, minus those a worker
 * refuses (V8's own: --max-old-space-size, --expose-gc). An operator who caps
 * the heap on the command line keeps the read pool: the real CLI polls a
 * fixture feed under such flags.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerExecArgv } from '../../src/read/worker-flags.js';
import { CLI, cleanEnv, makeTempDir, ROOT, writeTestConfig } from '../helpers/cli.js';
import { rss, startSite, type FixtureSite } from '../cli/fixture-site.js';

describe('workerExecArgv', () => {
  it('passes the flags a worker accepts as they are, values included', () => {
    const flags = ['--import', 'tsx', '--enable-source-maps', '--cpu-prof', '--cpu-prof-dir', '/tmp/p', '--conditions=dev'];
    expect(workerExecArgv(flags)).toEqual(flags);
  });

  it('drops the V8 options Node names as refused, and --input-type', () => {
    expect(workerExecArgv(['--expose-gc', '--max-old-space-size=300', '--enable-source-maps', '--input-type=module'])).toEqual(['--enable-source-maps']);
    expect(workerExecArgv(['--trace-gc', '--import', 'tsx'])).toEqual(['--import', 'tsx']);
  });

  it('keeps an unknown flag the worker accepts', () => {
    expect(workerExecArgv(['--expose-gc', '--no-addons'])).toEqual(['--no-addons']);
  });
});

describe('the CLI under a heap cap given as a Node flag', () => {
  let site: FixtureSite;
  beforeAll(async () => {
    site = await startSite({
      '/feed.xml': {
        type: 'application/rss+xml',
        body: rss('Fixture-News', [{ slug: 'linux-6-18', title: 'Linux 6.18: Torvalds gibt neuen Kernel frei', text: 'Der neue Linux-Kernel bringt neue Treiber.', hoursAgo: 1 }]),
      },
    });
  });
  afterAll(() => site.close());

  it('polls through the read workers (node --max-old-space-size=256 --expose-gc)', async () => {
    const config = writeTestConfig(makeTempDir(), [{ name: 'Fixture-News', url: `${site.base}/feed.xml` }]);
    const child = spawn(process.execPath, ['--max-old-space-size=256', '--expose-gc', CLI, 'poll', '--json', '--config', config], {
      cwd: ROOT,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // Refused flags used to stall the pool's start-up probe for 60 s, then crash it.
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    expect(stderr).not.toMatch(/ERR_WORKER_INVALID_EXEC_ARGV|in the main thread|worker failed/);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ sources: 1, ok: 1, failed: 0, new: 1 });
  }, 30_000);
});

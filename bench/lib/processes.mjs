/**
 * Child processes measured from the outside: wall time from spawn to exit,
 * peak RSS and CPU from the child itself (report-usage.mjs preloaded).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const USAGE_HOOK = fileURLToPath(new URL('./report-usage.mjs', import.meta.url));
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The compiled program under test; FK_BENCH_DIST points elsewhere (a copy of dist/) when developing the bench itself. */
export const DIST = process.env.FK_BENCH_DIST ?? join(ROOT, 'dist');
export const CLI = join(DIST, 'cli.js');

/** Start `node --import report-usage SCRIPT ARGS`; `done` resolves with code, output, wall time and usage. */
export function startMeasured(script, args = [], { env = {}, cwd = ROOT, timeoutMs = 600_000 } = {}) {
  const usageDir = mkdtempSync(join(tmpdir(), 'fk-bench-usage-'));
  const usageFile = join(usageDir, 'usage.json');
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', USAGE_HOOK, script, ...args], {
    cwd,
    env: { ...process.env, ...env, BENCH_USAGE_FILE: usageFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d) => {
    // Keep the tail only: a poll at info level logs a line per source.
    stderr = (stderr + d).slice(-20_000);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const wallMs = performance.now() - started;
      let usage = {};
      try {
        usage = JSON.parse(readFileSync(usageFile, 'utf8'));
      } catch {
        // The child died before its exit handler ran (SIGKILL): no usage, the caller reports the failure.
      }
      rmSync(usageDir, { recursive: true, force: true });
      resolve({ code, signal, stdout, stderr, wallMs, ...usage });
    });
  });
  return { child, started, done, output: () => stdout };
}

/** Run to completion; throws with the child's last stderr lines when it fails. */
export async function runMeasured(script, args, options) {
  const result = await startMeasured(script, args, options).done;
  if (result.code !== 0) {
    throw new Error(`${script} ${args.join(' ')} exited with ${result.code ?? result.signal}: ${lastLines(result.stderr)}`);
  }
  return result;
}

/** The last stderr lines of a failed child, enough to see why. */
export function lastLines(text, count = 5) {
  return text.trim().split('\n').slice(-count).join(' | ').slice(0, 1500);
}

/** A port free right now on 127.0.0.1 (for children that need a fixed PORT). */
export function findFreePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = path.join(ROOT, 'dist', 'cli.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Environment for a child: no inherited overrides that would change what the test means. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', ...extra };
  for (const key of ['PORT', 'HOST', 'BASE_URL', 'DATA_DIR', 'FEEDKURATOR_CONFIG', 'LOG_FORMAT'])
    if (!(key in extra)) delete env[key];
  return env;
}

/** Run the real CLI as a child process. */
export function runCli(
  args: string[],
  options: { env?: Record<string, string>; input?: string; cwd?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? ROOT,
      env: cleanEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Start a long-running CLI command (serve); the caller stops it. */
export function spawnCli(args: string[], env: Record<string, string> = {}): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d));
  return Object.assign(child, { output: () => output });
}

export function waitForExit(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Polls `probe` every `intervalMs` until it gives a value (a throwing probe counts as none yet), or fails naming `what`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** The directories this test file made, removed after its last test (tests/setup/remove-temp-dirs.ts). */
const madeDirs = new Set<string>();

export function makeTempDir(prefix = 'feedkurator-test-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  madeDirs.add(dir);
  return dir;
}

/**
 * Removes what makeTempDir made (stores, configs, logs: ~70 MB a full run), unless
 * FEEDKURATOR_KEEP_TEST_DIRS is set, to look at them after a failure.
 */
export function removeTempDirs(): void {
  if (process.env.FEEDKURATOR_KEEP_TEST_DIRS) return;
  for (const dir of madeDirs) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch (err) {
      console.warn(`could not remove the test directory ${dir}: ${(err as Error).message}`);
    }
  }
  madeDirs.clear();
}

/** A config file in `dir` with the given sources and the default topics rules of the shipped config. */
export function writeTestConfig(
  dir: string,
  sources: { name: string; url: string; topics?: string[] }[],
  extra: string = '',
): string {
  const file = path.join(dir, 'feedkurator.yaml');
  writeFileSync(file, renderTestConfig(dir, sources, extra));
  return file;
}

export function renderTestConfig(dir: string, sources: { name: string; url: string; topics?: string[] }[], extra = ''): string {
  const lines = [
    `storage:\n  path: ${JSON.stringify(path.join(dir, 'store.json'))}`,
    'server:\n  host: 127.0.0.1\n  port: 0\n  baseUrl: http://feeds.example.test',
    'fetch:\n  timeoutSeconds: 5',
    extra,
    sources.length === 0 ? 'sources: []' : 'sources:',
    ...sources.map(
      (s) => `  - name: ${JSON.stringify(s.name)}\n    url: ${JSON.stringify(s.url)}${s.topics ? `\n    topics: [${s.topics.join(', ')}]` : ''}`,
    ),
  ];
  return `${defaultTopicsYaml()}\n${lines.join('\n')}\n`;
}

/** The `topics:` block of the shipped config, so tests run the real default rules. */
export function defaultTopicsYaml(): string {
  const text = readShippedConfig();
  const start = text.search(/^topics:/m);
  const rest = text.slice(start);
  const end = rest.slice('topics:'.length).search(/^\S/m);
  return end === -1 ? rest : rest.slice(0, end + 'topics:'.length);
}

function readShippedConfig(): string {
  return readFileSync(path.join(ROOT, 'config', 'feedkurator.yaml'), 'utf8');
}

/** A port on 127.0.0.1 that nothing listens on right now (a child process is to take it). */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

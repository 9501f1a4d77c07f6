/**
 * A real, throwaway PostgreSQL cluster for tests and benchmarks: Debian's
 * `postgresql` package (binaries under /usr/lib/postgresql/<version>/bin),
 * initdb into a temp dir, one `postgres` process on 127.0.0.1 and a free
 * port, with durability switched off because nothing here must survive.
 *
 * PostgreSQL refuses to run as root, and the tests do run as root in CI:
 * the server then runs as the `postgres` user (or `nobody`) through setpriv,
 * which execs in place so that the child we signal is the postmaster itself.
 *
 * When the binaries are missing, tests fail in CI (CI=true: .ci/run installs
 * the package, so a missing one is a broken machine) and are skipped with a
 * visible note elsewhere.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { findFreePort } from './cli.js';

export const PG_USER = 'fk';
/** Password auth on TCP, so that the wrong-credentials test is real. */
export const PG_PASSWORD = 'fk-test-secret';

export interface PgCluster {
  host: string;
  port: number;
  /** The postmaster's process id. */
  readonly pid: number;
  dir: string;
  /** The server's own log (startup problems, slow statements). */
  logFile: string;
  /** postgres://fk:…@127.0.0.1:PORT/NAME */
  urlFor(database: string, password?: string): string;
  /** A fresh empty database; returns its URL. */
  createDatabase(prefix?: string): Promise<string>;
  /** Stop the server (fast shutdown), keeping its data: the database "goes away". */
  pause(): Promise<void>;
  /** Start it again on the same port and data. */
  resume(): Promise<void>;
  /** Run SQL as the superuser on a database of this cluster. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(database: string, sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
  stop(): Promise<void>;
}

/** The bin directory of the newest installed PostgreSQL, or undefined. FK_PG_BIN overrides. */
export function findPostgresBin(): string | undefined {
  const override = process.env.FK_PG_BIN;
  if (override) return hasServerBinaries(override) ? override : undefined;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const bin = path.join(root, version, 'bin');
    if (hasServerBinaries(bin)) return bin;
  }
  return undefined;
}

function hasServerBinaries(bin: string): boolean {
  return existsSync(path.join(bin, 'initdb')) && existsSync(path.join(bin, 'postgres'));
}

export const MISSING_POSTGRES =
  'PostgreSQL server binaries not found under /usr/lib/postgresql/<version>/bin (install Debian\'s "postgresql" package: apt-get install -y postgresql; .ci/run does this, FK_PG_BIN points elsewhere)';

/** Whether PostgreSQL tests can run here; in CI a missing server is an error, not a reason to skip. */
export function postgresAvailable(): boolean {
  if (findPostgresBin()) return true;
  if (process.env.CI === 'true' || process.env.CI === '1') return true; // beforeAll then fails with MISSING_POSTGRES
  console.warn(`skipping PostgreSQL tests: ${MISSING_POSTGRES}`);
  return false;
}

/**
 * One cluster for the calling test file: started in beforeAll, stopped in
 * afterAll. Use `describe.runIf(postgresAvailable())` around the tests.
 */
export function usePostgresCluster(): { readonly cluster: PgCluster } {
  let cluster: PgCluster | undefined;
  beforeAll(async () => {
    cluster = await startPostgresCluster();
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);
  return {
    get cluster() {
      if (!cluster) throw new Error('the PostgreSQL cluster is not running (beforeAll failed?)');
      return cluster;
    },
  };
}

export async function startPostgresCluster(): Promise<PgCluster> {
  const bin = findPostgresBin();
  if (!bin) throw new Error(MISSING_POSTGRES);
  const runAs = serverUser();
  const dir = mkdtempSync(path.join(tmpdir(), 'fk-pg-'));
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'server.log');
  const pwFile = path.join(dir, 'pw');
  writeFileSync(pwFile, `${PG_PASSWORD}\n`);
  if (runAs) {
    chownSync(dir, runAs.uid, runAs.gid);
    chownSync(pwFile, runAs.uid, runAs.gid);
  }

  const init = spawnSync(
    ...asUser(runAs, path.join(bin, 'initdb'), [
      '-D', dataDir, '-U', PG_USER, `--pwfile=${pwFile}`,
      '--auth-local=trust', '--auth-host=scram-sha-256',
      '--encoding=UTF8', '--locale=C', '--no-sync',
    ]),
    { encoding: 'utf8', cwd: dir },
  );
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (exit ${init.status}): ${(init.stderr || init.stdout || String(init.error)).trim()}`);
  }

  const spawnServer = (port: number): { server: ChildProcess; readLog: () => string } => {
    const server = spawn(
      ...asUser(runAs, path.join(bin, 'postgres'), [
        '-D', dataDir,
        '-c', 'listen_addresses=127.0.0.1', '-c', `port=${port}`, '-c', `unix_socket_directories=${dir}`,
        '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
        '-c', 'max_connections=200', '-c', 'shared_buffers=64MB', '-c', 'log_min_messages=warning',
        '-c', 'logging_collector=off',
      ]),
      { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir },
    );
    let log = '';
    server.stderr!.setEncoding('utf8').on('data', (d: string) => {
      log = (log + d).slice(-20_000);
    });
    return { server, readLog: () => log };
  };

  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await findFreePort();
    const cluster = makeCluster(spawnServer, { port, dir, logFile });
    try {
      await cluster.ready();
      return cluster;
    } catch (err) {
      lastError = err;
      await cluster.stop({ keepDir: true });
    }
  }
  rmSync(dir, { recursive: true, force: true });
  throw lastError;
}

type SpawnServer = (port: number) => { server: ChildProcess; readLog: () => string };

function makeCluster(
  spawnServer: SpawnServer,
  info: { port: number; dir: string; logFile: string },
): PgCluster & { stop(options?: { keepDir?: boolean }): Promise<void>; ready(): Promise<void> } {
  const host = '127.0.0.1';
  let counter = 0;
  let stopped = false;
  let running = spawnServer(info.port);
  let logs = '';
  const killOnExit = (): void => {
    if (running.server.exitCode === null && running.server.signalCode === null) running.server.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const urlFor = (database: string, password = PG_PASSWORD): string =>
    `postgres://${PG_USER}:${encodeURIComponent(password)}@${host}:${info.port}/${database}`;
  const query = async <R extends pg.QueryResultRow>(database: string, sql: string, params?: unknown[]): Promise<pg.QueryResult<R>> => {
    const client = new pg.Client({ connectionString: urlFor(database) });
    await client.connect();
    try {
      return await client.query<R>(sql, params);
    } finally {
      await client.end();
    }
  };
  const shutDown = async (): Promise<void> => {
    const { server, readLog } = running;
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
      server.kill('SIGINT'); // fast shutdown: clients are disconnected at once
      const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    logs += readLog();
  };
  const cluster = {
    host,
    port: info.port,
    get pid() {
      return running.server.pid!;
    },
    dir: info.dir,
    logFile: info.logFile,
    urlFor,
    query,
    async ready() {
      try {
        await waitReady(cluster, running.server);
      } catch (err) {
        throw new Error(`${(err as Error).message}; server log: ${running.readLog().trim().split('\n').slice(-5).join(' | ')}`);
      }
    },
    async createDatabase(prefix = 'fk') {
      const name = `${prefix}_${process.pid}_${++counter}`;
      await query('postgres', `CREATE DATABASE ${name}`);
      return urlFor(name);
    },
    async pause() {
      await shutDown();
    },
    async resume() {
      running = spawnServer(info.port);
      await cluster.ready();
    },
    async stop(options: { keepDir?: boolean } = {}) {
      if (stopped) return;
      stopped = true;
      process.off('exit', killOnExit);
      await shutDown();
      if (logs.includes('PANIC')) console.warn(`PostgreSQL test cluster log:\n${logs}`);
      if (!options.keepDir) rmSync(info.dir, { recursive: true, force: true });
      else writeFileSync(info.logFile, logs);
    },
  };
  return cluster;
}

async function waitReady(cluster: PgCluster, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  let exited = false;
  server.once('exit', () => (exited = true));
  for (;;) {
    if (exited) throw new Error(`postgres exited during start (port ${cluster.port})`);
    try {
      await cluster.query('postgres', 'SELECT 1');
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections within 30 s: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

interface RunAs {
  uid: number;
  gid: number;
}

/** Root must hand the server to an unprivileged user; anyone else runs it as themselves. */
function serverUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    const id = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
    if (id.status === 0 && gid.status === 0) return { uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
  }
  throw new Error(`running as ${userInfo().username}, and neither a "postgres" nor a "nobody" user exists to run the test server`);
}

function asUser(runAs: RunAs | undefined, command: string, args: string[]): [string, string[]] {
  if (!runAs) return [command, args];
  // setpriv execs in place (no forking wrapper), so signals reach the server itself.
  return ['setpriv', [`--reuid=${runAs.uid}`, `--regid=${runAs.gid}`, '--clear-groups', '--', command, ...args]];
}


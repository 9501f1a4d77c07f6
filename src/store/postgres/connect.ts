/**
 * Connections: one pg.Pool per store, and the one place that turns driver
 * errors into StoreErrors. Messages name host and database only; the
 * password never leaves this module (describe-location.ts redacts it).
 */
import pg from 'pg';
import { StoreError } from '../../errors.js';
import { describeLocation } from './describe-location.js';

export { describeLocation };

export interface PoolOptions {
  /** Connections in the pool (default 10). */
  max?: number;
  /** Called after every store operation (query or transaction) with its duration, for the metrics. */
  onQuery?: (ms: number, failed: boolean) => void;
  /** Give up connecting after this long (default 10 s). */
  connectTimeoutMs?: number;
}

export interface Database {
  pool: pg.Pool;
  /** postgres://user:***@host:port/db, for messages and /healthz. */
  location: string;
  /** "database D on host H:P", the short form for one-line messages. */
  target: string;
  url: string;
  fail(what: string, err: unknown): StoreError;
  /** Duration of one store operation (a query or a whole transaction), for the metrics. */
  observe(ms: number, failed: boolean): void;
  /** Wait for one of the pool's `max` slots; call the returned function to give it back. */
  acquire(): Promise<() => void>;
  /** Operations waiting for a slot (the pool's own queue stays empty). */
  waiting(): number;
}

/**
 * pg's connectionTimeoutMillis bounds both connecting and waiting for a
 * pooled client, so 1,000 sources merging at once on a busy machine failed
 * with "timeout exceeded when trying to connect" although the database was
 * fine. Operations therefore queue here first, in order and without a time
 * limit (they wait for our own work, not for the database), and only then
 * ask the pool: the connect timeout then measures the database alone.
 */
export function createGate(slots: number): { acquire(): Promise<() => void>; waiting(): number } {
  let free = slots;
  const queue: (() => void)[] = [];
  const release = (): void => {
    const next = queue.shift();
    if (next) next();
    else free++;
  };
  return {
    acquire() {
      let released = false;
      const once = (): void => {
        if (released) return;
        released = true;
        release();
      };
      if (free > 0) {
        free--;
        return Promise.resolve(once);
      }
      return new Promise((resolve) => queue.push(() => resolve(once)));
    },
    waiting: () => queue.length,
  };
}

/** Parse the URL and create the pool; connects lazily (see checkConnection). */
export function createDatabase(url: string, options: PoolOptions = {}): Database {
  const location = describeLocation(url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (err) {
    throw new StoreError(location, 'is not a valid postgres:// URL', { cause: err });
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new StoreError(location, `is not a postgres:// URL (scheme ${parsed.protocol})`);
  }
  const host = parsed.hostname || 'localhost';
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || decodeURIComponent(parsed.username) || 'postgres';
  const target = `database "${database}" on ${host}:${parsed.port || '5432'}`;
  const max = options.max ?? 10;
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    idleTimeoutMillis: 30_000,
    application_name: 'feedkurator',
  });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on('error', () => {});
  const fail = (what: string, err: unknown): StoreError =>
    err instanceof StoreError ? err : new StoreError(location, `${what} failed on ${target}: ${describePgError(err, url)}`, { cause: err });
  const gate = createGate(max);
  return { pool, location, target, url, fail, observe: options.onQuery ?? (() => {}), acquire: gate.acquire, waiting: gate.waiting };
}

/** One line, no password, the reason a user can act on. */
export function describePgError(err: unknown, url: string): string {
  const e = err as { code?: string; message?: string; errors?: unknown[] };
  let message: string;
  switch (e.code) {
    case 'ECONNREFUSED':
      message = 'connection refused (is PostgreSQL running and listening there?)';
      break;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      message = 'host not found';
      break;
    case 'ETIMEDOUT':
      message = 'connection timed out';
      break;
    case '28P01':
      message = 'password authentication failed (wrong user or password)';
      break;
    case '28000':
      message = `not allowed to connect: ${e.message ?? ''}`;
      break;
    case '3D000':
      message = 'the database does not exist';
      break;
    default:
      // AggregateError (several addresses tried) carries the reasons inside.
      if (Array.isArray(e.errors) && e.errors.length > 0) return describePgError(e.errors[0], url);
      message = e.message || String(err);
  }
  return scrubPassword(message.replace(/\s*\n\s*/g, ' '), url);
}

function scrubPassword(text: string, url: string): string {
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password ? text.split(password).join('***') : text;
  } catch {
    return text;
  }
}

/** Errors that are not the database's (a merge plan's bug): rethrown as they are, after the rollback. */
const foreign = new WeakSet<object>();
export function passThrough(err: unknown): unknown {
  if (err && typeof err === 'object') foreign.add(err);
  return err;
}

/** Run fn with one client inside BEGIN … COMMIT; a deadlock or serialization failure is retried. */
export async function inTransaction<T>(
  db: Database,
  what: string,
  fn: (client: pg.PoolClient) => Promise<T>,
  /** Parameterless SQL sent with BEGIN in the same round trip (the merge's lock statement). */
  preamble = '',
): Promise<T> {
  const started = performance.now();
  const release = await db.acquire();
  try {
    return await runTransaction(db, what, fn, preamble, started);
  } finally {
    release();
  }
}

async function runTransaction<T>(db: Database, what: string, fn: (client: pg.PoolClient) => Promise<T>, preamble: string, started: number): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let client: pg.PoolClient;
    try {
      client = await db.pool.connect();
    } catch (err) {
      db.observe(performance.now() - started, true);
      throw db.fail(what, err);
    }
    try {
      await client.query(preamble ? `BEGIN; ${preamble}` : 'BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      client.release();
      db.observe(performance.now() - started, false);
      return result;
    } catch (err) {
      const rolledBack = await client.query('ROLLBACK').then(() => true, () => false);
      if (err && typeof err === 'object' && foreign.has(err)) {
        client.release(!rolledBack);
        db.observe(performance.now() - started, true);
        throw err;
      }
      // A client in an unknown state is not handed out again.
      client.release(err instanceof Error ? err : true);
      const code = (err as { code?: string }).code;
      if ((code === '40P01' || code === '40001') && attempt < 5) continue;
      db.observe(performance.now() - started, true);
      throw db.fail(what, err);
    }
  }
}

export async function query<R extends pg.QueryResultRow>(db: Database, what: string, text: string, params?: unknown[]): Promise<R[]> {
  const started = performance.now();
  const release = await db.acquire();
  try {
    const rows = (await db.pool.query<R>(text, params)).rows;
    db.observe(performance.now() - started, false);
    return rows;
  } catch (err) {
    db.observe(performance.now() - started, true);
    throw db.fail(what, err);
  } finally {
    release();
  }
}

/**
 * One writer per store: a lock file `<store>.lock` created exclusively (O_EXCL)
 * holding the owner's pid, host and a random token.
 *
 * A lock is stale, and taken over, when its process is dead on this host, when
 * it names our own pid but not a lock we hold (a container restarted: the
 * daemon is PID 1 again), or when it comes from another host (a shared volume)
 * and its heartbeat — the holder touches the file every HEARTBEAT_MS — is
 * older than FOREIGN_STALE_MS. Taking over goes through a second exclusive
 * file, so two processes starting at once cannot both win.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { readFile, stat, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { StoreError, StoreLockedError } from '../errors.js';

export const HEARTBEAT_MS = 20_000;
export const FOREIGN_STALE_MS = 90_000;

interface LockOwner {
  pid: number;
  host: string;
  token: string;
  since: string;
}

export interface StoreLock {
  readonly path: string;
  release(): Promise<void>;
}

/** Lock files this process holds, so that a second openStore in the same process is refused too. */
const heldHere = new Set<string>();

export async function acquireStoreLock(storePath: string, onWarning: (message: string, err?: unknown) => void = () => {}): Promise<StoreLock> {
  const lockPath = `${storePath}.lock`;
  if (heldHere.has(lockPath)) {
    throw new StoreLockedError(storePath, `is already open in this process (pid ${process.pid}, lock file ${lockPath})`);
  }
  const owner: LockOwner = { pid: process.pid, host: hostname(), token: randomUUID(), since: new Date().toISOString() };

  for (let attempt = 0; attempt < 3; attempt++) {
    if (createExclusive(storePath, lockPath, owner)) return holdLock(storePath, lockPath, owner, onWarning);
    const current = await readOwner(lockPath);
    if (current === 'gone') continue;
    if (!(await isStale(lockPath, current))) throw lockedError(storePath, lockPath, current);
    await takeOver(storePath, lockPath, current);
  }
  throw new StoreLockedError(storePath, `could not take the lock file ${lockPath}: another process keeps racing for it`);
}

function createExclusive(storePath: string, lockPath: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new StoreError(storePath, `cannot create the lock file ${lockPath}: ${(err as Error).message}`, { cause: err });
  }
  try {
    writeSync(fd, `${JSON.stringify(owner)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The lock's owner, 'gone' if it vanished meanwhile, or null if unreadable (a holder crashed mid-write). */
async function readOwner(lockPath: string): Promise<LockOwner | null | 'gone'> {
  let text: string;
  try {
    text = await readFile(lockPath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockOwner>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string' && typeof parsed.token === 'string') {
      return parsed as LockOwner;
    }
  } catch {
    // fall through: unreadable content
  }
  return null;
}

async function isStale(lockPath: string, owner: LockOwner | null): Promise<boolean> {
  if (owner && owner.host === hostname()) {
    if (owner.pid === process.pid) return true; // we hold no such lock (checked above): a previous life of this pid
    return !isProcessAlive(owner.pid);
  }
  // Foreign host or unreadable content: trust only the heartbeat.
  try {
    const { mtimeMs } = await stat(lockPath);
    return Date.now() - mtimeMs > FOREIGN_STALE_MS;
  } catch {
    return true;
  }
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function takeOver(storePath: string, lockPath: string, stale: LockOwner | null): Promise<void> {
  const guard = `${lockPath}.takeover`;
  const guardOwner: LockOwner = { pid: process.pid, host: hostname(), token: randomUUID(), since: new Date().toISOString() };
  if (!createExclusive(storePath, guard, guardOwner)) {
    // Someone else is taking over right now, or crashed doing so.
    const other = await readOwner(guard);
    if (other !== 'gone' && (await isStale(guard, other === null ? null : other))) await unlink(guard).catch(() => {});
    return;
  }
  try {
    const again = await readOwner(lockPath);
    const same = again === null ? stale === null : again !== 'gone' && stale !== null && again.token === stale.token;
    if (same) await unlink(lockPath).catch(() => {});
  } finally {
    await unlink(guard).catch(() => {});
  }
}

function lockedError(storePath: string, lockPath: string, owner: LockOwner | null): StoreLockedError {
  if (!owner) return new StoreLockedError(storePath, `is in use (lock file ${lockPath} is held; remove it if no feedkurator runs)`);
  const where = owner.host === hostname() ? '' : ` on host ${owner.host}`;
  return new StoreLockedError(storePath, `is in use by process ${owner.pid}${where} since ${owner.since} (lock file ${lockPath})`);
}

function holdLock(storePath: string, lockPath: string, owner: LockOwner, onWarning: (message: string, err?: unknown) => void): StoreLock {
  heldHere.add(lockPath);
  const heartbeat = setInterval(() => {
    const t = new Date();
    // A missed heartbeat matters only on a shared volume, where another host may then take the lock over: say so.
    utimes(lockPath, t, t).catch((err: unknown) =>
      onWarning(`cannot refresh the lock file ${lockPath} (another host may take the store over after ${FOREIGN_STALE_MS / 1000} s)`, err),
    );
  }, HEARTBEAT_MS);
  heartbeat.unref();
  // A process that exits without close() (an uncaught error) still frees the store.
  const onExit = (): void => {
    try {
      unlinkSync(lockPath);
    } catch {
      // already gone
    }
  };
  process.once('exit', onExit);
  let released = false;
  return {
    path: lockPath,
    async release() {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      process.removeListener('exit', onExit);
      heldHere.delete(lockPath);
      const current = await readOwner(lockPath).catch(() => null);
      // Never delete a lock that someone else took over meanwhile.
      if (current && current !== 'gone' && current.token === owner.token) {
        await unlink(lockPath).catch((err: unknown) => {
          throw new StoreError(storePath, `cannot remove the lock file ${lockPath}: ${(err as Error).message}`, { cause: err });
        });
      }
    },
  };
}

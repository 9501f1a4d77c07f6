/**
 * The Node flags a read worker starts with. Workers inherit the process's
 * flags (--import hooks, --cpu-prof, source maps), but node:worker_threads
 * refuses V8's own options (--max-old-space-size, --expose-gc, --trace-gc):
 * they belong to the whole process and already apply to the worker. An
 * operator who caps the heap with `node --max-old-space-size=256 dist/cli.js
 * serve` must not lose the read pool for it.
 */
import { Worker } from 'node:worker_threads';

/** Node options a worker accepts, with the ones that take their value as the next argument. */
const ACCEPTED = /^(--import|--require|-r|--loader|--experimental-loader|--conditions|-C|--enable-source-maps|--no-warnings|--no-deprecation|--disable-warning|--cpu-prof[a-z-]*|--heap-prof[a-z-]*|--heapsnapshot-signal|--experimental-[a-z-]+|--no-experimental-[a-z-]+|--env-file)(=|$)/;
const TAKES_VALUE = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader', '--conditions', '-C', '--disable-warning', '--cpu-prof-dir', '--cpu-prof-name', '--cpu-prof-interval', '--heap-prof-dir', '--heap-prof-name', '--heap-prof-interval', '--env-file']);
/** Node names the refused flags in its message: "Initiated Worker with invalid execArgv flags: --expose-gc, --max-old-space-size=300". */
const REFUSED = /invalid execArgv flags: (.+)$/;

export function workerExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  // --input-type applies to -e/stdin code only; a worker refuses to start with it.
  const flags = execArgv.filter((flag) => !flag.startsWith('--input-type'));
  if (allAccepted(flags)) return flags;
  const refused = refusedFlags(flags);
  return flags.filter((flag) => !refused.has(flag));
}

function allAccepted(flags: readonly string[]): boolean {
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i]!;
    if (!ACCEPTED.test(flag)) return false;
    if (TAKES_VALUE.has(flag)) i++; // its value, as the next argument
  }
  return true;
}

/** Ask Node which flags a worker refuses: it checks them before a thread starts, and names them. */
function refusedFlags(flags: string[]): Set<string> {
  try {
    // Accepted after all: this starts a thread that has nothing to run and ends at once.
    new Worker('', { eval: true, execArgv: flags }).unref();
    return new Set();
  } catch (err) {
    const listed = REFUSED.exec((err as Error).message)?.[1];
    if ((err as NodeJS.ErrnoException).code !== 'ERR_WORKER_INVALID_EXEC_ARGV' || !listed) return new Set(flags);
    return new Set(listed.split(', '));
  }
}

/**
 * Crash-safety rounds for a file writer: run a writer script (TypeScript,
 * through tsx) that writes the same file again and again and prints "wrote"
 * after each whole write, let at least one write land, then kill -9 it at a
 * random moment of a later one. The caller reads the file afterwards: it
 * must hold one whole write, old or new.
 */
import { spawn } from 'node:child_process';

export async function killWriterMidWrite(script: string, args: string[]): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  while (!/wrote/.test(out)) {
    if (child.exitCode !== null) throw new Error(`writer exited: ${err}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await new Promise((resolve) => setTimeout(resolve, Math.random() * 150));
  child.kill('SIGKILL');
  await exited;
}

/**
 * How many of the newest segments the last first publication from the
 * window needed (window-start.ts), kept beside the store: a restart reads
 * that many before its first try instead of trying at 1, 3, 5, 8, … segments
 * (each try curates and selects again: ~50–70 ms of CPU at 20,000 articles,
 * BENCHMARKS.md session 11). A hint only saves tries: too few segments and
 * the tries go on from there; so it counts only for the same rules and the
 * UTC day it was measured on (a hint too large would read segments the
 * window no longer needs, and a later start could not tell). Derived data:
 * anything else in the file, or no file, and the start tries as before.
 */
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { besideStore } from '../store/beside-store.js';

const VERSION = 1;

export interface WindowHint {
  segments: number;
  /** The UTC day (YYYY-MM-DD) the count was measured on. */
  day: string;
}

export function windowHintPath(storePath: string): string {
  return besideStore(storePath, '.first-window.json');
}

/** The hint for these rules on this UTC day, or undefined (no file, unreadable, other rules or day, not a count). Never rejects. */
export async function readWindowHint(path: string, rules: string, day: string): Promise<WindowHint | undefined> {
  try {
    const doc = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    if (doc === null || typeof doc !== 'object' || doc.version !== VERSION || doc.rules !== rules || doc.day !== day) return undefined;
    const segments = doc.segments;
    return typeof segments === 'number' && Number.isInteger(segments) && segments >= 1 && segments <= 100_000 ? { segments, day } : undefined;
  } catch {
    return undefined;
  }
}

export async function writeWindowHint(path: string, rules: string, hint: WindowHint): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, JSON.stringify({ version: VERSION, rules, day: hint.day, segments: hint.segments }));
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
}

import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The package version, read from package.json beside dist/ (or src/ under tsx). */
export function readVersion(): string {
  cached ??= (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return cached;
}

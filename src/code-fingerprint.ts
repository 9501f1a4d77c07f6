/**
 * Which code wrote a derived file: a SHA-256 over the source files that
 * decide its content (the story reading, the clustering, the config
 * validator). A file written by other code is not used, even when a rebuild
 * changed that code without a new version number. A bundle does not sit
 * beside those files; it carries the fingerprints of the module build it was
 * made from (src/bundle-info.ts), and the callers use those first.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The extension of the modules beside `moduleUrl` as they run: .ts from the sources (tests), .js when built. */
export function moduleExtension(moduleUrl: string): '.ts' | '.js' {
  return moduleUrl.endsWith('.ts') ? '.ts' : '.js';
}

/** Paths of `names` (relative, e.g. `./schema.js` or `../text/fold.js`) resolved against `moduleUrl`. */
export function filesBeside(moduleUrl: string, names: readonly string[]): string[] {
  return names.map((name) => fileURLToPath(new URL(name, moduleUrl)));
}

/**
 * `label`, then each file's name and bytes, in the order given ("missing" for
 * one that cannot be read: a different set of files is different code).
 * 32 hex characters.
 */
export function fingerprintFiles(label: string, files: readonly string[]): string {
  const hash = createHash('sha256').update(`${label}\n`);
  for (const file of files) {
    hash.update(`${basename(file)}\n`);
    let bytes: Buffer | string;
    try {
      bytes = readFileSync(file);
    } catch {
      bytes = 'missing';
    }
    hash.update(bytes);
  }
  return hash.digest('hex').slice(0, 32);
}

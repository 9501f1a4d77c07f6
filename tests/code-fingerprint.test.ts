import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { filesBeside, fingerprintFiles, moduleExtension } from '../src/code-fingerprint.js';

describe('fingerprintFiles: which code wrote a derived file', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function files(contents: Record<string, string>): string[] {
    dir = mkdtempSync(join(tmpdir(), 'fk-fingerprint-'));
    return Object.entries(contents).map(([name, text]) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    });
  }

  it('is 32 hex characters and the same for the same files', () => {
    const paths = files({ 'a.js': 'export const a = 1;\n', 'b.json': '{}' });
    const first = fingerprintFiles('reading v1', paths);
    expect(first).toMatch(/^[0-9a-f]{32}$/);
    expect(fingerprintFiles('reading v1', paths)).toBe(first);
  });

  it('changes with a byte of a file, the label, the order, and a file gone or empty', () => {
    const paths = files({ 'a.js': 'export const a = 1;\n', 'b.json': '{}' });
    const base = fingerprintFiles('reading v1', paths);
    writeFileSync(paths[0]!, 'export const a = 2;\n');
    const edited = fingerprintFiles('reading v1', paths);
    expect(edited).not.toBe(base);
    expect(fingerprintFiles('reading v2', paths)).not.toBe(edited);
    expect(fingerprintFiles('reading v1', [...paths].reverse())).not.toBe(edited);
    const gone = fingerprintFiles('reading v1', [...paths, join(dir, 'c.js')]);
    writeFileSync(join(dir, 'c.js'), '');
    const empty = fingerprintFiles('reading v1', [...paths, join(dir, 'c.js')]);
    expect(new Set([edited, gone, empty]).size).toBe(3);
  });

  it('resolves names beside a module, with the extension it runs with', () => {
    const url = pathToFileURL('/srv/app/dist/curate/kept-clusters.js').href;
    expect(moduleExtension(url)).toBe('.js');
    expect(moduleExtension(url.replace(/\.js$/, '.ts'))).toBe('.ts');
    expect(filesBeside(url, ['./story-clusterer.js', '../text/fold.js'])).toEqual(['/srv/app/dist/curate/story-clusterer.js', '/srv/app/dist/text/fold.js']);
  });
});

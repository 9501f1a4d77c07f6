import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { watchConfig, type ConfigWatcher } from '../../src/config/watch.js';
import { makeTempDir } from '../helpers/cli.js';

const config = (term: string): string => `topics:\n  kernel:\n    include: [${term}]\n`;

function nextEvent(): { changes: Config[]; errors: unknown[]; wait: (n: number, kind: 'change' | 'error') => Promise<void> } {
  const changes: Config[] = [];
  const errors: unknown[] = [];
  return {
    changes,
    errors,
    wait: async (n, kind) => {
      const deadline = Date.now() + 10_000;
      while ((kind === 'change' ? changes : errors).length < n) {
        if (Date.now() > deadline) throw new Error(`no config ${kind} event within 10 s`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

describe('config watch', () => {
  let watcher: ConfigWatcher | undefined;
  afterEach(() => watcher?.close());

  it('reports a valid edit, rejects a broken one, and recovers on the next valid one', async () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'feedkurator.yaml');
    writeFileSync(file, config('kernel'));
    const events = nextEvent();
    watcher = watchConfig(file, { debounceMs: 50, env: {}, onChange: (c) => events.changes.push(c), onError: (e) => events.errors.push(e) });

    writeFileSync(file, config('kernel, torvalds'));
    await events.wait(1, 'change');
    expect(events.changes[0]!.topics.kernel!.include).toEqual(['kernel', 'torvalds']);

    writeFileSync(file, 'topics:\n  kernel:\n    include: []\n    oops: 1\n');
    await events.wait(1, 'error');
    expect(String(events.errors[0])).toContain('topics.kernel.oops');
    expect(events.changes).toHaveLength(1);

    // Editors and ConfigMaps replace the file by rename: the watch must survive that.
    const tmp = path.join(dir, '.feedkurator.yaml.swp');
    writeFileSync(tmp, config('ebpf'));
    renameSync(tmp, file);
    await events.wait(2, 'change');
    expect(events.changes[1]!.topics.kernel!.include).toEqual(['ebpf']);
  });

  it('ignores a write that leaves the text unchanged', async () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'feedkurator.yaml');
    writeFileSync(file, config('kernel'));
    const events = nextEvent();
    watcher = watchConfig(file, { debounceMs: 50, env: {}, onChange: (c) => events.changes.push(c), onError: (e) => events.errors.push(e) });
    writeFileSync(file, config('kernel'));
    writeFileSync(file, config('lkml'));
    await events.wait(1, 'change');
    await new Promise((r) => setTimeout(r, 300));
    expect(events.changes.map((c) => c.topics.kernel!.include)).toEqual([['lkml']]);
  });
});

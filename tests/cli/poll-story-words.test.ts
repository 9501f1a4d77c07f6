/**
 * `poll` on a store a daemon served before (its story words file is there)
 * adds the story texts of the curated articles it merged and drops those of
 * articles no longer stored: the next start without a snapshot reads none
 * from the articles, and serves the bytes of a start that reads them all.
 * On a store without the file, poll writes none.
 */
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSampleServer, type SampleServer } from '../../src/demo/sample-server.js';
import { ROOT, makeTempDir, runCli, writeTestConfig } from '../helpers/cli.js';

// The built modules, as the CLI runs them: the file's fingerprint hashes the story reading's code as
// it is run (dist/*.js), so a daemon run from the sources (src/*.ts) would rightly refuse it.
const built = async <T>(module: string): Promise<T> => (await import(pathToFileURL(path.join(ROOT, 'dist', module)).href)) as T;
const { parseConfig } = await built<typeof import('../../src/config/load.js')>('config/load.js');
const { Daemon } = await built<typeof import('../../src/daemon/daemon.js')>('daemon/daemon.js');
const { readStoryWords, storyWordsPath, writeStoryWords } = await built<typeof import('../../src/dedupe/story-words-file.js')>('dedupe/story-words-file.js');
const { clearStoryTextShelf, storyTextsRead } = await built<typeof import('../../src/dedupe/story-words-storage.js')>('dedupe/story-words-storage.js');
const { readStoryText } = await built<typeof import('../../src/dedupe/story-text.js')>('dedupe/story-text.js');
const { createSilentLogger } = await built<typeof import('../../src/log/logger.js')>('log/logger.js');
const { openJsonStore } = await built<typeof import('../../src/store/json/json-store.js')>('store/json/json-store.js');

let samples: SampleServer;
beforeAll(async () => {
  samples = await startSampleServer();
});
afterAll(() => samples.close());

function setUp(): { config: string; file: string } {
  const dir = makeTempDir();
  const config = writeTestConfig(dir, samples.feeds.map((f) => ({ name: f.name, url: samples.feedUrl(f.file) })));
  return { config, file: storyWordsPath(path.join(dir, 'store.json')) };
}

async function startFresh(config: string): Promise<{ feed: string; read: number }> {
  clearStoryTextShelf();
  const before = storyTextsRead();
  const parsed = parseConfig(readFileSync(config, 'utf8'), config, { env: {} });
  const daemon = new Daemon({ config: parsed, store: await openJsonStore(parsed.storePath), logger: createSilentLogger() });
  try {
    await daemon.start();
    // Counted once the story index is built too (after a first build from kept clusters, it reads the texts).
    await daemon.settled();
    return { feed: daemon.publication!.resources.get('/feed.xml')!.bodies.identity.toString('utf8'), read: storyTextsRead() - before };
  } finally {
    await daemon.close();
    await daemon.store.close();
    clearStoryTextShelf();
  }
}

describe('poll and the story words file', () => {
  it('writes none for a store no daemon served', { timeout: 60_000 }, async () => {
    const { config, file } = setUp();
    const result = await runCli(['poll', '--json', '--config', config]);
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(file)).toBe(false);
  });

  it('adds the curated articles it merged, drops what is not stored, and the next start reads no text', { timeout: 120_000 }, async () => {
    const { config, file } = setUp();
    // What a daemon left: the text of an article the store no longer holds.
    await writeStoryWords(file, new Map([['gone', { key: '0'.repeat(16), text: readStoryText('Alt', 'Längst entfernt') }]]));
    const result = await runCli(['poll', '--json', '--config', config]);
    expect(result.code, result.stderr).toBe(0);
    const curated = (JSON.parse(result.stdout) as { curated: number }).curated;
    expect(curated).toBeGreaterThan(0);
    const loaded = await readStoryWords(file);
    if (!loaded || 'problem' in loaded) throw new Error(`story words after poll: ${loaded ? loaded.problem : 'missing'}`);
    expect(loaded.texts.has('gone')).toBe(false);
    expect(loaded.texts.size).toBeGreaterThanOrEqual(curated);

    const kept = await startFresh(config);
    expect(kept.read).toBe(0);
    await rm(file);
    const rebuilt = await startFresh(config);
    expect(rebuilt.read).toBeGreaterThan(0);
    expect(kept.feed).toBe(rebuilt.feed);
  });
});

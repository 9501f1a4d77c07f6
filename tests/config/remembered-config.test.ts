import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { forgetConfig, recallConfig, rememberConfig, rememberedPath } from '../../src/config/remembered-config.js';
import { makeTempDir, renderTestConfig } from '../helpers/cli.js';

function setUp() {
  const dir = makeTempDir();
  const file = path.join(dir, 'feedkurator.yaml');
  const text = renderTestConfig(dir, [{ name: 'A', url: 'http://127.0.0.1:9/a.xml' }]);
  writeFileSync(file, text);
  const env = {};
  const config = parseConfig(text, file, { env, cwd: dir });
  return { dir, file, text, env, config };
}

describe('remembered config (serve start-up)', () => {
  it('recalls exactly the validated config for the same file, text and environment', async () => {
    const { dir, file, text, env, config } = setUp();
    expect(recallConfig({ file, text }, { env, cwd: dir })).toBeUndefined();
    await rememberConfig({ file, text }, config, 300, { env, cwd: dir });
    expect(rememberedPath(config.storePath)).toBe(path.join(dir, 'store.config-checked.json'));

    const recalled = recallConfig({ file, text }, { env, cwd: dir });
    expect(recalled?.config).toEqual(config);
    expect(recalled?.cacheMaxAgeSeconds).toBe(300);
    expect(Object.isFrozen(recalled!.config.server)).toBe(true);
  });

  it('recalls nothing when the text, an environment override or the working directory differ', async () => {
    const { dir, file, text, env, config } = setUp();
    await rememberConfig({ file, text }, config, 300, { env, cwd: dir });
    expect(recallConfig({ file, text: `${text}\n# edited\n` }, { env, cwd: dir })).toBeUndefined();
    expect(recallConfig({ file, text }, { env: { PORT: '8081' }, cwd: dir })).toBeUndefined();
    expect(recallConfig({ file, text }, { env: { LOG_LEVEL: 'debug' }, cwd: dir })).toBeUndefined();
    expect(recallConfig({ file, text }, { env, cwd: path.join(dir, 'sub') })).toBeUndefined();
  });

  it('recalls nothing from a damaged record, and nothing once forgotten', async () => {
    const { dir, file, text, env, config } = setUp();
    await rememberConfig({ file, text }, config, 300, { env, cwd: dir });
    const record = rememberedPath(config.storePath);
    const saved = readFileSync(record, 'utf8');
    writeFileSync(record, saved.slice(0, saved.length / 2));
    expect(recallConfig({ file, text }, { env, cwd: dir })).toBeUndefined();
    writeFileSync(record, saved);
    expect(recallConfig({ file, text }, { env, cwd: dir })).toBeDefined();
    await forgetConfig(config.storePath);
    expect(recallConfig({ file, text }, { env, cwd: dir })).toBeUndefined();
  });

  it('finds the record under DATA_DIR as parseConfig places the store', async () => {
    const { dir, file, text } = setUp();
    const env = { DATA_DIR: path.join(dir, 'volume') };
    const config = parseConfig(text, file, { env, cwd: dir });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(env.DATA_DIR);
    await rememberConfig({ file, text }, config, 60, { env, cwd: dir });
    expect(recallConfig({ file, text }, { env, cwd: dir })?.config.storePath).toBe(path.join(dir, 'volume', 'store.json'));
  });
});

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { forgetConfig, recallConfig, rememberConfig, rememberedPath, rememberValidated } from '../../src/config/remembered-config.js';
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
    expect(await recallConfig({ file, text }, { env, cwd: dir })).toBeUndefined();
    await rememberConfig({ file, text }, config, 300, { env, cwd: dir });
    expect(rememberedPath(config.storePath)).toBe(path.join(dir, 'store.config-checked.json'));

    const recalled = await recallConfig({ file, text }, { env, cwd: dir });
    expect(recalled?.config).toEqual(config);
    expect(recalled?.cacheMaxAgeSeconds).toBe(300);
    expect(Object.isFrozen(recalled!.config.server)).toBe(true);
  });

  it("keeps poll's validated config without a max-age, and leaves a record for the same input as it is", async () => {
    const { dir, file, text, env, config } = setUp();
    expect(await rememberValidated({ file, text }, config, { env, cwd: dir })).toBe(true);
    const recalled = await recallConfig({ file, text }, { env, cwd: dir });
    expect(recalled?.config).toEqual(config);
    expect(recalled && 'cacheMaxAgeSeconds' in recalled).toBe(false);
    // Once there (poll's own, or serve's with the max-age), the same input writes nothing.
    expect(await rememberValidated({ file, text }, config, { env, cwd: dir })).toBe(false);
    await rememberConfig({ file, text }, config, 120, { env, cwd: dir });
    expect(await rememberValidated({ file, text }, config, { env, cwd: dir })).toBe(false);
    expect((await recallConfig({ file, text }, { env, cwd: dir }))?.cacheMaxAgeSeconds).toBe(120);
    // Another text: poll's record replaces serve's.
    const edited = `${text}\n# edited\n`;
    expect(await rememberValidated({ file, text: edited }, parseConfig(edited, file, { env, cwd: dir }), { env, cwd: dir })).toBe(true);
    expect(await recallConfig({ file, text }, { env, cwd: dir })).toBeUndefined();
    expect((await recallConfig({ file, text: edited }, { env, cwd: dir }))?.cacheMaxAgeSeconds).toBeUndefined();
  });

  it('recalls nothing when the text, an environment override or the working directory differ', async () => {
    const { dir, file, text, env, config } = setUp();
    await rememberConfig({ file, text }, config, 300, { env, cwd: dir });
    expect(await recallConfig({ file, text: `${text}\n# edited\n` }, { env, cwd: dir })).toBeUndefined();
    expect(await recallConfig({ file, text }, { env: { PORT: '8081' }, cwd: dir })).toBeUndefined();
    expect(await recallConfig({ file, text }, { env: { LOG_LEVEL: 'debug' }, cwd: dir })).toBeUndefined();
    expect(await recallConfig({ file, text }, { env, cwd: path.join(dir, 'sub') })).toBeUndefined();
  });

  it('recalls nothing from a damaged record, and nothing once forgotten', async () => {
    const { dir, file, text, env, config } = setUp();
    await rememberConfig({ file, text }, config, 300, { env, cwd: dir });
    const record = rememberedPath(config.storePath);
    const saved = readFileSync(record, 'utf8');
    writeFileSync(record, saved.slice(0, saved.length / 2));
    expect(await recallConfig({ file, text }, { env, cwd: dir })).toBeUndefined();
    writeFileSync(record, saved);
    expect(await recallConfig({ file, text }, { env, cwd: dir })).toBeDefined();
    await forgetConfig(config.storePath);
    expect(await recallConfig({ file, text }, { env, cwd: dir })).toBeUndefined();
  });

  it('finds the record under DATA_DIR as parseConfig places the store', async () => {
    const { dir, file, text } = setUp();
    const env = { DATA_DIR: path.join(dir, 'volume') };
    const config = parseConfig(text, file, { env, cwd: dir });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(env.DATA_DIR);
    await rememberConfig({ file, text }, config, 60, { env, cwd: dir });
    expect((await recallConfig({ file, text }, { env, cwd: dir }))?.config.storePath).toBe(path.join(dir, 'volume', 'store.json'));
  });

  it('finds the record when storage.path is written so that only the YAML parser reads it', async () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'feedkurator.yaml');
    const base = renderTestConfig(dir, []);
    const text = base.replace(/^storage:\n  path: .*$/m, `storage: {path: ${JSON.stringify(path.join(dir, 'flow.json'))}}`);
    expect(text).not.toBe(base);
    const config = parseConfig(text, file, { env: {}, cwd: dir });
    await rememberConfig({ file, text }, config, 120, { env: {}, cwd: dir });
    expect((await recallConfig({ file, text }, { env: {}, cwd: dir }))?.config.storePath).toBe(path.join(dir, 'flow.json'));
  });

  it('takes no record through a guessed place that another input made, and still finds its own', async () => {
    const { dir, file, text, env, config } = setUp();
    // Another config's record lies where a `path:` line of this one (not storage.path) points: it must not be taken.
    const otherText = renderTestConfig(dir, []).replace(/^  path: .*$/m, `  path: ${JSON.stringify(path.join(dir, 'other.json'))}`);
    const other = parseConfig(otherText, file, { env, cwd: dir });
    await rememberConfig({ file, text: otherText }, other, 60, { env, cwd: dir });
    const decoyFirst = `logging:\n  path: ${path.join(dir, 'other.json')}\n${text}`;
    expect(await recallConfig({ file, text: decoyFirst }, { env, cwd: dir })).toBeUndefined();
    await rememberConfig({ file, text }, config, 300, { env, cwd: dir });
    expect((await recallConfig({ file, text }, { env, cwd: dir }))?.config.storePath).toBe(config.storePath);
    expect((await recallConfig({ file, text: otherText }, { env, cwd: dir }))?.config.storePath).toBe(path.join(dir, 'other.json'));
  });
});

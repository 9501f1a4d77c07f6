import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadNewsParts } from '../../src/classify/news-set.js';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = path.join(ROOT, 'src', 'classify', 'evaluate-cli.ts');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'fk-eval-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function evalCli(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, env: { ...process.env, NODE_NO_WARNINGS: '1' } });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

describe('npm run eval (evaluate-cli)', () => {
  it('prints per-topic precision, recall, F1, micro-F1 and the baseline for the default config', async () => {
    const { stdout, code } = await evalCli([]);
    expect(code).toBe(0);
    for (const split of ['tuning', 'holdout', 'all', 'news-tuning', 'news-holdout']) expect(stdout).toContain(`== ${split}:`);
    expect(stdout).toMatch(/== news-holdout: \d+ examples[\s\S]*misses: \d+ \(held-out: not listed\)/);
    for (const topic of ['kernel', 'containers', 'hosting', 'micro']) expect(stdout).toMatch(new RegExp(`^${topic}\\s+[01]\\.\\d{3}\\s+[01]\\.\\d{3}\\s+[01]\\.\\d{3}\\s+\\| [01]\\.\\d{3}`, 'm'));
  });

  it('lists the misses of weaker rules, with the note of each hard case', async () => {
    const config = path.join(tmp, 'weak.yaml');
    writeFileSync(config, 'topics:\n  kernel:\n    include: [kernel]\n  containers:\n    include: [container]\n  hosting:\n    include: [hoster]\n');
    const { stdout, code } = await evalCli(['--config', config, '--split', 'holdout', '--misses']);
    expect(code).toBe(0);
    expect(stdout).toContain('misses (');
    expect(stdout).toMatch(/- Torvalds: „Die Rust-Debatte ist kein Drama“\n\s+expected \[kernel\], got \[\]\s+\(Torvalds only\.\)/);
    const micro = /^micro\s+\S+\s+\S+\s+(\S+)/m.exec(stdout);
    expect(Number(micro?.[1])).toBeLessThan(0.9);
  });

  it('never lists an item of the news held-out part, even with --misses and rules that miss a lot', async () => {
    const config = path.join(tmp, 'weak-news.yaml');
    writeFileSync(config, 'topics:\n  kernel:\n    include: [kernel]\n  containers:\n    include: [container]\n  hosting:\n    include: [hoster]\n');
    const { stdout, code } = await evalCli(['--config', config, '--split', 'news-holdout', '--misses']);
    expect(code).toBe(0);
    const misses = /^misses: (\d+) \(held-out: not listed\)$/m.exec(stdout);
    expect(Number(misses?.[1])).toBeGreaterThan(5);
    for (const item of loadNewsParts(path.join(ROOT, 'tests', 'fixtures', 'topics')).holdout) expect(stdout).not.toContain(item.title);
  });

  it('exits 2 with the problem path when the config is invalid', async () => {
    const config = path.join(tmp, 'broken.yaml');
    writeFileSync(config, 'topics:\n  kernel:\n    include: ["ker*nel"]\n');
    const { stderr, code } = await evalCli(['--config', config]);
    expect(code).toBe(2);
    expect(stderr).toContain('topics.kernel.include[0]');
  });
});

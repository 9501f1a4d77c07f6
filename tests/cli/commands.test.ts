import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SAMPLE_FEEDS_DIR } from '../../src/demo/sample-server.js';
import { makeTempDir, ROOT, runCli, writeTestConfig } from '../helpers/cli.js';

const SEED_AKAMAI = readFileSync('/work/shared/seeds/000_f101ac701645564f.txt', 'utf8');

describe('feedkurator CLI', () => {
  it('prints help and version with exit 0', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['serve', 'poll', 'check', 'export', 'explain', 'inspect', 'preview NEW_CONFIG', 'add URL']) expect(help.stdout).toContain(command);
    const version = await runCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
  });

  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [[], /no command given/],
    [['poll', '--format', 'rss'], /--format does not apply to "poll"/],
    [['export', '--format', 'pdf'], /--format must be one of rss, atom, json/],
    [['check', '--bogus'], /Unknown option '--bogus'/],
    [['inspect'], /inspect takes one URL or FILE/],
  ])('treats %j as a usage error: exit 2 and one line saying why', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('check: exit 0 on the shipped config', async () => {
    const result = await runCli(['check']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('OK');
  });

  it('check: exit 2 with every problem on its own line, with path and line number', async () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'broken.yaml');
    writeFileSync(file, 'topics:\n  kernel:\n    include: [kernel, ""]\n    exclud: [x]\nfetch:\n  timeoutSeconds: -1\n');
    const result = await runCli(['check', '--config', file]);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(result.stderr).toContain(`${file}:3: topics.kernel.include[1]: `);
    expect(result.stderr).toContain(`${file}:4: topics.kernel.exclud: unknown key`);
    expect(result.stderr).toContain(`${file}:6: fetch.timeoutSeconds: `);
  });

  it('check: FEEDKURATOR_CONFIG names the file when --config is absent', async () => {
    const result = await runCli(['check'], { env: { FEEDKURATOR_CONFIG: '/nonexistent/fk.yaml' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('/nonexistent/fk.yaml');
  });

  it('explain: one JSON line per input line with topics and deciding terms', async () => {
    const input = [
      JSON.stringify({ title: 'Akamai hostet kernel.org: Linux bekommt kommerzielles Rückgrat', content: SEED_AKAMAI }),
      JSON.stringify({ title: 'Data Science: Jupyter-Kernel für Julia deutlich schneller' }),
      JSON.stringify({ title: 'Smartphone-Test: Das Pixel 11 hält zwei Tage durch', summary: 'Akku hält lange.' }),
    ].join('\n');
    const result = await runCli(['explain'], { input });
    expect(result.code).toBe(0);
    const out = result.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(out).toHaveLength(3);
    expect(out[0].topics).toEqual(expect.arrayContaining(['kernel', 'hosting']));
    expect(out[0].matches.kernel.length).toBeGreaterThan(0);
    expect(out[0].matches.hosting.length).toBeGreaterThan(0);
    expect(out[1].topics).not.toContain('kernel');
    expect(out[1].excluded.kernel.length).toBeGreaterThan(0);
    expect(out[2]).toEqual({ topics: [], matches: {}, excluded: {} });
  });

  it('explain: a bad line gets an error line in its place, the others are answered, exit 2', async () => {
    const result = await runCli(['explain'], { input: '{"summary":"no title"}\nnot json\n{"title":"Podman 6.0 erschienen"}\n' });
    expect(result.code).toBe(2);
    const out = result.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(out[0].error).toContain('"title"');
    expect(out[1].error).toContain('not JSON');
    expect(out[2].topics).toEqual(['containers']);
    expect(result.stderr).toContain('stdin line 2');
  });

  it('inspect FILE --json: format, charset, and per item id, guid, link, date and topics', async () => {
    const file = path.join(SAMPLE_FEEDS_DIR, 'golem.declared-latin1-sends-cp1252.rss.xml');
    const result = await runCli(['inspect', file, '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.format).toBe('rss2.0');
    expect(report.charset).toBe('windows-1252');
    expect(report.title).toBe('Golem.de');
    expect(report.items).toHaveLength(4);
    const jupyter = report.items.find((i: { title: string }) => i.title.includes('Jupyter'));
    expect(jupyter.title).toBe('Data Science: Jupyter-Kernel für Julia deutlich schneller');
    expect(jupyter.topics).toEqual([]);
    const release = report.items.find((i: { title: string }) => i.title.startsWith('Linux 6.18'));
    expect(release.topics).toContain('kernel');
    for (const item of report.items) {
      expect(Object.keys(item)).toEqual(['id', 'guid', 'title', 'link', 'published', 'topics']);
      expect(item.id).toMatch(/\S{8,}/);
    }
  });

  it('inspect: a source that cannot be read exits 1 with the reason', async () => {
    const missing = await runCli(['inspect', '/nonexistent/feed.xml']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such file');
    const dir = makeTempDir();
    const html = path.join(dir, 'page.html');
    writeFileSync(html, '<!doctype html><html><body><p>Kein Feed</p></body></html>');
    const notFeed = await runCli(['inspect', html]);
    expect(notFeed.code).toBe(1);
    expect(notFeed.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('poll and export: an unreadable store exits 1, names the file, and leaves it byte for byte', async () => {
    const dir = makeTempDir();
    const config = writeTestConfig(dir, []);
    const store = path.join(dir, 'store.json');
    writeFileSync(store, '{"schemaVersion": 1, "articles": [ {"id": "a", ');
    const before = createHash('sha256').update(readFileSync(store)).digest('hex');
    for (const args of [['poll', '--config', config], ['export', '--config', config]]) {
      const result = await runCli(args);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(store);
    }
    expect(createHash('sha256').update(readFileSync(store)).digest('hex')).toBe(before);
  });

  it('export: an unknown topic is a usage error', async () => {
    const dir = makeTempDir();
    const result = await runCli(['export', '--topic', 'gaming', '--config', writeTestConfig(dir, [])]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown topic "gaming"');
  });
});

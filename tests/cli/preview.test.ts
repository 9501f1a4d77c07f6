/**
 * `feedkurator preview NEW_CONFIG [--json]` end to end (SPEC §2): a real
 * `poll` fills the store from a fixture feed on 127.0.0.1, then the real CLI
 * compares the active rules with an edited copy, also while `serve` holds
 * the store.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument, type YAMLSeq } from 'yaml';
import { makeTempDir, runCli, spawnCli, waitForExit, writeTestConfig } from '../helpers/cli.js';
import { rss, startSite, type FixtureItem, type FixtureSite } from './fixture-site.js';

const ITEMS: FixtureItem[] = [
  { slug: 'linux-6-18', title: 'Linux 6.18: Torvalds gibt neuen Kernel frei', text: 'Der neue Linux-Kernel bringt neue Treiber.', hoursAgo: 1 },
  { slug: 'podman-6', title: 'Podman 6.0 erschienen', text: 'Die Container-Engine startet Container schneller.', hoursAgo: 2 },
  { slug: 'libreoffice', title: 'LibreOffice bekommt neue Tabellenfunktionen', text: 'Die Office-Suite verbessert den PDF-Export.', hoursAgo: 3 },
  { slug: 'docker-desktop', title: 'Docker Desktop 5 mit neuem Dashboard', text: 'Docker vereinfacht die Verwaltung von Images.', hoursAgo: 4 },
  { slug: 'webhoster-preise', title: 'Webhoster senkt Preise für Managed-Server', text: 'Der Hosting-Anbieter halbiert die Preise.', hoursAgo: 5 },
];

let site: FixtureSite;
let dir: string;
let active: string;
let edited: string;
let ids: Record<string, string>;

/** The active rules, edited as an editor would: LibreOffice becomes a kernel term, Podman is vetoed for containers. */
function editRules(text: string): string {
  const doc = parseDocument(text);
  (doc.getIn(['topics', 'kernel', 'include']) as YAMLSeq).add('libreoffice');
  (doc.getIn(['topics', 'containers', 'exclude']) as YAMLSeq).add('!podman*');
  return doc.toString();
}

beforeAll(async () => {
  site = await startSite({ '/feed.xml': { type: 'application/rss+xml', body: rss('Fixture-News', ITEMS) } });
  dir = makeTempDir();
  active = writeTestConfig(dir, [{ name: 'Fixture-News', url: `${site.base}/feed.xml` }]);
  edited = path.join(dir, 'edited.yaml');
  writeFileSync(edited, editRules(readFileSync(active, 'utf8')));
  const poll = await runCli(['poll', '--json', '--config', active]);
  expect(poll.code).toBe(0);
  expect(JSON.parse(poll.stdout)).toMatchObject({ ok: 1, new: ITEMS.length });
  // The ids as feedkurator gives them, from `inspect` of the configured source.
  const inspect = await runCli(['inspect', `${site.base}/feed.xml`, '--json', '--config', active]);
  ids = Object.fromEntries((JSON.parse(inspect.stdout).items as { id: string; title: string }[]).map((i) => [i.title, i.id]));
}, 60_000);

afterAll(() => site?.close());

const link = (slug: string): string => `${site.base}/artikel/${slug}`;

describe('feedkurator preview', () => {
  it('--json: per topic the articles that would enter and leave, and how many curated articles stay as they are', async () => {
    const storeBefore = readFileSync(path.join(dir, 'store.json'));
    const result = await runCli(['preview', edited, '--json', '--config', active]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      topics: {
        kernel: { added: [{ id: ids['LibreOffice bekommt neue Tabellenfunktionen'], title: 'LibreOffice bekommt neue Tabellenfunktionen', link: link('libreoffice') }], removed: [] },
        containers: { added: [], removed: [{ id: ids['Podman 6.0 erschienen'], title: 'Podman 6.0 erschienen', link: link('podman-6') }] },
        hosting: { added: [], removed: [] },
      },
      unchanged: 3,
    });
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    // Read-only: not a byte of the store changed.
    expect(readFileSync(path.join(dir, 'store.json')).equals(storeBefore)).toBe(true);
  }, 60_000);

  it('prints title, source, date and the deciding terms for people', async () => {
    const result = await runCli(['preview', edited, '--config', active]);
    expect(result.code).toBe(0);
    const explain = await runCli(['explain', '--config', active], { input: `${JSON.stringify({ title: ITEMS[1]!.title, summary: ITEMS[1]!.text })}\n` });
    const podmanTerms = (JSON.parse(explain.stdout).matches.containers as string[]).join(', ');
    expect(result.stdout).toBe(
      [
        'kernel: 1 added, 0 removed',
        '  + LibreOffice bekommt neue Tabellenfunktionen',
        '      Fixture-News · 2026-11-20 10:00 · terms: libreoffice',
        'containers: 0 added, 1 removed',
        '  - Podman 6.0 erschienen',
        `      Fixture-News · 2026-11-20 11:00 · was: ${podmanTerms} · now excluded by: !podman*`,
        'hosting: no change',
        '3 curated articles unchanged (5 stored)',
        '',
      ].join('\n'),
    );
  }, 60_000);

  it('says so when nothing changes', async () => {
    const result = await runCli(['preview', active, '--json', '--config', active]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      topics: { kernel: { added: [], removed: [] }, containers: { added: [], removed: [] }, hosting: { added: [], removed: [] } },
      unchanged: 4,
    });
  }, 60_000);

  it('exits 2 with exactly the messages of `check` for an invalid NEW_CONFIG', async () => {
    const broken = path.join(dir, 'broken.yaml');
    writeFileSync(broken, readFileSync(edited, 'utf8').replace('  kernel:\n', '  kernel:\n    bogus: 1\n').replace(/^schedule:.*$/m, '') + 'schedule: "jeden Tag"\n');
    const check = await runCli(['check', '--config', broken]);
    expect(check.code).toBe(2);
    expect(check.stderr.trim().split('\n').length).toBeGreaterThanOrEqual(2);
    const result = await runCli(['preview', broken, '--config', active]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(check.stderr);
  }, 60_000);

  it('exits 2 for bad usage', async () => {
    const none = await runCli(['preview', '--config', active]);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe('feedkurator: preview takes one NEW_CONFIG file\n');
    const missing = await runCli(['preview', path.join(dir, 'missing.yaml'), '--config', active]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`feedkurator: ${path.join(dir, 'missing.yaml')}: cannot read config: file not found\n`);
  }, 60_000);

  it('works beside a running serve that holds the store', async () => {
    const child = spawnCli(['serve', '--config', active], { LOG_LEVEL: 'info' });
    try {
      const deadline = Date.now() + 60_000;
      while (!/"msg":"serving"/.test(child.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(child.output()).toContain('"msg":"serving"');
      const result = await runCli(['preview', edited, '--json', '--config', active]);
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout).unchanged).toBe(3);
      expect(JSON.parse(result.stdout).topics.containers.removed).toHaveLength(1);
    } finally {
      child.kill('SIGTERM');
      expect((await waitForExit(child)).code).toBe(0);
    }
  }, 150_000);
});

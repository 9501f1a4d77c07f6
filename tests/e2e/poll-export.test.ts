import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSampleServer, type SampleServer } from '../../src/demo/sample-server.js';
import { makeTempDir, runCli, writeTestConfig } from '../helpers/cli.js';

/** The bundled sample feeds (config/demo/feeds) and which of their articles the default rules must curate. */
const ON_TOPIC = [
  'Linuxcon und Containercon Europe 2016: Container Love', // seed: kernel + containers
  'Kubernetes 1.35: Sidecar-Container werden stabil',
  'Linux 6.18: Torvalds gibt neuen Kernel mit Bcachefs-Änderungen frei',
  'Podman 6.0 erschienen: Rootless-Container ohne Umwege',
  'Rechenzentrum in Frankfurt: Betreiber setzt auf Abwärmenutzung',
];
/** The seed story, carried by ip-insider, linuxnews (same URL, other tracking parameters) and golem (other words). */
const AKAMAI = /Akamai hostet|kernel\.org: Akamai/i;
const OFF_TOPIC = [
  'WLAN-Planung im Lager: So gelingt die Ausleuchtung großer Hallen',
  'LibreOffice 26.2 bringt überarbeitete Tabellenkalkulation',
  'Data Science: Jupyter-Kernel für Julia deutlich schneller',
  'Smartphone-Test: Das Pixel 11 hält zwei Tage durch',
  'GNOME 50 erhält neue Bildschirmtastatur',
];

interface JsonFeedItem {
  id: string;
  title: string;
  url?: string;
  tags?: string[];
  content_html?: string;
}

describe('poll → store → export, end to end through the real CLI', () => {
  let samples: SampleServer;
  let dir: string;
  let config: string;

  beforeAll(async () => {
    samples = await startSampleServer();
    dir = makeTempDir();
    config = writeTestConfig(
      dir,
      samples.feeds.map((f) => ({ name: f.name, url: samples.feedUrl(f.file) })),
    );
  });
  afterAll(() => samples.close());

  it('polls every sample source and prints exactly the summary object of SPEC §2', async () => {
    const result = await runCli(['poll', '--json', '--config', config]);
    expect(result.stderr).not.toMatch(/"level":"(error|fatal)"/);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const summary = JSON.parse(lines[0]!);
    expect(Object.keys(summary)).toEqual([
      'sources', 'ok', 'notModified', 'failed', 'skipped', 'new', 'updated', 'duplicates', 'curated', 'durationMs', 'errors',
    ]);
    expect(summary).toMatchObject({ sources: 4, ok: 4, notModified: 0, failed: 0, updated: 0, errors: [] });
    // 13 items in 4 feeds; linuxnews links the ip-insider article (other host spelling, other tracking parameters).
    expect(summary.new).toBe(12);
    expect(summary.new + summary.duplicates).toBe(13);
    expect(summary.curated).toBe(ON_TOPIC.length + 2);
    expect(JSON.parse(readFileSync(path.join(dir, 'store.json'), 'utf8'))).toBeTypeOf('object');
  });

  it('exports the curated articles once each, with clean links, and none of the off-topic ones', async () => {
    const result = await runCli(['export', '--format', 'json', '--config', config]);
    expect(result.code).toBe(0);
    const feed = JSON.parse(result.stdout) as { version: string; items: JsonFeedItem[] };
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    const titles = feed.items.map((i) => i.title);
    for (const title of ON_TOPIC) expect(titles.filter((t) => t === title)).toHaveLength(1);
    for (const title of OFF_TOPIC) expect(titles).not.toContain(title);
    // golem and ip-insider (and linuxnews, linking ip-insider's article) tell one story: one entry naming the other outlet.
    const akamai = feed.items.filter((i) => AKAMAI.test(i.title));
    expect(akamai).toHaveLength(1);
    expect(akamai[0]!.content_html).toMatch(/Auch bei: .*ip-insider/);
    expect(akamai[0]!.content_html).toContain(
      'https://www.ip-insider.de/akamai-hostet-kernelorg-linux-bekommt-kommerzielles-rueckgrat-a-50391583/"',
    );
    expect(new Set(feed.items.map((i) => i.id)).size).toBe(feed.items.length);
    const kernelRelease = feed.items.find((i) => i.title.startsWith('Linux 6.18'));
    expect(kernelRelease?.tags).toEqual(expect.arrayContaining(['kernel']));
  });

  it('exports one topic in RSS and Atom with the same ids as JSON', async () => {
    const json = JSON.parse((await runCli(['export', '--format', 'json', '--topic', 'containers', '--config', config])).stdout) as {
      items: JsonFeedItem[];
    };
    const titles = json.items.map((i) => i.title);
    expect(titles).toEqual(expect.arrayContaining(['Podman 6.0 erschienen: Rootless-Container ohne Umwege']));
    expect(titles).not.toContain('Linux 6.18: Torvalds gibt neuen Kernel mit Bcachefs-Änderungen frei');
    const rss = (await runCli(['export', '--topic', 'containers', '--config', config])).stdout;
    const atom = (await runCli(['export', '--format', 'atom', '--topic', 'containers', '--config', config])).stdout;
    expect(rss).toContain('<rss');
    expect(atom).toContain('<feed');
    for (const item of json.items) {
      expect(rss).toContain(item.id);
      expect(atom).toContain(item.id);
    }
  });

  it('asks again with validators: an unchanged source costs no parsing and adds nothing', async () => {
    const result = await runCli(['poll', '--json', '--config', config]);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ sources: 4, ok: 0, notModified: 4, failed: 0, new: 0, updated: 0 });
  });

  it('prints a readable summary without --json and logs to stderr only', async () => {
    const result = await runCli(['poll', '--config', config]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^4 sources: 0 ok, 4 not modified, 0 failed, 0 skipped\n/);
  });
});

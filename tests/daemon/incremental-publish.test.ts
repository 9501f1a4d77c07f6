/**
 * The daemon's rebuild after a poll (Daemon.publishCycle: stories clustered
 * in the worker while the main thread guards HTML ahead, fragments and
 * compressed bodies reused from the previous publication) serves the bytes a
 * daemon starting from scratch on the same store builds.
 */
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { createSilentLogger } from '../../src/log/logger.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { buildPublication, type Publication } from '../../src/publish/build-publication.js';
import { loadSnapshot, publicationConfigKey, snapshotPath } from '../../src/publish/publication-snapshot.js';
import { startServer } from '../../src/server/http-server.js';
import { openJsonStore } from '../../src/store/json/json-store.js';
import { makeTempDir, renderTestConfig } from '../helpers/cli.js';
import { mergeAndClassify } from '../helpers/merge-round.js';
import { request } from '../server/raw-http.js';

const SOURCES = ['kernelblog', 'containerwoche', 'hostingnews'];
const STORIES = [
  ['Linux 6.{n} veröffentlicht: Torvalds gibt den Kernel frei', 'Linus Torvalds hat Linux 6.{n} freigegeben; der Kernel bringt neue Treiber und eBPF-Verbesserungen.'],
  ['Podman 6.{n} erschienen: Container ohne Root-Rechte', 'Die Container-Engine Podman 6.{n} verbessert Rootless-Container und die Kubernetes-Anbindung.'],
  ['Kubernetes 1.3{n}: neue Scheduler-Funktionen für Container-Cluster', 'Kubernetes 1.3{n} bringt Änderungen am Scheduler und an der Container-Laufzeit.'],
  ['Hetzner eröffnet Rechenzentrum {n} für Cloud-Server', 'Der Hoster Hetzner nimmt ein weiteres Rechenzentrum für Cloud-Server und Webhosting in Betrieb.'],
  ['Kernel-Lücke CVE-2026-10{n}: Updates für Linux-Distributionen', 'Eine Schwachstelle im Linux-Kernel erlaubt lokale Rechteausweitung; die Distributionen liefern Kernel-Updates.'],
];

const open: { daemon: Daemon }[] = [];
afterEach(async () => {
  for (const { daemon } of open.splice(0)) {
    await daemon.close();
    await daemon.store.close();
  }
});

function rss(source: string, round: number, start: Date): string {
  // Every source reports most stories of the round in its own words: same-story clusters across sources.
  // hostingnews reports the last round's Podman release late (it skipped it then): an entry already published gains an outlet.
  const late = source === 'hostingnews' && round > 1 ? [{ k: 1, r: round - 1 }] : [];
  const items = [...STORIES.map((_, k) => ({ k, r: round })), ...late].flatMap(({ k, r }) => {
    const [title, summary] = STORIES[k]!;
    if (r === round && (k + SOURCES.indexOf(source)) % 4 === 3) return [];
    const n = String(r * 10 + k);
    const published = new Date(start.getTime() - (round - r) * 3_600_000 - (k * 7 + SOURCES.indexOf(source)) * 60_000).toUTCString();
    const t = title!.replaceAll('{n}', n) + (source === 'kernelblog' ? '' : ` (${source})`);
    const s = summary!.replaceAll('{n}', n);
    return [`<item><title>${t}</title><link>https://${source}.example.test/${r}/${k}</link><guid>${source}-${r}-${k}</guid><pubDate>${published}</pubDate><description>${s}</description><content:encoded><![CDATA[<p>${s}</p><p>Mehr zu ${t} bei ${source}.</p>]]></content:encoded></item>`];
  });
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>${source}</title><link>https://${source}.example.test/</link><description>x</description>${items.join('')}</channel></rss>`;
}

async function startDaemon(dir: string): Promise<Daemon> {
  const sources = SOURCES.map((name) => ({ name, url: `http://127.0.0.1:9/${name}.xml` }));
  const config = parseConfig(renderTestConfig(dir, sources, 'feed:\n  maxItems: 6'), path.join(dir, 'feedkurator.yaml'), { env: {} });
  const daemon = new Daemon({ config, store: await openJsonStore(config.storePath), logger: createSilentLogger() });
  open.push({ daemon });
  await daemon.start();
  return daemon;
}

/** One poll's worth: every source's items for this round merged and classified as runCycle does, then published. */
async function pollRound(daemon: Daemon, round: number, now: Date): Promise<number> {
  const curation = daemon.curation!;
  const written = await mergeAndClassify(daemon, SOURCES.map((name) => ({ name, rss: rss(name, round, now) })), now);
  await daemon.store.flush();
  await daemon.publishCycle({ written, touched: [], dropped: 0 }, curation.rules.fingerprint);
  return written.length;
}

const bodies = (p: Publication): Record<string, string> => Object.fromEntries([...p.resources].map(([route, r]) => [route, r.bodies.identity.toString('utf8')]));

describe('rebuild after a poll', () => {
  it('serves the bytes of a build from scratch, round after round', { timeout: 120_000 }, async () => {
    const dir = makeTempDir();
    const daemon = await startDaemon(dir);
    const start = Date.now();
    let rendered = 0;
    for (let round = 1; round <= 4; round++) {
      expect(await pollRound(daemon, round, new Date(start + round * 3_600_000))).toBeGreaterThan(0);
      rendered += daemon.lastRebuild!.rendered;
    }
    // Stories reported by several outlets were folded ("Auch bei"), and later rounds reused earlier entries.
    const incremental = bodies(daemon.publication!);
    expect(incremental['/feed.json']).toContain('Auch bei');
    expect(daemon.publication!.fragments!.lastBuild.reused).toBeGreaterThan(0);
    expect(rendered).toBeGreaterThan(0);
    const compressed = [...daemon.publication!.resources.values()].every((r) => r.bodies.gzip && r.bodies.br);
    expect(compressed).toBe(true);
    await daemon.close();
    await daemon.store.close();
    open.splice(0);

    const fresh = await startDaemon(dir);
    expect(bodies(fresh.publication!)).toEqual(incremental);
  });

  it('swaps the new publication in before compressing it: requests meanwhile get bytes matching their ETag, and the snapshot holds the compressed bodies', { timeout: 120_000 }, async () => {
    const dir = makeTempDir();
    const daemon = await startDaemon(dir);
    const server = await startServer(
      { getPublication: () => daemon.publication!, getHealth: () => ({ httpStatus: 200, body: { status: 'ok', lastCycle: null, sources: [] } }), metrics: createMetrics({ processMetrics: false }), logger: createSilentLogger(), cacheMaxAgeSeconds: 60 },
      { host: '127.0.0.1', port: 0 },
    );
    try {
      const start = Date.now();
      await pollRound(daemon, 1, new Date(start + 3_600_000));
      const before = daemon.publication!;
      // Clients asking for br and gzip all through the next rebuild: every answer is the body its ETag names.
      const answers: { etag: string; coding: string | undefined; body: Buffer }[] = [];
      let polling = true;
      const clients = [1, 2, 3].map(async (k) => {
        while (polling) {
          const res = await request(server.url, '/feed.xml', { headers: { 'Accept-Encoding': k === 1 ? 'br' : 'gzip' } });
          expect(res.status).toBe(200);
          answers.push({ etag: res.headers.etag as string, coding: res.headers['content-encoding'] as string | undefined, body: res.body });
        }
      });
      await pollRound(daemon, 2, new Date(start + 2 * 3_600_000));
      polling = false;
      await Promise.all(clients);
      const after = daemon.publication!;
      expect(after).not.toBe(before);
      const identities = new Map([before, after].map((p) => [p.resources.get('/feed.xml')!.etags.identity.slice(0, -1), p.resources.get('/feed.xml')!.bodies.identity]));
      expect(answers.length).toBeGreaterThan(0);
      for (const { etag, coding, body } of answers) {
        const identity = identities.get(etag.replace(/-(gz|br)"$/, '"').slice(0, -1));
        expect(identity, etag).toBeDefined();
        const suffix = coding === 'gzip' ? '-gz"' : coding === 'br' ? '-br"' : '"';
        expect(etag.endsWith(suffix) && (coding !== undefined || !/-(gz|br)"$/.test(etag))).toBe(true);
        const decoded = coding === 'gzip' ? gunzipSync(body) : coding === 'br' ? brotliDecompressSync(body) : body;
        expect(decoded.equals(identity!)).toBe(true);
      }
      // Swapped in first, compressed after: both moments are timed, and every body is compressed when publishCycle resolves.
      const timings = daemon.lastRebuild!;
      expect(timings.compressedMs).toBeGreaterThan(timings.totalMs);
      expect(timings.compressMs).toBeGreaterThan(0);
      expect([...after.resources.values()].every((r) => r.bodies.gzip && r.bodies.br)).toBe(true);
      await daemon.settled();
      const saved = await loadSnapshot(snapshotPath(daemon.config), publicationConfigKey(daemon.config));
      const feed = saved!.resources.get('/feed.xml')!;
      expect(feed.etags).toEqual(after.resources.get('/feed.xml')!.etags);
      expect(gunzipSync(feed.bodies.gzip!).equals(feed.bodies.identity)).toBe(true);
      expect(brotliDecompressSync(feed.bodies.br!).equals(feed.bodies.identity)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('lets the publication it started from (the snapshot) go once its first build is served', { timeout: 60_000 }, async () => {
    const dir = makeTempDir();
    const sources = SOURCES.map((name) => ({ name, url: `http://127.0.0.1:9/${name}.xml` }));
    const config = parseConfig(renderTestConfig(dir, sources, 'feed:\n  maxItems: 6'), path.join(dir, 'feedkurator.yaml'), { env: {} });
    // A snapshot whose bodies the first build changes (another feed title): kept alive, they would be memory for nothing.
    let snapshot: Publication | undefined = buildPublication({ entries: [], config: { ...config, feed: { ...config.feed, title: 'Alt' } }, generatedAt: new Date(0) });
    const gone = new WeakRef(snapshot);
    const daemon = new Daemon({ config, store: await openJsonStore(config.storePath), logger: createSilentLogger(), initialPublication: snapshot });
    open.push({ daemon });
    expect(daemon.publication).toBe(snapshot);
    snapshot = undefined;
    await daemon.start();
    await daemon.settled();
    expect(daemon.publication!.resources.get('/feed.xml')!.bodies.identity.toString('utf8')).not.toContain('<title>Alt</title>');
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    setFlagsFromString('--no-expose-gc');
    await new Promise((resolve) => setTimeout(resolve, 10));
    gc();
    expect(gone.deref()).toBeUndefined();
  });
});

/**
 * A start without a publication snapshot takes the publish window's story
 * texts from the file the last run wrote (story-words-file.ts) instead of
 * reading them from the articles, and serves the same bytes as a start that
 * reads every one; a damaged or stale file, or an entry of changed content,
 * is refused and read again, and the file is written anew.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import pino from 'pino';
import { parseConfig } from '../../src/config/load.js';
import { keptClustersPath } from '../../src/curate/kept-clusters.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { readStoryWords, storyReadingFingerprint, storyWordsPath } from '../../src/dedupe/story-words-file.js';
import { clearStoryTextShelf, storyTextsRead } from '../../src/dedupe/story-words-storage.js';
import { createSilentLogger, type Logger } from '../../src/log/logger.js';
import type { Publication } from '../../src/publish/build-publication.js';
import { openJsonStore } from '../../src/store/json/json-store.js';
import { makeTempDir, renderTestConfig } from '../helpers/cli.js';
import { mergeAndClassify } from '../helpers/merge-round.js';

const SOURCES = ['kernelblog', 'containerwoche', 'hostingnews'];
const STORIES = [
  ['Linux 6.{n} veröffentlicht: Torvalds gibt den Kernel frei', 'Linus Torvalds hat Linux 6.{n} freigegeben; der Kernel bringt neue Treiber.'],
  ['Podman 6.{n} erschienen: Container ohne Root-Rechte', 'Die Container-Engine Podman 6.{n} verbessert Rootless-Container.'],
  ['Hetzner eröffnet Rechenzentrum {n} für Cloud-Server', 'Der Hoster Hetzner nimmt ein weiteres Rechenzentrum für Cloud-Server in Betrieb.'],
  ['Kernel-Lücke CVE-2026-10{n}: Updates für Linux-Distributionen', 'Eine Schwachstelle im Linux-Kernel erlaubt lokale Rechteausweitung.'],
];

const running: Daemon[] = [];
afterEach(async () => {
  for (const daemon of running.splice(0)) await stop(daemon);
  clearStoryTextShelf();
});

async function stop(daemon: Daemon): Promise<void> {
  await daemon.close();
  await daemon.store.close();
  running.splice(running.indexOf(daemon) >>> 0, 1);
}

function rss(source: string, round: number, now: Date): string {
  const items = STORIES.map(([title, summary], k) => {
    const n = String(round * 10 + k);
    const t = title!.replaceAll('{n}', n) + (source === 'kernelblog' ? '' : ` (${source})`);
    const s = summary!.replaceAll('{n}', n);
    const published = new Date(now.getTime() - (k * 7 + SOURCES.indexOf(source)) * 60_000).toUTCString();
    return `<item><title>${t}</title><link>https://${source}.example.test/${round}/${k}</link><guid>${source}-${round}-${k}</guid><pubDate>${published}</pubDate><description>${s}</description><content:encoded><![CDATA[<p>${s}</p><p>Mehr zu ${t} bei ${source}.</p>]]></content:encoded></item>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>${source}</title><link>https://${source}.example.test/</link><description>x</description>${items.join('')}</channel></rss>`;
}

async function startDaemon(dir: string, logger: Logger = createSilentLogger()): Promise<Daemon> {
  const sources = SOURCES.map((name) => ({ name, url: `http://127.0.0.1:9/${name}.xml` }));
  const config = parseConfig(renderTestConfig(dir, sources, 'feed:\n  maxItems: 6'), path.join(dir, 'feedkurator.yaml'), { env: {} });
  const daemon = new Daemon({ config, store: await openJsonStore(config.storePath), logger });
  running.push(daemon);
  await daemon.start();
  return daemon;
}

/** A store of four polls, published by a daemon that then stops: it leaves its window's story texts behind. */
async function storeWithWords(): Promise<{ dir: string; file: string; feed: Record<string, string>; window: number }> {
  const dir = makeTempDir();
  const daemon = await startDaemon(dir);
  for (let round = 1; round <= 4; round++) await pollRound(daemon, round);
  const feed = bodies(daemon.publication!);
  await stop(daemon);
  const file = storyWordsPath(path.join(dir, 'store.json'));
  const loaded = await readStoryWords(file);
  if (!loaded || 'problem' in loaded) throw new Error(`no story words written: ${loaded ? loaded.problem : 'missing'}`);
  return { dir, file, feed, window: loaded.texts.size };
}

const START = Date.now() - 5 * 3_600_000;

/** One poll of the three sources as a cycle merges, classifies, writes and publishes it. */
async function pollRound(daemon: Daemon, round: number): Promise<void> {
  const now = new Date(START + round * 3_600_000);
  const written = await mergeAndClassify(daemon, SOURCES.map((name) => ({ name, rss: rss(name, round, now) })), now);
  await daemon.store.flush();
  await daemon.publishCycle({ written, touched: [], dropped: 0 }, daemon.curation!.rules.fingerprint);
}

/** A logger keeping the messages it was given, with their reasons. */
function capturingLogger(): { logger: Logger; lines: () => string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines: () => lines };
}

const bodies = (p: Publication): Record<string, string> => Object.fromEntries([...p.resources].map(([route, r]) => [route, r.bodies.identity.toString('utf8')]));

/** A start from nothing in memory (as a new process), without kept clusters; how many story texts its first build read from articles. */
async function freshStart(dir: string): Promise<{ daemon: Daemon; read: number }> {
  clearStoryTextShelf();
  // Kept clusters would spare the first build every text (kept-clusters.ts): here the texts are what is tested.
  await rm(keptClustersPath(path.join(dir, 'store.json')), { force: true });
  const before = storyTextsRead();
  const daemon = await startDaemon(dir);
  return { daemon, read: storyTextsRead() - before };
}

describe('story words across a start without snapshot', () => {
  it('takes the window\'s texts from the file and serves the bytes of a start that reads them all', { timeout: 120_000 }, async () => {
    const { dir, file, feed, window } = await storeWithWords();
    expect(window).toBe(SOURCES.length * STORIES.length * 4);
    expect(feed['/feed.json']).toContain('Auch bei');

    const kept = await freshStart(dir);
    expect(kept.read).toBe(0);
    expect(bodies(kept.daemon.publication!)).toEqual(feed);
    await stop(kept.daemon);

    await rm(file);
    const rebuilt = await freshStart(dir);
    expect(rebuilt.read).toBe(window);
    expect(bodies(rebuilt.daemon.publication!)).toEqual(feed);
    await stop(rebuilt.daemon);
    // …and the file is back.
    const again = await readStoryWords(file);
    expect(again && 'texts' in again ? again.texts.size : again).toBe(window);
  });

  it('refuses a damaged or stale file, reads every text again, serves the same bytes and writes the file anew', { timeout: 120_000 }, async () => {
    const { dir, file, feed, window } = await storeWithWords();
    const written = await readFile(file, 'utf8');
    const spoiled = {
      torn: written.slice(0, 5_000),
      garbage: '\u0000\u0000{"version":1',
      'another story reading': written.replace(storyReadingFingerprint(), '0'.repeat(32)),
    };
    for (const [what, text] of Object.entries(spoiled)) {
      await writeFile(file, text);
      const start = await freshStart(dir);
      expect(start.read, what).toBe(window);
      expect(bodies(start.daemon.publication!), what).toEqual(feed);
      await stop(start.daemon);
      const rewritten = await readStoryWords(file);
      expect(rewritten && 'texts' in rewritten ? rewritten.texts.size : rewritten, what).toBe(window);
    }
  });

  it('reads again the text of an article whose content is not the one the file was written for', { timeout: 120_000 }, async () => {
    const { dir, file, feed } = await storeWithWords();
    const doc = JSON.parse(await readFile(file, 'utf8')) as { articles: Record<string, [string, ...number[][]]> };
    // One entry claims other content (its key) and carries wrong words (the first word for every list): it must not be used.
    const [id, [, ...lists]] = Object.entries(doc.articles)[0]!;
    doc.articles[id] = ['0123456789abcdef', ...lists.map(() => [0])];
    await writeFile(file, JSON.stringify(doc));
    const start = await freshStart(dir);
    expect(start.read).toBe(1);
    expect(bodies(start.daemon.publication!)).toEqual(feed);
  });
});

describe('story clusters across a start without snapshot', () => {
  it('takes the window\'s clusters from the kept file, serves the bytes of a start that clusters, and a poll after it publishes alike', { timeout: 120_000 }, async () => {
    const { dir, feed } = await storeWithWords();
    const file = keptClustersPath(path.join(dir, 'store.json'));
    const written = await readFile(file, 'utf8');
    expect(JSON.parse(written).clusters.length).toBeGreaterThan(0);

    const log = capturingLogger();
    clearStoryTextShelf();
    const kept = await startDaemon(dir, log.logger);
    expect(log.lines().join('')).toContain('first publication from the kept story clusters');
    expect(log.lines().join('')).not.toContain('story clusters file not used');
    expect(bodies(kept.publication!)).toEqual(feed);
    // A poll right after the start (the index built meanwhile, or not yet): what a daemon that clustered publishes.
    await pollRound(kept, 5);
    const afterPoll = bodies(kept.publication!);
    expect(afterPoll).not.toEqual(feed);
    await stop(kept);

    // The same store from before that poll, started without the file: it clusters, then polls the same.
    const { dir: other } = await storeWithWords();
    await rm(keptClustersPath(path.join(other, 'store.json')));
    clearStoryTextShelf();
    const clustered = await startDaemon(other);
    expect(bodies(clustered.publication!)).toEqual(feed);
    await pollRound(clustered, 5);
    expect(bodies(clustered.publication!)).toEqual(afterPoll);
  });

  it('reads the story words file only after a first publication from the kept clusters is served', { timeout: 120_000 }, async () => {
    const { dir, file, feed } = await storeWithWords();
    // A torn words file says so in the log when it is read: not before the first answer, which needs no text.
    await writeFile(file, (await readFile(file, 'utf8')).slice(0, 100));
    const log = capturingLogger();
    clearStoryTextShelf();
    const sources = SOURCES.map((name) => ({ name, url: `http://127.0.0.1:9/${name}.xml` }));
    const config = parseConfig(renderTestConfig(dir, sources, 'feed:\n  maxItems: 6'), path.join(dir, 'feedkurator.yaml'), { env: {} });
    const daemon = new Daemon({ config, store: await openJsonStore(config.storePath), logger: log.logger });
    running.push(daemon);
    let atServed = '';
    await daemon.start({ onServed: async () => void (atServed = log.lines().join('')) });
    await daemon.settled();
    expect(log.lines().join('')).toContain('first publication from the kept story clusters');
    expect(atServed).not.toContain('story-words.json');
    // Read when the story index was built after it (and refused: the texts were read from the articles).
    expect(log.lines().join('')).toContain('story-words.json');
    expect(bodies(daemon.publication!)).toEqual(feed);
  });

  it('refuses a torn, stale or other-code clusters file with its reason, clusters the window, serves the same bytes and writes the file anew', { timeout: 120_000 }, async () => {
    const { dir, feed } = await storeWithWords();
    const file = keptClustersPath(path.join(dir, 'store.json'));
    const written = await readFile(file, 'utf8');
    const doc = JSON.parse(written) as { window: string; fingerprint: string };
    const spoiled: [string, string, string][] = [
      ['torn', written.slice(0, written.length - 10), 'is not valid JSON'],
      ['stale', written.replace(doc.window, 'f'.repeat(64)), 'another window'],
      ['other code', written.replace(doc.fingerprint, '0'.repeat(32)), 'other clustering code'],
    ];
    for (const [what, text, reason] of spoiled) {
      await writeFile(file, text);
      const log = capturingLogger();
      clearStoryTextShelf();
      const start = await startDaemon(dir, log.logger);
      expect(log.lines().join(''), what).toContain(reason);
      expect(log.lines().join(''), what).not.toContain('first publication from the kept story clusters');
      expect(bodies(start.publication!), what).toEqual(feed);
      await stop(start);
      expect(await readFile(file, 'utf8'), what).toBe(written);
    }
  });
});

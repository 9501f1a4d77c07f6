/**
 * A JSON store of thirty days of German news, a dozen articles a day, with two
 * whose dates do not follow their day of first sight, and the daemon around it:
 * for tests of publications built from part of the store (a start from the
 * newest segments, a rules edit served before the older articles are read).
 */
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { Daemon } from '../../src/daemon/daemon.js';
import type { Logger } from '../../src/log/logger.js';
import { createSilentLogger } from '../../src/log/logger.js';
import type { Publication } from '../../src/publish/build-publication.js';
import { openJsonStore } from '../../src/store/json/json-store.js';
import { openStoreStaged } from '../../src/store/open-store.js';
import type { StoredArticle } from '../../src/types.js';
import { makeTempDir, renderTestConfig } from './cli.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const TODAY = Math.floor(Date.now() / DAY) * DAY;
export const DAYS = 30;
const TITLES = [
  (n: number) => `Linux-Kernel 6.${n} bringt neue Treiber`,
  (n: number) => `Kubernetes ${n}: Container-Orchestrierung mit neuen Funktionen`,
  (n: number) => `Webhoster ${n} senkt die Preise für Server-Hosting`,
  (n: number) => `Gartenmesse ${n} eröffnet`,
];

function stored(n: number, seen: number, published: number, title = TITLES[n % TITLES.length]!(n)): StoredArticle {
  const at = new Date(seen).toISOString();
  return {
    id: `w${n}`,
    key: `url:https://news${n % 5}.example.test/${n}`,
    link: `https://news${n % 5}.example.test/${n}`,
    title,
    summary: `${title}: die Einzelheiten.`,
    content: `<p>${title}.</p><p>Ausführlich, Nummer ${n}.</p>`,
    contentHash: `hash-w${n}`,
    categories: [],
    enclosures: [],
    published: new Date(published).toISOString(),
    firstSeen: at,
    sources: [{ name: `Quelle ${n % 5}`, firstSeen: at }],
  };
}

/** Thirty days before today, a dozen articles a day; an old one whose date a source corrected to yesterday; one published long before it was seen. */
export function articles(): StoredArticle[] {
  const all: StoredArticle[] = [];
  let n = 0;
  for (let d = DAYS; d >= 1; d--) {
    for (let k = 0; k < 12; k++, n++) {
      const seen = TODAY - d * DAY + k * HOUR;
      all.push(stored(n, seen, seen - (k % 3) * 20 * 60_000));
    }
  }
  all.push(stored(n++, TODAY - 20 * DAY, TODAY - 6 * HOUR, 'Kernel-Entwickler korrigieren das Datum einer alten Meldung'));
  all.push(stored(n++, TODAY - 2 * DAY, TODAY - 40 * DAY, 'Linux-Kernel-Archiv: ein Bericht von früher'));
  return all;
}

/** The shipped rules, five entries a feed; `keep`: storage.maxItems; `edit`: one more kernel term (a rules edit). */
export function configOf(dir: string, options: { keep?: number; edit?: boolean } = {}): Config {
  let yaml = renderTestConfig(dir, [{ name: 'unreachable', url: 'http://127.0.0.1:9/feed.xml' }], 'feed:\n  maxItems: 5');
  if (options.keep) yaml = yaml.replace('storage:\n', `storage:\n  maxItems: ${options.keep}\n`);
  if (options.edit) yaml = yaml.replace(/^( {4}include:\n)/m, '$1      - gartenmesse*\n');
  return parseConfig(yaml, path.join(dir, 'feedkurator.yaml'), { env: {} });
}

export async function storeDir(): Promise<string> {
  const dir = makeTempDir();
  const store = await openJsonStore(configOf(dir).storePath);
  await store.importData({ articles: articles() });
  await store.flush();
  await store.close();
  return dir;
}

export async function whole(config: Config): Promise<Daemon> {
  const daemon = new Daemon({ config, store: await openJsonStore(config.storePath), logger: createSilentLogger() });
  await daemon.start();
  return daemon;
}

export async function staged(config: Config, logger: Logger = createSilentLogger(), onServed?: (d: Daemon) => Promise<unknown>): Promise<Daemon> {
  const { store, load } = await openStoreStaged(config);
  const daemon = new Daemon({ config, store, logger, ...(load ? { storeLoad: load } : {}) });
  await daemon.start(onServed ? { onServed: () => onServed(daemon) } : {});
  return daemon;
}

export async function stop(daemon: Daemon): Promise<void> {
  await daemon.close();
  await daemon.store.close();
}

export const served = (p: Publication): Record<string, { body: string; etag: string }> =>
  Object.fromEntries([...p.resources].map(([route, r]) => [route, { body: r.bodies.identity.toString('utf8'), etag: r.etags.identity }]));

/** A logger whose lines the test reads. */
export function recordingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream) as unknown as Logger, lines };
}


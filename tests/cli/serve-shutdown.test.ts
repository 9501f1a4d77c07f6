/**
 * Graceful stop of `feedkurator serve` (SPEC §2, issue 7): the real CLI as a
 * child process, a fixture server on 127.0.0.1 with one quick feed and one
 * whose body trickles in for ~8 s, so that a signal can land mid-poll.
 */
import { readStoreFiles } from '../helpers/read-store.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { cleanEnv, CLI, makeTempDir, ROOT } from '../helpers/cli.js';

const TRICKLE_MS = 8_000;
const TRICKLE_STEP_MS = 250;

interface FixtureServer {
  url: string;
  /** Resolves when the daemon has started reading the slow feed. */
  slowRequested(): Promise<void>;
  quickServed(): Promise<void>;
  close(): Promise<void>;
}

function rss(title: string, items: { slug: string; title: string; text: string }[], base: string): { head: string; items: string; tail: string } {
  return {
    head: `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>${title}</title><link>${base}/</link><description>Fixture</description>\n`,
    items: items
      .map(
        (it, i) =>
          `<item><title>${it.title}</title><link>${base}/artikel/${it.slug}</link><guid isPermaLink="false">${it.slug}</guid>` +
          `<pubDate>${new Date(Date.UTC(2026, 10, 20, 12 - i)).toUTCString()}</pubDate><description>${it.text}</description></item>\n`,
      )
      .join(''),
    tail: '</channel></rss>\n',
  };
}

const QUICK_ITEMS = [
  {
    slug: 'linuxcon-containercon-2016',
    title: 'Linuxcon und Containercon Europe 2016: Container Love',
    text: 'Auf der Linuxcon traf das Linux-Magazin Kernelentwickler Greg Kroah-Hartman; auf der Containercon ging es um Container in schlanken VMs.',
  },
  {
    slug: 'libreoffice-tabellen',
    title: 'LibreOffice bekommt neue Tabellenfunktionen',
    text: 'Die Office-Suite verbessert die Tabellenkalkulation und den PDF-Export.',
  },
];
const SLOW_ITEMS = [
  {
    slug: 'akamai-kernel-org',
    title: 'Akamai hostet kernel.org: Linux bekommt kommerzielles Rückgrat',
    text: 'Akamai übernimmt das Hosting von kernel.org, der Plattform für die Entwicklung des Linux-Kernels.',
  },
];

function startFixtureServer(): Promise<FixtureServer> {
  let onSlow!: () => void;
  let onQuick!: () => void;
  const slow = new Promise<void>((r) => (onSlow = r));
  const quick = new Promise<void>((r) => (onQuick = r));
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    res.setHeader('content-type', 'application/rss+xml; charset=utf-8');
    if (req.url === '/quick.xml') {
      const feed = rss('Schnell', QUICK_ITEMS, base);
      res.end(feed.head + feed.items + feed.tail, onQuick);
      return;
    }
    if (req.url === '/slow.xml') {
      onSlow();
      const feed = rss('Langsam', SLOW_ITEMS, base);
      res.write(feed.head);
      // Headers and the start of the body at once, the rest over ~8 s: a poll
      // that is really in progress when the signal arrives.
      let elapsed = 0;
      const timer = setInterval(() => {
        elapsed += TRICKLE_STEP_MS;
        if (elapsed < TRICKLE_MS) {
          res.write(`<!-- ${elapsed} ms -->\n`);
          return;
        }
        clearInterval(timer);
        timers.delete(timer);
        res.end(feed.items + feed.tail);
      }, TRICKLE_STEP_MS);
      timers.add(timer);
      res.on('close', () => {
        clearInterval(timer);
        timers.delete(timer);
      });
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({
        url: `http://127.0.0.1:${port}`,
        slowRequested: () => slow,
        quickServed: () => quick,
        close: () =>
          new Promise<void>((r) => {
            for (const t of timers) clearInterval(t);
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}

interface Daemon {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  dataDir: string;
  storeFile: string;
  baseUrl: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/** `serve` with PORT=0 and DATA_DIR=<tmp>, in a temp working directory; resolves once it listens. */
async function startServe(sources: { name: string; url: string }[]): Promise<Daemon> {
  const dir = makeTempDir('feedkurator-shutdown-');
  const dataDir = path.join(dir, 'volume');
  const configFile = path.join(dir, 'feedkurator.yaml');
  writeFileSync(
    configFile,
    [
      shippedTopicsYaml(),
      'server:\n  host: 127.0.0.1\n  baseUrl: http://feeds.example.test',
      'storage:\n  path: data/feedkurator.json',
      // Longer than the trickle: only the shutdown, not the fetch timeout, can end the slow poll early.
      'fetch:\n  timeoutSeconds: 30',
      'sources:',
      ...sources.map((s) => `  - name: ${JSON.stringify(s.name)}\n    url: ${JSON.stringify(s.url)}`),
      '',
    ].join('\n'),
  );
  const child = spawn(process.execPath, [CLI, 'serve', '--config', configFile], {
    cwd: dir,
    env: cleanEnv({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  running.push(child);
  const baseUrl = await waitFor('the "serving" log line', async () => {
    if (child.exitCode !== null) throw new Error(`serve exited early with ${child.exitCode}: ${stderr}${stdout}`);
    const line = stdout.split('\n').find((l) => l.includes('"serving"'));
    return line ? (JSON.parse(line) as { url: string }).url : undefined;
  });
  return { child, stdout: () => stdout, stderr: () => stderr, dataDir, storeFile: path.join(dataDir, 'feedkurator.json'), baseUrl, exited };
}

/** The topic rules of the shipped config, so the test curates with the real defaults. */
function shippedTopicsYaml(): string {
  const shipped = YAML.parse(readFileSync(path.join(ROOT, 'config', 'feedkurator.yaml'), 'utf8')) as { topics: unknown };
  return YAML.stringify({ topics: shipped.topics });
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** True once a new TCP connection to the daemon's port is refused. */
function isRefused(baseUrl: string): Promise<boolean> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

function readStore(file: string): { articles: { title: string }[]; lastCycle?: unknown } {
  return readStoreFiles(file);
}

/** Every stdout line is one complete JSON log record: nothing cut off at exit. */
function expectJsonLogLines(stdout: string): void {
  const lines = stdout.split('\n').filter((l) => l.trim() !== '');
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
  expect(stdout.endsWith('\n')).toBe(true);
}

/** Files a clean stop must not leave beside the store: a temp file of an unfinished write, the writer lock. */
function expectNoLeftovers(dataDir: string): void {
  expect(readdirSync(dataDir).filter((f) => f.endsWith('.tmp') || f.endsWith('.lock'))).toEqual([]);
}

const running: ChildProcess[] = [];
let fixture: FixtureServer;

describe.skipIf(!existsSync(CLI))('serve: graceful shutdown', () => {
  // A fresh fixture per test: "the slow feed was requested" must mean by this daemon.
  beforeEach(async () => {
    fixture = await startFixtureServer();
  });
  afterEach(async () => {
    for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await fixture.close();
  });

  it('SIGTERM during a slow poll: stops accepting, exits 0 within 10 s, keeps what was fetched', async () => {
    const daemon = await startServe([
      { name: 'Schnell', url: `${fixture.url}/quick.xml` },
      { name: 'Langsam', url: `${fixture.url}/slow.xml` },
    ]);
    await fixture.slowRequested();
    await fixture.quickServed();
    // The quick source is merged as soon as its body is parsed; give it that moment.
    await new Promise((r) => setTimeout(r, 300));

    const signalledAt = Date.now();
    daemon.child.kill('SIGTERM');
    await waitFor('the listener to close', async () => ((await isRefused(daemon.baseUrl)) ? true : undefined), 5_000);
    // Refused while the poll still holds the process: it stopped accepting first.
    expect(daemon.child.exitCode).toBeNull();

    const { code, signal, at } = await daemon.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(at - signalledAt).toBeLessThan(10_000);

    const store = readStore(daemon.storeFile);
    const titles = store.articles.map((a) => a.title);
    expect(titles).toContain(QUICK_ITEMS[0]!.title);
    expect(titles).toContain(QUICK_ITEMS[1]!.title);
    // The slow source is either abandoned or merged whole, never half.
    expect(titles.filter((t) => t === SLOW_ITEMS[0]!.title).length).toBeLessThanOrEqual(1);
    expectNoLeftovers(daemon.dataDir);
    expectJsonLogLines(daemon.stdout());
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('%s while idle: exits 0 at once with the store written', async (sig) => {
    const daemon = await startServe([{ name: 'Schnell', url: `${fixture.url}/quick.xml` }]);
    await waitFor('the first cycle in /healthz', async () => {
      const body = (await (await fetch(`${daemon.baseUrl}/healthz`)).json()) as { lastCycle: unknown };
      return body.lastCycle ? body : undefined;
    });
    const signalledAt = Date.now();
    daemon.child.kill(sig);
    const { code, signal, at } = await daemon.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    // Idle means nothing to wait for; the bound only catches a hang, not speed.
    expect(at - signalledAt).toBeLessThan(5_000);
    const store = readStore(daemon.storeFile);
    expect(store.articles.map((a) => a.title)).toEqual(expect.arrayContaining(QUICK_ITEMS.map((i) => i.title)));
    expect(store.lastCycle).toBeTruthy();
    expectNoLeftovers(daemon.dataDir);
    expectJsonLogLines(daemon.stdout());
  });

  it('a second signal exits at once, without waiting for the poll, and leaves no broken store', async () => {
    const daemon = await startServe([
      { name: 'Schnell', url: `${fixture.url}/quick.xml` },
      { name: 'Langsam', url: `${fixture.url}/slow.xml` },
    ]);
    await fixture.slowRequested();
    daemon.child.kill('SIGTERM');
    // Only once the first signal is being handled does the second count as the second.
    await waitFor('the listener to close', async () => ((await isRefused(daemon.baseUrl)) ? true : undefined), 5_000);
    daemon.child.kill('SIGINT');
    const { code, signal } = await daemon.exited;
    // 130 = 128 + SIGINT: the immediate path, not the graceful one (which exits 0).
    expect({ code, signal }).toEqual({ code: 130, signal: null });
    if (existsSync(daemon.storeFile)) expect(() => readStore(daemon.storeFile)).not.toThrow();
  });
});

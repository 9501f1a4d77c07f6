/**
 * A rules edit while a cycle is merging: the cycle classifies its articles
 * with the rules it started with, the edit stores every article's topics
 * under the new rules, and the cycle's topics must not replace them (the JSON
 * store keeps one rules fingerprint's topics). Real JSON store and daemon,
 * the sample feeds and one held-back feed on 127.0.0.1; the store's methods
 * are wrapped only to hold the edit or the cycle at a chosen point.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { Daemon, rulesFor } from '../../src/daemon/daemon.js';
import { startSampleServer, type SampleServer } from '../../src/demo/sample-server.js';
import { createSilentLogger } from '../../src/log/logger.js';
import type { CycleOutcome } from '../../src/pipeline.js';
import { openJsonStore } from '../../src/store/json/json-store.js';
import type { Store } from '../../src/store/store-api.js';
import { makeTempDir, renderTestConfig } from '../helpers/cli.js';

/** A feed of five kernel news items numbered from `from`. */
function feedXml(from: number): string {
  const items = Array.from({ length: 5 }, (_, k) => {
    const i = from + k;
    const date = new Date(Date.now() - i * 60_000).toUTCString();
    return `<item><title>Linux-Kernel ${i}: neuer Treiber</title><link>https://held.example.test/${i}</link><guid>held-${i}</guid><pubDate>${date}</pubDate><description>Der Kernel bekommt einen Treiber.</description></item>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Gehalten</title><link>https://held.example.test/</link><description>x</description>${items.join('')}</channel></rss>`;
}

function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('a rules edit during a cycle', () => {
  let samples: SampleServer;
  let held: Server;
  let heldUrl: string;
  let round = 0;
  /** From its second request on, the held feed answers once released; `requested` says it was asked. */
  let requested = signal();
  let released = signal();

  beforeAll(async () => {
    samples = await startSampleServer();
    held = createServer((_req, res) => {
      round++;
      const send = (body: string): void => void res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(body);
      if (round === 1) return send(feedXml(0));
      requested.resolve();
      void released.promise.then(() => send(feedXml(100 * round)));
    });
    await new Promise<void>((resolve) => held.listen(0, '127.0.0.1', resolve));
    heldUrl = `http://127.0.0.1:${(held.address() as AddressInfo).port}/held.xml`;
  });

  afterAll(async () => {
    released.resolve();
    held.closeAllConnections();
    await new Promise((resolve) => held.close(resolve));
    await samples.close();
  });

  interface Scene {
    config: Config;
    restricted: Config;
    store: Store;
    daemon: Daemon;
    /** Starts the second cycle (the first rules, the held feed waiting); resolves once the held feed was asked. */
    startHeldCycle(): Promise<{ cycle: Promise<CycleOutcome> }>;
  }

  /** A daemon after one cycle over the samples and the held feed; `restricted` is a rules edit (every source lends `kernel` only). */
  async function scene(): Promise<Scene> {
    const dir = makeTempDir();
    const sources = (topics?: string[]) =>
      [...samples.feeds.map((f) => ({ name: f.name, url: samples.feedUrl(f.file) })), { name: 'Gehalten', url: heldUrl }].map((s) => (topics ? { ...s, topics } : s));
    round = 0;
    requested = signal();
    released = signal();
    const config = parseConfig(renderTestConfig(dir, sources()), path.join(dir, 'feedkurator.yaml'), { env: {} });
    const restricted = parseConfig(renderTestConfig(dir, sources(['kernel'])), config.file, { env: {} });
    const store = await openJsonStore(config.storePath);
    const daemon = new Daemon({ config, store, logger: createSilentLogger() });
    await daemon.start();
    await daemon.cycle();
    return {
      config,
      restricted,
      store,
      daemon,
      async startHeldCycle() {
        const cycle = daemon.cycle();
        await requested.promise;
        // In an object: an async function returning the promise itself would wait for the cycle's end.
        return { cycle };
      },
    };
  }

  /** Resolves once the running cycle has written the store (its last step before publishing). */
  function cycleWritten(store: Store): Promise<void> {
    const written = signal();
    const flush = store.flush.bind(store);
    store.flush = async () => {
      const stats = await flush();
      written.resolve();
      return stats;
    };
    return written.promise;
  }

  async function close({ daemon, store }: Scene): Promise<void> {
    await daemon.close();
    await store.close();
  }

  it('leaves every article’s topics stored under the new rules when the edit ends before the cycle', async () => {
    const s = await scene();
    try {
      const { cycle } = await s.startHeldCycle();
      await s.daemon.applyConfig(s.restricted);
      released.resolve();
      const outcome = await cycle;
      expect(outcome.record.new).toBe(5);
      expect(outcome.topicsWithheld).toBe(true);
      await s.daemon.settled();
      const stored = await s.store.getClassifications(rulesFor(s.restricted).fingerprint);
      expect(stored.size).toBe(await s.store.countArticles());
      expect(stored.get(outcome.written[0]!.id)).toEqual(['kernel']);
    } finally {
      await close(s);
    }
  });

  it('withholds the cycle’s topics while an edit is storing its own, and stores them under the new rules after', async () => {
    const s = await scene();
    try {
      // The edit is held right after it stored its first topics, until the cycle has written the store.
      const editStored = signal();
      const resumeEdit = signal();
      const put = s.store.putClassifications.bind(s.store);
      const editing = rulesFor(s.restricted).fingerprint;
      s.store.putClassifications = async (fingerprint, topics) => {
        await put(fingerprint, topics);
        if (fingerprint !== editing) return;
        editStored.resolve();
        await resumeEdit.promise;
      };
      const { cycle } = await s.startHeldCycle();
      const edit = s.daemon.applyConfig(s.restricted);
      await editStored.promise;
      const written = cycleWritten(s.store);
      released.resolve();
      await written;
      resumeEdit.resolve();
      await edit;
      const outcome = await cycle;
      expect(outcome.topicsWithheld).toBe(true);
      await s.daemon.settled();
      expect((await s.store.getClassifications(editing)).size).toBe(await s.store.countArticles());
    } finally {
      await close(s);
    }
  });

  it('stores the cycle’s topics under the rules in force when the edit that withheld them fails', async () => {
    const s = await scene();
    try {
      // The edit reads the stored topics first: held there until the cycle has written the store, then refused.
      const editRead = signal();
      let failEdit: (err: Error) => void = () => {};
      const read = s.store.getClassifications.bind(s.store);
      const editing = rulesFor(s.restricted).fingerprint;
      s.store.getClassifications = async (fingerprint, ids) => {
        if (fingerprint === editing) {
          editRead.resolve();
          await new Promise<void>((_resolve, reject) => (failEdit = reject));
        }
        return read(fingerprint, ids);
      };
      const { cycle } = await s.startHeldCycle();
      const edit = s.daemon.applyConfig(s.restricted);
      await editRead.promise;
      const written = cycleWritten(s.store);
      released.resolve();
      await written;
      failEdit(new Error('the disk went away'));
      await expect(edit).rejects.toThrow('the disk went away');
      const outcome = await cycle;
      expect(outcome.topicsWithheld).toBe(true);
      await s.daemon.settled();
      expect((await read(rulesFor(s.config).fingerprint)).size).toBe(await s.store.countArticles());
    } finally {
      await close(s);
    }
  });
});

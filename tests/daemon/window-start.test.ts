/**
 * A start without a publication snapshot builds its first publication from
 * the newest segments of the JSON store (window-start.ts) and loads the rest
 * after it: the same bytes and ETags as a start that loads everything first,
 * also when an old segment holds an article whose date moved forward; a poll
 * and a rules edit issued before the rest is loaded wait for it; a damaged
 * segment is refused with the message of a whole load. Real JSON stores in
 * temp dirs, the real daemon.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Daemon } from '../../src/daemon/daemon.js';
import { createSilentLogger } from '../../src/log/logger.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { rulesFor } from '../../src/daemon/daemon.js';
import { windowHintPath } from '../../src/daemon/window-hint.js';
import { startServer, type RunningServer } from '../../src/server/http-server.js';
import { openJsonStore } from '../../src/store/json/json-store.js';
import { openStoreStaged } from '../../src/store/open-store.js';
import { articles, configOf, recordingLogger, served, staged, stop, storeDir, whole } from '../helpers/dated-store.js';

const segmentCount = (dir: string): number => readdirSync(dir).filter((f) => /^store\.articles-.*\.json$/.test(f)).length;

describe('a start from the newest segments', () => {
  it('serves the bytes and ETags of a start that loads everything first, reading only the newest segments', async () => {
    const dir = await storeDir();
    const config = configOf(dir);
    // The first staged start finds no segment dates: it reads everything, builds as before and keeps the dates.
    const first = await staged(config);
    const reference = served(first.publication!);
    await stop(first);
    const full = await whole(config);
    expect(served(full.publication!)).toEqual(reference);
    await stop(full);

    const { logger, lines } = recordingLogger();
    const second = await staged(config, logger);
    expect(served(second.publication!)).toEqual(reference);
    const windowed = lines.find((l) => l.msg === 'first publication from the newest segments');
    expect(windowed, 'the window path was taken').toBeDefined();
    expect(windowed!.segments as number).toBeGreaterThanOrEqual(20);
    expect(windowed!.segments as number).toBeLessThan(segmentCount(dir));
    // The corrected article (stored in a segment 20 days old) leads the feed: its segment was read for it.
    expect(reference['/feed.xml']!.body).toContain('Kernel-Entwickler korrigieren das Datum');
    // After the start the store is whole.
    expect(second.articleCount).toBe(articles().length);
    expect((await second.store.listHeads()).map((h) => h.id)).toEqual((await (await openJsonStore(config.storePath, { readOnly: true })).listHeads()).map((h) => h.id));
    await stop(second);
  });

  it('answers /feed.xml before the other routes are rendered; a request for one of them waits and gets the whole start\'s bytes', async () => {
    const dir = await storeDir();
    const config = configOf(dir);
    await stop(await staged(config));
    const full = await whole(config);
    const reference = served(full.publication!);
    await stop(full);
    // "Why shown" is on the page: filled in after the first answer, it must still be there.
    expect(reference['/']!.body).toContain('Warum hier?');

    let server: RunningServer | undefined;
    let dispatched = 0;
    let atFirstAnswer: string[] = [];
    let firstAnswer: { route: string; status: number; body: string; etag: string | null } | undefined;
    const waiting: Promise<{ route: string; status: number; body: string; etag: string | null }>[] = [];
    const get = async (route: string) => {
      const r = await fetch(`${server!.url}${route}`, { headers: { 'accept-encoding': 'identity' } });
      return { route, status: r.status, body: await r.text(), etag: r.headers.get('etag') };
    };
    const daemon = await staged(config, createSilentLogger(), async (d) => {
      server = await startServer(
        {
          getPublication: () => (dispatched++, d.publication!),
          getHealth: () => ({ httpStatus: 200, body: {} }),
          metrics: createMetrics({ processMetrics: false }),
          logger: createSilentLogger(),
        },
        { host: '127.0.0.1', port: 0 },
      );
      firstAnswer = await get('/feed.xml');
      atFirstAnswer = [...d.publication!.resources.keys()];
      // Asked while they are still to be rendered (the rest is rendered once this returns): held, not refused.
      for (const route of ['/', '/topics/kernel.atom', '/index.html', '/feed.json']) {
        const before = dispatched;
        waiting.push(get(route));
        while (dispatched === before) await new Promise((resolve) => setImmediate(resolve));
      }
    });
    try {
      expect(atFirstAnswer).toEqual(['/feed.xml']);
      expect(firstAnswer).toEqual({ route: '/feed.xml', status: 200, body: reference['/feed.xml']!.body, etag: reference['/feed.xml']!.etag });
      for (const answer of await Promise.all(waiting)) {
        const route = answer.route === '/index.html' ? '/' : answer.route;
        expect(answer, answer.route).toEqual({ route: answer.route, status: 200, body: reference[route]!.body, etag: reference[route]!.etag });
      }
      expect(daemon.publication!.rendering).toBeUndefined();
      expect(served(daemon.publication!)).toEqual(reference);
      // An unknown route is still unknown.
      expect((await get('/topics/nope.xml')).status).toBe(404);
    } finally {
      await server?.close();
      await stop(daemon);
    }
  });

  it('reads as many segments as the last first publication needed before its first try, and ignores a hint that does not fit', async () => {
    const dir = await storeDir();
    const config = configOf(dir);
    await stop(await staged(config));
    const hintFile = windowHintPath(config.storePath);
    expect(existsSync(hintFile), 'a start that read everything leaves no hint').toBe(false);
    const { logger, lines } = recordingLogger();
    const measured = await staged(config, logger);
    const reference = served(measured.publication!);
    await measured.settled();
    await stop(measured);
    const needed = lines.find((l) => l.msg === 'first publication from the newest segments')!.segments as number;
    const today = new Date().toISOString().slice(0, 10);
    expect(JSON.parse(readFileSync(hintFile, 'utf8'))).toEqual({ version: 1, rules: rulesFor(config).fingerprint, day: today, segments: needed });

    // Tries (each asks the store for the loaded articles' topics) before the first answer, and what was served.
    const start = async (): Promise<{ tries: number; segments: number; body: Record<string, { body: string; etag: string }> }> => {
      const { store, load } = await openStoreStaged(config);
      let tries = 0;
      let served_ = false;
      const counting = new Proxy(store, {
        get(target, key) {
          const value: unknown = Reflect.get(target, key, target);
          if (key === 'getClassifications' && !served_) tries++;
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
      const rec = recordingLogger();
      const daemon = new Daemon({ config, store: counting, logger: rec.logger, ...(load ? { storeLoad: load } : {}) });
      await daemon.start({ onServed: async () => (served_ = true) });
      const body = served(daemon.publication!);
      await daemon.settled();
      await stop(daemon);
      return { tries, segments: rec.lines.find((l) => l.msg === 'first publication from the newest segments')!.segments as number, body };
    };
    const hinted = await start();
    expect(hinted).toEqual({ tries: 1, segments: needed, body: reference });
    for (const wrong of [
      'not json',
      JSON.stringify({ version: 1, rules: 'other rules', day: today, segments: needed }),
      JSON.stringify({ version: 1, rules: rulesFor(config).fingerprint, day: '2001-01-01', segments: needed }),
      JSON.stringify({ version: 1, rules: rulesFor(config).fingerprint, day: today, segments: -3 }),
    ]) {
      writeFileSync(hintFile, wrong);
      const ignored = await start();
      expect(ignored.tries, wrong).toBeGreaterThan(1);
      expect(ignored.segments).toBe(needed);
      expect(ignored.body).toEqual(reference);
      // Written anew, as measured.
      expect(JSON.parse(readFileSync(hintFile, 'utf8')).segments).toBe(needed);
    }
    // Too few: the tries go on from there, and the count needed is kept.
    writeFileSync(hintFile, JSON.stringify({ version: 1, rules: rulesFor(config).fingerprint, day: today, segments: 1 }));
    const short = await start();
    expect(short.body).toEqual(reference);
    expect(JSON.parse(readFileSync(hintFile, 'utf8')).segments).toBe(short.segments);
  });

  it('takes a poll and a rules edit issued before the rest is loaded only after it', async () => {
    const dir = await storeDir();
    // Retention keeps the newest 300 of 362 articles: a cycle on a part of the store would drop other ones.
    const config = configOf(dir, { keep: 300 });
    await stop(await staged(config));
    const edited = configOf(dir, { keep: 300, edit: true });
    expect(JSON.stringify(edited.topics)).not.toBe(JSON.stringify(config.topics));

    const events: string[] = [];
    let cycle: Promise<unknown> | undefined;
    let edit: Promise<unknown> | undefined;
    const daemon = await staged(config, createSilentLogger(), async (d) => {
      events.push('served');
      cycle = d.cycle().then((outcome) => events.push(`cycle dropped ${outcome.dropped}`));
      edit = d.applyConfig(edited).then(() => events.push('edit applied'));
    });
    events.push('start done');
    await Promise.all([cycle, edit]);
    await daemon.settled();
    expect(events[0]).toBe('served');
    expect(events[1]).toBe('start done');
    expect(events.slice(2).sort()).toEqual(['cycle dropped 62', 'edit applied'].sort());
    expect(await daemon.store.countArticles()).toBe(300);

    // The same poll and edit on a daemon that loaded everything first: the same store and the same bytes.
    const dir2 = await storeDir();
    const reference = await whole(configOf(dir2, { keep: 300 }));
    await reference.cycle();
    await reference.applyConfig(configOf(dir2, { keep: 300, edit: true }));
    await reference.settled();
    expect((await daemon.store.listHeads()).map((h) => h.id).sort()).toEqual((await reference.store.listHeads()).map((h) => h.id).sort());
    expect(served(daemon.publication!)).toEqual(served(reference.publication!));
    await stop(reference);
    await stop(daemon);
  });

  it('refuses a store whose newest segment is damaged with the message of a whole load, before serving', async () => {
    const dir = await storeDir();
    const config = configOf(dir);
    await stop(await staged(config));
    const newest = readdirSync(dir).filter((f) => /^store\.articles-.*\.json$/.test(f)).sort().at(-1)!;
    writeFileSync(path.join(dir, newest), '{"schemaVersion":3,"day":"tor');
    const message = await openJsonStore(config.storePath).then(
      () => 'opened',
      (err: Error) => err.message,
    );
    expect(message).toContain(newest);
    let servedFirst = false;
    const { store, load } = await openStoreStaged(config);
    const daemon = new Daemon({ config, store, logger: createSilentLogger(), ...(load ? { storeLoad: load } : {}) });
    await expect(daemon.start({ onServed: async () => (servedFirst = true) })).rejects.toThrow(message);
    expect(servedFirst).toBe(false);
    await store.close();
  });

  it('refuses a store whose old segment is damaged (its size and time unchanged) with the same message once the rest is read', async () => {
    const dir = await storeDir();
    const config = configOf(dir);
    await stop(await staged(config));
    const oldest = readdirSync(dir).filter((f) => /^store\.articles-.*\.json$/.test(f)).sort()[1]!;
    // Damage on disk that keeps the size (the dates file's entry is refreshed to the file's new time, as if the bytes rotted in place).
    const file = path.join(dir, oldest);
    const bytes = readFileSync(file);
    bytes.fill(0x78, 40, 80);
    writeFileSync(file, bytes);
    const datesFile = path.join(dir, 'store.segment-dates.json');
    const dates = JSON.parse(readFileSync(datesFile, 'utf8')) as { segments: Record<string, { mtimeMs: number; size: number }> };
    const day = oldest.slice('store.articles-'.length, -'.json'.length);
    dates.segments[day]!.mtimeMs = Number((statSync(file, { bigint: true }).mtimeNs + 500_000n) / 1_000_000n);
    writeFileSync(datesFile, JSON.stringify(dates));
    const message = await openJsonStore(config.storePath).then(
      () => 'opened',
      (err: Error) => err.message,
    );
    expect(message).toContain(oldest);
    let servedFirst = false;
    const { store, load } = await openStoreStaged(config);
    const daemon = new Daemon({ config, store, logger: createSilentLogger(), ...(load ? { storeLoad: load } : {}) });
    // As a start from the snapshot does: the first answer, then the store refused (serve exits 1 with this message).
    await expect(daemon.start({ onServed: async () => (servedFirst = true) })).rejects.toThrow(message);
    expect(servedFirst).toBe(true);
    await store.close();
  });
});

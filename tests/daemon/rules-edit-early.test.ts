/**
 * A rules edit serves its publication as soon as the newest articles are
 * classified with the new rules (derive-curation.ts, settled-prefix.ts): the
 * bytes and ETags of a daemon started afresh with the edited rules, while the
 * older articles are still being read; their topics are all stored when the
 * edit resolves. A store read failing after that early swap puts the previous
 * publication and config back. Real JSON stores in temp dirs, the real daemon.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Daemon, rulesFor } from '../../src/daemon/daemon.js';
import type { Publication } from '../../src/publish/build-publication.js';
import { openJsonStore } from '../../src/store/json/json-store.js';
import { articles, configOf, recordingLogger, served, stop, storeDir, whole } from '../helpers/dated-store.js';

/** Each publication the daemon serves while `work` runs, with the rules fingerprint its curation had then. */
async function watchSwaps(daemon: Daemon, work: () => Promise<unknown>): Promise<{ publication: Publication; curationRules: string }[]> {
  const seen: { publication: Publication; curationRules: string }[] = [];
  let last = daemon.publication;
  let done = false;
  const watching = (async () => {
    // Looked at once more after the work ended: its last swap may have come in the same turn.
    for (let ended = false; !ended; ) {
      ended = done;
      if (daemon.publication !== last) {
        last = daemon.publication;
        seen.push({ publication: last!, curationRules: daemon.curation!.rules.fingerprint });
      }
      if (!ended) await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  try {
    await work();
  } finally {
    done = true;
    await watching;
  }
  return seen;
}

describe('a rules edit', () => {
  it('serves the edited rules\' publication before the older articles are classified, with the bytes of a start under them', async () => {
    const dir = await storeDir();
    const config = configOf(dir);
    const edited = configOf(dir, { edit: true });
    const { logger, lines } = recordingLogger();
    const daemon = new Daemon({ config, store: await openJsonStore(config.storePath), logger });
    await daemon.start();
    const beforeEdit = served(daemon.publication!);
    const swaps = await watchSwaps(daemon, () => daemon.applyConfig(edited));
    await daemon.settled();

    // Served while the daemon still ran the old rules' curation: the older articles were not all classified yet.
    expect(swaps.length).toBe(1);
    expect(swaps[0]!.curationRules).toBe(rulesFor(config).fingerprint);
    expect(daemon.curation!.rules.fingerprint).toBe(rulesFor(edited).fingerprint);
    const early = lines.find((l) => l.msg === 'edited rules\' publication served; older articles still being classified');
    expect(early, 'the early path was taken').toBeDefined();
    // The horizon lies before today and after the oldest articles: only part of the store was needed.
    expect(String(early!.horizon) < new Date().toISOString()).toBe(true);
    expect(String(early!.horizon) > articles()[24]!.published).toBe(true);
    const seenEarly = served(swaps[0]!.publication);
    expect(served(daemon.publication!)).toEqual(seenEarly);
    // The edit shows: Gartenmesse reports are in the kernel feed now.
    expect(seenEarly['/topics/kernel.xml']!.body).toContain('Gartenmesse');
    expect(seenEarly['/topics/kernel.xml']!.etag).not.toBe(beforeEdit['/topics/kernel.xml']!.etag);
    await stop(daemon);

    // Every article's topics were stored, and a daemon that classifies a fresh copy of the store with the edited rules serves the same bytes.
    const stored = await openJsonStore(edited.storePath, { readOnly: true });
    expect((await stored.getClassifications(rulesFor(edited).fingerprint)).size).toBe(articles().length);
    await stored.close();
    const fresh = await whole(configOf(await storeDir(), { edit: true }));
    expect(served(fresh.publication!)).toEqual(seenEarly);
    await stop(fresh);
  });

  it('puts the previous publication and config back when the older articles cannot be read after the early swap', async () => {
    const dir = await storeDir();
    const config = configOf(dir);
    const daemon = await whole(config);
    const before = served(daemon.publication!);
    // The oldest day's file rots after the store was loaded: the edit reads it last.
    const oldest = readdirSync(dir).filter((f) => /^store\.articles-.*\.json$/.test(f)).sort()[0]!;
    writeFileSync(path.join(dir, oldest), '{"schemaVersion":3,"day":"tor');
    let failure: unknown;
    const swaps = await watchSwaps(daemon, () => daemon.applyConfig(configOf(dir, { edit: true })).catch((err: unknown) => (failure = err)));
    await daemon.settled();
    expect(String(failure)).toContain(oldest);
    // The edited publication was served early, then the previous one came back whole.
    expect(swaps.length).toBe(2);
    expect(served(swaps[0]!.publication)).not.toEqual(before);
    expect(served(daemon.publication!)).toEqual(before);
    expect(daemon.config).toBe(config);
    expect(daemon.curation!.rules.fingerprint).toBe(rulesFor(config).fingerprint);
    await daemon.close();
    await daemon.store.close();
  });
});

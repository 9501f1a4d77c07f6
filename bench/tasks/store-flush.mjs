/**
 * Store write after a poll that adds 1 % new articles, one mode per process:
 *   feedkurator: on a copy of the store, mergeIntoStore the new articles
 *                (with their topics and the cycle record, as runCycle does),
 *                then time store.flush(): one journal file of the changes and the
 *                manifest (plus, now and then, a bounded compaction step).
 *   baseline:    the old engine's write: the whole store as one document
 *                (every article with its content, plus the new ones),
 *                JSON.stringify + writeFile, no atomicity.
 * The new articles are generated sources the store has never seen.
 *
 * Usage: node store-flush.mjs MODE STORE_PATH WORK_DIR CONFIG FIRST_NEW_SOURCE SEED ANCHOR_MS
 * Prints {"writeMs":N,"mergeMs":N,"bytes":N,"files":N,"storeBytes":N,"newArticles":N,"written":[{file,bytes}],
 * "changes":{new,text,headOnly,days}} (the articles the merge wrote: new, older with new text, older with a new head only).
 */
import { closeSync, fsyncSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { generateSource } from '../lib/generate-feeds.mjs';
import { importDist } from '../lib/dist.mjs';
import { copyStore, listStoreFiles, measureStoreDir } from './store-files.mjs';

const [mode, storePath, workDir, configFile, firstNewArg, seedArg, anchorArg] = process.argv.slice(2);
const { openStore } = await importDist('store/open-store.js');
const { mergeIntoStore } = await importDist('dedupe/merge-source.js');
const { readFeedBody } = await importDist('pipeline.js');
const { loadConfig } = await importDist('config/load.js');
const { rulesFor } = await importDist('daemon/daemon.js');

const config = loadConfig({ configPath: configFile, env: {} });
const now = new Date();
const { bytes: storeBytes } = measureStoreDir(storePath);
const fresh = await readNewSources(Number(firstNewArg), Number(seedArg), Number(anchorArg), storeBytes);
const out = { storeBytes };

if (mode === 'feedkurator') {
  mkdirSync(workDir, { recursive: true });
  const copied = copyStore(storePath, workDir);
  // A store's files were fsynced when written; this copy's 36 MB were not. Left dirty, they were written out
  // inside the flush's own fsync (ext4 commits its journal for the whole file system: 15–30 ms of the 40 ms the
  // row read, BENCHMARKS.md session 14 storewrite), so the row timed the bench's copy, not the store's write.
  syncFiles([...listStoreFiles(copied), workDir]);
  const store = await openStore({ storePath: copied, storage: {} });
  const { classifier, fingerprint } = rulesFor(config);
  let t = performance.now();
  let newArticles = 0;
  // What a poll changes: new articles, older ones whose text changed, older ones whose head alone changed (a new source).
  const changes = { new: 0, text: 0, headOnly: 0, days: new Set() };
  for (const { name, url, items } of fresh.sources) {
    const plan = await mergeIntoStore(store, items, { name, url, consecutiveErrors: 0, lastAttempt: now.toISOString(), lastSuccess: now.toISOString() }, now);
    for (const w of plan.merge.writes) {
      changes.days.add(w.head.firstSeen.slice(0, 10));
      if (w.head.firstSeen === now.toISOString()) changes.new++;
      else if (w.content !== undefined) changes.text++;
      else changes.headOnly++;
    }
    const topics = new Map();
    for (const w of plan.merge.writes) {
      if (w.content === undefined) continue;
      topics.set(w.head.id, classifier.classify({ ...w.head, content: w.content, sources: w.head.sources.map((s) => s.name) }).topics);
    }
    newArticles += plan.counts.new;
    await store.putClassifications(fingerprint, topics);
  }
  await store.putLastCycle({ sources: fresh.sources.length, ok: fresh.sources.length, notModified: 0, failed: 0, skipped: 0, new: newArticles, updated: 0, duplicates: 0, curated: 0, durationMs: 0, errors: [], startedAt: now.toISOString(), finishedAt: now.toISOString() });
  out.mergeMs = performance.now() - t;
  const before = new Map(listStoreFiles(join(workDir, 'feedkurator.json')).map((f) => [f, statSync(f).mtimeMs]));
  t = performance.now();
  const stats = await store.flush();
  out.writeMs = performance.now() - t;
  // Which files the flush replaced, and their sizes: where the bytes go.
  out.written = listStoreFiles(join(workDir, 'feedkurator.json'))
    .filter((f) => before.get(f) !== statSync(f).mtimeMs)
    .map((f) => ({ file: basename(f), bytes: statSync(f).size }));
  Object.assign(out, stats, { newArticles, changes: { ...changes, days: changes.days.size } });
  await store.close();
  rmSync(workDir, { recursive: true, force: true });
} else {
  // The old single document: sources, retired and every article with its content, plus the new items.
  const store = await openStore({ storePath }, { readOnly: true });
  const articles = [];
  for await (const batch of store.streamArticles(2_000)) articles.push(...batch);
  for (const { items } of fresh.sources) articles.push(...items);
  const doc = { version: 2, sources: Object.fromEntries(await store.getSourceStates()), retired: Object.fromEntries(await store.listRetired()), articles };
  await store.close();
  mkdirSync(workDir, { recursive: true });
  const t = performance.now();
  const text = JSON.stringify(doc);
  await writeFile(join(workDir, 'plain.json'), text);
  out.writeMs = performance.now() - t;
  Object.assign(out, { bytes: Buffer.byteLength(text), files: 1, newArticles: fresh.items });
  rmSync(workDir, { recursive: true, force: true });
}
process.stdout.write(`${JSON.stringify(out)}\n`);

function syncFiles(paths) {
  for (const path of paths) {
    const fd = openSync(path, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

/** Generated sources the store has never seen, until they hold 1 % of its articles. */
async function readNewSources(first, seed, anchor) {
  const store = await openStore({ storePath }, { readOnly: true });
  const want = Math.max(1, Math.round((await store.countArticles()) / 100));
  await store.close();
  const sources = [];
  let items = 0;
  for (let index = first; items < want; index++) {
    const source = generateSource(index, { seed, anchor });
    const url = `http://127.0.0.1/feeds/${index}.xml`;
    const feed = await readFeedBody(source.body, source.contentType, url, now);
    const take = feed.items.slice(0, want - items);
    sources.push({ name: source.name, url, items: take });
    items += take.length;
  }
  return { sources, items };
}

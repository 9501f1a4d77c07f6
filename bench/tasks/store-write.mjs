/**
 * Store write cost at a given size, one mode per process so that peak RSS
 * belongs to that mode alone:
 *   feedkurator: openStore() then store.write() (atomic: temp file, fsync, rename, .bak)
 *   baseline:    JSON.parse of the file, then JSON.stringify + writeFile (no atomicity, no fsync)
 * Each write follows a one-article change, as after a poll.
 *
 * Usage: node store-write.mjs MODE STORE_PATH WRITES
 * Prints {"openMs":N,"writeMs":[…]}.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { importDist } from '../lib/dist.mjs';

const [mode, storePath, writesArg] = process.argv.slice(2);
const writes = Number(writesArg);
const writeMs = [];
let openMs;

function touch(data, i) {
  const article = data.articles[i % data.articles.length];
  article.updated = new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
}

if (mode === 'feedkurator') {
  const { openStore } = await importDist('store/store.js');
  let t = performance.now();
  const store = await openStore(storePath);
  openMs = performance.now() - t;
  for (let i = 0; i < writes; i++) {
    touch(store.data, i);
    t = performance.now();
    await store.write();
    writeMs.push(performance.now() - t);
  }
  await store.close();
} else {
  let t = performance.now();
  const data = JSON.parse(await readFile(storePath, 'utf8'));
  openMs = performance.now() - t;
  for (let i = 0; i < writes; i++) {
    touch(data, i);
    t = performance.now();
    await writeFile(`${storePath}.plain`, JSON.stringify(data));
    writeMs.push(performance.now() - t);
  }
}
process.stdout.write(`${JSON.stringify({ openMs, writeMs })}\n`);

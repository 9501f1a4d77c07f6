/**
 * PostgreSQL store at scale, against a throwaway cluster: the store
 * operations of a poll and a rebuild with 10,000 and 1,000,000 articles in
 * the table (two databases, measured in alternation in the same run), to
 * show that they follow the change and not the table.
 *
 *   npm run build && node --import tsx bench/tasks/pg-scale.mjs [RUNS] [SIZES, default 10000,1000000]
 *
 * Per table size (rows filled by SQL, then the measured operations through
 * the compiled store in dist/, 8 merges at a time as fetch.concurrency):
 *   cold 200 / 1,000:  mergeSource of N sources × 20 new items (lookup, plan, insert, keys, state)
 *   warm 200 / 1,000:  the same sources again: every item found, nothing to write (lookup + state)
 *   304 1,000:         putSourceState for 1,000 sources (a poll where every source answers 304)
 *   claim 1,000:       claimSources of 1,000 names (one replica's claim per cycle)
 *   newest 100 / window 60 d: listNewestHeads, the publication's query
 *   changes:           changesSince after one merge (what another replica reads on NOTIFY)
 *   retention:         applyRetention with nothing to drop (maxItems above the table size)
 *   listHeads:         every head (what start-up read before the curation window; grows with the table)
 *   daemon start:      Daemon.start() on the table (curation window, stored topics, publication), a second
 *                      start (topics stored by the first), a rebuild (feed title edit) and a rules edit
 *                      (topic title: the window classified again); the filler is not curated, so this is
 *                      the cost of reading and classifying the window, not of rendering.
 * Prints one JSON line; medians of RUNS runs where a run can be repeated.
 * A fourth argument `start` measures only the daemon start (no merge runs).
 */
import { importDist } from '../lib/dist.mjs';
import { startPostgresCluster } from '../../tests/helpers/postgres.ts';

const RUNS = Number(process.argv[2] ?? 3);
const START_ONLY = process.argv[4] === 'start';
const SIZES = (process.argv[3] ?? '10000,1000000').split(',').map(Number);
const PER_SOURCE = 20;
const CONCURRENCY = 8;
const log = (line) => process.stderr.write(`pg-scale: ${line}\n`);
const { openPostgresStore } = await importDist('store/postgres/postgres-store.js');
const { idForKey, urlKeyOf, guidKeyOf } = await importDist('dedupe/identity.js');
const { Daemon } = await importDist('daemon/daemon.js');
const { parseConfig } = await importDist('config/load.js');
const { createSilentLogger } = await importDist('log/logger.js');

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (ms) => Math.round(ms * 10) / 10;

async function timed(fn) {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function inParallel(items, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

function itemsOf(tag, source) {
  const now = Date.now();
  return Array.from({ length: PER_SOURCE }, (_, i) => {
    const link = `https://news-${tag}.example.test/${source}/artikel-${i}`;
    const key = urlKeyOf(link);
    const published = new Date(now - (source * PER_SOURCE + i) * 1_000).toISOString();
    return {
      id: idForKey(key), key, title: `Artikel ${i} von Quelle ${source} (${tag})`, link, summary: 'Zusammenfassung '.repeat(10),
      categories: ['Linux'], enclosures: [], published, firstSeen: published, contentHash: '0123456789abcdef',
      sources: [{ name: `q-${tag}-${source}`, guid: `g-${i}`, link, firstSeen: published }],
      content: `<p>${'Inhalt des Artikels. '.repeat(100)}</p>`,
    };
  });
}

function requestFor(tag, source) {
  const name = `q-${tag}-${source}`;
  const items = itemsOf(tag, source);
  return {
    source: name,
    keys: items.flatMap((a) => [a.key, guidKeyOf(name, `g-${items.indexOf(a)}`)]),
    ids: items.map((a) => a.id),
    plan(found) {
      const writes = items
        .filter((a) => !found.byKey.has(a.key) && !found.byId.has(a.id))
        .map(({ content, ...head }) => ({ head, content }));
      return { merge: { writes, retiredSeen: [], day: new Date().toISOString().slice(0, 10) }, result: writes.length };
    },
    state: { name, url: `https://${name}.example.test/feed`, consecutiveErrors: 0, lastAttempt: new Date().toISOString() },
  };
}

const FILL = `
  INSERT INTO articles (id, key, head, content, published, first_seen)
  SELECT id, key,
    json_build_object('id', id, 'key', key, 'title', 'Füllartikel ' || g, 'link', 'https://filler.example.test/' || g,
      'summary', repeat('Text ', 40), 'categories', json_build_array('Linux'), 'enclosures', json_build_array(),
      'published', p, 'firstSeen', p, 'contentHash', '0000000000000000',
      'sources', json_build_array(json_build_object('name', 'filler', 'guid', 'f' || g, 'firstSeen', p))),
    repeat('<p>Inhalt</p>', 40), p::timestamptz, p::timestamptz
  FROM (
    SELECT g, 'e' || lpad(to_hex(g), 15, '0') AS id, 'url:filler.example.test/' || g AS key,
      to_char((timestamp '2026-01-01' - g * interval '47 seconds'), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS p
    FROM generate_series($1::int, $2::int) g
  ) AS rows`;
const FILL_KEYS = `
  INSERT INTO article_keys (key, article_id)
  SELECT 'url:filler.example.test/' || g, 'e' || lpad(to_hex(g), 15, '0') FROM generate_series($1::int, $2::int) g
  UNION ALL
  SELECT 'guid:filler:f' || g, 'e' || lpad(to_hex(g), 15, '0') FROM generate_series($1::int, $2::int) g`;

async function fillTo(cluster, dbName, from, to) {
  if (to < from) return;
  for (let start = from; start <= to; start += 100_000) {
    const end = Math.min(to, start + 99_999);
    await cluster.query(dbName, FILL, [start, end]);
    await cluster.query(dbName, FILL_KEYS, [start, end]);
  }
  await cluster.query(dbName, 'VACUUM ANALYZE articles');
  await cluster.query(dbName, 'VACUUM ANALYZE article_keys');
}

async function measure(store, size, round_) {
  const out = {};
  for (const sources of [200, 1_000]) {
    const tag = `${size}-${round_}-${sources}`;
    const names = Array.from({ length: sources }, (_, i) => i);
    out[`cold${sources}`] = await timed(() => inParallel(names, (i) => store.mergeSource(requestFor(tag, i))));
    out[`warm${sources}`] = await timed(() => inParallel(names, (i) => store.mergeSource(requestFor(tag, i))));
  }
  const states = Array.from({ length: 1_000 }, (_, i) => ({ name: `q-304-${i}`, url: 'https://x.test/feed', consecutiveErrors: 0, lastAttempt: new Date().toISOString(), etag: `"${round_}"` }));
  out.notModified1000 = await timed(() => inParallel(states, (s) => store.putSourceState(s)));
  out.claim1000 = await timed(() =>
    store.claimSources({ names: states.map((s) => s.name), attemptedBefore: new Date(Date.now() + 60_000), leaseUntil: new Date(Date.now() + 1) }),
  );
  out.newest100 = await timed(() => store.listNewestHeads({ limit: 100 }));
  out.window60d = await timed(() => store.listNewestHeads({ limit: 20_000, publishedAfter: new Date(Date.now() - 60 * 86_400_000) }));
  const { cursor } = await store.changesSince(null).then((c) => ({ cursor: c.cursor }));
  await store.mergeSource(requestFor(`chg-${size}-${round_}`, 0));
  out.changes = await timed(() => store.changesSince(cursor));
  out.retention = await timed(() => store.applyRetention({ retentionDays: 100_000, maxItems: 2_000_000 }, new Date()));
  return out;
}

/** Daemon.start() on this store, twice, then a rebuild and a rules edit (see the file comment). */
async function measureStart(store, size) {
  const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), `pg-start-${size}-`));
  const shipped = readFileSync(new URL('../../config/feedkurator.yaml', import.meta.url), 'utf8');
  const topics = shipped.slice(shipped.search(/^topics:/m)).replace(/^sources:[\s\S]*$/m, '');
  const yaml = (title, kernel) =>
    `storage:\n  path: ${JSON.stringify(join(dir, 'store.json'))}\nfeed:\n  title: ${JSON.stringify(title)}\n${topics.replace('title: Kernel\n', `title: ${kernel}\n`)}\nsources: []\n`;
  const config = parseConfig(yaml('Bench', 'Kernel'), join(dir, 'feedkurator.yaml'), { env: {} });
  const out = {};
  try {
    for (const key of ['firstStart', 'start']) {
      const daemon = new Daemon({ config, store, logger: createSilentLogger() });
      out[key] = await timed(() => daemon.start());
      out.articles = daemon.articleCount;
      if (key === 'start') {
        out.rebuild = await timed(() => daemon.applyConfig(parseConfig(yaml('Bench 2', 'Kernel'), config.file, { env: {} })));
        out.rulesEdit = await timed(() => daemon.applyConfig(parseConfig(yaml('Bench 2', 'Linux-Kernel'), config.file, { env: {} })));
      }
      await daemon.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

const cluster = await startPostgresCluster();
// Stopped from outside (Ctrl-C, timeout): take the throwaway cluster down too.
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => cluster.stop().finally(() => process.exit(130)));
const result = { runs: RUNS, sizes: {} };
try {
  // One database per table size in the same cluster, measured in alternation, so that whatever
  // else the machine does weighs on both alike and the ratio large/small means something.
  const dbs = [];
  for (const size of SIZES) {
    const url = await cluster.createDatabase(`scale${size}`);
    const dbName = new URL(url).pathname.slice(1);
    const store = await openPostgresStore(url, { max: 10 });
    const t = performance.now();
    await fillTo(cluster, dbName, 1, size);
    log(`${size} filler rows in ${Math.round(performance.now() - t)} ms`);
    dbs.push({ size, url, dbName, store, runs: [] });
  }
  for (let r = 0; r < (START_ONLY ? 0 : RUNS); r++) {
    for (const db of r % 2 ? [...dbs].reverse() : dbs) {
      db.runs.push(await measure(db.store, db.size, r));
      log(`${db.size}: run ${r + 1}/${RUNS} ${JSON.stringify(Object.fromEntries(Object.entries(db.runs.at(-1)).map(([k, v]) => [k, Math.round(v)])))}`);
    }
  }
  for (const db of dbs) {
    const start = await measureStart(db.store, db.size);
    log(`${db.size}: daemon ${JSON.stringify(Object.fromEntries(Object.entries(start).map(([k, v]) => [k, Math.round(v)])))}`);
    const t = performance.now();
    const heads = await db.store.listHeads();
    const listHeadsMs = performance.now() - t;
    const medians = db.runs.length ? Object.fromEntries(Object.keys(db.runs[0]).map((k) => [k, round(median(db.runs.map((x) => x[k])))])) : {};
    const rows = await db.store.countArticles();
    const bytes = await cluster.query(db.dbName, 'SELECT pg_database_size(current_database()) AS b');
    const stats = await cluster.query(
      db.dbName,
      'SELECT xact_commit, tup_returned, tup_fetched, tup_inserted, tup_updated, tup_deleted, blks_hit, blks_read FROM pg_stat_database WHERE datname = current_database()',
    );
    result.sizes[db.size] = { rows, listHeads: round(listHeadsMs), listHeadsRows: heads.length, daemon: Object.fromEntries(Object.entries(start).map(([k, v]) => [k, round(v)])), databaseMb: Math.round(Number(bytes.rows[0].b) / 1e6), ...medians, databaseStats: stats.rows[0] };
    await db.store.close();
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await cluster.stop();
}

/**
 * Which PostgreSQL driver: node-postgres (`pg`, with its pool) or `postgres`
 * (porsager), on the two things the store does most — upserting one
 * source's articles in a transaction, and reading many heads — against a
 * throwaway cluster (tests/helpers/postgres.ts), both drivers in the same run,
 * alternating which goes first.
 *
 *   node --import tsx bench/tasks/pg-driver.mjs [RUNS]
 *
 * Prints one JSON line: per driver and scenario the median of RUNS runs (ms).
 *   upsertRows:  1,000 upserts, one statement per row, in 50 transactions of 20 (one source's items each)
 *   upsertBatch: the same 1,000 upserts as one multi-row statement (unnest of arrays) per transaction
 *   read10k:     SELECT of 10,000 rows (head columns and a jsonb column), whole result in memory
 */
import pg from 'pg';
import postgres from 'postgres';
import { startPostgresCluster } from '../../tests/helpers/postgres.ts';

const RUNS = Number(process.argv[2] ?? 7);
const SOURCES = 50;
const PER_SOURCE = 20;
const log = (line) => process.stderr.write(`pg-driver: ${line}\n`);

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS bench_articles (
    id text PRIMARY KEY, title text NOT NULL, published timestamptz NOT NULL,
    sources jsonb NOT NULL, content text NOT NULL
  )`;

function rowsFor(run, source) {
  const rows = [];
  for (let i = 0; i < PER_SOURCE; i++) {
    const n = source * PER_SOURCE + i;
    rows.push({
      id: `a${n.toString(16).padStart(15, '0')}`,
      title: `Artikel ${n} aus Lauf ${run}: Kernel, Container und Hosting`,
      published: new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString(),
      sources: JSON.stringify([{ name: `quelle-${source}`, guid: `g-${n}`, firstSeen: '2026-01-01T00:00:00.000Z' }]),
      content: `<p>${'Lorem ipsum dolor sit amet. '.repeat(60)}${run}</p>`,
    });
  }
  return rows;
}

const UPSERT_ROW = `INSERT INTO bench_articles (id, title, published, sources, content) VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, published = EXCLUDED.published, sources = EXCLUDED.sources, content = EXCLUDED.content`;
const UPSERT_BATCH = `INSERT INTO bench_articles (id, title, published, sources, content)
  SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::jsonb[], $5::text[])
  ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, published = EXCLUDED.published, sources = EXCLUDED.sources, content = EXCLUDED.content`;
const columns = (rows) => [rows.map((r) => r.id), rows.map((r) => r.title), rows.map((r) => r.published), rows.map((r) => r.sources), rows.map((r) => r.content)];
const READ = 'SELECT id, title, published, sources FROM bench_read ORDER BY published DESC LIMIT 10000';

const drivers = {
  pg: (url) => {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    return {
      async upsertRows(run) {
        await Promise.all(
          Array.from({ length: SOURCES }, async (_, source) => {
            const client = await pool.connect();
            try {
              await client.query('BEGIN');
              for (const r of rowsFor(run, source)) await client.query(UPSERT_ROW, [r.id, r.title, r.published, r.sources, r.content]);
              await client.query('COMMIT');
            } finally {
              client.release();
            }
          }),
        );
      },
      async upsertBatch(run) {
        await Promise.all(
          Array.from({ length: SOURCES }, async (_, source) => {
            const client = await pool.connect();
            try {
              await client.query('BEGIN');
              await client.query(UPSERT_BATCH, columns(rowsFor(run, source)));
              await client.query('COMMIT');
            } finally {
              client.release();
            }
          }),
        );
      },
      async read10k() {
        const res = await pool.query(READ);
        if (res.rows.length !== 10_000) throw new Error(`read ${res.rows.length} rows`);
      },
      end: () => pool.end(),
    };
  },
  postgres: (url) => {
    const sql = postgres(url, { max: 10, onnotice: () => {} });
    return {
      async upsertRows(run) {
        await Promise.all(
          Array.from({ length: SOURCES }, (_, source) =>
            sql.begin(async (tx) => {
              for (const r of rowsFor(run, source)) await tx.unsafe(UPSERT_ROW, [r.id, r.title, r.published, r.sources, r.content], { prepare: true });
            }),
          ),
        );
      },
      async upsertBatch(run) {
        await Promise.all(
          Array.from({ length: SOURCES }, (_, source) =>
            sql.begin(async (tx) => {
              await tx.unsafe(UPSERT_BATCH, columns(rowsFor(run, source)), { prepare: true });
            }),
          ),
        );
      },
      async read10k() {
        const rows = await sql.unsafe(READ, [], { prepare: true });
        if (rows.length !== 10_000) throw new Error(`read ${rows.length} rows`);
      },
      end: () => sql.end(),
    };
  },
};

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const cluster = await startPostgresCluster();
try {
  const url = await cluster.createDatabase('driver');
  await cluster.query(url.split('/').pop(), SCHEMA);
  await cluster.query(
    url.split('/').pop(),
    `CREATE TABLE bench_read AS SELECT lpad(to_hex(g), 16, '0') AS id, 'Titel ' || g AS title,
       now() - g * interval '1 minute' AS published,
       jsonb_build_array(jsonb_build_object('name', 'quelle', 'guid', 'g' || g, 'firstSeen', '2026-01-01T00:00:00.000Z')) AS sources
     FROM generate_series(1, 20000) g`,
  );
  const samples = {};
  const open = Object.fromEntries(Object.entries(drivers).map(([name, make]) => [name, make(url)]));
  // One warm-up round each (connections, prepared statements, JIT of our own code).
  for (const d of Object.values(open)) {
    await d.upsertRows(0);
    await d.upsertBatch(0);
    await d.read10k();
  }
  for (let run = 1; run <= RUNS; run++) {
    const order = run % 2 ? ['pg', 'postgres'] : ['postgres', 'pg'];
    for (const scenario of ['upsertRows', 'upsertBatch', 'read10k']) {
      for (const name of order) {
        const t = performance.now();
        await open[name][scenario](run);
        ((samples[name] ??= {})[scenario] ??= []).push(performance.now() - t);
      }
    }
    log(`run ${run}/${RUNS} done`);
  }
  for (const d of Object.values(open)) await d.end();
  const result = Object.fromEntries(
    Object.entries(samples).map(([name, s]) => [name, Object.fromEntries(Object.entries(s).map(([k, v]) => [k, Math.round(median(v) * 10) / 10]))]),
  );
  process.stdout.write(`${JSON.stringify({ runs: RUNS, ...result })}\n`);
} finally {
  await cluster.stop();
}

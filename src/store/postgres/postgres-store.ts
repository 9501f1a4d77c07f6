/**
 * The PostgreSQL backend of the Store interface (src/store/store-api.ts).
 * Every operation is committed when its promise resolves, so flush() has
 * nothing to do; several processes may share one database (see sources.ts
 * for the leases, merge-source.ts for concurrent merges).
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { StoreError } from '../../errors.js';
import type { CycleRecord, SourceState, StoredArticle } from '../../types.js';
import type { ArticleHead, Store, StoreChanges, StoreHealth } from '../store-api.js';
import { createDatabase, inTransaction, query, type Database, type PoolOptions } from './connect.js';
import { importData } from './import-data.js';
import { mergeSource, sourceStateParams, WRITE_SOURCE_STATE } from './merge-source.js';
import { migrate } from './migrate.js';
import { CURRENT_PG_SCHEMA_VERSION } from './migrations/index.js';
import { listenForChanges } from './notify.js';
import { applyRetention } from './retention.js';
import { reportRules } from './rules.js';
import { claimSources, getSourceStates } from './sources.js';
import { readStamps, stampBodies } from './validators.js';

export interface OpenPostgresOptions extends PoolOptions {
  /** No migration, no writes: for `export` beside running replicas. */
  readOnly?: boolean;
  /** This process's name among replicas (rules agreement); default hostname:pid. */
  replica?: string;
}

export type PostgresStore = Store & Required<Pick<Store, 'watch' | 'listNewestHeads' | 'changesSince' | 'changesCursor' | 'reportRules' | 'checkHealth' | 'poolStats' | 'stampPublication' | 'readPublicationStamps'>>;

export async function openPostgresStore(url: string, options: OpenPostgresOptions = {}): Promise<PostgresStore> {
  const db = createDatabase(url, options);
  try {
    const openedSchemaVersion = options.readOnly ? await checkSchema(db) : (await migrate(db)).from;
    return makeStore(db, options, openedSchemaVersion);
  } catch (err) {
    await db.pool.end().catch(() => {});
    throw db.fail('opening', err);
  }
}

async function checkSchema(db: Database): Promise<number | null> {
  const table = await query<{ t: string | null }>(db, 'connecting', "SELECT to_regclass('schema_migrations')::text AS t");
  const rows = table[0]?.t
    ? await query<{ version: number | null }>(db, 'reading the schema version', 'SELECT max(version) AS version FROM schema_migrations')
    : [];
  const version = rows[0]?.version ?? null;
  if (version !== CURRENT_PG_SCHEMA_VERSION) {
    const why = version === null ? 'holds no feedkurator store' : `has schema version ${version}, this feedkurator needs ${CURRENT_PG_SCHEMA_VERSION}`;
    throw new StoreError(db.location, `${db.target} ${why}; opened read-only, so it was not migrated (start serve or poll once)`);
  }
  return version;
}

function makeStore(db: Database, options: OpenPostgresOptions, openedSchemaVersion: number | null): PostgresStore {
  const readOnly = options.readOnly === true;
  // Tells this process's notifications from the others'.
  const instance = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const replica = options.replica ?? `${hostname()}:${process.pid}`;
  let closed = false;
  const writable = (): void => {
    if (closed) throw new StoreError(db.location, 'is closed');
    if (readOnly) throw new StoreError(db.location, 'was opened read-only and cannot be written');
  };
  const open = (): void => {
    if (closed) throw new StoreError(db.location, 'is closed');
  };
  const toArticle = (row: { head: ArticleHead; content: string }): StoredArticle => ({ ...row.head, content: row.content });

  return {
    kind: 'postgres',
    location: db.location,
    readOnly,
    openedSchemaVersion,

    async countArticles() {
      open();
      const rows = await query<{ n: string }>(db, 'counting articles', 'SELECT count(*) AS n FROM articles');
      return Number(rows[0]?.n ?? 0);
    },
    async listHeads() {
      open();
      return (await query<{ head: ArticleHead }>(db, 'listing articles', 'SELECT head FROM articles')).map((r) => r.head);
    },
    async getArticles(ids) {
      open();
      if (ids.length === 0) return [];
      const rows = await query<{ head: ArticleHead; content: string }>(
        db,
        'reading articles',
        'SELECT head, content FROM articles WHERE id = ANY($1::text[])',
        [[...new Set(ids)]],
      );
      return rows.map(toArticle);
    },
    async *streamArticles(batchSize = 500) {
      open();
      let after = '';
      for (;;) {
        // Keyset pagination: each batch is one index range, however far in.
        const rows = await query<{ id: string; head: ArticleHead; content: string }>(
          db,
          'reading articles',
          'SELECT id, head, content FROM articles WHERE id COLLATE "C" > $1 ORDER BY id COLLATE "C" LIMIT $2',
          [after, batchSize],
        );
        if (rows.length === 0) return;
        yield rows.map(toArticle);
        after = rows[rows.length - 1]!.id;
        if (rows.length < batchSize) return;
      }
    },
    async mergeSource(request) {
      writable();
      return mergeSource(db, instance, request);
    },
    async applyRetention(limits, now) {
      writable();
      return applyRetention(db, instance, limits, now);
    },

    async getSourceStates() {
      open();
      return getSourceStates(db);
    },
    async putSourceState(state: SourceState) {
      writable();
      await query(db, `writing the state of source "${state.name}"`, WRITE_SOURCE_STATE, sourceStateParams(state));
    },
    async claimSources(request) {
      writable();
      return claimSources(db, request);
    },

    async getClassifications(fingerprint, ids) {
      open();
      const rows = await query<{ article_id: string; topics: string[] }>(
        db,
        'reading classifications',
        ids
          ? 'SELECT article_id, topics FROM classifications WHERE fingerprint = $1 AND article_id = ANY($2::text[])'
          : 'SELECT article_id, topics FROM classifications WHERE fingerprint = $1',
        ids ? [fingerprint, [...ids]] : [fingerprint],
      );
      return new Map(rows.map((r) => [r.article_id, r.topics]));
    },
    async putClassifications(fingerprint, topics) {
      writable();
      const ids = [...topics.keys()];
      await inTransaction(db, 'writing classifications', async (client) => {
        await client.query(
          `INSERT INTO classification_sets (fingerprint, used_at) VALUES ($1, now())
           ON CONFLICT (fingerprint) DO UPDATE SET used_at = now()`,
          [fingerprint],
        );
        if (ids.length > 0) {
          await client.query(
            `INSERT INTO classifications (fingerprint, article_id, topics)
             SELECT $1, * FROM unnest($2::text[], $3::json[])
             ON CONFLICT (fingerprint, article_id) DO UPDATE SET topics = EXCLUDED.topics`,
            [fingerprint, ids, ids.map((id) => JSON.stringify(topics.get(id)))],
          );
        }
        // Keep the three rule sets used last: replicas briefly on different rules do not evict each other.
        await client.query(
          `WITH old AS (DELETE FROM classification_sets WHERE fingerprint IN
             (SELECT fingerprint FROM classification_sets ORDER BY used_at DESC OFFSET 3) RETURNING fingerprint)
           DELETE FROM classifications c USING old WHERE c.fingerprint = old.fingerprint`,
        );
      });
    },

    async getLastCycle() {
      open();
      const rows = await query<{ value: CycleRecord }>(db, 'reading the last cycle', "SELECT value FROM meta WHERE name = 'last_cycle'");
      return rows[0]?.value;
    },
    async putLastCycle(record) {
      writable();
      await query(
        db,
        'writing the last cycle',
        `INSERT INTO meta (name, value) VALUES ('last_cycle', $1) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value`,
        [JSON.stringify(record)],
      );
    },

    async listRetired() {
      open();
      const rows = await query<{ id: string; day: string }>(db, 'reading tombstones', 'SELECT id, day FROM retired');
      return new Map(rows.map((r) => [r.id, r.day]));
    },
    async importData(data) {
      writable();
      await importData(db, instance, data);
    },

    async flush() {
      return { bytes: 0, files: 0 };
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.pool.end().catch(() => {});
    },
    async watch(onChange) {
      open();
      const stop = await listenForChanges(db, instance, onChange);
      return () => void stop();
    },

    async listNewestHeads({ limit, publishedAfter }) {
      open();
      const rows = await query<{ head: ArticleHead }>(
        db,
        'listing the newest articles',
        `SELECT head FROM articles WHERE published >= $1
         ORDER BY published DESC, first_seen DESC, id COLLATE "C" LIMIT $2`,
        [(publishedAfter ?? new Date(0)).toISOString(), limit],
      );
      return rows.map((r) => r.head);
    },
    async changesCursor() {
      open();
      const rows = await query<{ xmin: string }>(db, 'reading the change cursor', 'SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin');
      return rows[0]!.xmin;
    },
    async changesSince(cursor): Promise<StoreChanges> {
      open();
      return changesSince(db, cursor);
    },
    async reportRules(fingerprint, now) {
      writable();
      return reportRules(db, instance, replica, fingerprint, now);
    },
    async stampPublication(bodies) {
      writable();
      return stampBodies(db, instance, bodies);
    },
    async readPublicationStamps(bodies) {
      open();
      return readStamps(db, bodies);
    },
    async checkHealth(): Promise<StoreHealth> {
      const started = performance.now();
      try {
        await query(db, 'health check', 'SELECT 1');
        const latencyMs = performance.now() - started;
        return { ok: true, detail: `${db.target}, ${latencyMs.toFixed(0)} ms`, latencyMs };
      } catch (err) {
        return { ok: false, detail: (err as Error).message };
      }
    },
    poolStats() {
      return { total: db.pool.totalCount, idle: db.pool.idleCount, waiting: db.pool.waitingCount + db.waiting() };
    },
  };
}

/**
 * Rows carry the id of the transaction that wrote them. The cursor is the
 * oldest transaction still running when we looked (the snapshot's xmin):
 * everything older is visible now, so the next call asks for rows written by
 * that transaction or later — never missing a late commit, sometimes
 * returning a row twice.
 */
async function changesSince(db: Database, cursor: string | null): Promise<StoreChanges> {
  return inTransaction(db, 'reading changes', async (client) => {
    await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    const snapshot = await client.query<{ xmin: string }>('SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin');
    const from = cursor ?? '0';
    const heads = await client.query<{ head: ArticleHead }>('SELECT head FROM articles WHERE xid >= $1::xid8', [from]);
    const removed =
      cursor === null ? { rows: [] } : await client.query<{ id: string }>('SELECT id FROM retired WHERE xid >= $1::xid8', [from]);
    return { cursor: snapshot.rows[0]!.xmin, heads: heads.rows.map((r) => r.head), removed: removed.rows.map((r) => r.id) };
  });
}

/**
 * Schema migrations, applied when a store is opened: under a session
 * advisory lock (two replicas starting together migrate once), each version
 * in its own transaction, recorded in schema_migrations.
 *
 * A database whose schema is newer than this build knows is refused: an
 * older feedkurator must not write into a layout it does not understand.
 */
import type pg from 'pg';
import { StoreError } from '../../errors.js';
import type { Database } from './connect.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';

/** pg_advisory_lock(int4, int4) key space, apart from the bigint keys of merges. */
const LOCK_CLASS = 0x666b; // "fk"
const LOCK_MIGRATE = 1;

export interface MigrationOutcome {
  /** Version found before migrating; null for an empty database. */
  from: number | null;
  to: number;
}

/** Bring the schema to `upTo` (default: every migration this build has). */
export async function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS, upTo = migrations.length): Promise<MigrationOutcome> {
  let client: pg.PoolClient;
  try {
    client = await db.pool.connect();
  } catch (err) {
    throw db.fail('connecting', err);
  }
  try {
    await client.query('SELECT pg_advisory_lock($1, $2)', [LOCK_CLASS, LOCK_MIGRATE]);
    try {
      await client.query(
        `CREATE TABLE IF NOT EXISTS schema_migrations (
           version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const found = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations');
      const from = found.rows[0]?.version ?? null;
      const known = migrations.length;
      if (from !== null && from > known) {
        throw new StoreError(
          db.location,
          `${db.target} has schema version ${from}, newer than this feedkurator knows (${known}); upgrade feedkurator, or use another database`,
        );
      }
      for (const migration of migrations.slice(from ?? 0, upTo)) {
        try {
          await client.query('BEGIN');
          await client.query(migration.sql);
          await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => {});
          throw db.fail(`schema migration ${migration.version} (${migration.name})`, err);
        }
      }
      return { from, to: Math.max(from ?? 0, upTo) };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_CLASS, LOCK_MIGRATE]).catch(() => {});
    }
  } catch (err) {
    throw db.fail('opening', err);
  } finally {
    client.release();
  }
}

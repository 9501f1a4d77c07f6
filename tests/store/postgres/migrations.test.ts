/**
 * Schema migrations and the opening errors: from an empty database, from
 * every earlier version (the first K migrations applied, then opened), a
 * newer schema refused, unreachable databases and wrong passwords named
 * without the password.
 */
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../../src/errors.js';
import { createDatabase } from '../../../src/store/postgres/connect.js';
import { migrate } from '../../../src/store/postgres/migrate.js';
import { CURRENT_PG_SCHEMA_VERSION, MIGRATIONS } from '../../../src/store/postgres/migrations/index.js';
import { openPostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { PG_PASSWORD, postgresAvailable, usePostgresCluster } from '../../helpers/postgres.js';
import { makeArticle, storeNew } from '../store-contract.js';

const dbName = (url: string): string => new URL(url).pathname.slice(1);

describe.runIf(postgresAvailable())('PostgreSQL schema migrations', () => {
  const pgc = usePostgresCluster();

  it('creates the whole schema in an empty database and records every version', async () => {
    const url = await pgc.cluster.createDatabase('mig');
    const store = await openPostgresStore(url);
    expect(store.openedSchemaVersion).toBeNull();
    await store.close();
    const rows = await pgc.cluster.query(dbName(url), 'SELECT version, name FROM schema_migrations ORDER BY version');
    expect(rows.rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    const again = await openPostgresStore(url);
    expect(again.openedSchemaVersion).toBe(CURRENT_PG_SCHEMA_VERSION);
    await again.close();
  });

  // Version 0 is a database some earlier run created the bookkeeping table in and nothing else.
  for (let k = 0; k < MIGRATIONS.length; k++) {
    it(`upgrades a database at version ${k} to ${CURRENT_PG_SCHEMA_VERSION}, keeping its data`, async () => {
      const url = await pgc.cluster.createDatabase(`mig${k}`);
      const db = createDatabase(url);
      expect(await migrate(db, MIGRATIONS, k)).toEqual({ from: null, to: k });
      const count = await pgc.cluster.query<{ n: string }>(dbName(url), 'SELECT count(*) AS n FROM schema_migrations');
      expect(Number(count.rows[0]!.n)).toBe(k);
      if (k > 0) {
        // Data written at version k survives the later migrations.
        await db.pool.query(
          "INSERT INTO meta (name, value) VALUES ('last_cycle', '{\"sources\":1}')",
        );
      }
      await db.pool.end();
      const store = await openPostgresStore(url);
      expect(store.openedSchemaVersion).toBe(k === 0 ? null : k);
      if (k > 0) expect(await store.getLastCycle()).toEqual({ sources: 1 });
      await storeNew(store, 'quelle-a', [makeArticle(1)]);
      expect(await store.countArticles()).toBe(1);
      await store.close();
    });
  }

  it('migrates once when two processes open an empty database together', async () => {
    const url = await pgc.cluster.createDatabase('migrace');
    const stores = await Promise.all([openPostgresStore(url), openPostgresStore(url), openPostgresStore(url)]);
    const versions = stores.map((s) => s.openedSchemaVersion).sort();
    expect(versions).toEqual([CURRENT_PG_SCHEMA_VERSION, CURRENT_PG_SCHEMA_VERSION, null]);
    await Promise.all(stores.map((s) => s.close()));
  });

  it('refuses a database whose schema is newer than this build', async () => {
    const url = await pgc.cluster.createDatabase('future');
    (await openPostgresStore(url)).close();
    await pgc.cluster.query(dbName(url), "INSERT INTO schema_migrations (version, name) VALUES (99, 'from-the-future')");
    const err = await openPostgresStore(url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toContain(`has schema version 99, newer than this feedkurator knows (${CURRENT_PG_SCHEMA_VERSION})`);
    expect((err as Error).message).toContain(`database "${dbName(url)}" on 127.0.0.1:${pgc.cluster.port}`);
    expect((err as Error).message).not.toContain(PG_PASSWORD);
  });

  it('names host and database, not the password, when nothing listens there', async () => {
    const port = pgc.cluster.port === 1 ? 2 : 1; // privileged and unused: refused at once
    const url = `postgres://fk:${PG_PASSWORD}@127.0.0.1:${port}/feeds`;
    const err = await openPostgresStore(url, { connectTimeoutMs: 2_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    const message = (err as Error).message;
    expect(message).toBe(
      `store postgres://fk:***@127.0.0.1:${port}/feeds: connecting failed on database "feeds" on 127.0.0.1:${port}: connection refused (is PostgreSQL running and listening there?)`,
    );
    expect(message).not.toContain(PG_PASSWORD);
    expect(message).not.toContain('\n');
  });

  it('says the password is wrong without printing either password', async () => {
    const wrong = 'not-the-pw';
    const url = pgc.cluster.urlFor('postgres', wrong);
    const err = await openPostgresStore(url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toMatch(/password authentication failed \(wrong user or password\)$/);
    expect((err as Error).message).toContain('database "postgres" on 127.0.0.1');
    expect((err as Error).message).not.toContain(wrong);
  });

  it('says a database does not exist', async () => {
    const err = await openPostgresStore(pgc.cluster.urlFor('nichtda')).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/database "nichtda" on 127\.0\.0\.1:\d+: the database does not exist$/);
  });

  it('opens read-only without migrating, and refuses an unmigrated database so', async () => {
    const url = await pgc.cluster.createDatabase('ro');
    const err = await openPostgresStore(url, { readOnly: true }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/holds no feedkurator store; opened read-only, so it was not migrated/);
    (await openPostgresStore(url)).close();
    const ro = await openPostgresStore(url, { readOnly: true });
    expect(ro.readOnly).toBe(true);
    expect(await ro.countArticles()).toBe(0);
    await expect(ro.putSourceState({ name: 'x', url: 'https://x.test/', consecutiveErrors: 0 })).rejects.toThrow(/read-only/);
    await ro.close();
  });
});

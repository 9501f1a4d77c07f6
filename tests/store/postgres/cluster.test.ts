/** The throwaway cluster itself: unprivileged, on loopback, password-checked, gone after stop. */
import { existsSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { PG_PASSWORD, postgresAvailable, startPostgresCluster, usePostgresCluster } from '../../helpers/postgres.js';

describe.runIf(postgresAvailable())('throwaway PostgreSQL cluster', () => {
  const pgc = usePostgresCluster();

  it('serves on 127.0.0.1 as an unprivileged OS user, with fsync off', async () => {
    const { cluster } = pgc;
    const url = await cluster.createDatabase('harness');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const settings = await client.query<{ name: string; setting: string }>(
        "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'listen_addresses', 'port')",
      );
      const byName = Object.fromEntries(settings.rows.map((r) => [r.name, r.setting]));
      expect(byName).toEqual({ fsync: 'off', listen_addresses: '127.0.0.1', port: String(cluster.port) });
      const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${cluster.pid}/status`, 'utf8'))?.[1];
      expect(Number(uid)).not.toBe(0);
    } finally {
      await client.end();
    }
  });

  it('refuses a wrong password', async () => {
    const client = new pg.Client({ connectionString: pgc.cluster.urlFor('postgres', `${PG_PASSWORD}-wrong`) });
    await expect(client.connect()).rejects.toThrow(/password authentication failed/);
  });

  it('removes its directory when stopped', async () => {
    const second = await startPostgresCluster();
    expect(existsSync(second.dir)).toBe(true);
    await second.query('postgres', 'SELECT 1');
    await second.stop();
    expect(existsSync(second.dir)).toBe(false);
  });
});

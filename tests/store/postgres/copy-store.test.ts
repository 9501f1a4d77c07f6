/**
 * `feedkurator copy-store --to …` through the real CLI: PostgreSQL to
 * PostgreSQL (and through a JSON file and back once the JSON backend is in
 * the build), verified by counts and by content, refusing non-empty targets.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../../src/store/postgres/postgres-store.js';
import type { Store } from '../../../src/store/store-api.js';
import type { StoredArticle } from '../../../src/types.js';
import { makeTempDir, renderTestConfig, runCli } from '../../helpers/cli.js';
import { PG_PASSWORD, postgresAvailable, usePostgresCluster } from '../../helpers/postgres.js';
import { makeArticle, stateOf, storeNew } from '../store-contract.js';
import { writeFileSync } from 'node:fs';

const NOW = new Date('2026-06-15T12:00:00.000Z');
/** Each test starts the CLI a few times; on a busy 2-core machine one start alone can take seconds. */
const CLI_TIMEOUT = { timeoutMs: 90_000 };
const TEST_TIMEOUT = 240_000;

function configWithUrl(dir: string, url?: string): string {
  const file = path.join(dir, 'feedkurator.yaml');
  let text = renderTestConfig(dir, []);
  if (url) text = text.replace(/^storage:\n {2}path: .*$/m, (m) => `${m}\n  url: ${JSON.stringify(url)}`);
  writeFileSync(file, text);
  return file;
}

async function snapshot(store: Store) {
  const articles: StoredArticle[] = [];
  for await (const batch of store.streamArticles(100)) articles.push(...batch);
  articles.sort((a, b) => (a.id < b.id ? -1 : 1));
  return { articles, states: await store.getSourceStates(), retired: await store.listRetired(), cycle: await store.getLastCycle() };
}

describe.runIf(postgresAvailable())('feedkurator copy-store', () => {
  const pgc = usePostgresCluster();
  let sourceUrl: string;
  let expected: Awaited<ReturnType<typeof snapshot>>;

  beforeAll(async () => {
    sourceUrl = await pgc.cluster.createDatabase('copysrc');
    const store = await openPostgresStore(sourceUrl);
    // 1,203 articles: more than two batches of 500; one dropped by retention into a tombstone.
    const articles = Array.from({ length: 1_203 }, (_, i) => makeArticle(i + 1));
    for (let i = 0; i < articles.length; i += 300) await storeNew(store, `quelle-${i / 300}`, articles.slice(i, i + 300));
    await store.putSourceState(stateOf('kaputt', { consecutiveErrors: 4, lastError: 'HTTP 503', lastErrorCode: 'FK_HTTP_STATUS' }));
    await store.applyRetention({ retentionDays: 60, maxItems: 1_200 }, NOW);
    await store.putLastCycle({
      sources: 6, ok: 5, notModified: 0, failed: 1, skipped: 0, new: 1_203, updated: 0, duplicates: 0, curated: 10, durationMs: 1234,
      errors: [{ source: 'kaputt', code: 'FK_HTTP_STATUS', error: 'HTTP 503' }], startedAt: NOW.toISOString(), finishedAt: NOW.toISOString(),
    });
    expected = await snapshot(store);
    await store.close();
    expect(expected.articles).toHaveLength(1_200);
    expect(expected.retired.size).toBe(3);
  }, 60_000);

  it('copies the configured database into an empty one, verified by counts, and refuses to copy into it twice', async () => {
    const dir = makeTempDir();
    const config = configWithUrl(dir, sourceUrl);
    const targetUrl = await pgc.cluster.createDatabase('copydst');
    const result = await runCli(['copy-store', '--config', config, '--to', targetUrl], CLI_TIMEOUT);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^copied 1200 articles, 6 sources, 3 tombstones from postgres:\/\/fk:\*\*\*@127\.0\.0\.1:\d+\/copysrc_\d+_\d+ to postgres:\/\/fk:\*\*\*@.*\(counts verified\)\n$/);
    expect(result.stdout).not.toContain(PG_PASSWORD);

    const target = await openPostgresStore(targetUrl, { readOnly: true });
    expect(await snapshot(target)).toEqual(expected);
    await target.close();

    const again = await runCli(['copy-store', '--config', config, '--to', targetUrl], CLI_TIMEOUT);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/is not empty \(1200 articles, 6 sources, 3 tombstones\); copy-store only fills an empty store\n$/);
  }, TEST_TIMEOUT);

  it('takes the source from DATABASE_URL over the config file', async () => {
    const dir = makeTempDir();
    const config = configWithUrl(dir); // no storage.url: without DATABASE_URL this would be the JSON file
    const targetUrl = await pgc.cluster.createDatabase('copyenv');
    const result = await runCli(['copy-store', '--config', config, '--to', targetUrl], { env: { DATABASE_URL: sourceUrl }, ...CLI_TIMEOUT });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^copied 1200 articles/);
  }, TEST_TIMEOUT);

  it('is a usage error without --to, or with the active store as the target', async () => {
    const dir = makeTempDir();
    const config = configWithUrl(dir, sourceUrl);
    const missing = await runCli(['copy-store', '--config', config], CLI_TIMEOUT);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/copy-store needs --to URL\|PATH/);
    const self = await runCli(['copy-store', '--config', config, '--to', sourceUrl], CLI_TIMEOUT);
    expect(self.code).toBe(2);
    expect(self.stderr).toMatch(/--to names the active store itself/);
  }, TEST_TIMEOUT);

  it('exits 1 naming host and database, not the password, when the target cannot be reached', async () => {
    const dir = makeTempDir();
    const config = configWithUrl(dir, sourceUrl);
    const result = await runCli(['copy-store', '--config', config, '--to', `postgres://fk:${PG_PASSWORD}@127.0.0.1:1/ziel`], CLI_TIMEOUT);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'feedkurator: store postgres://fk:***@127.0.0.1:1/ziel: connecting failed on database "ziel" on 127.0.0.1:1: connection refused (is PostgreSQL running and listening there?)\n',
    );
  }, TEST_TIMEOUT);

  it('moves to a JSON file and back without losing anything', async () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'kopie', 'store.json'); // DATA_DIR keeps the config's file name, store.json
    const toFile = await runCli(['copy-store', '--config', configWithUrl(dir, sourceUrl), '--to', file], CLI_TIMEOUT);
    expect(toFile.code).toBe(0);
    const back = await pgc.cluster.createDatabase('copyback');
    const fileConfig = configWithUrl(makeTempDir());
    const toDb = await runCli(['copy-store', '--config', fileConfig, '--to', back], { env: { DATA_DIR: path.dirname(file) }, ...CLI_TIMEOUT });
    expect(toDb.code).toBe(0);
    const target = await openPostgresStore(back, { readOnly: true });
    expect(await snapshot(target)).toEqual(expected);
    await target.close();
  }, TEST_TIMEOUT);
});

/**
 * The curation window on PostgreSQL: a daemon-side curation keeps only the
 * newest heads (by publication date), reads the stored topics of those only,
 * classifies only those, and follows retention within the window — so that
 * start-up and rebuilds cost the window, not the table.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { Curation } from '../../../src/curate/curation.js';
import { rulesFor } from '../../../src/daemon/daemon.js';
import { openPostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { makeTempDir, renderTestConfig } from '../../helpers/cli.js';
import { postgresAvailable, usePostgresCluster } from '../../helpers/postgres.js';
import { makeArticle, storeNew } from '../store-contract.js';

describe.runIf(postgresAvailable())('PostgreSQL: the curation window', () => {
  const pgc = usePostgresCluster();

  it('keeps, classifies and publishes from the newest heads only', async () => {
    const url = await pgc.cluster.createDatabase('window');
    const store = await openPostgresStore(url);
    const dir = makeTempDir('feedkurator-window-');
    const rules = rulesFor(parseConfig(renderTestConfig(dir, []), `${dir}/feedkurator.yaml`, { env: {} }));
    try {
      // makeArticle(n) is published n minutes before the last: 1..4 are the newest.
      const articles = Array.from({ length: 12 }, (_, i) => makeArticle(i + 1));
      await storeNew(store, 'quelle-a', articles);

      const windowed = await Curation.open(store, rules, { window: 4 });
      expect(windowed.articleCount).toBe(4);
      const curated = windowed.listCurated().map((c) => c.head.id);
      expect(curated.length).toBeGreaterThan(0); // "Kernel 6.n erschienen" is a kernel article
      expect(new Set(curated)).toEqual(new Set(articles.slice(0, curated.length).map((a) => a.id)));
      // Only the window was classified and stored.
      expect((await store.getClassifications(rules.fingerprint)).size).toBe(4);
      expect([...(await store.getClassifications(rules.fingerprint, [articles[0]!.id, articles[11]!.id])).keys()]).toEqual([articles[0]!.id]);

      // Retention dropping the newest article: it leaves the window (the window is re-read from the store).
      await pgc.cluster.query(new URL(url).pathname.slice(1), 'DELETE FROM articles WHERE id = $1', [articles[0]!.id]);
      await windowed.applyCycle(store, { written: [], touched: [], dropped: 1 });
      const after = new Set(windowed.listCurated().map((c) => c.head.id));
      expect(after.has(articles[0]!.id)).toBe(false);
      expect(windowed.articleCount).toBeLessThanOrEqual(4);

      // Without a window (the JSON store's way) every head is kept.
      expect((await Curation.open(store, rules)).articleCount).toBe(11);
    } finally {
      await store.close();
    }
  }, 60_000);
});

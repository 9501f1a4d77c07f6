/** The Store contract, run against the PostgreSQL backend on a throwaway cluster. */
import { describe } from 'vitest';
import { openPostgresStore } from '../../../src/store/postgres/postgres-store.js';
import type { Store } from '../../../src/store/store-api.js';
import { postgresAvailable, usePostgresCluster } from '../../helpers/postgres.js';
import { describeStoreContract } from '../store-contract.js';

describe.runIf(postgresAvailable())('PostgreSQL store', () => {
  const pgc = usePostgresCluster();
  const urls = new WeakMap<Store, string>();
  describeStoreContract(
    'postgres',
    async () => {
      const url = await pgc.cluster.createDatabase('contract');
      const store = await openPostgresStore(url, { max: 3 });
      urls.set(store, url);
      return store;
    },
    { reopen: (closed) => openPostgresStore(urls.get(closed)!, { max: 3 }) },
  );
});

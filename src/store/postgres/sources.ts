/**
 * Source rows: fetch state, last attempt, and the lease that makes each
 * source polled by exactly one replica per due time.
 *
 * A claim takes the due sources (last attempt before `attemptedBefore`, no
 * live lease) with FOR UPDATE SKIP LOCKED, so two replicas claiming at the
 * same moment split the sources instead of waiting or both taking them, and
 * stamps a lease. Writing the source's state after the poll ends the lease; a
 * replica that dies leaves it to expire, and the next claim after that takes
 * the source. The lease runs on the database's clock (its length comes from
 * the caller), so clock skew between replicas cannot make two leases overlap.
 */
import type { SourceState } from '../../types.js';
import type { ClaimRequest } from '../store-api.js';
import { inTransaction, query, type Database } from './connect.js';

export async function claimSources(db: Database, request: ClaimRequest): Promise<string[]> {
  const names = [...new Set(request.names)];
  if (names.length === 0) return [];
  const leaseMs = Math.max(0, request.leaseUntil.getTime() - Date.now());
  const claimed = await inTransaction(db, 'claiming sources', async (client) => {
    await client.query('INSERT INTO sources (name) SELECT unnest($1::text[]) ORDER BY 1 ON CONFLICT (name) DO NOTHING', [names]);
    const rows = await client.query<{ name: string }>(
      `WITH due AS (
         SELECT name FROM sources
         WHERE name = ANY($1::text[])
           AND (attempted_at IS NULL OR attempted_at < $2)
           AND (lease_until IS NULL OR lease_until <= clock_timestamp())
         ORDER BY name
         FOR UPDATE SKIP LOCKED
       )
       UPDATE sources s SET lease_until = clock_timestamp() + $3 * interval '1 millisecond'
       FROM due WHERE s.name = due.name
       RETURNING s.name`,
      [names, request.attemptedBefore.toISOString(), leaseMs],
    );
    return new Set(rows.rows.map((r) => r.name));
  });
  return names.filter((name) => claimed.has(name));
}

export async function getSourceStates(db: Database): Promise<Map<string, SourceState>> {
  const rows = await query<{ name: string; state: SourceState }>(db, 'reading source states', 'SELECT name, state FROM sources WHERE state IS NOT NULL');
  return new Map(rows.map((r) => [r.name, r.state]));
}

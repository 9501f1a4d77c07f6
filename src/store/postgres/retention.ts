/**
 * Retention in SQL, with the semantics of src/dedupe/retention.ts: drop
 * articles published before the cutoff, then the oldest beyond maxItems
 * (newest first by published, first seen, id); each dropped id leaves a
 * tombstone dated today; tombstones not listed for max(TOMBSTONE_MIN_DAYS,
 * retentionDays) expire, and at most max(1,000, TOMBSTONE_FACTOR × maxItems)
 * are kept, the most recently listed first.
 *
 * Only one replica runs it at a time (a try-lock: the others skip, the next
 * cycle catches up). The age cut is an index range of what is dropped; the
 * count cut walks the index to the maxItems-th article, which for a large
 * maxItems is done only once the statistics say the table is near it.
 */
import { dayOf, tombstoneCap, tombstoneExpiryDay } from '../../dedupe/retention.js';
import type { RetentionLimits } from '../store-api.js';
import type pg from 'pg';
import { inTransaction, type Database } from './connect.js';
import { NOTIFY_CHANNEL, notifyPayload } from './notify.js';

const DAY_MS = 86_400_000;
/** Up to this maxItems (the default) the cut is always exact: walking 20,000 index entries takes milliseconds. */
const EXACT_COUNT_UP_TO = 20_000;
const LOCK_CLASS = 0x666b;
const LOCK_RETENTION = 2;

export async function applyRetention(db: Database, instance: string, limits: RetentionLimits, now: Date): Promise<{ dropped: number }> {
  const cutoff = new Date(now.getTime() - limits.retentionDays * DAY_MS);
  const today = dayOf(now);
  const expired = tombstoneExpiryDay(limits, now);
  const cap = tombstoneCap(limits);
  return inTransaction(db, 'retention', async (client) => {
    const lock = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1, $2) AS ok', [LOCK_CLASS, LOCK_RETENTION]);
    if (!lock.rows[0]?.ok) return { dropped: 0 };
    // The cut beyond maxItems has to walk the index to the maxItems-th article; skip that walk
    // while PostgreSQL's own statistics put the table well below maxItems.
    const cutByCount = limits.maxItems <= EXACT_COUNT_UP_TO || (await estimateRows(client)) >= 0.8 * limits.maxItems;
    const result = await client.query<{ dropped: string }>(
      `WITH doomed AS (
         SELECT id FROM articles WHERE published < $1
         UNION
         SELECT id FROM (
           SELECT id FROM articles WHERE $4::boolean AND published >= $1
           ORDER BY published DESC, first_seen DESC, id COLLATE "C" ASC OFFSET $2
         ) AS beyond
       ), gone AS (
         DELETE FROM articles a USING doomed d WHERE a.id = d.id RETURNING a.id
       ), tombstones AS (
         INSERT INTO retired (id, day) SELECT id, $3 FROM gone
         ON CONFLICT (id) DO UPDATE SET day = EXCLUDED.day, xid = pg_current_xact_id()
       ), classifications_gone AS (
         DELETE FROM classifications c USING gone g WHERE c.article_id = g.id
       )
       SELECT count(*) AS dropped FROM gone`,
      [cutoff.toISOString(), limits.maxItems, today, cutByCount],
    );
    await client.query('DELETE FROM retired WHERE day < $1', [expired]);
    await client.query(
      `DELETE FROM retired WHERE id IN (SELECT id FROM retired ORDER BY day DESC, id COLLATE "C" OFFSET $1)`,
      [cap],
    );
    const dropped = Number(result.rows[0]?.dropped ?? 0);
    if (dropped > 0) await client.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, notifyPayload('articles', instance)]);
    return { dropped };
  });
}

/** Rows in articles as PostgreSQL's statistics see them (the larger of the last ANALYZE and the live count). */
async function estimateRows(client: pg.PoolClient): Promise<number> {
  const rows = await client.query<{ n: string | null }>(
    `SELECT greatest(c.reltuples, s.n_live_tup)::bigint AS n
     FROM pg_class c LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.oid = 'articles'::regclass`,
  );
  const n = Number(rows.rows[0]?.n ?? -1);
  return n < 0 ? Number.POSITIVE_INFINITY : n;
}

/**
 * mergeSource in one transaction: lock, look up, plan, apply.
 *
 * Two replicas may merge items of the same article at once (two sources
 * carrying one story, polled by different replicas). So that neither
 * overwrites the other's change:
 *   1. transaction-scoped advisory locks on every lookup key and id of the
 *      request, taken in one statement (sent with BEGIN) in sorted order, so
 *      a second merge that could create the same article or key waits for
 *      the first;
 *   2. the articles found are read with FOR UPDATE (sorted by id), which also
 *      waits for a merge that reached them through other keys and then
 *      returns their committed version. Lookup and locking are one query.
 * The plan runs after both, on what is now stable. A deadlock PostgreSQL
 * detects in a rare interleaving is retried whole (inTransaction); the plan is
 * pure, so running it again on the retry is harmless.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { SourceState } from '../../types.js';
import type { ArticleHead, ArticleWrite, MergeRequest } from '../store-api.js';
import { indexKeysOf } from '../../dedupe/article-keys.js';
import { inTransaction, passThrough, type Database } from './connect.js';
import { NOTIFY_CHANNEL, notifyPayload } from './notify.js';

export async function mergeSource<T>(db: Database, instance: string, request: MergeRequest<T>): Promise<T> {
  // The lock keys are numbers we computed, so they can go inline, in the BEGIN's round trip.
  const lock = `SELECT pg_advisory_xact_lock(k) FROM unnest('{${lockKeys([...request.keys, ...request.ids]).join(',')}}'::bigint[]) AS k`;
  const keys = [...new Set(request.keys)];
  const ids = [...new Set(request.ids)];
  return inTransaction(db, `merging source "${request.source}"`, async (client) => {
    // One round trip: the keys' owners, those articles and the asked ids locked and read, the tombstones.
    // Named: prepared once per connection, so a merge is not planned again each time.
    const rows = await client.query<{ kind: 'k' | 'a' | 'r'; name: string; ref: string | null; head: ArticleHead | null }>({
      name: 'fk-merge-lookup',
      text: `WITH k AS (SELECT key, article_id FROM article_keys WHERE key = ANY($1::text[])),
       a AS (
         -- One array, so that the primary key index is used (an OR of two conditions would scan the table).
         SELECT id, head FROM articles WHERE id = ANY(ARRAY(SELECT article_id FROM k) || $2::text[])
         ORDER BY id FOR UPDATE
       )
       SELECT 'k' AS kind, key AS name, article_id AS ref, NULL::json AS head FROM k
       UNION ALL SELECT 'a', id, NULL, head FROM a
       UNION ALL SELECT 'r', id, NULL, NULL FROM retired WHERE id = ANY($2::text[])`,
      values: [keys, ids],
    });
    const byId = new Map<string, ArticleHead>();
    const retired = new Set<string>();
    for (const row of rows.rows) {
      if (row.kind === 'a') byId.set(row.name, row.head!);
      else if (row.kind === 'r') retired.add(row.name);
    }
    const byKey = new Map<string, ArticleHead>();
    for (const row of rows.rows) {
      const head = row.kind === 'k' ? byId.get(row.ref!) : undefined;
      if (head) byKey.set(row.name, head);
    }

    let planned: ReturnType<typeof request.plan>;
    try {
      planned = request.plan({ byKey, byId, retired });
    } catch (err) {
      throw passThrough(err);
    }
    const { merge, result } = planned;

    if (merge.writes.length > 0) await applyWrites(client, merge.writes, new Set(byId.keys()));
    if (merge.retiredSeen.length > 0) {
      await client.query(
        `INSERT INTO retired (id, day) SELECT unnest($1::text[]), $2
         ON CONFLICT (id) DO UPDATE SET day = EXCLUDED.day, xid = pg_current_xact_id()`,
        [merge.retiredSeen, merge.day],
      );
    }
    await writeSourceState(client, request.state);
    if (merge.writes.length > 0) await client.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, notifyPayload('articles', instance)]);
    return result;
  }, lock);
}

async function applyWrites(client: pg.PoolClient, writes: readonly ArticleWrite[], known: Set<string>): Promise<void> {
  const withContent = writes.filter((w) => w.content !== undefined);
  const headOnly = writes.filter((w) => w.content === undefined);
  const missing = headOnly.filter((w) => !known.has(w.head.id));
  if (missing.length > 0) throw new Error(`a head-only write for an article not in the store (${missing[0]!.head.id}): the merge plan must give new articles their content`);
  if (withContent.length > 0) {
    await client.query({
      name: 'fk-upsert-articles',
      text: `INSERT INTO articles (id, key, head, content, published, first_seen)
       SELECT * FROM unnest($1::text[], $2::text[], $3::json[], $4::text[], $5::timestamptz[], $6::timestamptz[])
       ON CONFLICT (id) DO UPDATE SET key = EXCLUDED.key, head = EXCLUDED.head, content = EXCLUDED.content,
         published = EXCLUDED.published, first_seen = EXCLUDED.first_seen, xid = pg_current_xact_id()`,
      values: columnsOf(withContent.map((w) => w.head), withContent.map((w) => w.content!)),
    });
  }
  if (headOnly.length > 0) {
    const [ids, keys, heads, , published, firstSeen] = columnsOf(headOnly.map((w) => w.head), []);
    await client.query({
      name: 'fk-update-heads',
      text: `UPDATE articles a SET key = w.key, head = w.head, published = w.published, first_seen = w.first_seen, xid = pg_current_xact_id()
       FROM unnest($1::text[], $2::text[], $3::json[], $4::timestamptz[], $5::timestamptz[]) AS w (id, key, head, published, first_seen)
       WHERE a.id = w.id`,
      values: [ids, keys, heads, published, firstSeen],
    });
  }
  await insertKeys(client, writes.map((w) => w.head));
}

/** Rows in the column order of the articles table, as arrays for unnest. */
export function columnsOf(heads: readonly ArticleHead[], contents: readonly string[]): [string[], string[], string[], string[], string[], string[]] {
  return [
    heads.map((h) => h.id),
    heads.map((h) => h.key),
    heads.map((h) => JSON.stringify(h)),
    contents as string[],
    heads.map((h) => h.published),
    heads.map((h) => h.firstSeen),
  ];
}

/** Register every key of these articles; a key already owned by another article keeps its owner. */
export async function insertKeys(client: pg.ClientBase, heads: readonly ArticleHead[]): Promise<void> {
  const keys: string[] = [];
  const owners: string[] = [];
  for (const head of heads) {
    for (const key of indexKeysOf(head)) {
      keys.push(key);
      owners.push(head.id);
    }
  }
  if (keys.length === 0) return;
  await client.query({
    name: 'fk-insert-keys',
    text: 'INSERT INTO article_keys (key, article_id) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (key) DO NOTHING',
    values: [keys, owners],
  });
}

// Writing the state ends this process's lease: the poll is over.
export const WRITE_SOURCE_STATE = `INSERT INTO sources (name, state, attempted_at, lease_until) VALUES ($1, $2, $3, NULL)
  ON CONFLICT (name) DO UPDATE SET state = EXCLUDED.state, attempted_at = EXCLUDED.attempted_at, lease_until = NULL`;

export function sourceStateParams(state: SourceState): unknown[] {
  return [state.name, JSON.stringify(state), state.lastAttempt ?? null];
}

export async function writeSourceState(client: pg.ClientBase, state: SourceState): Promise<void> {
  await client.query({ name: 'fk-source-state', text: WRITE_SOURCE_STATE, values: sourceStateParams(state) });
}

/** Signed 64-bit advisory lock keys, sorted and unique so that merges lock in one order. */
export function lockKeys(values: readonly string[]): string[] {
  const keys = new Set<bigint>();
  for (const value of values) keys.add(createHash('sha256').update(value).digest().readBigInt64BE(0));
  return [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String);
}

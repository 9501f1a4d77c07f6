/**
 * Last-Modified shared by the replicas. A body's date cannot come from one
 * process's clock, or two replicas serving the same bytes would send
 * different dates and a reader's If-Modified-Since would depend on which one
 * answers. So the first replica to publish a body of a route stamps it here
 * (the database's clock); every replica publishing the same body reads that
 * stamp.
 *
 * Never backwards: a body that is not the route's newest row (new, or an
 * older body coming back) is stamped at least a second after the route's
 * newest, under one advisory lock. Such a restamp may overtake a date a
 * replica already serves, so it NOTIFYs 'published' and the replicas re-read
 * the dates of the bodies they serve (readStamps: read-only, no ping-pong).
 */
import { inTransaction, query, type Database } from './connect.js';
import { NOTIFY_CHANNEL, notifyPayload } from './notify.js';

const LOCK_CLASS = 0x666b;
const LOCK_PUBLISH = 3;
/** Bodies remembered per route besides the newest: enough for replicas briefly on different data. */
const KEEP_PER_ROUTE = 16;

export interface RouteBody {
  path: string;
  etag: string;
}

/** Stamp what is new, read the rest: path → Last-Modified of exactly this body. */
export async function stampBodies(db: Database, instance: string, bodies: readonly RouteBody[]): Promise<Map<string, Date>> {
  if (bodies.length === 0) return new Map();
  const paths = bodies.map((b) => b.path);
  const etags = bodies.map((b) => b.etag);
  return inTransaction(db, 'stamping the published bodies', async (client) => {
    // Cheap path first: every body is already its route's newest row (a replica catching up, a restart).
    const current = await readNewest(client, paths, etags);
    if (current.size === bodies.length) return current;
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS, LOCK_PUBLISH]);
    const stamped = await client.query<{ path: string }>(
      `WITH input AS (SELECT * FROM unnest($1::text[], $2::text[]) AS t(path, etag)),
            newest AS (SELECT DISTINCT ON (path) path, etag, last_modified FROM published
                       WHERE path = ANY($1::text[]) ORDER BY path, last_modified DESC)
       INSERT INTO published (path, etag, last_modified)
       SELECT i.path, i.etag, greatest(date_trunc('second', clock_timestamp()), n.last_modified + interval '1 second')
       FROM input i LEFT JOIN newest n ON n.path = i.path
       WHERE n.etag IS DISTINCT FROM i.etag
       ON CONFLICT (path, etag) DO UPDATE SET last_modified = EXCLUDED.last_modified
       RETURNING path`,
      [paths, etags],
    );
    if (stamped.rows.length > 0) {
      await client.query(
        `DELETE FROM published p USING (
           SELECT path, etag, row_number() OVER (PARTITION BY path ORDER BY last_modified DESC) AS n
           FROM published WHERE path = ANY($1::text[])) old
         WHERE p.path = old.path AND p.etag = old.etag AND old.n > $2`,
        [stamped.rows.map((r) => r.path), KEEP_PER_ROUTE],
      );
      await client.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, notifyPayload('published', instance)]);
    }
    return readStampsWith(client, paths, etags);
  });
}

/** The stored dates of these bodies (read-only); a body without a row is left out. */
export async function readStamps(db: Database, bodies: readonly RouteBody[]): Promise<Map<string, Date>> {
  if (bodies.length === 0) return new Map();
  const rows = await query<{ path: string; last_modified: Date }>(
    db,
    'reading the published dates',
    `SELECT p.path, p.last_modified FROM published p
     JOIN unnest($1::text[], $2::text[]) AS t(path, etag) ON p.path = t.path AND p.etag = t.etag`,
    [bodies.map((b) => b.path), bodies.map((b) => b.etag)],
  );
  return new Map(rows.map((r) => [r.path, r.last_modified]));
}

type Client = { query: Database['pool']['query'] };

async function readNewest(client: Client, paths: string[], etags: string[]): Promise<Map<string, Date>> {
  const rows = await client.query<{ path: string; etag: string; last_modified: Date }>(
    `SELECT DISTINCT ON (path) path, etag, last_modified FROM published
     WHERE path = ANY($1::text[]) ORDER BY path, last_modified DESC`,
    [paths],
  );
  const wanted = new Map(paths.map((p, i) => [p, etags[i]]));
  return new Map(rows.rows.filter((r) => wanted.get(r.path) === r.etag).map((r) => [r.path, r.last_modified]));
}

async function readStampsWith(client: Client, paths: string[], etags: string[]): Promise<Map<string, Date>> {
  const rows = await client.query<{ path: string; last_modified: Date }>(
    `SELECT p.path, p.last_modified FROM published p
     JOIN unnest($1::text[], $2::text[]) AS t(path, etag) ON p.path = t.path AND p.etag = t.etag`,
    [paths, etags],
  );
  return new Map(rows.rows.map((r) => [r.path, r.last_modified]));
}

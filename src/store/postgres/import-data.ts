/**
 * Bulk load (copy-store, migration from the file store): articles with their
 * keys, source states and tombstones, as they are, without dedupe. May be
 * called once per batch; each call is one transaction. An id that is already
 * there is an error (the target was meant to be empty).
 */
import type { SourceState, StoredArticle } from '../../types.js';
import type { ArticleHead } from '../store-api.js';
import { inTransaction, type Database } from './connect.js';
import { columnsOf, insertKeys, writeSourceState } from './merge-source.js';
import { NOTIFY_CHANNEL, notifyPayload } from './notify.js';

export interface ImportInput {
  articles?: readonly StoredArticle[];
  sources?: readonly SourceState[];
  retired?: ReadonlyMap<string, string>;
}

export async function importData(db: Database, instance: string, data: ImportInput): Promise<void> {
  await inTransaction(db, 'importing', async (client) => {
    const articles = data.articles ?? [];
    if (articles.length > 0) {
      const heads: ArticleHead[] = articles.map(({ content: _content, ...head }) => head);
      await client.query(
        `INSERT INTO articles (id, key, head, content, published, first_seen)
         SELECT * FROM unnest($1::text[], $2::text[], $3::json[], $4::text[], $5::timestamptz[], $6::timestamptz[])`,
        columnsOf(heads, articles.map((a) => a.content)),
      );
      await insertKeys(client, heads);
    }
    for (const state of data.sources ?? []) await writeSourceState(client, state);
    if (data.retired && data.retired.size > 0) {
      await client.query('INSERT INTO retired (id, day) SELECT * FROM unnest($1::text[], $2::text[])', [
        [...data.retired.keys()],
        [...data.retired.values()],
      ]);
    }
    if (articles.length > 0) await client.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, notifyPayload('articles', instance)]);
  });
}

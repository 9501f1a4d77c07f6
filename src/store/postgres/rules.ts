/**
 * Rules agreement between replicas. Each replica reads its own config file;
 * topics and feed settings must be equal on all of them, or their feeds
 * differ. Every replica records the fingerprint of its rules here (and
 * notifies the others when it changed); the fingerprint most live replicas
 * run is the reference (a tie goes to the most recently changed one), and a
 * replica that runs another says so in /healthz.
 */
import { inTransaction, type Database } from './connect.js';
import { NOTIFY_CHANNEL, notifyPayload } from './notify.js';
import type { RulesAgreement } from '../store-api.js';

/** A replica that has not reported for this long is not counted (stopped, or dead). */
export const REPLICA_LIVE_MS = 30 * 60_000;

export async function reportRules(db: Database, instance: string, replica: string, fingerprint: string, now: Date): Promise<RulesAgreement> {
  return inTransaction(db, 'recording the rules fingerprint', async (client) => {
    const previous = await client.query<{ rules_fingerprint: string }>('SELECT rules_fingerprint FROM replicas WHERE replica = $1', [replica]);
    const changed = previous.rows[0]?.rules_fingerprint !== fingerprint;
    await client.query(
      `INSERT INTO replicas (replica, rules_fingerprint, changed_at, seen_at) VALUES ($1, $2, $3, $3)
       ON CONFLICT (replica) DO UPDATE SET rules_fingerprint = EXCLUDED.rules_fingerprint, seen_at = EXCLUDED.seen_at,
         changed_at = CASE WHEN replicas.rules_fingerprint = EXCLUDED.rules_fingerprint THEN replicas.changed_at ELSE EXCLUDED.changed_at END`,
      [replica, fingerprint, now.toISOString()],
    );
    if (changed) await client.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, notifyPayload('rules', instance)]);
    const live = await client.query<{ replica: string; rules_fingerprint: string; changed_at: Date; seen_at: Date }>(
      'SELECT replica, rules_fingerprint, changed_at, seen_at FROM replicas WHERE seen_at >= $1 ORDER BY replica',
      [new Date(now.getTime() - REPLICA_LIVE_MS).toISOString()],
    );
    const votes = new Map<string, { count: number; changed: number }>();
    for (const row of live.rows) {
      const vote = votes.get(row.rules_fingerprint) ?? { count: 0, changed: 0 };
      vote.count++;
      vote.changed = Math.max(vote.changed, row.changed_at.getTime());
      votes.set(row.rules_fingerprint, vote);
    }
    const [reference] = [...votes].sort((a, b) => b[1].count - a[1].count || b[1].changed - a[1].changed)[0] ?? [fingerprint];
    return {
      agreed: reference === fingerprint,
      reference,
      replicas: live.rows.map((r) => ({ replica: r.replica, fingerprint: r.rules_fingerprint, seenAt: r.seen_at.toISOString() })),
    };
  });
}

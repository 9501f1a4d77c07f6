/**
 * LISTEN/NOTIFY between replicas: one channel, a payload naming what changed
 * and which process changed it (a process is not told about its own writes).
 */
import pg from 'pg';
import type { Database } from './connect.js';

export const NOTIFY_CHANNEL = 'feedkurator';
export type ChangeKind = 'articles' | 'rules' | 'published';

export function notifyPayload(what: ChangeKind, instance: string): string {
  return JSON.stringify({ what, from: instance });
}

/**
 * Listen on a dedicated connection (a pooled one would be handed to other
 * queries). A lost connection is re-opened with a growing pause; after a
 * reconnect the listener is told 'articles', since notifications sent while
 * it was away are lost. Resolves once listening, or once the first attempt
 * failed (the retries then go on in the background).
 */
export async function listenForChanges(db: Database, instance: string, onChange: (what: ChangeKind) => void): Promise<() => Promise<void>> {
  let client: pg.Client | undefined;
  let stopped = false;
  let delayMs = 500;
  let timer: NodeJS.Timeout | undefined;
  let connectedBefore = false;

  const connect = async (): Promise<void> => {
    if (stopped) return;
    const next = new pg.Client({ connectionString: db.url, application_name: 'feedkurator-listen' });
    next.on('notification', (message) => {
      if (message.channel !== NOTIFY_CHANNEL || !message.payload) return;
      try {
        const { what, from } = JSON.parse(message.payload) as { what: ChangeKind; from: string };
        if (from !== instance && (what === 'articles' || what === 'rules' || what === 'published')) onChange(what);
      } catch {
        // Not ours: another program on the same channel.
      }
    });
    next.on('error', () => retry(next));
    next.on('end', () => retry(next));
    try {
      await next.connect();
      await next.query(`LISTEN ${NOTIFY_CHANNEL}`);
      if (stopped) {
        await next.end().catch(() => {});
        return;
      }
      client = next;
      delayMs = 500;
      if (connectedBefore) onChange('articles');
      connectedBefore = true;
    } catch {
      retry(next);
    }
  };
  const retry = (failed: pg.Client): void => {
    if (stopped || timer || (client && client !== failed)) return;
    client = undefined;
    failed.end().catch(() => {});
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, delayMs);
    timer.unref();
    delayMs = Math.min(delayMs * 2, 5_000);
  };
  // Resolves once listening (or once the first attempt failed and retries run in the background).
  await connect();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await client?.end().catch(() => {});
  };
}

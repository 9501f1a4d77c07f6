import type { Config } from '../config/schema.js';
import { readVersion } from '../version.js';
import { buildUserAgent, createFetcher, type Fetcher } from './fetcher.js';

/** The fetcher every command uses: limits from `fetch.*`, a User-Agent naming the version and `server.baseUrl`. */
export function createFetcherFromConfig(config: Config, overrides: { concurrency?: number } = {}): Fetcher {
  return createFetcher({
    timeoutMs: config.fetch.timeoutSeconds * 1000,
    maxBytes: config.fetch.maxBytes,
    concurrency: overrides.concurrency ?? config.fetch.concurrency,
    userAgent: buildUserAgent(readVersion(), config.server.baseUrl),
  });
}

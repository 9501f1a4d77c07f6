import { createHash } from 'node:crypto';
import type { Config } from '../config/schema.js';

/**
 * Bump when the meaning of the same rules changes (a matcher or classifier
 * change): classifications stored under the old fingerprint are then
 * computed again instead of trusted.
 */
export const CLASSIFIER_REVISION = 2;

/**
 * Everything a stored classification depends on: the topic rules, which
 * sources may lend which topics, and the classifier's revision. Equal
 * fingerprints mean equal classifications, in any process or replica.
 */
export function fingerprintRules(config: Pick<Config, 'topics' | 'sources'>): string {
  const restrictions = config.sources
    .filter((s) => s.topics !== undefined)
    .map((s) => [s.name.toLowerCase(), [...s.topics!].sort()] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const text = JSON.stringify({ revision: CLASSIFIER_REVISION, topics: sortKeys(config.topics), restrictions });
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  }
  return value;
}

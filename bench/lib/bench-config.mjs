/** Config files for benchmark runs: the project's own topic rules, generated sources, a temp store. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { ROOT } from './processes.mjs';

export const DEFAULT_CONFIG = join(ROOT, 'config', 'feedkurator.yaml');

/** The topic rules users get by default (config/feedkurator.yaml). */
export function readDefaultTopics() {
  return YAML.parse(readFileSync(DEFAULT_CONFIG, 'utf8')).topics;
}

export function makeRunDir(label) {
  return mkdtempSync(join(tmpdir(), `fk-bench-${label}-`));
}

/**
 * Write a config into `dir`; the store lives next to it. maxItems is raised
 * so that the scale rows store every generated article instead of measuring
 * retention. The schedule fires once a year (1 January, 00:00): the default
 * quarter-hourly one fired inside measured windows of a bench's daemons (a
 * second cycle in an idle-RSS or latency reading, a start that waited for
 * it); the bench starts every cycle it measures itself. Everything else is
 * the default, the topic rules too unless `topics` says otherwise.
 */
export function writeBenchConfig(dir, { sources, port = 8080, maxItems = 100_000, topics = readDefaultTopics() }) {
  const config = {
    schedule: '0 0 1 1 *',
    server: { host: '127.0.0.1', port, baseUrl: 'http://localhost:8080' },
    storage: { path: join(dir, 'feedkurator.json'), retentionDays: 60, maxItems },
    fetch: { concurrency: 8 },
    topics,
    sources: sources.map((s) => ({ name: s.name, url: s.url })),
  };
  const file = join(dir, 'feedkurator.yaml');
  writeFileSync(file, YAML.stringify(config));
  return { file, storePath: config.storage.path };
}

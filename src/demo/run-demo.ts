/**
 * `npm run demo`: the daemon against the bundled sample feeds, served from
 * 127.0.0.1, so a new user without network sees a curated feed at once.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { loadConfig } from '../config/load.js';
import { runServe } from '../daemon/serve.js';
import { reportFatal } from '../commands/report-fatal.js';
import { createLogger } from '../log/logger.js';
import { readVersion } from '../version.js';
import { startSampleServer } from './sample-server.js';

const DEFAULT_CONFIG = fileURLToPath(new URL('../../config/feedkurator.yaml', import.meta.url));

async function main(): Promise<number> {
  const samples = await startSampleServer();
  const dir = mkdtempSync(path.join(tmpdir(), 'feedkurator-demo-'));
  // The shipped config with its topic rules, but the sample sources and a store of its own.
  const doc = parseDocument(readFileSync(DEFAULT_CONFIG, 'utf8'));
  doc.set('schedule', '*/5 * * * *');
  doc.setIn(['storage', 'path'], path.join(dir, 'feedkurator.json'));
  doc.set(
    'sources',
    samples.feeds.map((f) => ({ name: f.name, url: samples.feedUrl(f.file) })),
  );
  const file = path.join(dir, 'feedkurator.yaml');
  writeFileSync(file, doc.toString());

  const config = loadConfig({ configPath: file });
  const logger = createLogger({ level: config.logLevel, destination: 'stdout', format: config.logFormat });
  logger.info(
    { samples: samples.url, config: file, feed: `http://localhost:${config.server.port}/feed.xml` },
    'demo: sample feeds on 127.0.0.1; open the feed URL in a browser or reader',
  );
  try {
    return await runServe({ config, logger, version: readVersion() });
  } finally {
    await samples.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => process.exit(reportFatal(err)),
);

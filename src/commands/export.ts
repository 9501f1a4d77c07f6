import { loadConfig } from '../config/load.js';
import { Curation } from '../curate/curation.js';
import { ContentCache, selectEntries } from '../curate/select-entries.js';
import { curationWindow, rulesFor } from '../daemon/daemon.js';
import { UsageError } from '../errors.js';
import { buildPublication, renderFeed, type FeedFormat } from '../publish/build-publication.js';
import { openStore } from '../store/open-store.js';

const FORMATS: readonly FeedFormat[] = ['rss', 'atom', 'json'];

/** Print the curated feed from the store, read-only, so it works beside a running `serve`. */
export async function runExport(options: { configPath: string | undefined; format: string | undefined; topic: string | undefined }): Promise<number> {
  const format = (options.format ?? 'rss') as FeedFormat;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not "${options.format}"`);
  const config = loadConfig({ configPath: options.configPath });
  if (options.topic !== undefined && !(options.topic in config.topics)) {
    throw new UsageError(`unknown topic "${options.topic}" (configured: ${Object.keys(config.topics).join(', ')})`);
  }
  const store = await openStore(config, { readOnly: true });
  try {
    const curation = await Curation.open(store, rulesFor(config), { window: curationWindow(config) });
    const entries = await selectEntries(curation, store, new ContentCache(), { maxItems: config.feed.maxItems, topics: Object.keys(config.topics) });
    const publication = buildPublication({ entries, config, generatedAt: new Date() });
    const body = renderFeed(publication, format, options.topic);
    if (body === undefined) throw new UsageError(`unknown topic "${options.topic}"`);
    process.stdout.write(body.endsWith('\n') ? body : `${body}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

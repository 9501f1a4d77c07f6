import { randomBytes } from 'node:crypto';
import { open, readFile, realpath, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { appendSource } from '../config/append-source.js';
import { loadConfig, parseConfig } from '../config/load.js';
import type { Config, SourceConfig } from '../config/schema.js';
import { discoverFeed, type DiscoveredFeed } from '../discover/discover-feed.js';
import { describeError, FeedkuratorError, NotAFeedError, UsageError } from '../errors.js';
import { createFetcherFromConfig } from '../fetch/configure-fetcher.js';

export interface AddOptions {
  configPath: string | undefined;
  url: string;
  name: string | undefined;
  topics: string | undefined;
}

/**
 * Add a source the way an editor thinks of it: paste the site, get its feed.
 * Exit 2 for bad usage or a source already configured (before any request),
 * 1 when no readable feed is found; the config file is changed only when the
 * result validates, and atomically.
 */
export async function runAdd(options: AddOptions): Promise<number> {
  const config = loadConfig({ configPath: options.configPath });
  const url = parseHttpUrl(options.url);
  const topics = parseTopics(options.topics, config);
  const name = options.name?.trim();
  if (options.name !== undefined && !name) throw new UsageError('--name must not be empty');
  if (name) rejectDuplicateName(name, config, '');
  rejectDuplicateUrl(url, config);
  // Read before the network work, so that an edit saved meanwhile is noticed rather than overwritten.
  const file = await realpath(config.file);
  const original = await readFile(file, 'utf8');

  const found = await discover(url, config);
  if (found.feedUrl !== url) rejectDuplicateUrl(found.feedUrl, config);
  const finalName = name ?? defaultName(found);
  if (!name) rejectDuplicateName(finalName, config, ' (choose another with --name)');

  const entry: SourceConfig = { name: finalName, url: found.feedUrl, ...(topics ? { topics } : {}) };
  await writeSource(file, original, config.file, entry);
  const how = { direct: '', link: ` (autodiscovery link on ${url})`, 'common-path': ` (common feed path of ${url})` }[found.via];
  process.stdout.write(
    [
      `added source "${entry.name}" to ${config.file}`,
      `  name:   ${entry.name}`,
      `  feed:   ${entry.url}${how}`,
      `  format: ${found.feed.format}`,
      `  items:  ${found.feed.items.length}`,
      ...(topics ? [`  topics: ${topics.join(', ')}`] : []),
      ...found.feed.warnings.map((w) => `  warning: ${w}`),
    ].join('\n') + '\n',
  );
  return 0;
}

function parseHttpUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`"${raw}" is not a URL (add takes an absolute http:// or https:// URL)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`"${raw}" is not an http:// or https:// URL`);
  return url.href;
}

function parseTopics(raw: string | undefined, config: Config): string[] | undefined {
  if (raw === undefined) return undefined;
  const topics = [...new Set(raw.split(',').map((t) => t.trim()).filter((t) => t !== ''))];
  if (topics.length === 0) throw new UsageError('--topics needs at least one topic name (for example --topics kernel,hosting)');
  const unknown = topics.filter((t) => !(t in config.topics));
  if (unknown.length > 0) {
    throw new UsageError(`--topics: unknown topic${unknown.length === 1 ? '' : 's'} ${unknown.map((t) => `"${t}"`).join(', ')} (configured: ${Object.keys(config.topics).join(', ')})`);
  }
  return topics;
}

function rejectDuplicateName(name: string, config: Config, hint: string): void {
  const index = config.sources.findIndex((s) => s.name.toLowerCase() === name.toLowerCase());
  if (index !== -1) throw new UsageError(`a source named "${config.sources[index]!.name}" is already configured (sources[${index}])${hint}`);
}

function rejectDuplicateUrl(url: string, config: Config): void {
  const index = config.sources.findIndex((s) => sameUrl(s.url, url));
  if (index !== -1) throw new UsageError(`${url} is already configured as source "${config.sources[index]!.name}" (sources[${index}])`);
}

function sameUrl(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return a === b;
  }
}

async function discover(url: string, config: Config): Promise<DiscoveredFeed> {
  const fetcher = createFetcherFromConfig(config, { concurrency: 1 });
  try {
    return await discoverFeed(url, { fetcher });
  } catch (err) {
    if (err instanceof NotAFeedError) throw err;
    throw new NotAFeedError(`no readable feed at ${url}: ${describeError(err)}`, { cause: err });
  } finally {
    await fetcher.close();
  }
}

/** The feed's own title; its host name when it has none. */
function defaultName(found: DiscoveredFeed): string {
  const title = found.feed.title?.replace(/\s+/g, ' ').trim();
  return title || new URL(found.feedUrl).hostname;
}

/**
 * Append, validate, replace atomically (temporary file and rename). `file` is the real path: a symlinked
 * config (a dotfiles checkout) is edited where it lives and stays a symlink.
 */
async function writeSource(file: string, text: string, configFile: string, entry: SourceConfig): Promise<void> {
  const next = appendSource(text, entry);
  const checked = parseConfig(next, configFile);
  const last = checked.sources.at(-1);
  if (!last || last.name !== entry.name || last.url !== entry.url) {
    throw new FeedkuratorError(`${configFile}: the new entry did not end up last in "sources"; the file is unchanged`);
  }

  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  const mode = (await stat(file)).mode & 0o777;
  const handle = await open(tmp, 'wx', mode);
  try {
    await handle.writeFile(next, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    // Someone saved the file while we were fetching: do not overwrite their edit.
    if ((await readFile(file, 'utf8')) !== text) throw new FeedkuratorError(`${configFile} changed while the feed was read; nothing written, run add again`);
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
}

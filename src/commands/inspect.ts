import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileRules } from '../classify/classifier.js';
import { loadConfig } from '../config/load.js';
import { identifyItem } from '../dedupe/identity.js';
import { FetchError } from '../errors.js';
import { createFetcherFromConfig } from '../fetch/configure-fetcher.js';
import { RECOVERED } from '../parse/parse-feed.js';
import { readFeedBody } from '../read/read-feed-body.js';

interface InspectItem {
  id: string;
  guid: string | null;
  title: string;
  link: string | null;
  published: string | null;
  topics: string[];
}

/** Show how feedkurator reads one source, for an editor about to add it. Exit 1 when it cannot be read. */
export async function runInspect(options: { configPath: string | undefined; target: string; json: boolean }): Promise<number> {
  const config = loadConfig({ configPath: options.configPath });
  const isUrl = /^https?:\/\//i.test(options.target);
  const { body, contentType, url, contentLocation } = isUrl ? await download(options.target, config) : await readLocal(options.target);
  const now = new Date();
  const feed = await readFeedBody(body, contentType, url, now, contentLocation);

  // Ids of guid-keyed items are scoped by source name: use the configured one when the URL is a configured source.
  const configured = config.sources.find((s) => s.url === options.target);
  const sourceName = configured?.name ?? feed.title ?? options.target;
  const classifier = compileRules(config.topics, config.sources);
  const items: InspectItem[] = feed.items.map((item) => ({
    id: identifyItem(item, sourceName).id,
    guid: item.guid ?? null,
    title: item.title,
    link: item.link ?? null,
    published: item.published ?? null,
    topics: classifier.classify({
      title: item.title,
      summary: item.summary,
      content: item.content,
      ...(configured ? { sources: [configured.name] } : {}),
    }).topics,
  }));
  const report = { format: feed.format, charset: feed.charset, title: feed.title ?? null, link: feed.link ?? null, warnings: feed.warnings, items };

  if (options.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } else {
    const lines = [
      `format:  ${report.format}`,
      `charset: ${report.charset}`,
      `title:   ${report.title ?? '(none)'}`,
      `link:    ${report.link ?? '(none)'}`,
      `items:   ${items.length}`,
      // Repairs of a broken feed already say "recovered: …"; other doubts are warnings.
      ...feed.warnings.map((w) => (w.startsWith(RECOVERED) ? w : `warning: ${w}`)),
    ];
    for (const item of items) {
      lines.push(
        '',
        `  ${item.title}`,
        `    id:        ${item.id}`,
        `    guid:      ${item.guid ?? '(none)'}`,
        `    link:      ${item.link ?? '(none)'}`,
        `    published: ${item.published ?? '(none: first-seen time will be used)'}`,
        `    topics:    ${item.topics.length > 0 ? item.topics.join(', ') : '(none: not curated)'}`,
      );
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return 0;
}

async function download(target: string, config: ReturnType<typeof loadConfig>) {
  const fetcher = createFetcherFromConfig(config, { concurrency: 1 });
  try {
    const result = await fetcher.fetch({ url: target });
    if (result.kind !== 'ok') throw new FetchError(`${target}: unexpected 304 Not Modified without a conditional request`);
    return { body: result.body, contentType: result.contentType, url: result.finalUrl, contentLocation: result.contentLocation };
  } finally {
    await fetcher.close();
  }
}

async function readLocal(target: string) {
  const file = path.resolve(target);
  try {
    return { body: await readFile(file), contentType: undefined, url: pathToFileURL(file).href, contentLocation: undefined };
  } catch (err) {
    throw new FetchError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`, { cause: err });
  }
}

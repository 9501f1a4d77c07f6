/**
 * Everything the server answers with, built once whenever the store or the
 * rules change: every route's body, with its validators; compressPublication
 * then adds the compressed encodings off the event loop. Pure apart from the
 * clock the caller passes in.
 */
import type { Config } from '../config/schema.js';
import type { CuratedEntry } from '../types.js';
import { renderAtom, renderRss, type FeedUrls } from './feed-library.js';
import { listTopics, resolveUrl, sortEntries, toFeedItem, type FeedItem, type FeedModel, type TopicRef } from './feed-model.js';
import { PAGE_CSP } from './page-style.js';
import { renderJsonFeed } from './render-json-feed.js';
import { renderOpml } from './render-opml.js';
import { renderPage } from './render-page.js';
import { compressResource, createResource, type Resource } from './resource.js';

export type FeedFormat = 'rss' | 'atom' | 'json';

export interface PublicationInput {
  /** All curated entries, any order. */
  entries: readonly CuratedEntry[];
  config: Config;
  generatedAt: Date;
  /**
   * The publication this one replaces. Optional, but pass it: unchanged
   * routes keep their compressed bodies and Last-Modified, and a changed body
   * always gets a newer Last-Modified even when no article date moved.
   */
  previous?: Publication | undefined;
}

export interface Publication {
  readonly generatedAt: Date;
  /** By URL path ("/feed.xml", "/topics/kernel.atom", "/", "/sources.opml"). */
  readonly resources: ReadonlyMap<string, Resource>;
  /** Curated entries in the main feed (after the maxItems cap). */
  readonly itemCount: number;
  readonly topics: readonly TopicRef[];
}

export const FEED_FORMATS: readonly FeedFormat[] = ['rss', 'atom', 'json'];

const EXTENSIONS: Record<FeedFormat, string> = { rss: 'xml', atom: 'atom', json: 'json' };

export const CONTENT_TYPES = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
  html: 'text/html; charset=utf-8',
  opml: 'text/x-opml; charset=utf-8',
} as const;

export function feedPath(format: FeedFormat, topic?: string): string {
  return topic === undefined ? `/feed.${EXTENSIONS[format]}` : `/topics/${encodeURIComponent(topic)}.${EXTENSIONS[format]}`;
}

export function buildPublication(input: PublicationInput): Publication {
  const steps = buildSteps(input);
  let step = steps.next();
  while (!step.done) step = steps.next();
  return step.value;
}

/**
 * The same, one resource at a time with the event loop free in between:
 * the daemon builds this way, so that requests keep flowing during a rebuild.
 */
export async function buildPublicationInSteps(input: PublicationInput): Promise<Publication> {
  const steps = buildSteps(input);
  let step = steps.next();
  while (!step.done) {
    await new Promise((resolve) => setImmediate(resolve));
    step = steps.next();
  }
  return step.value;
}

function* buildSteps(input: PublicationInput): Generator<void, Publication> {
  const { config, generatedAt } = input;
  const maxItems = config.feed.maxItems;
  const topics = listTopics(config);
  const previous = input.previous?.resources;

  // Each article once, newest first; converted lazily because topic feeds can reach deeper than the main cap.
  const seen = new Set<string>();
  const sorted = sortEntries(input.entries).filter((e) => !seen.has(e.article.id) && seen.add(e.article.id));
  const converted = new Map<string, FeedItem>();
  const itemOf = (entry: CuratedEntry): FeedItem => {
    let item = converted.get(entry.article.id);
    if (!item) {
      item = toFeedItem(entry, config, generatedAt);
      converted.set(entry.article.id, item);
    }
    return item;
  };

  const resources = new Map<string, Resource>();
  const addResource = (path: string, contentType: string, text: string, changed: Date, headers?: Record<string, string>): void => {
    resources.set(path, createResource({ contentType, text, changed, generatedAt, headers, previous: previous?.get(path) }));
  };

  const makeModel = (selected: CuratedEntry[], topic?: TopicRef): FeedModel => {
    const items = selected.slice(0, maxItems).map(itemOf);
    return {
      title: topic ? `${config.feed.title} – ${topic.title}` : config.feed.title,
      description: topic ? `${config.feed.description} – Thema ${topic.title}` : config.feed.description,
      language: config.feed.language,
      homeUrl: resolveUrl(config.server.baseUrl, '/'),
      // An empty feed keeps the date it was built with first, so rebuilding it changes no byte and no ETag.
      updated: newestChange(items) ?? previous?.get(feedPath('rss', topic?.name))?.lastModified ?? generatedAt,
      ...(topic ? { topic } : {}),
      items,
    };
  };

  function* addFeeds(model: FeedModel, topic?: string): Generator<void> {
    const urls: FeedUrls = {
      rss: resolveUrl(config.server.baseUrl, feedPath('rss', topic)),
      atom: resolveUrl(config.server.baseUrl, feedPath('atom', topic)),
      json: resolveUrl(config.server.baseUrl, feedPath('json', topic)),
    };
    addResource(feedPath('rss', topic), CONTENT_TYPES.rss, renderRss(model, urls), model.updated);
    yield;
    addResource(feedPath('atom', topic), CONTENT_TYPES.atom, renderAtom(model, urls), model.updated);
    yield;
    addResource(feedPath('json', topic), CONTENT_TYPES.json, renderJsonFeed(model, urls), model.updated);
    yield;
  }

  const main = makeModel(sorted);
  yield* addFeeds(main);
  for (const topic of topics) {
    yield* addFeeds(makeModel(sorted.filter((e) => e.topics.includes(topic.name)), topic), topic.name);
  }
  addResource('/', CONTENT_TYPES.html, renderPage({ model: main, topics, sourceCount: config.sources.length, timezone: config.timezone }), main.updated, {
    'Content-Security-Policy': PAGE_CSP,
  });
  addResource('/sources.opml', CONTENT_TYPES.opml, renderOpml(config), generatedAt);

  return { generatedAt, resources, itemCount: main.items.length, topics };
}

/** Compress every resource that lacks its gzip and br bodies, off the event loop; resolves with the same publication. */
export async function compressPublication(publication: Publication): Promise<Publication> {
  await Promise.all([...publication.resources.values()].map((r) => compressResource(r)));
  return publication;
}

/** The document of one feed as text, for `feedkurator export`; undefined for an unknown topic. */
export function renderFeed(publication: Publication, format: FeedFormat, topic?: string): string | undefined {
  return publication.resources.get(feedPath(format, topic))?.bodies.identity.toString('utf8');
}

function newestChange(items: readonly FeedItem[]): Date | undefined {
  let newest: number | undefined;
  for (const item of items) newest = Math.max(newest ?? 0, item.changed.getTime());
  return newest === undefined ? undefined : new Date(newest);
}

/**
 * Everything the server answers with, built once whenever the store or the
 * rules change: every route's body, with its validators; compressPublication
 * then adds the compressed encodings off the event loop. Pure apart from the
 * clock the caller passes in.
 */
import type { Config } from '../config/schema.js';
import { takeTurn } from '../schedule/take-turn.js';
import type { CuratedEntry } from '../types.js';
import { FragmentCache, joinPieces, placePieces, type EntryFragments } from './entry-fragments.js';
import { ATOM_TAIL, renderAtomHead, renderRssHead, RSS_TAIL, type FeedUrls } from './render-xml-feeds.js';
import { listTopics, siteUrl, sortEntries, type FeedItem, type FeedModel, type TopicRef } from './feed-model.js';
import { PAGE_CSP } from './page-style.js';
import { renderJsonFeedHead } from './render-json-feed.js';
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
  /** The rendered entries, for the next build to reuse (absent in a publication loaded from a snapshot). */
  readonly fragments?: FragmentCache;
}

/** Entries converted between two yields, in ms (as curation.ts's SLICE_MS). */
const CONVERT_SLICE_MS = 5;

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
 * Nothing is compressed yet: the daemon swaps the new publication in first
 * (identity bodies) and compresses after (compressPublication), so the
 * thread pool does not compete with the rendering for the CPU.
 */
export async function buildPublicationInSteps(input: PublicationInput): Promise<Publication> {
  const steps = buildSteps(input);
  let step = steps.next();
  while (!step.done) {
    await takeTurn();
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
  // The previous build's rendered entries: only new and changed entries are converted and rendered.
  const fragments = input.previous?.fragments ?? new FragmentCache();
  const pieces = new Map<string, EntryFragments>();
  const piecesOf = (entry: CuratedEntry): EntryFragments => {
    let got = pieces.get(entry.article.id);
    if (!got) pieces.set(entry.article.id, (got = fragments.get(entry, config, generatedAt)));
    return got;
  };

  // Converting an entry (sanitizing its HTML) is the costly part: convert the ones some feed shows, a few at a time.
  const shownIds = new Set(sorted.slice(0, maxItems).map((e) => e.article.id));
  for (const topic of topics) for (const e of sorted.filter((x) => x.topics.includes(topic.name)).slice(0, maxItems)) shownIds.add(e.article.id);
  let converting = performance.now();
  for (const entry of sorted) {
    if (!shownIds.has(entry.article.id)) continue;
    piecesOf(entry);
    if (performance.now() - converting > CONVERT_SLICE_MS) {
      yield;
      converting = performance.now();
    }
  }

  const resources = new Map<string, Resource>();
  const addResource = (path: string, contentType: string, text: string | Buffer, changed: Date, headers?: Record<string, string>): Resource => {
    const resource = createResource({ contentType, text, changed, generatedAt, headers, previous: previous?.get(path) });
    resources.set(path, resource);
    return resource;
  };
  // A feed joined from the entries' pieces; the pieces then point into the body served (placePieces).
  const addFeed = (format: FeedFormat, topic: string | undefined, head: string, model: { pieces: EntryFragments[]; updated: Date }, tail: string): void => {
    const offsets: number[] = [];
    const joined = joinPieces(format, head, model.pieces, tail, offsets);
    const resource = addResource(feedPath(format, topic), CONTENT_TYPES[format], joined, model.updated);
    placePieces(format, resource.bodies.identity, joined, model.pieces, offsets);
  };

  const makeModel = (selected: CuratedEntry[], topic?: TopicRef): FeedModel & { pieces: EntryFragments[] } => {
    const pieces = selected.slice(0, maxItems).map(piecesOf);
    const items = pieces.map((p) => p.item);
    return {
      pieces,
      title: topic ? `${config.feed.title} – ${topic.title}` : config.feed.title,
      description: topic ? `${config.feed.description} – Thema ${topic.title}` : config.feed.description,
      language: config.feed.language,
      homeUrl: siteUrl(config.server.baseUrl, '/'),
      // An empty feed keeps the date it was built with first, so rebuilding it changes no byte and no ETag.
      updated: newestChange(items) ?? previous?.get(feedPath('rss', topic?.name))?.lastModified ?? generatedAt,
      ...(topic ? { topic } : {}),
      items,
    };
  };

  function* addFeeds(model: FeedModel & { pieces: EntryFragments[] }, topic?: string): Generator<void> {
    const urls: FeedUrls = {
      rss: siteUrl(config.server.baseUrl, feedPath('rss', topic)),
      atom: siteUrl(config.server.baseUrl, feedPath('atom', topic)),
      json: siteUrl(config.server.baseUrl, feedPath('json', topic)),
    };
    addFeed('rss', topic, renderRssHead(model, urls), model, RSS_TAIL);
    yield;
    addFeed('atom', topic, renderAtomHead(model, urls), model, ATOM_TAIL);
    yield;
    addFeed('json', topic, renderJsonFeedHead(model, urls), model, '');
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
  yield;
  addResource('/sources.opml', CONTENT_TYPES.opml, renderOpml(config), generatedAt);

  fragments.prune();
  return { generatedAt, resources, itemCount: main.items.length, topics, fragments };
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

/**
 * Everything the server answers with, built once whenever the store or the
 * rules change: every route's body, with its validators; compressPublication
 * then adds the compressed encodings off the event loop. Pure apart from the
 * clock the caller passes in.
 */
import type { Config } from '../config/schema.js';
import { takeTurn } from '../schedule/take-turn.js';
import type { CuratedEntry } from '../types.js';
import { FragmentCache, type EntryFragments } from './entry-fragments.js';
import { ATOM_TAIL, renderAtomHead, renderRssHead, RSS_TAIL, type FeedUrls } from './render-xml-feeds.js';
import { listTopics, siteUrl, sortEntries, type FeedItem, type FeedModel, type TopicRef } from './feed-model.js';
import { PAGE_CSP } from './page-style.js';
import { renderJsonFeedHead } from './render-json-feed.js';
import { renderOpml } from './render-opml.js';
import { renderPage } from './render-page.js';
import { compressResource, createResource, type Resource } from './resource.js';
import { buildRouteBody, keepLayout } from './route-body.js';

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
  /**
   * Set while the rest of a feed-first publication is still being rendered (buildFeedFirst): its other
   * routes exist, but are answered once they are ready. Cleared when `resources` holds every route.
   */
  rendering?: RestOfRoutes;
}

/** The routes of a feed-first publication not rendered yet (buildFeedFirst). */
export interface RestOfRoutes {
  /** Whether the publication has this route once whole (rendered or still to come). */
  has(path: string): boolean;
  /** Settles when every route is in `resources` (rejects when the rendering failed). */
  readonly ready: Promise<void>;
  /** Render the rest (once; later calls get the same promise): `beforeRest` first, then the other routes, in steps. */
  finish(): Promise<void>;
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

/**
 * A first publication that answers `/feed.xml` at once: only the main feed's entries are converted and
 * only that route rendered; `rendering.finish()` renders the rest (the caller listens first). Whole, it
 * is the publication buildPublicationInSteps gives for the same input, every body and validator the
 * same. `beforeRest` runs first in finish(): what only other routes print (the entries' "why shown",
 * which only the page shows, select-entries.ts WhyLater) can be filled into the entries then; the
 * /feed.xml pieces do not read it.
 */
export async function buildFeedFirst(input: PublicationInput, beforeRest: () => Promise<void>): Promise<Publication> {
  const steps = buildSteps(input, true);
  let step = steps.next();
  while (!step.done && step.value === undefined) {
    await takeTurn();
    step = steps.next();
  }
  if (step.done || step.value === undefined) return step.value as Publication;
  const first: Publication = step.value;
  const paths = new Set(allPaths(input.config));
  let finishing: Promise<void> | undefined;
  let settle: { resolve: () => void; reject: (err: unknown) => void } | undefined;
  const ready = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  // A request waiting for a route that never comes (the start failed) is answered by the server's error path.
  ready.catch(() => {});
  const finish = async (): Promise<void> => {
    await beforeRest();
    for (let next = steps.next(); !next.done; next = steps.next()) await takeTurn();
  };
  first.rendering = {
    has: (path) => paths.has(path) || first.resources.has(path),
    ready,
    finish() {
      finishing ??= finish().then(
        () => {
          first.rendering = undefined;
          settle!.resolve();
        },
        (err: unknown) => {
          settle!.reject(err);
          throw err;
        },
      );
      return finishing;
    },
  };
  return first;
}

/** Every route a publication for this config has. */
function allPaths(config: Config): string[] {
  const paths: string[] = [];
  for (const topic of [undefined, ...listTopics(config).map((t) => t.name)]) for (const format of FEED_FORMATS) paths.push(feedPath(format, topic));
  paths.push('/', '/sources.opml');
  return paths;
}

/**
 * The build, one resource at a time. `feedFirst`: the main RSS feed is rendered first and the publication
 * (holding that route only) yielded; resumed, the generator renders the rest into the same publication.
 */
function* buildSteps(input: PublicationInput, feedFirst = false): Generator<Publication | undefined, Publication> {
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
  function* convert(shownIds: ReadonlySet<string>): Generator<undefined> {
    let converting = performance.now();
    for (const entry of sorted) {
      if (!shownIds.has(entry.article.id)) continue;
      piecesOf(entry);
      if (performance.now() - converting > CONVERT_SLICE_MS) {
        yield;
        converting = performance.now();
      }
    }
  }
  const mainIds = new Set(sorted.slice(0, maxItems).map((e) => e.article.id));
  const shownIds = new Set(mainIds);
  for (const topic of topics) for (const e of sorted.filter((x) => x.topics.includes(topic.name)).slice(0, maxItems)) shownIds.add(e.article.id);

  const resources = new Map<string, Resource>();
  const addResource = (path: string, contentType: string, text: string | Buffer | readonly Buffer[], changed: Date, headers?: Record<string, string>): Resource => {
    const resource = createResource({ contentType, text, changed, generatedAt, headers, previous: previous?.get(path) });
    resources.set(path, resource);
    return resource;
  };
  // A feed from the entries' pieces, in parts: unchanged items are not copied again (route-body.ts).
  const addFeed = (format: FeedFormat, topic: string | undefined, head: string, model: { pieces: EntryFragments[]; updated: Date }, tail: string): void => {
    const body = buildRouteBody(format, head, model.pieces, tail, previous?.get(feedPath(format, topic))?.bodies);
    keepLayout(addResource(feedPath(format, topic), CONTENT_TYPES[format], body.parts, model.updated).bodies, body);
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

  const feedUrls = (topic?: string): FeedUrls => ({
    rss: siteUrl(config.server.baseUrl, feedPath('rss', topic)),
    atom: siteUrl(config.server.baseUrl, feedPath('atom', topic)),
    json: siteUrl(config.server.baseUrl, feedPath('json', topic)),
  });
  function* addFeeds(model: FeedModel & { pieces: EntryFragments[] }, topic?: string): Generator<undefined> {
    const urls = feedUrls(topic);
    // A feed-first build rendered the main RSS feed already (the same bytes: its pieces do not read "why shown").
    if (!resources.has(feedPath('rss', topic))) {
      addFeed('rss', topic, renderRssHead(model, urls), model, RSS_TAIL);
      yield;
    }
    addFeed('atom', topic, renderAtomHead(model, urls), model, ATOM_TAIL);
    yield;
    addFeed('json', topic, renderJsonFeedHead(model, urls), model, '');
    yield;
  }

  let first: Publication | undefined;
  if (feedFirst) {
    yield* convert(mainIds);
    const model = makeModel(sorted);
    addFeed('rss', undefined, renderRssHead(model, feedUrls()), model, RSS_TAIL);
    first = { generatedAt, resources, itemCount: model.items.length, topics, fragments };
    yield first;
    // Resumed after beforeRest (buildFeedFirst): the entries may have changed since (their "why shown"), so
    // their pieces are asked for again; the fragment cache renders again only what changed.
    pieces.clear();
  }
  yield* convert(shownIds);
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
  return first ?? { generatedAt, resources, itemCount: main.items.length, topics, fragments };
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

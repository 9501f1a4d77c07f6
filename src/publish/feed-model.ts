/**
 * The format-neutral model of one published feed: what every renderer (RSS,
 * Atom, JSON Feed, HTML) needs, derived purely from the curated entries and
 * the config. All text here is already cleaned of XML-illegal characters;
 * renderers only escape.
 */
import type { Config } from '../config/schema.js';
import { resolveUrl } from '../parse/resolve-url.js';
import type { CuratedEntry } from '../types.js';
import { guardHtml } from './guard-html.js';
import { escapeMarkup, stripIllegalChars, toSafeHttpUrl } from './xml-text.js';

export interface TopicRef {
  name: string;
  title: string;
}

export interface SourceRef {
  name: string;
  /** The configured feed URL of the source, where the source is still configured. */
  feedUrl?: string;
  /** Origin of the article link, as a home page for the source. */
  siteUrl?: string;
}

export interface FeedItem {
  /** The store's article id. */
  articleId: string;
  /** Globally unique, stable across builds, processes and formats. */
  guid: string;
  title: string;
  /** The original article (absolute http(s)), or the item's anchor on our page when the source gave none. */
  url: string;
  hasOriginalLink: boolean;
  published: Date;
  updated: Date;
  /** Newest moment this entry changed in our store. */
  changed: Date;
  summary: string;
  /** Guarded article HTML plus the "Auch bei" block. */
  contentHtml: string;
  author?: string;
  source: SourceRef;
  topics: TopicRef[];
  alsoAt: { source: string; title: string; url?: string }[];
  /** Why it is in: per topic, the deciding terms (CuratedEntry.matches), in topic order. */
  why: { topic: TopicRef; terms: string[] }[];
  enclosures: { url: string; type: string; length?: number }[];
}

export interface FeedModel {
  title: string;
  description: string;
  language: string;
  /** Our HTML page. */
  homeUrl: string;
  /** Newest change of any item; the feed's "updated". Stable while nothing changes. */
  updated: Date;
  topic?: TopicRef;
  items: FeedItem[];
}

/** A page of our own site: `path` lies under server.baseUrl even when that has a path of its own ("/linux"). */
export function siteUrl(baseUrl: string, path: string): string {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const url = resolveUrl(path.replace(/^\/+/, '') || '.', base);
  // The config schema only lets absolute http(s) base URLs through.
  if (!url) throw new Error(`server.baseUrl is not an absolute URL: ${baseUrl}`);
  return url;
}

export function guidFor(articleId: string): string {
  return `urn:feedkurator:${encodeURIComponent(articleId)}`;
}

export function anchorFor(articleId: string): string {
  return `a-${articleId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

export function listTopics(config: Config): TopicRef[] {
  return Object.entries(config.topics).map(([name, rules]) => ({ name, title: clean(rules.title ?? name) }));
}

/** Newest first by publication date; ties broken by id so that the order is stable across builds. */
export function sortEntries(entries: readonly CuratedEntry[]): CuratedEntry[] {
  return [...entries].sort((a, b) => {
    const diff = timeOf(b.article.published) - timeOf(a.article.published);
    if (diff !== 0 && !Number.isNaN(diff)) return diff;
    return a.article.id < b.article.id ? -1 : a.article.id > b.article.id ? 1 : 0;
  });
}

/** `guarded`: guardHtml(entry.article.content), when the caller has it already (FragmentCache: an entry whose content did not change). */
export function toFeedItem(entry: CuratedEntry, config: Config, fallbackDate: Date, guarded = guardHtml(entry.article.content)): FeedItem {
  const { article } = entry;
  const topicTitles = topicTitlesOf(config);
  const firstSeen = validDate(article.firstSeen) ?? fallbackDate;
  const published = validDate(article.published) ?? firstSeen;
  const updatedAt = validDate(article.updated);
  const updated = updatedAt && updatedAt > published ? updatedAt : published;
  const changed = new Date(Math.max(firstSeen.getTime(), updated.getTime()));
  const original = toSafeHttpUrl(article.link);
  const homeUrl = siteUrl(config.server.baseUrl, '/');
  const source = describeSource(entry, config);
  const alsoAt = entry.alsoAt.map((other) => {
    const url = toSafeHttpUrl(other.link);
    return { source: clean(other.source), title: clean(other.title), ...(url ? { url } : {}) };
  });
  const summary = clean(article.summary);
  const body = guarded || (summary ? `<p>${escapeMarkup(summary)}</p>` : '');
  const author = article.author ? clean(article.author) : undefined;
  return {
    articleId: article.id,
    guid: guidFor(article.id),
    title: clean(article.title) || '(ohne Titel)',
    url: original ?? `${homeUrl}#${anchorFor(article.id)}`,
    hasOriginalLink: original !== undefined,
    published,
    updated,
    changed,
    summary,
    contentHtml: body + renderAlsoAtHtml(alsoAt),
    ...(author ? { author } : {}),
    source,
    topics: entry.topics.map((name) => ({ name, title: topicTitles.get(name) ?? name })),
    alsoAt,
    why: entry.topics.flatMap((name) => {
      const terms = (entry.matches?.[name] ?? []).map(clean).filter((t) => t !== '');
      return terms.length > 0 ? [{ topic: { name, title: topicTitles.get(name) ?? name }, terms }] : [];
    }),
    enclosures: article.enclosures.flatMap((e) => {
      const url = toSafeHttpUrl(e.url);
      if (!url) return [];
      return [{ url, type: e.type && /^[\w.+-]+\/[\w.+-]+$/.test(e.type) ? e.type : guessMediaType(url), ...(e.length && e.length > 0 ? { length: e.length } : {}) }];
    }),
  };
}

/** "Auch bei: golem.de, ip-insider" with links, appended to the content. */
export function renderAlsoAtHtml(alsoAt: FeedItem['alsoAt']): string {
  if (alsoAt.length === 0) return '';
  const links = alsoAt.map((o) =>
    o.url ? `<a href="${escapeMarkup(o.url)}" title="${escapeMarkup(o.title)}">${escapeMarkup(o.source)}</a>` : escapeMarkup(o.source),
  );
  return `<p class="feedkurator-also-at">Auch bei: ${links.join(', ')}</p>`;
}

// toFeedItem runs once per article and build; the topic titles only change with the config object.
const titleCache = new WeakMap<Config, Map<string, string>>();

function topicTitlesOf(config: Config): Map<string, string> {
  let titles = titleCache.get(config);
  if (!titles) {
    titles = new Map(listTopics(config).map((t) => [t.name, t.title]));
    titleCache.set(config, titles);
  }
  return titles;
}

function describeSource(entry: CuratedEntry, config: Config): SourceRef {
  const first = entry.article.sources[0];
  const name = clean(first?.name ?? 'unbekannte Quelle');
  const configured = config.sources.find((s) => s.name === first?.name);
  const link = toSafeHttpUrl(first?.link ?? entry.article.link);
  return {
    name,
    ...(configured ? { feedUrl: configured.url } : {}),
    ...(link ? { siteUrl: new URL(link).origin + '/' } : {}),
  };
}

function clean(text: string): string {
  return stripIllegalChars(text).replace(/\s+/g, ' ').trim();
}

function timeOf(iso: string | undefined): number {
  return iso ? Date.parse(iso) : Number.NaN;
}

export function validDate(iso: string | undefined): Date | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  // Dates before 1970 or after 9999 make toUTCString/toISOString produce what no reader parses.
  return Number.isFinite(t) && t >= 0 && t < 253_402_300_800_000 ? new Date(t) : undefined;
}

const MEDIA_TYPES: Record<string, string> = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp', svg: 'image/svg+xml',
  mp3: 'audio/mpeg', m4a: 'audio/mp4', ogg: 'audio/ogg', opus: 'audio/ogg', mp4: 'video/mp4', webm: 'video/webm', pdf: 'application/pdf',
};

function guessMediaType(url: string): string {
  const ext = new URL(url).pathname.split('.').pop()?.toLowerCase() ?? '';
  return MEDIA_TYPES[ext] ?? 'application/octet-stream';
}

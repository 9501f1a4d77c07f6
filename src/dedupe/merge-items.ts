/**
 * Merge one source's normalized items into the store's data, in memory.
 *
 * - Items are matched by identity key (see identity.ts), then by the
 *   source's own guid (the source changed the link, e.g. heise's slug after
 *   a title edit), through an index rather than a scan.
 * - The same article from several sources is stored once; each source that
 *   carried it is remembered in `sources`, in the order they first did.
 * - The first source of an article owns its text: only it can update the
 *   title/summary/content in place. An aggregator that shortens or prefixes
 *   the title would otherwise flip the article back and forth every poll.
 * - An identity that retention dropped (a tombstone in `data.retired`) is not
 *   stored again while a source still lists it; listing it refreshes the
 *   tombstone.
 */
import { createHash } from 'node:crypto';
import type { StoreData } from '../store/store.js';
import type { ArticleSource, NormalizedItem, StoredArticle } from '../types.js';
import { getArticleIndex, indexArticle, noteAppended, type ArticleIndex } from './article-index.js';
import { guidKeyOf, identifyItem, urlKeyOf, type ItemIdentity } from './identity.js';
import { dayOf } from './retention.js';

export interface MergeCounts {
  new: number;
  updated: number;
  duplicates: number;
}

/** Stored text is capped so that one bloated feed cannot swell the store file. */
export const MAX_TITLE_CHARS = 500;
export const MAX_SUMMARY_CHARS = 2_000;
export const MAX_CONTENT_CHARS = 40_000;

export function mergeItems(data: StoreData, sourceName: string, items: readonly NormalizedItem[], now: Date): MergeCounts {
  const counts: MergeCounts = { new: 0, updated: 0, duplicates: 0 };
  const nowIso = now.toISOString();
  const today = dayOf(now);
  const index = getArticleIndex(data);
  const guidUses = countGuids(items);
  const sharedLinks = findSharedLinks(items);
  const keysInBatch = new Set<string>();
  const articlesInBatch = new Set<string>();

  for (const item of items) {
    const identity = identifyItem(sharedLinks.has(item) ? withoutLink(item) : item, sourceName);
    // A feed listing one article twice: the first listing (the newest, in feed order) wins.
    if (keysInBatch.has(identity.key)) {
      counts.duplicates++;
      continue;
    }
    keysInBatch.add(identity.key);

    const existing = findExisting(index, identity, item, sourceName, guidUses);
    if (existing) {
      if (articlesInBatch.has(existing.id)) {
        counts.duplicates++;
        continue;
      }
      articlesInBatch.add(existing.id);
      if (updateArticle(index, existing, item, sourceName, nowIso)) counts.updated++;
      else counts.duplicates++;
      continue;
    }

    if (data.retired[identity.id] !== undefined) {
      data.retired[identity.id] = today;
      counts.duplicates++;
      continue;
    }

    const article = createArticle(identity, item, sourceName, nowIso);
    data.articles.push(article);
    indexArticle(index, article);
    articlesInBatch.add(article.id);
    counts.new++;
  }
  noteAppended(data);
  return counts;
}

export function hashContent(title: string, summary: string, content: string): string {
  return createHash('sha256').update(`${title}\u0000${summary}\u0000${content}`).digest('hex').slice(0, 16);
}

function countGuids(items: readonly NormalizedItem[]): Map<string, number> {
  const uses = new Map<string, number>();
  for (const item of items) {
    const guid = item.guid?.trim();
    if (guid) uses.set(guid, (uses.get(guid) ?? 0) + 1);
  }
  return uses;
}

/**
 * Items of one feed that share a link but are different articles (different
 * guid and title): some feeds point every item at the front page or a
 * category page. Their link identifies nothing, so they are keyed by guid.
 */
function findSharedLinks(items: readonly NormalizedItem[]): Set<NormalizedItem> {
  const byLink = new Map<string, NormalizedItem[]>();
  for (const item of items) {
    const key = item.link ? urlKeyOf(item.link) : undefined;
    if (!key || !item.guid?.trim()) continue;
    const group = byLink.get(key);
    if (group) group.push(item);
    else byLink.set(key, [item]);
  }
  const shared = new Set<NormalizedItem>();
  for (const group of byLink.values()) {
    if (group.length < 2) continue;
    const guids = new Set(group.map((i) => i.guid!.trim()));
    const titles = new Set(group.map((i) => i.title));
    if (guids.size > 1 && titles.size > 1) for (const item of group) shared.add(item);
  }
  return shared;
}

function withoutLink(item: NormalizedItem): NormalizedItem {
  const { link: _link, ...rest } = item;
  return rest;
}

function findExisting(
  index: ArticleIndex,
  identity: ItemIdentity,
  item: NormalizedItem,
  sourceName: string,
  guidUses: Map<string, number>,
): StoredArticle | undefined {
  const byKey = index.byKey.get(identity.key) ?? index.byId.get(identity.id);
  if (byKey) return byKey;
  // Some broken feeds give every item the same guid (the site's home page);
  // such a guid identifies nothing, so only a guid unique in the feed is used.
  const guid = item.guid?.trim();
  if (guid && guidUses.get(guid) === 1) return index.byKey.get(guidKeyOf(sourceName, guid));
  return undefined;
}

function createArticle(identity: ItemIdentity, item: NormalizedItem, sourceName: string, nowIso: string): StoredArticle {
  const text = cappedText(item);
  const source: ArticleSource = { name: sourceName, firstSeen: nowIso };
  const guid = item.guid?.trim();
  if (guid) source.guid = guid;
  if (item.link) source.link = item.link;
  const dateProblem = item.published ? undefined : (item.dateProblem ?? 'missing');
  const article: StoredArticle = {
    id: identity.id,
    key: identity.key,
    title: text.title,
    ...(item.link ? { link: item.link } : {}),
    summary: text.summary,
    content: text.content,
    ...(item.author ? { author: item.author } : {}),
    categories: [...item.categories],
    enclosures: item.enclosures.map((e) => ({ ...e })),
    published: item.published ?? nowIso,
    ...(dateProblem ? { dateProblem } : {}),
    firstSeen: nowIso,
    contentHash: hashContent(text.title, text.summary, text.content),
    sources: [source],
  };
  return article;
}

/** Returns true when the article's text changed (counts as `updated`). */
function updateArticle(index: ArticleIndex, article: StoredArticle, item: NormalizedItem, sourceName: string, nowIso: string): boolean {
  const guid = item.guid?.trim();
  let source = article.sources.find((s) => s.name === sourceName);
  if (!source) {
    source = { name: sourceName, firstSeen: nowIso };
    article.sources.push(source);
  }
  if (guid && source.guid !== guid) source.guid = guid;
  if (item.link && source.link !== item.link) source.link = item.link;
  indexArticle(index, article);

  if (article.sources[0]?.name !== sourceName) return false;

  // A source that later supplies a real date corrects the first-seen stand-in.
  if (article.dateProblem && item.published) {
    article.published = item.published;
    delete article.dateProblem;
  }
  const text = cappedText(item);
  const hash = hashContent(text.title, text.summary, text.content);
  if (hash === article.contentHash) return false;

  article.title = text.title;
  article.summary = text.summary;
  article.content = text.content;
  article.contentHash = hash;
  if (item.link) article.link = item.link;
  if (item.author) article.author = item.author;
  article.categories = [...item.categories];
  article.enclosures = item.enclosures.map((e) => ({ ...e }));
  const previous = article.updated ?? article.published;
  article.updated = item.updated && item.updated > previous && item.updated <= nowIso ? item.updated : nowIso;
  return true;
}

function cappedText(item: NormalizedItem): { title: string; summary: string; content: string } {
  return {
    title: capPlain(item.title, MAX_TITLE_CHARS),
    summary: capPlain(item.summary, MAX_SUMMARY_CHARS),
    content: capHtml(item.content, MAX_CONTENT_CHARS),
  };
}

function capPlain(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}

/** Cut sanitized HTML before the last tag or entity that would be split; browsers close open elements. */
export function capHtml(html: string, max: number): string {
  if (html.length <= max) return html;
  let cut = html.slice(0, max);
  const lt = cut.lastIndexOf('<');
  if (lt > cut.lastIndexOf('>')) cut = cut.slice(0, lt);
  const amp = cut.lastIndexOf('&');
  if (amp > cut.lastIndexOf(';') && amp > cut.lastIndexOf('>')) cut = cut.slice(0, amp);
  return `${cut}…`;
}

/**
 * Merge one source's normalized items into what the store holds: a pure
 * plan, computed from a lookup the store answers and applied by the store in
 * one transaction (src/store/store-api.ts, mergeSource).
 *
 * - Items are matched by identity key (see identity.ts), then by the
 *   source's own guid (the source changed the link, e.g. heise's slug after
 *   a title edit).
 * - The same article from several sources is stored once; each source that
 *   carried it is remembered in `sources`, in the order they first did.
 * - The first source of an article owns its text: only it can update the
 *   title/summary/content in place. An aggregator that shortens or prefixes
 *   the title would otherwise flip the article back and forth every poll.
 * - The published link is the https variant when any source gave one: a
 *   cross-poster's http link never replaces the outlet's own.
 * - An identity that retention dropped (a tombstone) is not stored again
 *   while a source still lists it; listing it refreshes the tombstone.
 */
import type { ArticleHead, ArticleSource, ArticleWrite, MergeLookup, NormalizedItem, SourceMerge } from '../types.js';
import { indexKeysOf } from './article-keys.js';
import { guidKeyOf, identifyItem, rememberUrlKey, urlKeyOf, type ItemIdentity } from './identity.js';
import { cappedText, contentHashOf } from './item-digests.js';
import { dayOf } from './retention.js';

export interface MergeCounts {
  new: number;
  updated: number;
  duplicates: number;
}

export { hashContent, MAX_CONTENT_CHARS, MAX_SUMMARY_CHARS, MAX_TITLE_CHARS } from './item-digests.js';

/** What a merge needs to look up, before planning it. */
export interface PreparedItems {
  source: string;
  /** One shape whether the item has a usable guid or not: the plan's loop reads them all alike. */
  entries: { item: NormalizedItem; identity: ItemIdentity; guid: string | undefined }[];
  /** Every lookup key the plan may ask for. */
  keys: string[];
  ids: string[];
}

export function prepareItems(sourceName: string, items: readonly NormalizedItem[]): PreparedItems {
  // The reader's url keys spare the URL parses of every look-up of these links below and in the plan.
  for (const item of items) if (item.link && item.linkKey !== undefined) rememberUrlKey(item.link, item.linkKey);
  const sharedLinks = findSharedLinks(items);
  const guidUses = countGuids(items);
  const keys = new Set<string>();
  const ids = new Set<string>();
  // Pushed, not mapped: Array.prototype.map gives a packed array until this function is optimized and a holey
  // one after (the optimizing compiler's inlined map), and the plan's loop met both and was compiled again.
  const entries: PreparedItems['entries'] = [];
  for (const item of items) {
    const identity = identifyItem(sharedLinks.has(item) ? withoutLink(item) : item, sourceName);
    keys.add(identity.key);
    ids.add(identity.id);
    // Some broken feeds give every item the same guid (the site's home page);
    // such a guid identifies nothing, so only a guid unique in the feed is used.
    const raw = item.guid?.trim();
    const guid = raw && guidUses.get(raw) === 1 ? raw : undefined;
    if (guid) keys.add(guidKeyOf(sourceName, guid));
    entries.push({ item, identity, guid });
  }
  return { source: sourceName, entries, keys: [...keys], ids: [...ids] };
}

export interface MergePlan {
  merge: SourceMerge;
  counts: MergeCounts;
}

/** Decide what one source's items change, given what the store holds for their keys. Never mutates `found`. */
export function planMerge(found: MergeLookup, prepared: PreparedItems, now: Date): MergePlan {
  let added = 0;
  let updated = 0;
  const nowIso = now.toISOString();
  const sourceName = prepared.source;
  // Working copies of the articles this batch touches, and keys they gained in it.
  const touched = new Map<string, { head: ArticleHead; content?: string; contentJson?: Uint8Array; isNew: boolean; changed: boolean }>();
  const batchKeys = new Map<string, string>();
  const keysInBatch = new Set<string>();
  const articlesInBatch = new Set<string>();
  const retiredSeen = new Set<string>();

  const resolve = (head: ArticleHead | undefined): ArticleHead | undefined => (head ? (touched.get(head.id)?.head ?? head) : undefined);
  const lookup = (key: string): ArticleHead | undefined => {
    const id = batchKeys.get(key);
    if (id !== undefined) return touched.get(id)!.head;
    return resolve(found.byKey.get(key));
  };

  for (const { item, identity, guid } of prepared.entries) {
    // A feed listing one article twice: the first listing (the newest, in feed order) wins.
    if (keysInBatch.has(identity.key)) continue;
    keysInBatch.add(identity.key);

    const existing =
      lookup(identity.key) ?? touched.get(identity.id)?.head ?? resolve(found.byId.get(identity.id)) ?? (guid ? lookup(guidKeyOf(sourceName, guid)) : undefined);
    if (existing) {
      if (articlesInBatch.has(existing.id)) continue;
      articlesInBatch.add(existing.id);
      const entry = touched.get(existing.id) ?? { head: cloneHead(existing), isNew: false, changed: false };
      const outcome = updateArticle(entry.head, item, sourceName, nowIso);
      if (outcome.text) {
        entry.content = outcome.text.content;
        entry.contentJson = undefined;
      }
      if (outcome.changed) entry.changed = true;
      if (entry.changed) {
        touched.set(existing.id, entry);
        for (const key of indexKeysOf(entry.head)) if (!batchKeys.has(key)) batchKeys.set(key, existing.id);
      }
      if (outcome.text) updated++;
      continue;
    }

    if (found.retired.has(identity.id)) {
      retiredSeen.add(identity.id);
      continue;
    }

    const { head, content, contentJson } = createArticle(identity, item, sourceName, nowIso);
    touched.set(head.id, { head, content, contentJson, isNew: true, changed: true });
    for (const key of indexKeysOf(head)) if (!batchKeys.has(key)) batchKeys.set(key, head.id);
    articlesInBatch.add(head.id);
    added++;
  }

  const writes: ArticleWrite[] = [];
  for (const entry of touched.values()) {
    if (!entry.changed) continue;
    if (entry.content === undefined) writes.push({ head: entry.head });
    else if (entry.contentJson === undefined) writes.push({ head: entry.head, content: entry.content });
    else writes.push({ head: entry.head, content: entry.content, contentJson: entry.contentJson });
  }
  // Every entry not new and not updating its article's text is a duplicate: counted here, not in the loop's four
  // branches that found one: the first of them taken after the loop was optimized threw that code away (a
  // cold poll's first duplicate comes after dozens of sources).
  const counts: MergeCounts = { new: added, updated, duplicates: prepared.entries.length - added - updated };
  return { merge: { writes, retiredSeen: [...retiredSeen], day: dayOf(now) }, counts };
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

/**
 * A working copy in the one shape, whatever shape the store's copy has (JSON
 * gives each combination of present fields its own). Fields keep the order of
 * a stored head, so the JSON of an unchanged field set is the same bytes.
 */
function cloneHead(head: ArticleHead): ArticleHead {
  return {
    id: head.id,
    key: head.key,
    title: head.title,
    link: head.link,
    summary: head.summary,
    author: head.author,
    categories: [...head.categories],
    enclosures: head.enclosures.map((e) => ({ ...e })),
    published: head.published,
    dateProblem: head.dateProblem,
    firstSeen: head.firstSeen,
    contentHash: head.contentHash,
    sources: head.sources.map((s) => sourceEntry(s.name, s.firstSeen, s.guid, s.link)),
    updated: head.updated,
  };
}

/**
 * A source entry in its one shape (the order of a stored entry: name, firstSeen, guid, link).
 * Absent fields are undefined properties; JSON leaves them out, as it left out the missing ones.
 */
function sourceEntry(name: string, firstSeen: string, guid: string | undefined, link: string | undefined): ArticleSource {
  return { name, firstSeen, guid, link };
}

function createArticle(
  identity: ItemIdentity,
  item: NormalizedItem,
  sourceName: string,
  nowIso: string,
): { head: ArticleHead; content: string; contentJson: Uint8Array | undefined } {
  const text = cappedText(item);
  const source = sourceEntry(sourceName, nowIso, item.guid?.trim() || undefined, item.link || undefined);
  const dateProblem = item.published ? undefined : (item.dateProblem ?? 'missing');
  // Every head in one shape, absent fields as undefined properties (the JSON is the same: it leaves both
  // out). Dedupe, the store and classification read heads on every merge; a shape per combination of
  // optional fields made those reads megamorphic and threw their optimized code away again and again.
  const head: ArticleHead = {
    id: identity.id,
    key: identity.key,
    title: text.title,
    link: item.link || undefined,
    summary: text.summary,
    author: item.author || undefined,
    categories: [...item.categories],
    enclosures: item.enclosures.map((e) => ({ ...e })),
    published: item.published ?? nowIso,
    dateProblem,
    firstSeen: nowIso,
    contentHash: contentHashOf(item, text),
    sources: [source],
    updated: undefined,
  };
  // The reader's JSON of the content holds only while the content was not cut here.
  return { head, content: text.content, contentJson: text.content === item.content ? item.contentJson : undefined };
}

interface UpdateOutcome {
  /** The head changed in any way (a new source, a link, a date, the text). */
  changed: boolean;
  /** Set when the text changed (counts as `updated`): the new capped text. */
  text?: { content: string };
}

/** Updates `article` (a working copy) in place. */
function updateArticle(article: ArticleHead, item: NormalizedItem, sourceName: string, nowIso: string): UpdateOutcome {
  let changed = false;
  const guid = item.guid?.trim();
  let source = article.sources.find((s) => s.name === sourceName);
  if (!source) {
    source = sourceEntry(sourceName, nowIso, undefined, undefined);
    article.sources.push(source);
    changed = true;
  }
  if (guid && source.guid !== guid) {
    source.guid = guid;
    changed = true;
  }
  if (item.link && source.link !== item.link) {
    source.link = item.link;
    changed = true;
  }
  if (preferHttps(article, item.link)) changed = true;

  if (article.sources[0]?.name !== sourceName) return { changed };

  // A source that later supplies a real date corrects the first-seen stand-in.
  if (article.dateProblem && item.published) {
    article.published = item.published;
    // Not deleted: a deleted property leaves the head a slow dictionary object, unlike every other head.
    article.dateProblem = undefined;
    changed = true;
  }
  const text = cappedText(item);
  const hash = contentHashOf(item, text);
  if (hash === article.contentHash) return { changed };

  article.title = text.title;
  article.summary = text.summary;
  article.contentHash = hash;
  if (item.link && !(article.link?.startsWith('https:') && item.link.startsWith('http:'))) article.link = item.link;
  if (item.author) article.author = item.author;
  article.categories = [...item.categories];
  article.enclosures = item.enclosures.map((e) => ({ ...e }));
  const previous = article.updated ?? article.published;
  article.updated = item.updated && item.updated > previous && item.updated <= nowIso ? item.updated : nowIso;
  return { changed: true, text: { content: text.content } };
}

/** An http link of the article replaced by the same article's https link from another source. */
function preferHttps(article: ArticleHead, link: string | undefined): boolean {
  if (!link || !article.link || !link.startsWith('https:') || !article.link.startsWith('http:')) return false;
  if (urlKeyOf(link) !== urlKeyOf(article.link)) return false;
  article.link = link;
  return true;
}

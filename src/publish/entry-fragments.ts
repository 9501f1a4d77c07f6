/**
 * The rendered pieces of one curated entry: its FeedItem (the costly part:
 * sanitizing the HTML) and its RSS item, Atom entry and JSON Feed item text.
 * Every feed showing an entry shows the same pieces, so a rebuild after a
 * poll renders only the entries that are new or changed and joins the rest
 * from the previous build.
 *
 * Feed bodies are made from these pieces as bytes (route-body.ts), the
 * way joinDocument and joinJsonFeed join text.
 *
 * A cached piece is used only when everything it was made from is the same:
 * the entry's data (compared whole, content included) and the part of the
 * config it reads. A miss costs a render, never a wrong byte: a build from
 * this cache is byte-identical to a build from scratch.
 */
import type { Config } from '../config/schema.js';
import type { CuratedEntry } from '../types.js';
import { listTopics, toFeedItem, validDate, type FeedItem } from './feed-model.js';
import { guardHtml } from './guard-html.js';
import { renderJsonFeedItem } from './render-json-feed.js';
import { renderAtomEntry, renderRssItem } from './render-xml-feeds.js';

/**
 * The item's text in each format, encoded as UTF-8 (each rendered when first read: Pieces): documents are
 * joined from them by copying bytes.
 * Once a body holds it, each piece is made a view of those bytes (route-body.ts buildRouteBody):
 * the cache then holds no copy of its own (~1.8 MB at 20,000 articles, most of it in half-used 8 KB pool
 * slabs), and the previous publication's bodies are freed once no piece of the new one points into them.
 */
export interface EntryFragments {
  readonly item: FeedItem;
  rss: Buffer;
  atom: Buffer;
  json: Buffer;
}

/**
 * An entry's pieces, each rendered when first read: a start without a snapshot answers `/feed.xml` first
 * (build-publication.ts buildFeedFirst), so the Atom and JSON pieces of its entries are rendered after that
 * answer, with the other routes (~2 % of that start's CPU at 20,000 articles, BENCHMARKS.md session 13).
 * Each renderer reads the item alone (and JSON the feed's language, part of the cache's context), so the
 * bytes do not depend on when they are made.
 */
class Pieces implements EntryFragments {
  #rss: Buffer | undefined;
  #atom: Buffer | undefined;
  #json: Buffer | undefined;

  constructor(
    readonly item: FeedItem,
    private readonly language: string,
  ) {}

  get rss(): Buffer {
    return (this.#rss ??= Buffer.from(renderRssItem(this.item), 'utf8'));
  }
  set rss(bytes: Buffer) {
    this.#rss = bytes;
  }
  get atom(): Buffer {
    return (this.#atom ??= Buffer.from(renderAtomEntry(this.item), 'utf8'));
  }
  set atom(bytes: Buffer) {
    this.#atom = bytes;
  }
  get json(): Buffer {
    return (this.#json ??= Buffer.from(renderJsonFeedItem(this.item, this.language), 'utf8'));
  }
  set json(bytes: Buffer) {
    this.#json = bytes;
  }
}

interface Cached {
  /** The entry object rendered: the same object again (select-entries hands unchanged entries on) is the same data. */
  entry: CuratedEntry;
  /** Its "why shown" when rendered: the one thing filled into an entry later (a feed-first build, select-entries.ts WhyLater). */
  matches: CuratedEntry['matches'];
  /** The entry's data apart from its content. */
  key: string;
  content: string;
  /** guardHtml(content): an entry whose other data changed ("Auch bei", topics) is rendered again from it. */
  guarded: string;
  fragments: EntryFragments;
}

export class FragmentCache {
  #context: string | undefined;
  #entries = new Map<string, Cached>();
  /** Ids asked for since the last prune(): what the current build uses. */
  #used = new Set<string>();
  #rendered = 0;
  #reused = 0;
  /** Entries rendered and reused by the builds up to the last prune() (the daemon logs them). */
  lastBuild = { rendered: 0, reused: 0 };

  /** The pieces of an entry, rendered now unless an identical entry was rendered for the same config part. */
  get(entry: CuratedEntry, config: Config, generatedAt: Date): EntryFragments {
    const context = contextOf(config);
    if (context !== this.#context) {
      this.#entries.clear();
      this.#context = context;
    }
    const { article } = entry;
    const first = !this.#used.has(article.id);
    this.#used.add(article.id);
    const hit = this.#entries.get(article.id);
    // Entries are not changed once made but for their matches, filled in once; one without a first-seen date depends on the build's clock (keyOf).
    const key = hit?.entry === entry && hit.matches === entry.matches && validDate(article.firstSeen) ? hit.key : keyOf(entry, generatedAt);
    if (hit && hit.key === key && hit.content === article.content) {
      hit.entry = entry;
      hit.matches = entry.matches;
      if (first) this.#reused++;
      return hit.fragments;
    }
    if (first) this.#rendered++;
    const guarded = hit?.content === article.content ? hit.guarded : guardHtml(article.content);
    const item = toFeedItem(entry, config, generatedAt, guarded);
    const fragments = new Pieces(item, config.feed.language);
    this.#entries.set(article.id, { entry, matches: entry.matches, key, content: article.content, guarded, fragments });
    return fragments;
  }

  /** Forget the entries the builds since the last prune() did not ask for (they left every feed). */
  prune(): void {
    for (const id of this.#entries.keys()) if (!this.#used.has(id)) this.#entries.delete(id);
    this.#used = new Set();
    this.lastBuild = { rendered: this.#rendered, reused: this.#reused };
    this.#rendered = 0;
    this.#reused = 0;
  }

  get size(): number {
    return this.#entries.size;
  }
}

// What toFeedItem and the item renderers read of the config, as one comparable string; one per config object.
const contexts = new WeakMap<Config, string>();

function contextOf(config: Config): string {
  let context = contexts.get(config);
  if (context === undefined) {
    context = JSON.stringify([
      config.server.baseUrl,
      config.feed.language,
      listTopics(config),
      config.sources.map((s) => [s.name, s.url]),
    ]);
    contexts.set(config, context);
  }
  return context;
}

function keyOf(entry: CuratedEntry, generatedAt: Date): string {
  const { content: _content, ...head } = entry.article;
  // The build's clock stands in for a missing first-seen date: then the entry depends on it.
  const clock = validDate(entry.article.firstSeen) ? '' : generatedAt.toISOString();
  return JSON.stringify([head, entry.topics, entry.alsoAt, entry.matches ?? null, clock]);
}


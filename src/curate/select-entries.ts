/**
 * From the curation state to the entries a publication shows: same-story
 * reports folded into one entry, then the newest `feed.maxItems` of the main
 * feed and of each topic feed, with their HTML fetched from the store.
 *
 * Only the newest part of the store can reach a feed, so stories are
 * clustered over a window: the articles first seen today (UTC), and of the
 * articles first seen before, the newest curated ones until every feed has
 * CLUSTER_DEPTH × maxItems candidates (at most WINDOW_CAP × maxItems), plus
 * three story windows (3 × 48 h) before the oldest of them. That earlier part
 * is fixed for the day and sets the day's word weights (story-clusterer), so a
 * poll that only adds articles extends the clusters instead of redoing them.
 * The cost (and the HTML held in memory) follows maxItems and the day's
 * articles, not the store's size. While that earlier part is too small for
 * frozen weights (a young store), the window is the newest articles, as many
 * as the same rule gives over all of them, as before.
 */
import { STORY_WINDOW_HOURS } from '../dedupe/story-clusters.js';
import { takeTurn, TimeSlice } from '../schedule/take-turn.js';
import type { Store } from '../store/store-api.js';
import type { ArticleHead, Classification, CuratedEntry, StoredArticle } from '../types.js';
import { classifyStoredArticle, newestFirst, type Curation } from './curation.js';
import { createStoryClusterer, MIN_REFERENCE, utcDay, type ClusterIds, type StoryClusterer } from './story-clusterer.js';

const CLUSTER_DEPTH = 2;
/** Work on the event loop between yields (as curation.ts's SLICE_MS, and why). */
const SLICE_MS = 5;
const WINDOW_CAP = 10;

export interface Candidate {
  head: ArticleHead;
  topics: string[];
}

interface HeadEntry {
  lead: Candidate;
  others: ArticleHead[];
  topics: Set<string>;
}

/** What an entry was made from: the same inputs make the same entry, so it is handed on as the same object. */
interface MadeEntry {
  entry: CuratedEntry;
  lead: ArticleHead;
  others: readonly ArticleHead[];
  rules: Curation['rules'];
}

/**
 * Content of recently published articles, so that a rebuild reads only what
 * is new; and the entries last selected, so that an unchanged one is the same
 * object next time (the renderer then knows it without comparing its data).
 */
export class ContentCache {
  #entries = new Map<string, { hash: string; content: string }>();
  #made = new Map<string, MadeEntry>();
  /** The window's entries as the last selection sorted them: the next sort starts from that order. */
  #order: HeadEntry[] = [];

  /**
   * The same entries, sorted newest first. Those of the last sort come first, in its order, then the
   * others: a poll's rebuild sorts a run that is already in order plus its few new clusters, which the
   * sort (a merge sort that finds runs) takes nearly in one pass. The order is total (no two entries
   * share a lead), so the result does not depend on the order given.
   */
  sortEntries(entries: readonly HeadEntry[]): HeadEntry[] {
    const left = new Set(entries);
    const sorted: HeadEntry[] = [];
    for (const entry of this.#order) if (left.delete(entry)) sorted.push(entry);
    for (const entry of left) sorted.push(entry);
    sorted.sort((a, b) => newestFirst(a.lead.head, b.lead.head));
    this.#order = sorted;
    return sorted;
  }

  /** The entry made last time from the same lead (same head object and content), outlets and rules, with these topics. */
  sameEntry(lead: ArticleHead, content: string, others: readonly ArticleHead[], topics: readonly string[], rules: Curation['rules']): CuratedEntry | undefined {
    const made = this.#made.get(lead.id);
    if (!made || made.lead !== lead || made.rules !== rules || made.entry.article.content !== content) return undefined;
    if (!sameItems(made.others, others) || !sameItems(made.entry.topics, topics)) return undefined;
    return made.entry;
  }

  made(entry: CuratedEntry, lead: ArticleHead, others: readonly ArticleHead[], rules: Curation['rules']): void {
    this.#made.set(lead.id, { entry, lead, others, rules });
  }

  get(head: ArticleHead): string | undefined {
    const hit = this.#entries.get(head.id);
    return hit && hit.hash === head.contentHash ? hit.content : undefined;
  }

  put(article: StoredArticle): void {
    this.#entries.set(article.id, { hash: article.contentHash, content: article.content });
  }

  /** Keep only these ids (the entries of the current publication). */
  retain(ids: ReadonlySet<string>): void {
    for (const id of this.#entries.keys()) if (!ids.has(id)) this.#entries.delete(id);
    for (const id of this.#made.keys()) if (!ids.has(id)) this.#made.delete(id);
  }
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A curation of part of the store (a start that reads the newest segments first, json-store.ts): every
 * curated article it lacks was published at or before `unloadedNewest`, and every article first seen on
 * the clock's UTC day or later is in it. The newest curated articles published after that date are then
 * the same, in the same order, as in the whole store's curation; the selection below looks at nothing
 * else (or throws WindowNotLoaded), so its entries are the whole store's.
 */
export interface LoadHorizon {
  unloadedNewest: string;
}

/** The selection would look past what a partial curation holds (LoadHorizon): read more of the store. */
export class WindowNotLoaded extends Error {
  constructor(readonly stage: 'window' | 'feeds') {
    super(`the ${stage === 'window' ? 'story window' : 'feeds'} reach past the articles loaded`);
  }
}

export async function selectEntries(
  curation: Curation,
  store: Store,
  cache: ContentCache,
  feed: { maxItems: number; topics: readonly string[] },
  /** Where stories are clustered: the daemon passes the one it keeps from rebuild to rebuild; by default this module's. */
  clusterer: StoryClusterer = inThread(),
  /** The clock: its UTC day fixes the window's earlier part and the word weights. */
  now: number = Date.now(),
  /** Set when the curation holds only the newest part of the store. */
  horizon?: LoadHorizon,
  /** Given: the new entries' "why shown" is left to it (filled by its fill()), not computed here. */
  whyLater?: WhyLater,
): Promise<CuratedEntry[]> {
  // Up to the first slice of the clustering nothing else yields (the store's reads resolve at once):
  // a rules edit at 50,000 articles ran all of it as one block of 50-75 ms. Each step gets its turn.
  const pause = new TimeSlice(SLICE_MS).pause;
  const curated = curation.listCurated();
  await takeTurn();
  const day = utcDay(now);
  const reach = horizon && new Reach(horizon.unloadedNewest);
  const { window, rest: wholeRest } = await splitWindow(curated, new Date(day).toISOString(), feed.maxItems, feed.topics, pause, reach);
  if (reach?.beyond) throw new WindowNotLoaded('window');
  const rest = reach ? reach.watch(wholeRest) : wholeRest;
  await takeTurn();
  // Story evidence includes the start of each body: only the window's HTML is read, each article once.
  await fillCache(store, cache, window.map((c) => c.head));
  await takeTurn();
  // Plain loops: a Map built from [id, candidate] pairs went through the iterator protocol and a pair per article.
  const byId = new Map<string, Candidate>();
  const inputs: { head: ArticleHead; content: string }[] = [];
  for (const c of window) {
    byId.set(c.head.id, c);
    inputs.push({ head: c.head, content: cache.get(c.head) ?? '' });
  }
  const clusters = await clusterer.cluster(inputs, day);
  await takeTurn();
  // In slices: at 50,000 articles the window has thousands of clusters (a rules edit's block profile named this step).
  const unsorted: HeadEntry[] = [];
  const slice = new TimeSlice(SLICE_MS);
  for (const ids of clusters) {
    unsorted.push(headEntry(ids, byId));
    if (slice.due) await slice.turn();
  }
  await takeTurn();
  const entries = cache.sortEntries(unsorted);
  await takeTurn();
  // The articles outside the window stand alone, merged in by date (both lists are newest first):
  // made into entries only as far as the feeds reach, not the whole store's worth on every rebuild.
  function* newestFirstEntries(): Generator<HeadEntry> {
    let next = rest.next();
    for (const entry of entries) {
      while (!next.done && newestFirst(next.value.head, entry.lead.head) < 0) {
        yield alone(next.value);
        next = rest.next();
      }
      yield entry;
    }
    while (!next.done) {
      yield alone(next.value);
      next = rest.next();
    }
  }

  const shown = pickShown(newestFirstEntries(), feed.maxItems, feed.topics);
  if (reach?.beyond) throw new WindowNotLoaded('feeds');
  await fillCache(store, cache, shown.map((e) => e.lead.head));
  await takeTurn();
  const kept = new Set<string>();
  for (const c of window) kept.add(c.head.id);
  for (const e of shown) kept.add(e.lead.head.id);
  cache.retain(kept);
  await takeTurn();

  const selected: CuratedEntry[] = [];
  slice.restart();
  for (const entry of shown) {
    const lead = entry.lead.head;
    const content = cache.get(lead);
    if (content === undefined) continue; // dropped by retention meanwhile
    const topics = feed.topics.filter((t) => entry.topics.has(t));
    const same = cache.sameEntry(lead, content, entry.others, topics, curation.rules);
    if (same) {
      // Made by an earlier feed-first selection whose fill() has not run: it is this one's to fill.
      if (same.matches === undefined) {
        if (whyLater) whyLater.add(same, curation, entry.others);
        else same.matches = whyShown(curation, same.article, entry.others);
      }
      selected.push(same);
      continue;
    }
    const article = { ...lead, content };
    const alsoAt = entry.others.map((o) => ({ id: o.id, source: o.sources[0]?.name ?? '', title: o.title, ...(o.link ? { link: o.link } : {}) }));
    let made: CuratedEntry;
    if (whyLater) {
      made = { article, topics, alsoAt };
      whyLater.add(made, curation, entry.others);
    } else made = { article, topics, alsoAt, matches: whyShown(curation, article, entry.others) };
    cache.made(made, lead, entry.others, curation.rules);
    selected.push(made);
    // Classifying the new outlets' teasers adds up: requests go on in between (the caller holds the state still).
    if (slice.due) await slice.turn();
  }
  return selected;
}

/**
 * The entries' "why shown", computed after the selection: a start without a snapshot answers /feed.xml
 * first, and only the page prints it (classifying each shown lead with its HTML: ~0.3 s of a refused
 * start's CPU at 20,000 articles, BENCHMARKS.md session 11). fill() sets each entry's `matches` to what
 * selectEntries would have made it, in slices; until then the entries lack it.
 */
export class WhyLater {
  #pending: { entry: CuratedEntry; curation: Curation; others: readonly ArticleHead[] }[] = [];

  add(entry: CuratedEntry, curation: Curation, others: readonly ArticleHead[]): void {
    this.#pending.push({ entry, curation, others });
  }

  async fill(): Promise<void> {
    const slice = new TimeSlice(SLICE_MS);
    for (const { entry, curation, others } of this.#pending.splice(0)) {
      entry.matches = whyShown(curation, entry.article, others);
      if (slice.due) await slice.turn();
    }
  }
}

/**
 * Why the entry is in the feed (the page's "Warum hier?"): the deciding terms
 * per topic, as `explain` gives them, of the lead and of its other outlets
 * (those from their title and teaser: their HTML stays on disk).
 */
function whyShown(curation: Curation, lead: StoredArticle, others: readonly ArticleHead[]): Record<string, string[]> {
  const all = [curation.classifyArticle(lead).matches];
  for (const other of others) all.push(classifyHead(curation, other).matches);
  const merged: Record<string, string[]> = {};
  for (const matches of all) {
    for (const [topic, terms] of Object.entries(matches)) merged[topic] = [...new Set([...(merged[topic] ?? []), ...terms])];
  }
  return merged;
}

// A changed article gets a new head object: per head and rules, its classification by title and teaser is fixed.
const headClassifications = new WeakMap<ArticleHead, { rules: Curation['rules']; result: Classification }>();

function classifyHead(curation: Curation, head: ArticleHead): Classification {
  const hit = headClassifications.get(head);
  if (hit && hit.rules === curation.rules) return hit.result;
  const result = classifyStoredArticle(curation.rules.classifier, head);
  headClassifications.set(head, { rules: curation.rules, result });
  return result;
}

// An unchanged cluster comes as the same ids object (story-clusterer.ts): its entry is the one made for it
// last time when every member is still the same candidate object (same head, same topics).
const headEntries = new WeakMap<ClusterIds, { members: Candidate[]; entry: HeadEntry }>();

function headEntry(ids: ClusterIds, byId: ReadonlyMap<string, Candidate>): HeadEntry {
  const hit = headEntries.get(ids);
  if (hit && sameMembers(hit.members, ids, byId)) return hit.entry;
  const { lead, others } = ids;
  const topics = new Set(byId.get(lead)!.topics);
  for (const other of others) for (const t of byId.get(other)?.topics ?? []) topics.add(t);
  const entry = { lead: byId.get(lead)!, others: others.map((o) => byId.get(o)!.head), topics };
  headEntries.set(ids, { members: [entry.lead, ...others.map((o) => byId.get(o)!)], entry });
  return entry;
}

function sameMembers(members: readonly Candidate[], ids: ClusterIds, byId: ReadonlyMap<string, Candidate>): boolean {
  if (members[0] !== byId.get(ids.lead)) return false;
  for (let i = 0; i < ids.others.length; i++) if (members[i + 1] !== byId.get(ids.others[i]!)) return false;
  return true;
}

function alone(c: Candidate): HeadEntry {
  return { lead: c, others: [], topics: new Set(c.topics) };
}

/**
 * The clustered window (see the file comment) and the rest, both in curated order (newest first).
 * The part first seen before `dayIso` depends only on those articles, so it stays put all day.
 * One pass over the curated list finds today's articles (wherever their dates put them); the
 * earlier ones are read only as far as the window reaches, and the rest only as far as the feeds
 * read it (an iterator): a rebuild does not copy the whole list twice.
 */
export async function splitWindow(
  curated: readonly Candidate[],
  dayIso: string,
  maxItems: number,
  topics: readonly string[],
  pause: () => Promise<void>,
  reach?: Reach,
): Promise<{ window: Candidate[]; rest: Iterator<Candidate> }> {
  const today: number[] = [];
  for (let i = 0; i < curated.length; i++) {
    if (curated[i]!.head.firstSeen >= dayIso) today.push(i);
    if ((i & 4_095) === 4_095) await pause();
  }
  // The i-th article first seen before the day, as its place in `curated`, found on demand.
  const earlier: number[] = [];
  let scanned = 0;
  let t = 0;
  const earlierAt = (i: number): number => {
    while (earlier.length <= i) {
      if (t < today.length && today[t] === scanned) t++;
      else earlier.push(scanned);
      scanned++;
    }
    return earlier[i]!;
  };
  const look = (c: Candidate): Candidate => (reach ? reach.look(c) : c);
  const baseEnd = findWindowEnd(curated.length - today.length, (i) => look(curated[earlierAt(i)]!), maxItems, topics, reach);
  if (baseEnd < MIN_REFERENCE) {
    // A young store (or one whose articles all came today): the newest articles, as many as above, weights over them.
    const end = findWindowEnd(curated.length, (i) => look(curated[i]!), maxItems, topics, reach);
    return { window: curated.slice(0, end), rest: skipping(curated, end, []) };
  }
  // Everything up to the last of the window's earlier articles is in the window (earlier or today's); after it, today's only.
  const last = earlierAt(baseEnd - 1);
  const window = curated.slice(0, last + 1);
  const after = today.filter((i) => i > last);
  for (const i of after) window.push(curated[i]!);
  return { window, rest: skipping(curated, last + 1, after) };
}

/** The candidates from `from` on, but those at the places `skip` (ascending) lists. */
function* skipping(curated: readonly Candidate[], from: number, skip: readonly number[]): Generator<Candidate> {
  let s = 0;
  for (let i = from; i < curated.length; i++) {
    if (s < skip.length && skip[s] === i) {
      s++;
      continue;
    }
    yield curated[i]!;
  }
}

/**
 * What the selection looked at of a partial curation (LoadHorizon): `beyond` once it looked at an article
 * published at or before the horizon, or ran out of articles (the whole store may have more).
 */
class Reach {
  beyond = false;
  readonly #unloadedNewest: string;

  constructor(unloadedNewest: string) {
    this.#unloadedNewest = unloadedNewest;
  }

  look(c: Candidate): Candidate {
    if (c.head.published <= this.#unloadedNewest) this.beyond = true;
    return c;
  }

  *watch(rest: Iterator<Candidate>): Generator<Candidate> {
    for (let next = rest.next(); !next.done; next = rest.next()) yield this.look(next.value);
    this.beyond = true;
  }
}

/** How many of the newest curated articles are clustered (see the file comment). */
function findWindowEnd(length: number, at: (i: number) => Candidate, maxItems: number, topics: readonly string[], reach?: Reach): number {
  const want = CLUSTER_DEPTH * maxItems;
  const counts = new Map(topics.map((t) => [t, 0]));
  // How many counted topics have fewer than `want` articles so far (every one counted, as the feeds' start at 0;
  // want is at least 2): kept as the counts change instead of read from all of them after every article.
  let short = counts.size;
  let end = 0;
  while (end < length && end < WINDOW_CAP * maxItems) {
    if (end >= want && short === 0) break;
    for (const t of at(end).topics) {
      const before = counts.get(t);
      const n = (before ?? 0) + 1;
      counts.set(t, n);
      if (before === undefined) short++;
      if (n === want) short--;
    }
    end++;
  }
  if (end >= length && reach) reach.beyond = true;
  if (end === 0 || end >= length) return end;
  const floor = Date.parse(at(end - 1).head.published) - 3 * STORY_WINDOW_HOURS * 3_600_000;
  while (end < length && Date.parse(at(end).head.published) >= floor) end++;
  if (end >= length && reach) reach.beyond = true;
  return end;
}

/** The entries some feed shows: the newest maxItems overall and per topic (entries newest first). */
function pickShown(entries: Iterable<HeadEntry>, maxItems: number, topics: readonly string[]): HeadEntry[] {
  const perTopic = new Map(topics.map((t) => [t, 0]));
  const shown: HeadEntry[] = [];
  let i = -1;
  for (const entry of entries) {
    i++;
    let wanted = i < maxItems;
    for (const t of entry.topics) {
      const n = perTopic.get(t) ?? 0;
      if (n < maxItems) wanted = true;
      perTopic.set(t, n + 1);
    }
    if (wanted) shown.push(entry);
    else if (i >= maxItems && [...perTopic.values()].every((n) => n >= maxItems)) break;
  }
  return shown;
}

async function fillCache(store: Store, cache: ContentCache, heads: readonly ArticleHead[]): Promise<void> {
  const missing = heads.filter((h) => cache.get(h) === undefined).map((h) => h.id);
  for (const article of await store.getArticles(missing)) cache.put(article);
}

let defaultClusterer: StoryClusterer | undefined;

function inThread(): StoryClusterer {
  defaultClusterer ??= createStoryClusterer();
  return defaultClusterer;
}

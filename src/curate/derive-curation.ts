/**
 * A rules edit: the curation state for the edited rules, derived from the
 * current one. An article that no changed term hits keeps its topics
 * (rules-delta.ts), every other article is classified again: the same
 * topics as Curation.open with the new rules (tests/curate/curation-derive
 * and tests/classify/rules-delta.property check it), for the cost of
 * reading the texts that may hold a changed term. Topics the store already
 * holds for the new rules (an edit undone) are taken as they are.
 *
 * Texts are read day by day (the JSON store's segments), newest first, and
 * only the days whose word filter (words-by-day.ts) may hold a changed term.
 * All of it runs on the event loop in slices of SLICE_MS, so that requests
 * keep being answered from the previous publication; the new state replaces
 * the old one only when complete (the caller swaps). The feeds read only the
 * newest part of the store: `early` is offered the state as soon as that part
 * is settled (settled-prefix.ts), to build and serve the new publication
 * while the older articles are classified (a term most texts hold, at 50,000
 * articles: the newest ~8,000 of them).
 */
import { planRulesDelta } from '../classify/rules-delta.js';
import { takeTurn, TimeSlice } from '../schedule/take-turn.js';
import type { Store } from '../store/store-api.js';
import type { ArticleHead, StoredArticle } from '../types.js';
import { BATCH, Curation, newestFirst, SLICE_MS, type CuratedHead, type CurationOptions, type Rules } from './curation.js';
import type { LoadHorizon } from './select-entries.js';
import { SettledPrefix } from './settled-prefix.js';
import { sortInSlices } from './sort-in-slices.js';
import { utcDay } from './story-clusterer.js';
import { dayOf } from './words-by-day.js';

/** Classifications handed to the store at once (each part is copied into its map in one go). */
const PUT_PART = 500;
/** Changed ids the build's listCurated may put in place itself; more are ordered here, in slices. */
const FEW_CHANGED = 512;
/** An early publication is tried again once this many times as many heads are settled ('window': a cheap refusal; 'feeds': after clustering). */
const RETRY_GROWTH = { window: 1.25, feeds: 2 };

/**
 * Build and serve a publication from a curation whose topics are settled only for the newest heads
 * (its curated list is set: listCurated answers it); 'served', or the stage at which the selection
 * would have looked past the horizon (WindowNotLoaded).
 */
export type EarlyPublish = (partial: Curation, horizon: LoadHorizon) => Promise<'served' | 'window' | 'feeds'>;

export interface DeriveOptions extends CurationOptions {
  early?: EarlyPublish;
}

export async function deriveCuration(previous: Curation, store: Store, rules: Rules, options: DeriveOptions = {}): Promise<Curation> {
  if (!previous.rules.definition || !rules.definition) return Curation.open(store, rules, options);
  // The caller just compiled the new rules (several ms): a turn of the event loop first.
  await takeTurn();
  const delta = planRulesDelta(previous.rules.definition, rules.definition);
  await takeTurn();
  const before = previous.parts();
  const words = before.words;
  // Loops over every article check `slice.due` inline: an awaited helper per step made a promise per article
  // (20 MB of the 290 MB a steady edit at 50,000 allocated, and the scavenges that came with it).
  const slice = new TimeSlice(SLICE_MS);
  const breathe = slice.pause;
  // The heads as two lists walked by index: a Map's iterator made a result object and an entry pair per step,
  // for every article in each of the loops below (30 MB of an edit at 50,000).
  const headIds = [...before.heads.keys()];
  const headList = [...before.heads.values()];
  const heads = new Map<string, ArticleHead>();
  for (let i = 0; i < headIds.length; i++) {
    heads.set(headIds[i]!, headList[i]!);
    if (slice.due) await slice.turn();
  }
  const topics = await store.getClassifications(rules.fingerprint, before.window ? [...heads.keys()] : undefined);
  await slice.turn();
  for (const id of topics.keys()) {
    if (!heads.has(id)) topics.delete(id);
    if (slice.due) await slice.turn();
  }
  const curation = Curation.fromParts(rules, { heads, topics, window: before.window, words });
  // Each id is settled once: a list, not a Map (a Map growing past 32,768 entries rehashes in one step of ~5-10 ms, and `topics` grows beside it).
  // Two lists side by side rather than a pair per article (50,000 small arrays kept alive through the edit).
  const computed: Settled = { ids: [], lists: [] };
  const settle = (id: string, result: string[]): void => {
    topics.set(id, result);
    computed.ids.push(id);
    computed.lists.push(result);
  };
  // The ids of each day whose content is read: to be classified again whole, or looked at for the changed terms.
  const openByDay = new Map<string, Set<string>>();
  const whole = new Set<string>();
  const days = new Set<string>();
  for (const head of headList) {
    days.add(dayOf(head.firstSeen));
    if (slice.due) await slice.turn();
  }
  words.retainDays(days);
  if (delta.probe) await words.load(days, breathe);
  // Days with an article whose words are not in the day's filter: their texts are read.
  const incomplete = new Set<string>();
  for (let i = 0; i < headIds.length; i++) {
    const id = headIds[i]!;
    const head = headList[i]!;
    const day = dayOf(head.firstSeen);
    if (!words.covers(head)) incomplete.add(day);
    if (!topics.has(id)) {
      const was = before.topics.get(id);
      // With a probe, whether the title or teaser holds a changed term is asked only once the text is read or its
      // day ruled out, not for every head before the first read (~150 ms at 50,000 articles).
      const read = was === undefined || delta.allowsOtherTopics(head.sources);
      if (read) whole.add(id);
      if (read || delta.probe) {
        let ids = openByDay.get(day);
        if (!ids) openByDay.set(day, (ids = new Set()));
        ids.add(id);
      } else settle(id, delta.carriedOver(was));
    }
    if (slice.due) await slice.turn();
  }
  // A day whose texts certainly hold none of the changed terms is not read.
  if (delta.probe) {
    for (const [day, ids] of openByDay) {
      if (incomplete.has(day) || words.mayHit(day, delta.probe.terms)) continue;
      for (const id of ids) {
        if (whole.has(id) || delta.probe.hitsHead(heads.get(id)!)) continue;
        ids.delete(id);
        settle(id, delta.carriedOver(before.topics.get(id)!));
        if (slice.due) await slice.turn();
      }
      if (ids.size === 0) openByDay.delete(day);
    }
  }
  // Texts looked at for a changed term, and how many held one: once most do (a term most texts hold),
  // classifying outright is cheaper than looking first, and gives the same topics.
  let probed = 0;
  let hits = 0;
  const take = async (batch: readonly StoredArticle[]): Promise<void> => {
    slice.restart();
    for (const article of batch) {
      const ids = openByDay.get(dayOf(article.firstSeen));
      if (heads.has(article.id) && !words.covers(article)) words.add(article);
      if (ids?.delete(article.id)) {
        const outright = whole.has(article.id) || (probed >= 100 && hits * 2 > probed) || delta.probe!.hitsHead(article);
        const hit = !outright && delta.probe!.hitsContent(article.content);
        if (!outright) (probed++, hit && hits++);
        if (outright || hit) settle(article.id, curation.classifyArticle(article).topics);
        else settle(article.id, delta.carriedOver(before.topics.get(article.id)!));
      }
      if (slice.due) await slice.turn();
    }
  };
  const early = options.early && before.sorted && openByDay.size > 0 ? await EarlyTries.start(options.early, curation, headList, topics, breathe) : undefined;
  // Articles whose date moved past the day they were first seen (a source corrected it): read first, as the
  // feeds may want them before their day comes.
  const ahead: string[] = [];
  if (early) {
    for (const [day, dayIds] of openByDay) {
      for (const id of dayIds) {
        if (dayOf(heads.get(id)!.published) > day) ahead.push(id);
        if (slice.due) await slice.turn();
      }
    }
    if (ahead.length > 0) await readArticles(store, ahead, false, take, options.signal);
  }
  // Day by day (the JSON store reads a day's texts at once), newest first: the feeds read the newest articles.
  const ids: string[] = [];
  let count = ahead.length;
  for (const day of [...openByDay.keys()].sort().reverse()) {
    for (const id of openByDay.get(day)!) {
      ids.push(id);
      count++;
      if (slice.due) await slice.turn();
    }
  }
  // Streaming reads every day; looking up reads the days of these ids only.
  await readArticles(store, ids, !before.window && count > heads.size * 0.9, early ? async (batch) => (await take(batch), await early.afterBatch(breathe)) : take, options.signal);
  // Heads the store no longer had (removed meanwhile) stay without topics, as `open` leaves them.
  // In parts, so that requests keep flowing while the store takes them.
  let part = new Map<string, string[]>();
  for (let i = 0; i < computed.ids.length; i++) {
    part.set(computed.ids[i]!, computed.lists[i]!);
    if (part.size < PUT_PART) continue;
    await store.putClassifications(rules.fingerprint, part);
    part = new Map();
    if (slice.due) await slice.turn();
  }
  if (part.size > 0 || computed.ids.length === 0) await store.putClassifications(rules.fingerprint, part);
  // The previous sorted answer stays valid for every article whose topics are the same: only the others are sorted again.
  const changed = new Set<string>();
  if (before.sorted && (await computedChangesMany(computed, before.topics, heads.size, slice))) {
    // So many changed that listCurated would sort everything at once (tens of ms at 50,000): sorted here, in slices.
    await curation.orderInSlices();
    return curation;
  }
  if (before.sorted) {
    for (const id of before.changed) changed.add(id);
    // `topics` holds heads' ids only (those it held besides were deleted above).
    for (const id of headIds) {
      const list = topics.get(id);
      if (list !== undefined && !sameList(before.topics.get(id), list)) changed.add(id);
      if (slice.due) await slice.turn();
    }
    for (const id of before.topics.keys()) {
      if (!topics.has(id)) changed.add(id);
      if (slice.due) await slice.turn();
    }
  }
  if (!before.sorted) return curation;
  // Few changed: listCurated puts them in place by binary search when next asked (insertSorted, ~1 ms). More, and
  // it filters, sorts and merges the whole list in one go (28-40 ms at 50,000 after adding a term most texts hold,
  // 1,500-3,000 changed): done here, in slices.
  if (changed.size <= FEW_CHANGED) curation.keepOrder(before.sorted, changed);
  else curation.keepOrder(await reorderInSlices(before.sorted, changed, heads, topics, slice), []);
  return curation;
}

/** listCurated's answer after these changes (the changed ids taken out, those curated now merged in), in slices. */
async function reorderInSlices(
  sorted: readonly CuratedHead[],
  changed: ReadonlySet<string>,
  heads: ReadonlyMap<string, ArticleHead>,
  topics: ReadonlyMap<string, string[]>,
  slice: TimeSlice,
): Promise<CuratedHead[]> {
  const kept: CuratedHead[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (!changed.has(sorted[i]!.head.id)) kept.push(sorted[i]!);
    if (slice.due) await slice.turn();
  }
  const curated: CuratedHead[] = [];
  for (const id of changed) {
    const head = heads.get(id);
    const list = topics.get(id);
    if (head && list && list.length > 0) curated.push({ head, topics: list });
    if (slice.due) await slice.turn();
  }
  const added = await sortInSlices(curated, (a, b) => newestFirst(a.head, b.head), slice.pause);
  // mergeSorted, a step at a time.
  const out: CuratedHead[] = [];
  let i = 0;
  let j = 0;
  while (i < kept.length && j < added.length) {
    out.push(newestFirst(kept[i]!.head, added[j]!.head) <= 0 ? kept[i++]! : added[j++]!);
    if (slice.due) await slice.turn();
  }
  while (i < kept.length) out.push(kept[i++]!);
  while (j < added.length) out.push(added[j++]!);
  return out;
}

/** The articles of these ids, batch by batch: the whole store streamed when most of it is wanted, else looked up. */
async function readArticles(
  store: Store,
  ids: readonly string[],
  stream: boolean,
  take: (batch: readonly StoredArticle[]) => Promise<void>,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (ids.length === 0) return;
  if (stream) {
    for await (const batch of store.streamArticles(BATCH)) {
      signal?.throwIfAborted();
      await afterRead();
      await take(batch);
    }
    return;
  }
  for (let i = 0; i < ids.length; i += BATCH) {
    signal?.throwIfAborted();
    const batch = await store.getArticles(ids.slice(i, i + BATCH));
    await afterRead();
    await take(batch);
  }
}

/**
 * Reading a day may have parsed its segment just now, in the poll phase of
 * the event loop, where requests are taken in too. An immediate set there
 * runs in the same turn's check phase, before any request: only the second
 * one comes after a poll phase.
 */
async function afterRead(): Promise<void> {
  await takeTurn();
  await takeTurn();
}

/** Whether more than an eighth of the articles got other topics (listCurated's limit for merging instead of sorting all). */
async function computedChangesMany(computed: Settled, before: ReadonlyMap<string, readonly string[]>, size: number, slice: TimeSlice): Promise<boolean> {
  let count = 0;
  for (let i = 0; i < computed.ids.length; i++) {
    if (!sameList(before.get(computed.ids[i]!), computed.lists[i]!) && ++count > size / 8) return true;
    if (slice.due) await slice.turn();
  }
  return false;
}

/** The topics a rules edit settled, in the order settled: ids[i]'s are lists[i]. */
interface Settled {
  ids: string[];
  lists: string[][];
}

function sameList(a: readonly string[] | undefined, b: readonly string[]): boolean {
  if (a === b) return true;
  if (a === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The tries at serving the edited rules' publication while older articles are still read (EarlyPublish). */
class EarlyTries {
  #next = 1;
  #served = false;

  private constructor(
    private readonly publish: EarlyPublish,
    private readonly curation: Curation,
    private readonly topics: ReadonlyMap<string, string[]>,
    private readonly prefix: SettledPrefix,
  ) {}

  static async start(publish: EarlyPublish, curation: Curation, heads: readonly ArticleHead[], topics: ReadonlyMap<string, string[]>, pause: () => Promise<void>): Promise<EarlyTries> {
    const prefix = await SettledPrefix.of(heads, new Date(utcDay(Date.now())).toISOString(), pause);
    return new EarlyTries(publish, curation, topics, prefix);
  }

  /** After each batch read: try once enough more of the newest heads are settled. */
  async afterBatch(pause: () => Promise<void>): Promise<void> {
    if (this.#served) return;
    await this.prefix.advance(this.topics, pause);
    if (this.prefix.size < this.#next) return;
    const partial = this.prefix.partial(this.topics);
    if (!partial) return;
    this.curation.keepOrder(partial.curated, []);
    const outcome = await this.publish(this.curation, partial.horizon);
    if (outcome === 'served') this.#served = true;
    else this.#next = Math.ceil(this.prefix.size * RETRY_GROWTH[outcome]) + 1;
  }
}

/**
 * The curation state the daemon keeps between cycles: every stored article's
 * head and its topics under the current rules. It follows the change, not
 * the store's size:
 *
 * - a cycle's new and changed articles are classified from the text the
 *   cycle already holds; nothing else is looked at again;
 * - topics are stored per rules fingerprint, so a restart classifies nothing;
 * - a rules edit classifies again only the articles it can change
 *   (derive-curation.ts, rules-delta.ts: those a changed term hits), in
 *   slices with the event loop free between them, into a new state that
 *   replaces this one only when complete.
 */
import type { Classifier } from '../classify/classifier.js';
import type { RulesDefinition } from '../classify/rules-delta.js';
import type { CycleOutcome } from '../pipeline.js';
import type { DeriveOptions } from './derive-curation.js';
import type { Store } from '../store/store-api.js';
import { takeTurn, TimeSlice } from '../schedule/take-turn.js';
import type { ArticleHead, Classification, StoredArticle } from '../types.js';
import { sortInSlices } from './sort-in-slices.js';
import { dayOf, WordsByDay } from './words-by-day.js';

/** Articles read from the store at once. */
export const BATCH = 400;
/**
 * Classifying yields to the event loop after this much work, so that requests keep flowing:
 * a slice's last step and a scavenge (3-5 ms) come on top, so 8 ms slices made 11-16 ms gaps during a poll and 18-24 ms in a rules edit at 50,000.
 */
export const SLICE_MS = 5;

export interface CurationOptions {
  signal?: AbortSignal;
  /**
   * Keep only the newest `window` heads (by publication date) when the store
   * can list them that way (PostgreSQL): start, rules edits and retention then
   * cost the window, not the table. Older articles never reach a feed anyway
   * (see select-entries.ts); a rules edit re-curates the window only.
   */
  window?: number;
  /** Where the per-day word filters are kept between runs (words-file.ts; JSON store only). */
  wordsPrefix?: string;
}

/** The state a rules edit derives from (derive-curation.ts). */
export interface CurationParts {
  heads: Map<string, ArticleHead>;
  topics: Map<string, string[]>;
  window: number | undefined;
  words: WordsByDay;
  sorted: readonly CuratedHead[] | undefined;
  changed: ReadonlySet<string>;
}

export interface CuratedHead {
  head: ArticleHead;
  topics: string[];
}

export interface Rules {
  classifier: Classifier;
  fingerprint: string;
  /** The topics and sources compiled (rulesFor): lets a rules edit classify again only what it can change. */
  definition?: RulesDefinition;
}

/** Classifications remembered per generation (Curation.classifyArticle): the newest 5,000 to 10,000 are at hand. */
const MEMO_GENERATION = 5_000;

interface Remembered {
  stamp: string;
  result: Classification;
}

export class Curation {
  readonly rules: Rules;
  readonly #heads: Map<string, ArticleHead>;
  readonly #topics: Map<string, string[]>;
  /**
   * Classifications remembered, in two generations: the newest up to MEMO_GENERATION in #memo, the
   * generation before in #memoOld. A single Map trimmed by deleting its first key per insertion cost
   * ~4 µs a call once full (V8 walks over the deleted slots at the front on every `keys().next()`):
   * 0.34 s of a rules edit that classifies 50,000 articles again, for nothing.
   */
  #memo = new Map<string, Remembered>();
  #memoOld = new Map<string, Remembered>();
  /** Set when only the newest heads are kept (CurationOptions.window). */
  readonly #window: number | undefined;
  /** listCurated's last answer, and the ids changed since: a rebuild after a poll re-sorts only those. */
  #sorted: readonly CuratedHead[] | undefined;
  readonly #changed = new Set<string>();
  /** Of those, the ids a cycle added that were not held before: none of them is in #sorted, so nothing need be taken out. */
  readonly #added = new Set<string>();
  /** The words of the full texts seen, by day: rules-independent, handed on from one rules edit to the next. */
  readonly #words: WordsByDay;

  private constructor(rules: Rules, heads: Map<string, ArticleHead>, topics: Map<string, string[]>, window?: number, words = new WordsByDay()) {
    this.rules = rules;
    this.#heads = heads;
    this.#topics = topics;
    this.#window = window;
    this.#words = words;
  }

  /** Load heads and stored topics; classify what has none for these rules (all of it after a rules edit). */
  static async open(store: Store, rules: Rules, options: CurationOptions = {}): Promise<Curation> {
    const window = store.listNewestHeads && options.window ? options.window : undefined;
    const listed = window ? await store.listNewestHeads!({ limit: window }) : await store.listHeads();
    // Set one by one: a [id, head] pair per article, made for the Map's constructor, outlived the young generation at
    // 20,000 articles and was garbage in old space.
    const heads = new Map<string, ArticleHead>();
    for (const head of listed) heads.set(head.id, head);
    const topics = await store.getClassifications(rules.fingerprint, window ? [...heads.keys()] : undefined);
    const curation = new Curation(rules, heads, topics, window, new WordsByDay(options.wordsPrefix));
    const missing = [...heads.keys()].filter((id) => !topics.has(id));
    if (missing.length === 0) {
      await curation.orderInSlices();
      return curation;
    }
    const computed = new Map<string, string[]>();
    const take = async (batch: readonly StoredArticle[]): Promise<void> => {
      const slice = new TimeSlice(SLICE_MS);
      for (const article of batch) {
        if (topics.has(article.id) || !heads.has(article.id)) continue;
        curation.#words.add(article);
        const result = curation.classifyArticle(article).topics;
        topics.set(article.id, result);
        computed.set(article.id, result);
        if (slice.due) await slice.turn();
      }
    };
    if (!window && missing.length > heads.size / 4) {
      for await (const batch of store.streamArticles(BATCH)) {
        options.signal?.throwIfAborted();
        await take(batch);
        await takeTurn();
      }
    } else {
      for (let i = 0; i < missing.length; i += BATCH) {
        options.signal?.throwIfAborted();
        await take(await store.getArticles(missing.slice(i, i + BATCH)));
        await takeTurn();
      }
    }
    await store.putClassifications(rules.fingerprint, computed);
    await curation.orderInSlices();
    return curation;
  }

  /**
   * listCurated's next answer made whole, in slices: the first build after a start sorted every curated head
   * at once (20-28 ms at 20,000 articles) while the last run's publication was being served; a rules edit
   * that changed many topics would too (derive-curation.ts).
   */
  async orderInSlices(): Promise<void> {
    const slice = new TimeSlice(SLICE_MS);
    const curated: CuratedHead[] = [];
    for (const id of this.#heads.keys()) {
      const topics = this.#topics.get(id);
      if (topics && topics.length > 0) curated.push({ head: this.#heads.get(id)!, topics });
      if (slice.due) await slice.turn();
    }
    this.#sorted = await sortInSlices(curated, (a, b) => newestFirst(a.head, b.head), slice.pause);
    this.#changed.clear();
    this.#added.clear();
  }

  /** The state for edited rules, from this one: see derive-curation.ts. */
  static async derive(previous: Curation, store: Store, rules: Rules, options: DeriveOptions = {}): Promise<Curation> {
    return (await import('./derive-curation.js')).deriveCuration(previous, store, rules, options);
  }

  /** The state derive-curation.ts starts from and hands on; not for other uses (shared, not copied). */
  parts(): CurationParts {
    return { heads: this.#heads, topics: this.#topics, window: this.#window, words: this.#words, sorted: this.#sorted, changed: this.#changed };
  }

  /** A curation from derived parts (derive-curation.ts). */
  static fromParts(rules: Rules, parts: Pick<CurationParts, 'heads' | 'topics' | 'window' | 'words'>): Curation {
    return new Curation(rules, parts.heads, parts.topics, parts.window, parts.words);
  }

  /** Start listCurated from an earlier answer: valid for every id but these (derive-curation.ts). */
  keepOrder(sorted: readonly CuratedHead[], changed: Iterable<string>): void {
    this.#sorted = sorted;
    for (const id of changed) this.#changed.add(id);
  }

  /** Write the word filters changed since the last call (CurationOptions.wordsPrefix); a failure costs only time at the next edit. */
  async saveWords(): Promise<void> {
    const days = new Set<string>();
    // In slices: at 50,000 heads the walk alone held the event loop for ~10 ms after every rebuild.
    const slice = new TimeSlice(SLICE_MS);
    for (const head of this.#heads.values()) {
      days.add(dayOf(head.firstSeen));
      if (slice.due) await slice.turn();
    }
    await this.#words.save(days, takeTurn);
  }

  /** Classification with the current rules, remembered while the article's text and sources stay the same. */
  classifyArticle(article: StoredArticle): Classification {
    const stamp = `${article.contentHash}|${article.sources.map((s) => s.name).join('\n')}`;
    const hit = this.#memo.get(article.id) ?? this.#memoOld.get(article.id);
    if (hit && hit.stamp === stamp) return hit.result;
    const result = classifyStoredArticle(this.rules.classifier, article);
    if (this.#memo.size >= MEMO_GENERATION) {
      this.#memoOld = this.#memo;
      this.#memo = new Map();
    }
    this.#memo.set(article.id, { stamp, result });
    return result;
  }

  #forget(id: string): void {
    this.#memo.delete(id);
    this.#memoOld.delete(id);
  }

  /**
   * An article a cycle just merged: its words go into its day's filter now, between the fetches,
   * instead of in the rebuild after the poll (applyCycle adds those not added here).
   */
  readAhead(article: StoredArticle): void {
    if (!this.#words.covers(article)) this.#words.add(article);
  }

  /**
   * Take in what a cycle wrote: classify new and changed articles, re-read
   * those whose sources changed. `storedUnder`: the fingerprint the cycle
   * already stored its new articles' topics under.
   */
  async applyCycle(store: Store, outcome: Pick<CycleOutcome, 'written' | 'touched' | 'dropped'>, storedUnder?: string): Promise<void> {
    const changed = new Map<string, string[]>();
    const take = (article: StoredArticle, stored: boolean): void => {
      const { content: _content, ...head } = article;
      if (!this.#heads.has(article.id)) this.#added.add(article.id);
      this.#heads.set(article.id, head);
      // Usually added as the cycle merged it (readAhead).
      if (!this.#words.covers(article)) this.#words.add(article);
      const topics = this.classifyArticle(article).topics;
      this.#topics.set(article.id, topics);
      this.#changed.add(article.id);
      if (!stored) changed.set(article.id, topics);
    };
    // A cycle's articles (their words, their topics if a rules edit came between) in slices: a poll of many new articles would hold requests up.
    // `slice.due` checked inline: an awaited helper per article made a promise per article.
    const slice = new TimeSlice(SLICE_MS);
    for (const article of outcome.written) {
      take(article, storedUnder === this.rules.fingerprint);
      if (slice.due) await slice.turn();
    }
    // A new source may lend other topics (sources[].topics): classify again, with the stored text.
    for (let i = 0; i < outcome.touched.length; i += BATCH) {
      for (const article of await store.getArticles(outcome.touched.slice(i, i + BATCH))) {
        take(article, false);
        if (slice.due) await slice.turn();
      }
    }
    if (outcome.dropped > 0 || (this.#window && this.#heads.size > this.#window * 1.25)) {
      const live = new Set<string>();
      for (const head of this.#window ? await store.listNewestHeads!({ limit: this.#window }) : await store.listHeads()) {
        live.add(head.id);
        if (slice.due) await slice.turn();
      }
      // Deleting while iterating a Map is safe: the ids not yet visited stay in order.
      for (const id of this.#heads.keys()) {
        if (slice.due) await slice.turn();
        if (live.has(id)) continue;
        this.#changed.add(id);
        this.#heads.delete(id);
        this.#topics.delete(id);
        this.#forget(id);
      }
    }
    if (changed.size > 0) await store.putClassifications(this.rules.fingerprint, changed);
  }

  /**
   * Take in what another replica wrote (PostgreSQL): its new and changed
   * articles, classified here with the same rules, and the ids its retention
   * dropped.
   */
  async applyRemote(written: readonly StoredArticle[], removed: readonly string[]): Promise<void> {
    for (const article of written) {
      const { content: _content, ...head } = article;
      this.#heads.set(article.id, head);
      this.#words.add(article);
      this.#topics.set(article.id, this.classifyArticle(article).topics);
      this.#changed.add(article.id);
    }
    for (const id of removed) {
      this.#changed.add(id);
      this.#heads.delete(id);
      this.#topics.delete(id);
      this.#forget(id);
    }
  }

  /**
   * Curated heads (at least one topic), newest first. Shared with the next
   * call: do not modify. After a poll only the changed ids are sorted and
   * merged into the last answer.
   */
  listCurated(): readonly CuratedHead[] {
    if (this.#sorted && this.#changed.size <= this.#heads.size / 8) {
      if (this.#changed.size > 0) {
        // A poll that only added articles (the usual one) takes nothing out: the old list is not walked, only copied.
        let onlyAdded = true;
        for (const id of this.#changed) if (!this.#added.has(id)) onlyAdded = false;
        const kept = onlyAdded ? this.#sorted : this.#sorted.filter((c) => !this.#changed.has(c.head.id));
        this.#sorted = insertSorted(kept, this.#curatedOf(this.#changed));
      }
    } else {
      this.#sorted = this.#curatedOf(this.#heads.keys());
    }
    this.#changed.clear();
    this.#added.clear();
    return this.#sorted;
  }

  #curatedOf(ids: Iterable<string>): CuratedHead[] {
    const curated: CuratedHead[] = [];
    for (const id of ids) {
      const head = this.#heads.get(id);
      const topics = this.#topics.get(id);
      if (head && topics && topics.length > 0) curated.push({ head, topics });
    }
    return curated.sort((a, b) => newestFirst(a.head, b.head));
  }

  get articleCount(): number {
    return this.#heads.size;
  }
}

/**
 * A stored article as the classifier sees it: its text (a head without its
 * HTML is classified by title and summary), and the sources that may lend it
 * topics.
 */
export function classifyStoredArticle(classifier: Classifier, article: ArticleHead & { content?: string }): Classification {
  // One object shape whether the article brings its content or not: classify stays monomorphic.
  return classifier.classify({ title: article.title, summary: article.summary, content: article.content, sources: article.sources.map((s) => s.name) });
}

export function newestFirst(a: ArticleHead, b: ArticleHead): number {
  if (a.published !== b.published) return a.published < b.published ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * A few heads (sorted newest first) put into a long list sorted the same way: each one's place found by
 * binary search, the runs of the long list between them copied whole. The same list as mergeSorted gives.
 */
export function insertSorted(a: readonly CuratedHead[], b: readonly CuratedHead[]): CuratedHead[] {
  if (b.length * 16 > a.length) return mergeSorted(a, b);
  const runs: (readonly CuratedHead[])[] = [];
  let from = 0;
  for (const item of b) {
    // The first place in a whose item comes after this one (mergeSorted takes a's item first on a tie).
    let lo = from;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (newestFirst(a[mid]!.head, item.head) <= 0) lo = mid + 1;
      else hi = mid;
    }
    if (lo > from) runs.push(a.slice(from, lo));
    runs.push([item]);
    from = lo;
  }
  if (from < a.length) runs.push(from === 0 ? a : a.slice(from));
  return ([] as CuratedHead[]).concat(...runs);
}

/** Two lists sorted newest first, as one. */
export function mergeSorted(a: readonly CuratedHead[], b: readonly CuratedHead[]): CuratedHead[] {
  const out: CuratedHead[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(newestFirst(a[i]!.head, b[j]!.head) <= 0 ? a[i++]! : b[j++]!);
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}

/**
 * What a poll cycle wrote, gathered source by source as each one is merged:
 * the new and changed articles with their topics, the ids that changed only
 * in their head, and the topics handed to the store in batches meanwhile.
 *
 * Built at the cycle's end, this was a pass over every write after the last
 * source: on a cold poll of 1,000 sources ~100 ms with one core idle (the
 * read workers have stopped by then), before the store write could start.
 * An id gets at most one write with content per cycle (only the article's
 * first source updates its text, and a source is merged once), so the order
 * in which sources finish does not change what is gathered.
 */
import type { Store } from './store/store-api.js';
import type { ArticleWrite, Classification, StoredArticle } from './types.js';

/** A new or changed article of the cycle (a write with content), with its topics when they were found as it was merged. */
export interface Written {
  write: ArticleWrite & { content: string };
  topics: string[] | undefined;
}

/** Topics handed to the store at a time while sources are still being merged. */
const TOPICS_BATCH = 2_048;

export class CycleTally {
  /** Every new or changed article, by id. */
  readonly written = new Map<string, Written>();
  /** Ids whose head alone changed (another source, a better link), none of them in `written`. */
  readonly touched = new Set<string>();
  /** Topics found since the last batch went to the store. */
  #pending = new Map<string, string[]>();
  #stored: Promise<void> = Promise.resolve();
  #withheld = false;

  constructor(
    private readonly store: Store,
    private readonly rulesFingerprint: string | undefined,
    /** False once the rules the topics were found with are replaced (see CycleContext.rulesInForce): nothing more is stored. */
    private readonly rulesInForce: () => boolean = () => true,
  ) {}

  /** One source's writes, with the topics found for them as they were merged. */
  add(writes: readonly ArticleWrite[], topics: ReadonlyMap<ArticleWrite, string[]>): void {
    for (const write of writes) {
      const id = write.head.id;
      if (write.content === undefined) {
        if (!this.written.has(id)) this.touched.add(id);
        continue;
      }
      const found = topics.get(write);
      this.written.set(id, { write: write as Written['write'], topics: found });
      this.touched.delete(id);
      if (found !== undefined && this.rulesFingerprint !== undefined) this.#pending.set(id, found);
    }
    if (this.#pending.size >= TOPICS_BATCH) this.#storePending();
  }

  /**
   * Waits for the batches handed to the store so far. Retention comes after
   * it: on PostgreSQL a batch upserting the topics of an article that
   * retention deletes in the same cycle could otherwise lock rows against
   * it; with this order the topics land before, and retention removes them.
   */
  batchesStored(): Promise<void> {
    return this.#stored;
  }

  /**
   * After the last source: every written article's topics (classified now
   * where its merge could not, so that the error surfaces here), the rest
   * handed to the store. Returns how many articles have a topic.
   */
  async finish(classify: (article: StoredArticle) => Classification): Promise<number> {
    let curated = 0;
    for (const entry of this.written.values()) {
      if (entry.topics === undefined) {
        entry.topics = classify(articleOf(entry.write)).topics;
        if (this.rulesFingerprint !== undefined) this.#pending.set(entry.write.head.id, entry.topics);
      }
      if (entry.topics.length > 0) curated++;
    }
    this.#storePending();
    await this.#stored;
    return curated;
  }

  /** After finish(): whether some topics were not stored because their rules had been replaced. */
  get withheld(): boolean {
    return this.#withheld;
  }

  #storePending(): void {
    if (this.#pending.size === 0 || this.rulesFingerprint === undefined) return;
    const batch = this.#pending;
    const fingerprint = this.rulesFingerprint;
    this.#pending = new Map();
    this.#stored = this.#stored.then(() => {
      if (this.rulesInForce()) return this.store.putClassifications(fingerprint, batch);
      this.#withheld = true;
      return undefined;
    });
    // Awaited in finish(), where a failed batch fails the cycle as the one put at its end did; a cycle
    // that fails before (a source's store failure) must not leave it an unhandled rejection.
    this.#stored.catch(() => undefined);
  }
}

/** A write's article: its head is the plan's own copy, never changed afterwards, so it can be made at any time. */
export function articleOf(write: ArticleWrite & { content: string }): StoredArticle {
  return { ...write.head, content: write.content };
}

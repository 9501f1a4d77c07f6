/**
 * Heads in memory share their repeated strings. JSON.parse gives every
 * occurrence of a source name, a poll's first-seen time or a link its own
 * copy; at 20,000 articles the same few hundred names and poll times and the
 * link each source repeats (as its link and often its guid) are most of what
 * the heads hold beyond their titles and summaries.
 */
import type { ArticleHead, Enclosure } from '../../types.js';

/**
 * The one empty list every head without categories or enclosures points to:
 * JSON.parse gives each `[]` its own 32-byte array, and most heads have no
 * enclosures. Frozen, so code that would fill a head's list in place fails
 * loudly instead of filling every head's (heads are replaced, not edited).
 */
const NO_CATEGORIES: string[] = Object.freeze([]) as unknown as string[];
const NO_ENCLOSURES: Enclosure[] = Object.freeze([]) as unknown as Enclosure[];

export class SharedStrings {
  readonly #pool = new Map<string, string>();

  /** The one copy of a string that repeats across articles (names, poll times, categories). */
  get(value: string): string {
    const known = this.#pool.get(value);
    if (known !== undefined) return known;
    this.#pool.set(value, value);
    return value;
  }

  /** The head with its repeated strings shared; changes it in place (it was just parsed or built). */
  share(head: ArticleHead): ArticleHead {
    head.firstSeen = this.get(head.firstSeen);
    if (head.published === head.firstSeen) head.published = head.firstSeen;
    if (head.author !== undefined) head.author = this.get(head.author);
    for (let i = 0; i < head.categories.length; i++) head.categories[i] = this.get(head.categories[i]!);
    if (head.categories.length === 0) head.categories = NO_CATEGORIES;
    if (head.enclosures.length === 0) head.enclosures = NO_ENCLOSURES;
    for (const source of head.sources) {
      source.name = this.get(source.name);
      source.firstSeen = source.firstSeen === head.firstSeen ? head.firstSeen : this.get(source.firstSeen);
      if (source.link !== undefined && source.link === head.link) source.link = head.link;
      if (source.guid !== undefined && source.guid === source.link) source.guid = source.link;
    }
    return head;
  }
}

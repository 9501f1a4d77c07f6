/**
 * A day segment's articles without one JSON.parse of the whole day, which
 * held the event loop 20–40 ms per day read during a poll (the touched
 * articles and the feeds' window are spread over many days). A segment as
 * written (json-files.ts: compact JSON `{"schemaVersion":3,"day":…,
 * "articles":[…]}`, every article an object whose first key is "id") is cut
 * before each `,{"id":"`: JSON can hold that sequence only between two such
 * objects, since inside a string its quotes would be escaped. Each article
 * is then parsed on its own: for a lookup only the wanted ones, for a whole
 * day all of them, a slice at a time.
 *
 * A lookup of a few articles does not even decode the whole file: each is
 * found in the bytes (`{"id":"…"` at an article's start) and only its bytes
 * are decoded and parsed (decoding a day took 5–15 ms on its own).
 *
 * Anything else (a file edited by hand, pretty-printed, of another writer)
 * is not cut; a cut in the wrong place leaves parts that do not parse or
 * whose id differs, and the caller parses the file whole instead, as before.
 */

const ARTICLE = '{"id":"';
const NEXT_ARTICLE = `,${ARTICLE}`;
const ARTICLES = '"articles":[';
/** Parsing between two turns of the event loop. */
const SLICE_MS = 4;
/** Up to this many wanted articles are looked for in the bytes one by one; more, and the file is decoded and cut once. */
const PICK_AT_MOST = 32;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;

export interface SegmentParts {
  /** The document with an empty article list: schemaVersion, day. */
  header: Record<string, unknown>;
  /** Each article's id, and where its JSON starts and ends in the text. */
  articles: { id: string; start: number; end: number }[];
}

/** The parts of a segment in the written form, or null (parse it whole). */
export function splitSegment(text: string): SegmentParts | null {
  const at = text.indexOf(ARTICLES);
  if (!text.startsWith('{') || at < 0 || !text.endsWith(']}')) return null;
  const bodyStart = at + ARTICLES.length;
  const bodyEnd = text.length - 2;
  let header: unknown;
  try {
    header = JSON.parse(`${text.slice(0, bodyStart)}]}`);
  } catch {
    return null;
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return null;
  const articles: SegmentParts['articles'] = [];
  if (bodyStart === bodyEnd) return { header: header as Record<string, unknown>, articles };
  if (!text.startsWith(ARTICLE, bodyStart)) return null;
  for (let start = bodyStart; start < bodyEnd; ) {
    const idEnd = text.indexOf('"', start + ARTICLE.length);
    if (idEnd < 0 || idEnd >= bodyEnd) return null;
    const id = text.slice(start + ARTICLE.length, idEnd);
    if (id.includes('\\')) return null; // an escaped id: the text is not the plain id
    const next = text.indexOf(NEXT_ARTICLE, idEnd);
    const end = next < 0 || next >= bodyEnd ? bodyEnd : next;
    articles.push({ id, start, end });
    start = end + 1;
  }
  return { header: header as Record<string, unknown>, articles };
}

/**
 * The articles of these parts (those in `wanted`, or all), parsed one by one
 * with the event loop free every few milliseconds; null when a part does
 * not parse to an object of its id (the cut was wrong: parse whole).
 */
export async function parseSegmentParts(text: string, parts: SegmentParts, wanted?: ReadonlySet<string>): Promise<Record<string, unknown>[] | null> {
  const found: Record<string, unknown>[] = [];
  let slice = performance.now();
  for (const { id, start, end } of parts.articles) {
    if (wanted && !wanted.has(id)) continue;
    let article: unknown;
    try {
      article = JSON.parse(text.slice(start, end));
    } catch {
      return null;
    }
    if (typeof article !== 'object' || article === null || (article as { id?: unknown }).id !== id) return null;
    found.push(article as Record<string, unknown>);
    if (performance.now() - slice > SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      slice = performance.now();
    }
  }
  return found;
}

/**
 * The wanted articles of a segment in the written form, found in its bytes
 * and parsed alone; an id the file does not hold is left out. Null when the
 * file is not in the written form, a part does not parse to an object of its
 * id, or too many are wanted: decode and cut it whole instead.
 */
export function pickArticles(bytes: Buffer, wanted: ReadonlySet<string>): Record<string, unknown>[] | null {
  if (wanted.size > PICK_AT_MOST) return null;
  const at = bytes.indexOf(ARTICLES);
  const bodyEnd = bytes.length - 2;
  if (at < 0 || bytes[0] !== 0x7b || bytes[bodyEnd] !== 0x5d || bytes[bodyEnd + 1] !== 0x7d) return null;
  const bodyStart = at + ARTICLES.length;
  let header: unknown;
  try {
    header = JSON.parse(`${bytes.toString('utf8', 0, bodyStart)}]}`);
  } catch {
    return null;
  }
  if (typeof header !== 'object' || header === null || (header as { schemaVersion?: unknown }).schemaVersion !== 3) return null;
  // Written form: the list is empty or starts with an article whose first key is its id.
  if (bodyStart !== bodyEnd && bytes.indexOf(ARTICLE, bodyStart) !== bodyStart) return null;
  const found: Record<string, unknown>[] = [];
  for (const id of wanted) {
    if (id.includes('"') || id.includes('\\')) return null;
    const marker = `${ARTICLE}${id}"`;
    let start = bytes.indexOf(marker, bodyStart);
    // Only at an article's start: right after the "[" or a ",".
    while (start >= 0 && start < bodyEnd && bytes[start - 1] !== COMMA && bytes[start - 1] !== OPEN_BRACKET) start = bytes.indexOf(marker, start + 1);
    if (start < 0 || start >= bodyEnd) continue;
    const next = bytes.indexOf(NEXT_ARTICLE, start + marker.length);
    const end = next < 0 || next >= bodyEnd ? bodyEnd : next;
    let article: unknown;
    try {
      article = JSON.parse(bytes.toString('utf8', start, end));
    } catch {
      return null;
    }
    if (typeof article !== 'object' || article === null || (article as { id?: unknown }).id !== id) return null;
    found.push(article as Record<string, unknown>);
  }
  return found;
}

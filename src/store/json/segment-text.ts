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
import { TimeSlice } from '../../schedule/take-turn.js';

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

/**
 * A segment's text or its bytes, as splitSegment reads it. The bytes are cut
 * as they are (UTF-8 never uses these ASCII bytes inside another character)
 * and each article decoded alone: decoding a day of 1.5-2.7 MB of German
 * text at once held the event loop 16-32 ms (loaded machine; BENCHMARKS.md,
 * latency session 7).
 */
type Source = string | Buffer;

function sliceOf(source: Source, start: number, end: number): string {
  return typeof source === 'string' ? source.slice(start, end) : source.toString('utf8', start, end);
}

/** The needles as bytes once: a string needle is encoded again on every Buffer.indexOf. */
const NEEDLES = new Map<string, Buffer>();

function find(source: Source, needle: string, from?: number): number {
  if (typeof source === 'string') return source.indexOf(needle, from);
  let bytes = NEEDLES.get(needle);
  if (!bytes) NEEDLES.set(needle, (bytes = Buffer.from(needle)));
  return source.indexOf(bytes, from);
}

function startsAt(source: Source, needle: string, at: number): boolean {
  if (typeof source === 'string') return source.startsWith(needle, at);
  return at + needle.length <= source.length && source.toString('latin1', at, at + needle.length) === needle;
}

/** The parts of a segment in the written form, or null (parse it whole). */
export function splitSegment(source: Source): SegmentParts | null {
  const at = find(source, ARTICLES);
  if (!startsAt(source, '{', 0) || at < 0 || !startsAt(source, ']}', source.length - 2)) return null;
  const bodyStart = at + ARTICLES.length;
  const bodyEnd = source.length - 2;
  let header: unknown;
  try {
    header = JSON.parse(`${sliceOf(source, 0, bodyStart)}]}`);
  } catch {
    return null;
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return null;
  const articles: SegmentParts['articles'] = [];
  if (bodyStart === bodyEnd) return { header: header as Record<string, unknown>, articles };
  if (!startsAt(source, ARTICLE, bodyStart)) return null;
  for (let start = bodyStart; start < bodyEnd; ) {
    const idEnd = find(source, '"', start + ARTICLE.length);
    if (idEnd < 0 || idEnd >= bodyEnd) return null;
    const id = sliceOf(source, start + ARTICLE.length, idEnd);
    if (id.includes('\\')) return null; // an escaped id: the text is not the plain id
    const next = find(source, NEXT_ARTICLE, idEnd);
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
 * `source`: what the parts were cut from. `keep`: what to keep of each
 * article (its index among those returned), made as soon as it is parsed,
 * so that what is not kept dies young (read-json-store.ts); it may throw.
 */
export async function parseSegmentParts(source: Source, parts: SegmentParts, wanted?: { has(id: string): boolean }): Promise<Record<string, unknown>[] | null>;
export async function parseSegmentParts<T>(
  source: Source,
  parts: SegmentParts,
  wanted: { has(id: string): boolean } | undefined,
  keep: (article: Record<string, unknown>, index: number) => T,
): Promise<T[] | null>;
export async function parseSegmentParts(
  source: Source,
  parts: SegmentParts,
  wanted?: { has(id: string): boolean },
  keep?: (article: Record<string, unknown>, index: number) => unknown,
): Promise<unknown[] | null> {
  const found: unknown[] = [];
  const slice = new TimeSlice(SLICE_MS);
  for (const { id, start, end } of parts.articles) {
    if (wanted && !wanted.has(id)) continue;
    let article: unknown;
    try {
      article = JSON.parse(sliceOf(source, start, end));
    } catch {
      return null;
    }
    if (typeof article !== 'object' || article === null || (article as { id?: unknown }).id !== id) return null;
    found.push(keep ? keep(article as Record<string, unknown>, found.length) : article);
    if (slice.due) await slice.turn();
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

import type { Enclosure, NormalizedItem, RawItem } from '../types.js';
import { canonicalizeUrl } from './canonical-url.js';
import { parseUrl } from './parse-url.js';
import { truncateText } from '../text/truncate.js';
import { collapseWhitespace, htmlToText, sanitizeWithText } from './html-to-text.js';
import { parseFeedDate } from './parse-date.js';

export interface NormalizeContext {
  /** Base for relative links: the feed's base (ParsedFeed.baseUrl) or the fetched URL. */
  baseUrl: string;
  /** The poll's clock: dates beyond it (plus a small skew) are wrong. */
  now: Date;
  /** Length of the plain-text summary, "…" included (default 300). */
  summaryMaxChars?: number;
}

export const DEFAULT_SUMMARY_MAX_CHARS = 300;
const TITLE_FROM_TEXT_CHARS = 100;
const MAX_AUTHOR_CHARS = 200;
const MAX_CATEGORY_CHARS = 100;

/** One source item, cleaned: plain-text title and summary, safe HTML, canonical link, checked dates. */
export function normalizeItem(raw: RawItem, ctx: NormalizeContext): NormalizedItem {
  const base = raw.baseUrl ?? ctx.baseUrl;
  const link = raw.link ? canonicalizeUrl(raw.link, base) : undefined;
  // One walk of the body gives the safe HTML and, where the feed wrote no separate summary, the summary's text.
  const body = sanitizeWithText(raw.content ?? raw.summary ?? '', base);
  const content = body.html;
  const summaryMaxChars = ctx.summaryMaxChars ?? DEFAULT_SUMMARY_MAX_CHARS;
  // Only ever cut to the summary's or a title's length (pickTitle): of a long body, the part those need.
  const textChars = Math.max(summaryMaxChars, TITLE_FROM_TEXT_CHARS);
  const summaryText = raw.content === undefined ? body.textFor(textChars) : htmlToText(raw.summary ?? '') || body.textFor(textChars);
  const summary = truncateText(summaryText, summaryMaxChars);

  const item: NormalizedItem = {
    title: pickTitle(raw.title, summaryText, link),
    summary,
    content,
    categories: cleanCategories(raw.categories ?? []),
    enclosures: cleanEnclosures(raw.enclosures ?? [], base),
  };
  const guid = raw.guid?.trim();
  if (guid) item.guid = guid;
  if (link) item.link = link;

  const dates = pickPublished(raw, ctx.now);
  if ('date' in dates) item.published = dates.date.toISOString();
  else item.dateProblem = dates.problem;
  const updated = parseFeedDate(raw.updated, ctx.now);
  if ('date' in updated && (!item.published || updated.date.toISOString() > item.published)) {
    item.updated = updated.date.toISOString();
  }

  const author = raw.author ? cleanAuthor(raw.author) : '';
  if (author) item.author = author;
  return item;
}

/** The published date, else the updated one; the problem reported is the published one's. */
function pickPublished(raw: RawItem, now: Date): { date: Date } | { problem: NonNullable<NormalizedItem['dateProblem']> } {
  const published = parseFeedDate(raw.published, now);
  if ('date' in published) return published;
  if (raw.updated !== undefined && raw.updated !== raw.published) {
    const updated = parseFeedDate(raw.updated, now);
    if ('date' in updated) return updated;
  }
  return published;
}

function pickTitle(written: string | undefined, summaryText: string, link: string | undefined): string {
  const title = written ? htmlToText(written) : '';
  if (title) return title;
  if (summaryText) return truncateText(summaryText, TITLE_FROM_TEXT_CHARS);
  return link ?? '(ohne Titel)';
}

/** RSS <author> is "mail@example.org (Name)": readers want the name. */
function cleanAuthor(written: string): string {
  const text = htmlToText(written);
  const named = text.match(/^\S+@\S+\s*\((.+)\)$/);
  return truncateText(named ? named[1]!.trim() : text, MAX_AUTHOR_CHARS);
}

function cleanCategories(written: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const category of written) {
    const text = truncateText(htmlToText(category), MAX_CATEGORY_CHARS);
    const key = text.toLowerCase();
    if (!text || seen.has(key)) continue;
    seen.add(key);
    out.push(text);
  }
  return out;
}

function cleanEnclosures(written: Enclosure[], base: string): Enclosure[] {
  const seen = new Set<string>();
  return written.flatMap((enclosure) => {
    let url: string;
    try {
      url = parseUrl(enclosure.url.trim(), base).href;
    } catch {
      return [];
    }
    if (!/^https?:/.test(url) || seen.has(url)) return [];
    seen.add(url);
    const clean: Enclosure = { url };
    const type = enclosure.type ? collapseWhitespace(enclosure.type) : '';
    if (type && /^[\w.+-]+\/[\w.+-]+/.test(type)) clean.type = type;
    if (enclosure.length !== undefined && Number.isSafeInteger(enclosure.length) && enclosure.length > 0) clean.length = enclosure.length;
    return [clean];
  });
}

import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { idForKey } from '../../src/dedupe/identity.js';
import { clusterStories } from '../../src/dedupe/story-clusters.js';
import type { StoredArticle } from '../../src/types.js';
import { scorePairs, type Evaluation } from './story-pairs.js';

/** One real news item of tests/fixtures/same-story/news/articles.json. */
export interface NewsArticle {
  id: string;
  source: string;
  title: string;
  summary: string;
  body: string;
  date: string;
  event: string;
}
export interface NewsPair {
  name: string;
  label: 'same' | 'different';
  a: NewsArticle;
  b: NewsArticle;
  why: string;
  /** v5, v6, v7: both events are reported by no earlier set. */
  newEvents?: boolean;
}
export type NewsPart = 'tuning' | 'heldOut';
/**
 * 'in-window': both items of every pair lie within 48 hours (5 h, or 26 h when
 * their real days differ), so only the text can tell them apart — the figure
 * the set was built for. 'real-days': the second item keeps its real distance
 * in days (plus 5 h), as the daemon would see them; the 48-hour window then
 * also keeps events of different days apart.
 */
export type Timing = 'in-window' | 'real-days';

/**
 * 'news': the first set (session 2, tests/fixtures/same-story/news); its
 * held-out part was scored and reported before, so it is no longer clean.
 * 'fresh': the batch collected and split in session 3 before any model ran
 * on it (tests/fixtures/same-story/fresh); its held-out part was scored and
 * reported in session 3, so it is no longer clean either.
 * 'v3': the batch collected and split in session 4 before any model ran on
 * it (tests/fixtures/same-story/v3); its held-out part was scored and
 * reported in session 4, so it is tuning data now.
 * 'v4': the batch collected and split in session 5 before any model ran on
 * it (tests/fixtures/same-story/v4); its held-out part was scored and
 * reported in session 5, so it is tuning data now.
 * 'v5': the batch collected and split in session 6, before any model or rule
 * of session 6 ran on it, by family (tests/fixtures/same-story/v5); its
 * held-out part was scored and reported in session 6, so it is tuning data now.
 * 'v6': the batch collected and split in session 7, before any model or rule
 * of session 7 ran on it, by family (tests/fixtures/same-story/v6); its
 * held-out part was scored and reported in session 7, so it is tuning data now.
 * 'v7': the batch collected and split in session 8, before any model or rule
 * of session 8 ran on it, by family and stratified on negatives inside the
 * window (tests/fixtures/same-story/v7).
 * 'v8': a blind batch built in session 8 by someone who never saw the story
 * code, model or figures; every pair is held out (no tuning part), scored once
 * (tests/fixtures/same-story/v8).
 */
export type NewsSet = 'news' | 'fresh' | 'v3' | 'v4' | 'v5' | 'v6' | 'v7' | 'v8';

const readJson = <T>(set: NewsSet, file: string): T =>
  JSON.parse(readFileSync(new URL(`../fixtures/same-story/${set}/${file}`, import.meta.url), 'utf8')) as T;

/** The pairs of one part of the split committed before tuning (split.json). */
export function loadNewsPairs(part: NewsPart, set: NewsSet = 'news'): NewsPair[] {
  const { articles } = readJson<{ articles: NewsArticle[] }>(set, 'articles.json');
  const byId = new Map(articles.map((a) => [a.id, a]));
  const { pairs } = readJson<{ pairs: { name: string; label: 'same' | 'different'; a: string; b: string; why: string; newEvents?: boolean }[] }>(
    set,
    'pairs.json',
  );
  const names = new Set(readJson<Record<NewsPart, string[]>>(set, 'split.json')[part]);
  return pairs
    .filter((p) => names.has(p.name))
    .map((p) => ({ name: p.name, label: p.label, a: byId.get(p.a)!, b: byId.get(p.b)!, why: p.why, newEvents: p.newEvents }));
}

// Wider than any real distance between the two items of a pair (the longest is about two years).
const SLOT_MS = 1000 * 24 * 3_600_000;
const START = Date.parse('2026-01-05T06:00:00.000Z');

/**
 * The two stored articles of pair number `index`: each pair gets its own
 * slot of time (so clustering the whole part cannot join two pairs), the
 * report of the later day (else b) placed after the other as `timing` says.
 * The body is stored as HTML content, the way feeds deliver it.
 */
export function pairArticles(pair: NewsPair, index: number, timing: Timing = 'in-window'): [StoredArticle, StoredArticle] {
  const first = START + index * SLOT_MS;
  const days = Math.abs(Date.parse(pair.b.date) - Date.parse(pair.a.date)) / 86_400_000;
  const gapHours = timing === 'real-days' ? days * 24 + 5 : pair.a.date === pair.b.date ? 5 : 26;
  const second = first + gapHours * 3_600_000;
  // The report of the later day is published later (a repeat marker reads against the older one).
  const [ta, tb] = Date.parse(pair.a.date) > Date.parse(pair.b.date) ? [second, first] : [first, second];
  return [toStored(pair.a, `news:${index}:a`, ta), toStored(pair.b, `news:${index}:b`, tb)];
}

/** One item of a set as a stored article first seen at `time`, its body as HTML paragraphs; the id follows from `key`. */
export function toStored(item: NewsArticle, key: string, time: number): StoredArticle {
  const when = new Date(time).toISOString();
  const paragraphs = item.body.split(/\n\n+/).map((p) => `<p>${escapeHtml(p)}</p>`);
  return {
    id: idForKey(key),
    key,
    title: item.title,
    summary: item.summary,
    content: paragraphs.join('\n'),
    categories: [],
    enclosures: [],
    published: when,
    firstSeen: when,
    contentHash: key,
    sources: [{ name: item.source, firstSeen: when }],
  };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export type NewsEvaluation = Evaluation;

/** Cluster every article of one part at once (each pair in its own slot) and score each labelled pair. */
export function evaluateNewsPairs(
  part: NewsPart,
  cluster: (articles: StoredArticle[]) => { lead: StoredArticle; others: StoredArticle[] }[],
  timing: Timing = 'in-window',
  set: NewsSet = 'news',
  only: (p: NewsPair) => boolean = () => true,
): NewsEvaluation {
  const pairs = loadNewsPairs(part, set).filter(only);
  const articles = pairs.flatMap((p, i) => pairArticles(p, i, timing));
  return scorePairs(pairs, articles, cluster(articles));
}

/** One article of articles.json by id, stored at `published`. */
export function newsArticle(id: string, published: string): StoredArticle {
  const { articles } = readJson<{ articles: NewsArticle[] }>('news', 'articles.json');
  const item = articles.find((a) => a.id === id);
  if (!item) throw new Error(`no article ${id} in the news set`);
  return toStored(item, `news:${id}`, Date.parse(published));
}

/** A part's figures as a batch's README reports them: same-event pairs in all, found, and different-event pairs merged. */
export interface Reported {
  found: number;
  same: number;
  wrong: number;
}

/**
 * Cluster one part of a batch and hold it to what was reported: its count of same-event pairs, at
 * least as many of them found, at most as many wrong merges (none: then the wrong ones are listed).
 */
export function expectAsReported(set: NewsSet, part: NewsPart, timing: Timing, reported: Reported): void {
  const r = evaluateNewsPairs(part, clusterStories, timing, set);
  expect(r.truePositives + r.falseNegatives).toBe(reported.same);
  if (reported.wrong === 0) expect(r.wrongMerges).toEqual([]);
  else expect(r.falsePositives).toBeLessThanOrEqual(reported.wrong);
  expect(r.truePositives).toBeGreaterThanOrEqual(reported.found);
}

/** Every report of `set` is new: no earlier batch holds its address (scheme, www and query aside) or its title. */
export function expectNoEarlierReport(set: NewsSet, earlierSets: readonly NewsSet[]): void {
  const items = (name: NewsSet) => readJson<{ articles: { url?: string; title: string }[] }>(name, 'articles.json').articles;
  const address = (u: string | undefined) => (u ?? '').replace(/^https?:\/\/(www\.)?/, '').split('?')[0]!;
  const earlier = earlierSets.flatMap(items);
  const urls = new Set(earlier.map((a) => address(a.url)).filter(Boolean));
  const titles = new Set(earlier.map((a) => a.title.toLowerCase()));
  for (const a of items(set)) {
    expect(urls.has(address(a.url)), a.url).toBe(false);
    expect(titles.has(a.title.toLowerCase()), a.title).toBe(false);
  }
}

/**
 * Reading the JSON store's files at open: the manifest (or a single-file
 * store of an older version, to migrate), tombstones, classifications and
 * every segment. Any problem is a StoreError naming the file, which is left
 * untouched.
 */
import { existsSync } from 'node:fs';
import { Tombstones } from '../../dedupe/retention.js';
import { StoreError } from '../../errors.js';
import type { CycleRecord, SourceState, StoredArticle } from '../../types.js';
import { checkArticle, checkArticles, isPlainObject, LEGACY_SCHEMA_VERSION, migrateLegacyDocument } from './legacy-document.js';
import type { JournalDoc, JournalRecord } from './journal.js';
import { readOptionalBytes, readOptionalBytesNow, SCHEMA_VERSION, type JsonLayout } from './json-layout.js';
import { parseSegmentParts, pickArticles, splitSegment } from './segment-text.js';
import { cutTopicsText } from './topics-text.js';
import { takeTurn } from '../../schedule/take-turn.js';

/** Articles of a segment checked between two turns of the event loop. */
const CHECK_PART = 250;

export interface ManifestDoc {
  schemaVersion: number;
  /** The fetch state of the journal files up to this one is in this file. */
  journalSeq?: number;
  sources: Record<string, SourceState>;
  lastCycle?: CycleRecord;
}

export interface RetiredDoc {
  schemaVersion: number;
  retired: Record<string, string>;
}

export interface TopicsDoc {
  schemaVersion: number;
  fingerprint: string;
  /** The journal files up to this one were written before this file: their topics are in it. */
  journalSeq?: number;
  topics: Record<string, string[]>;
}

export interface SegmentDoc {
  schemaVersion: number;
  day: string;
  articles: StoredArticle[];
}

export type OpenedManifest =
  | { kind: 'new' }
  | { kind: 'current'; doc: ManifestDoc }
  | { kind: 'legacy'; version: number; manifest: ManifestDoc; articles: StoredArticle[]; retired: Record<string, string> };

export async function readManifest(layout: JsonLayout): Promise<OpenedManifest> {
  const file = layout.manifest;
  const parsed = await readJson(file, true);
  if (parsed === null) return { kind: 'new' };
  const declared = parsed.schemaVersion ?? 1;
  if (typeof declared !== 'number' || !Number.isInteger(declared) || declared < 1) {
    throw damaged(file, `has an invalid schemaVersion ${JSON.stringify(declared)}`);
  }
  if (declared > SCHEMA_VERSION) {
    throw damaged(file, `was written by a newer feedkurator (schema version ${declared}, this version reads up to ${SCHEMA_VERSION}); upgrade feedkurator`);
  }
  if (declared <= LEGACY_SCHEMA_VERSION) {
    const result = migrateLegacyDocument(parsed, declared);
    if ('problem' in result) throw damaged(file, result.problem);
    const doc = result.doc;
    return {
      kind: 'legacy',
      version: declared,
      manifest: { schemaVersion: SCHEMA_VERSION, sources: doc.sources as Record<string, SourceState>, ...(doc.lastCycle ? { lastCycle: doc.lastCycle as CycleRecord } : {}) },
      articles: doc.articles as StoredArticle[],
      retired: doc.retired as Record<string, string>,
    };
  }
  if (!isPlainObject(parsed.sources)) throw damaged(file, 'is damaged ("sources" is not an object)');
  for (const [name, state] of Object.entries(parsed.sources)) {
    if (!isPlainObject(state)) throw damaged(file, `is damaged (sources[${JSON.stringify(name)}] is not an object)`);
  }
  if (parsed.lastCycle !== undefined && !isPlainObject(parsed.lastCycle)) throw damaged(file, 'is damaged ("lastCycle" is not an object)');
  return { kind: 'current', doc: parsed as unknown as ManifestDoc };
}

export async function readRetired(layout: JsonLayout): Promise<Tombstones> {
  const parsed = await readJson(layout.retired, false);
  if (parsed === null) return new Tombstones();
  if (!isPlainObject(parsed.retired) || Object.values(parsed.retired).some((d) => typeof d !== 'string')) {
    throw damaged(layout.retired, 'is damaged ("retired" is not an object of days)');
  }
  return new Tombstones(Object.entries(parsed.retired as Record<string, string>));
}

/** Classifications are derived data: a damaged file is recomputed, not fatal. */
export async function readTopics(layout: JsonLayout): Promise<{ fingerprint: string; journalSeq: number; topics: Map<string, string[]> } | { problem: string } | null> {
  let parsed: Record<string, unknown> | null;
  let byId: Map<string, string[]> | undefined;
  try {
    const text = await readText(layout.topics);
    // In the written form, cut without one JSON.parse of the whole file (topics-text.ts); else parsed whole.
    const cut = text === null ? null : cutTopicsText(text);
    if (cut) byId = cut.byId;
    parsed = cut ? { ...cut.head, topics: {} } : text === null ? null : parseJson(text, layout.topics, false);
  } catch (err) {
    return { problem: (err as Error).message };
  }
  if (parsed === null) return null;
  if (typeof parsed.fingerprint !== 'string' || !isPlainObject(parsed.topics)) return { problem: `${layout.topics} is damaged; the topics will be computed again` };
  const journalSeq = typeof parsed.journalSeq === 'number' ? parsed.journalSeq : 0;
  return { fingerprint: parsed.fingerprint, journalSeq, topics: byId ?? shareTopicLists(new Map(Object.entries(parsed.topics as Record<string, string[]>))) };
}

/**
 * One array per distinct topic list: JSON.parse gives each article its own
 * list and strings, though a handful of lists cover most articles (at 20,000
 * articles ~12,000 parsed lists, ~1 MB held for as long as the store is
 * open). Lists are replaced, never changed in place, so sharing is safe.
 */
export function shareTopicLists(byId: Map<string, string[]>): Map<string, string[]> {
  const single = new Map<string, string[]>();
  const longer = new Map<string, string[]>();
  let none: string[] | undefined;
  for (const [id, list] of byId) {
    if (!Array.isArray(list)) continue;
    // No key string for the usual lists (none, or one topic): one JSON.stringify per article was ~40 % of reading the file.
    if (list.length === 0) {
      if (none) byId.set(id, none);
      else none = list;
      continue;
    }
    const pool = list.length === 1 ? single : longer;
    const key = list.length === 1 ? String(list[0]) : JSON.stringify(list);
    const known = pool.get(key);
    if (known && (list.length > 1 || known[0] === list[0])) byId.set(id, known);
    else if (!known) pool.set(key, list);
  }
  return byId;
}

/** A journal file (journal.ts), checked like a segment; a record without content keeps the stored one. Null: it is gone. */
export async function readJournal(layout: JsonLayout, seq: number): Promise<JournalDoc | null> {
  const file = layout.journal(seq);
  const parsed = await readJson(file, false);
  if (parsed === null) return null;
  if (parsed.schemaVersion !== SCHEMA_VERSION || parsed.seq !== seq || !Array.isArray(parsed.articles) || !isPlainObject(parsed.removed)) {
    throw damaged(file, `is not a feedkurator journal (schemaVersion 3, seq ${seq}, an "articles" list and a "removed" object)`);
  }
  if (parsed.supersedes !== undefined && !Number.isInteger(parsed.supersedes)) throw damaged(file, 'is damaged ("supersedes" is not a number)');
  const articles = parsed.articles as Record<string, unknown>[];
  const withContent = articles.map((a) => isPlainObject(a) && typeof a.content === 'string');
  const problem = checkArticles(articles, 'articles');
  if (problem) throw damaged(file, problem);
  articles.forEach((a, i) => {
    if (!withContent[i]) delete a.content; // checkArticles filled it in: absent means "unchanged"
  });
  if (Object.values(parsed.removed).some((d) => typeof d !== 'string')) throw damaged(file, 'is damaged ("removed" is not an object of days)');
  if (parsed.sources !== undefined && (!isPlainObject(parsed.sources) || Object.values(parsed.sources).some((v) => !isPlainObject(v)))) {
    throw damaged(file, 'is damaged ("sources" is not an object of fetch states)');
  }
  if (parsed.lastCycle !== undefined && !isPlainObject(parsed.lastCycle)) throw damaged(file, 'is damaged ("lastCycle" is not an object)');
  const topics = parsed.topics;
  if (topics !== undefined && (!isPlainObject(topics) || typeof topics.fingerprint !== 'string' || !isPlainObject(topics.byId))) {
    throw damaged(file, 'is damaged ("topics" is not {fingerprint, byId})');
  }
  return { ...(parsed as unknown as JournalDoc), articles: articles as unknown as JournalRecord[] };
}

/**
 * A day segment's articles (only those in `wanted`, when given): a few
 * found in the bytes, more parsed article by article with the event loop
 * free in between (segment-text.ts); a segment not in the written form is
 * parsed whole. Every article returned
 * is checked; a lookup checks only those it parsed (the open read every one).
 *
 * `keep`: what the caller keeps of each article (the open: its head, not its
 * HTML), made as each is parsed and checked. `readNow`: the file read in one
 * synchronous read (a staged start before its first answer: json-layout.ts). A day's articles held whole
 * until the last was parsed lived through young-generation collections and
 * were promoted, HTML and all, to die in old space beside the heads kept: a
 * start from the snapshot, which then ran no full collection, idled with
 * that garbage in its heap.
 */
export async function readSegment(layout: JsonLayout, day: string, wanted?: ReadonlySet<string> | { has(id: string): boolean }): Promise<StoredArticle[]>;
export async function readSegment<T>(
  layout: JsonLayout,
  day: string,
  wanted: ReadonlySet<string> | { has(id: string): boolean } | undefined,
  how: { keep: (article: StoredArticle) => T; readNow?: boolean },
): Promise<T[]>;
export async function readSegment(
  layout: JsonLayout,
  day: string,
  wanted?: ReadonlySet<string> | { has(id: string): boolean },
  { keep = (article: StoredArticle): unknown => article, readNow = false }: { keep?: (article: StoredArticle) => unknown; readNow?: boolean } = {},
): Promise<unknown[]> {
  const file = layout.segment(day);
  let bytes: Buffer | null;
  try {
    bytes = readNow ? readOptionalBytesNow(file) : await readOptionalBytes(file);
  } catch (err) {
    throw new StoreError(file, `cannot be read: ${describeFsError(err)}`, { cause: err });
  }
  if (bytes === null) return [];
  const checked = (article: unknown, i: number): unknown => {
    const problem = checkArticle(article, 'articles', i);
    if (problem) throw damaged(file, problem);
    return keep(article as StoredArticle);
  };
  let articles: unknown[] | null = wanted instanceof Set ? pickArticles(bytes, wanted) : null;
  if (articles !== null) return articles.map(checked);
  // Cut in the bytes and decoded article by article: the whole day is never one string.
  const parts = splitSegment(bytes);
  if (parts && parts.header.schemaVersion === SCHEMA_VERSION) {
    // Cutting a day of 1,000 articles takes ~5 ms: the parse's first slice gets a turn of its own (a rules edit
    // reading every day blocked 13-19 ms per day). A staged start before its first answer reads on at once.
    if (!readNow) await takeTurn();
    const kept = await parseSegmentParts(bytes, parts, wanted, checked);
    if (kept) return kept;
  }
  const parsed = parseJson(bytes.toString('utf8'), file, false);
  if (parsed.schemaVersion !== SCHEMA_VERSION || !Array.isArray(parsed.articles)) {
    throw damaged(file, 'is not a feedkurator article segment (schemaVersion 3 with an "articles" list)');
  }
  articles = wanted ? (parsed.articles as unknown[]).filter((a) => wanted.has((a as { id?: string } | null)?.id as string)) : (parsed.articles as unknown[]);
  // In slices too: a day of 1,500 articles checked at once took a few ms more.
  const kept: unknown[] = [];
  for (let i = 0; i < articles.length; i++) {
    kept.push(checked(articles[i], i));
    if ((i + 1) % CHECK_PART === 0 && i + 1 < articles.length) await takeTurn();
  }
  return kept;
}

/** The open's files (manifest, tombstones, topics, journal), read at once: json-layout.ts readOptionalBytesNow. */
async function readText(file: string): Promise<string | null> {
  try {
    return readOptionalBytesNow(file)?.toString('utf8') ?? null;
  } catch (err) {
    throw new StoreError(file, `cannot be read: ${describeFsError(err)}`, { cause: err });
  }
}

async function readJson(file: string, withBackupHint: boolean): Promise<Record<string, unknown> | null> {
  const text = await readText(file);
  return text === null ? null : parseJson(text, file, withBackupHint);
}

function parseJson(text: string, file: string, withBackupHint: boolean): Record<string, unknown> {
  const hint = withBackupHint ? backupHint(file) : '';
  if (text.trim() === '') throw new StoreError(file, `is empty, not a feedkurator store${hint}; the file was left untouched`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new StoreError(file, `is not valid JSON (${(err as Error).message})${hint}; the file was left untouched`, { cause: err });
  }
  if (!isPlainObject(parsed)) throw new StoreError(file, `is not a feedkurator store (the JSON is not an object)${hint}; the file was left untouched`);
  return parsed;
}

function damaged(file: string, problem: string): StoreError {
  return new StoreError(file, `${problem}${backupHint(file)}; the file was left untouched`);
}

function backupHint(file: string): string {
  return existsSync(`${file}.bak`) ? `; the last good version is in ${file}.bak` : '';
}

export function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EROFS':
      return 'the file system is read-only';
    case 'EISDIR':
      return 'it is a directory';
    default:
      return e.message ?? String(err);
  }
}

/**
 * The single-file layouts (schema versions 1 and 2), read so that a store
 * written by an older feedkurator is migrated on first start. A step takes
 * the document of version N and returns version N+1; steps never touch the
 * file. json-store.ts then splits the version-2 document into the segmented
 * layout of version 3; the old file stays as the `.bak` copy.
 *
 *   1: { schemaVersion?, articles, sources, lastCycle? } — the first layout
 *      (a file without schemaVersion is read as 1)
 *   2: adds `retired`, the tombstones of identities dropped by retention, and
 *      caps stored content at MAX_CONTENT_CHARS
 */
import { capHtml } from '../../text/cap-text.js';

/** The last single-file version; the segmented layout is version 3. */
export const LEGACY_SCHEMA_VERSION = 2;
/** Frozen: the content cap the 1 → 2 step applied, whatever later versions cap at. */
const V2_MAX_CONTENT_CHARS = 40_000;

type Doc = Record<string, unknown>;

const steps: Record<number, (doc: Doc) => Doc> = {
  1: (doc) => ({
    ...doc,
    schemaVersion: 2,
    retired: {},
    articles: (doc.articles as Doc[]).map((a) =>
      typeof a.content === 'string' ? { ...a, content: capHtml(a.content, V2_MAX_CONTENT_CHARS) } : a,
    ),
  }),
};

export interface MigrationResult {
  doc: Doc;
  from: number;
}

/** Migrate a parsed single-file document (version 1 or 2) to version 2, or return a one-line problem. */
export function migrateLegacyDocument(parsed: Doc, declared: number): MigrationResult | { problem: string } {
  let doc = parsed;
  const shape = checkVersionOneShape(doc);
  if (shape) return { problem: shape };
  for (let v = declared; v < LEGACY_SCHEMA_VERSION; v++) {
    const step = steps[v];
    if (!step) return { problem: `cannot be migrated from schema version ${v}` };
    doc = step(doc);
  }
  const current = checkCurrentShape(doc);
  return current ? { problem: current } : { doc, from: declared };
}

function checkVersionOneShape(doc: Doc): string | undefined {
  if (!Array.isArray(doc.articles)) return 'is not a feedkurator store ("articles" is not a list)';
  if (doc.sources !== undefined && !isPlainObject(doc.sources)) return 'is damaged ("sources" is not an object)';
  if (doc.sources === undefined) doc.sources = {};
  return undefined;
}

const requiredStrings = ['id', 'key', 'title', 'published', 'firstSeen', 'contentHash'] as const;

/** Checks a version-2 document: its parts, then every article. */
function checkCurrentShape(doc: Doc): string | undefined {
  if (!isPlainObject(doc.retired)) return 'is damaged ("retired" is not an object)';
  if (doc.lastCycle !== undefined && !isPlainObject(doc.lastCycle)) return 'is damaged ("lastCycle" is not an object)';
  for (const [name, state] of Object.entries(doc.sources as Doc)) {
    if (!isPlainObject(state)) return `is damaged (sources[${JSON.stringify(name)}] is not an object)`;
  }
  return checkArticles(doc.articles as unknown[], 'articles');
}

/**
 * Checks what the code relies on in a list of stored articles, naming the
 * first damaged entry (`where[i].field`); fills optional fields that are
 * missing. Cheap enough for 50,000 articles; `from`, `to`: a part of the list (checked in slices).
 */
export function checkArticles(articles: unknown[], where: string, from = 0, to = articles.length): string | undefined {
  for (let i = from; i < Math.min(to, articles.length); i++) {
    const problem = checkArticle(articles[i], where, i);
    if (problem) return problem;
  }
  return undefined;
}

/** checkArticles for one article, `where[i]` in the list: for a reader that checks each article as it is parsed. */
export function checkArticle(a: unknown, where: string, i: number): string | undefined {
  if (!isPlainObject(a)) return `is damaged (${where}[${i}] is not an object)`;
  for (const field of requiredStrings) {
    if (typeof a[field] !== 'string') return `is damaged (${where}[${i}].${field} is missing or not text)`;
  }
  if (Number.isNaN(Date.parse(a.published as string))) return `is damaged (${where}[${i}].published is not a date)`;
  if (typeof a.summary !== 'string') a.summary = '';
  if (typeof a.content !== 'string') a.content = '';
  if (!Array.isArray(a.categories)) a.categories = [];
  if (!Array.isArray(a.enclosures)) a.enclosures = [];
  if (!Array.isArray(a.sources) || a.sources.some((s) => !isPlainObject(s) || typeof s.name !== 'string')) {
    return `is damaged (${where}[${i}].sources is not a list of sources)`;
  }
  return undefined;
}

export function isPlainObject(value: unknown): value is Doc {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Store schema versions and the steps between them. A step takes the
 * document of version N and returns version N+1; steps never touch the file
 * (the migrated data is written by the next regular write, and the old file
 * stays as the `.bak` copy).
 *
 *   1: { schemaVersion?, articles, sources, lastCycle? } — the first layout
 *      (a file without schemaVersion is read as 1)
 *   2: adds `retired`, the tombstones of identities dropped by retention, and
 *      caps stored content at MAX_CONTENT_CHARS
 */
import { capHtml, MAX_CONTENT_CHARS } from '../dedupe/merge-items.js';

export const CURRENT_SCHEMA_VERSION = 2;

type Doc = Record<string, unknown>;

const steps: Record<number, (doc: Doc) => Doc> = {
  1: (doc) => ({
    ...doc,
    schemaVersion: 2,
    retired: {},
    articles: (doc.articles as Doc[]).map((a) =>
      typeof a.content === 'string' ? { ...a, content: capHtml(a.content, MAX_CONTENT_CHARS) } : a,
    ),
  }),
};

export interface MigrationResult {
  doc: Doc;
  from: number;
}

/** Migrate a parsed document to the current version, or return a one-line problem. */
export function migrateDocument(parsed: unknown): MigrationResult | { problem: string } {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { problem: 'is not a feedkurator store (the JSON is not an object)' };
  }
  let doc = parsed as Doc;
  const declared = doc.schemaVersion ?? 1;
  if (typeof declared !== 'number' || !Number.isInteger(declared) || declared < 1) {
    return { problem: `has an invalid schemaVersion ${JSON.stringify(declared)}` };
  }
  if (declared > CURRENT_SCHEMA_VERSION) {
    return {
      problem: `was written by a newer feedkurator (schema version ${declared}, this version reads up to ${CURRENT_SCHEMA_VERSION}); upgrade feedkurator`,
    };
  }
  const shape = checkVersionOneShape(doc);
  if (shape) return { problem: shape };
  for (let v = declared; v < CURRENT_SCHEMA_VERSION; v++) {
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

/** Checks what the code relies on, naming the first damaged entry; cheap enough for 50,000 articles. */
function checkCurrentShape(doc: Doc): string | undefined {
  if (!isPlainObject(doc.retired)) return 'is damaged ("retired" is not an object)';
  if (doc.lastCycle !== undefined && !isPlainObject(doc.lastCycle)) return 'is damaged ("lastCycle" is not an object)';
  for (const [name, state] of Object.entries(doc.sources as Doc)) {
    if (!isPlainObject(state)) return `is damaged (sources[${JSON.stringify(name)}] is not an object)`;
  }
  const articles = doc.articles as unknown[];
  for (let i = 0; i < articles.length; i++) {
    const a = articles[i];
    if (!isPlainObject(a)) return `is damaged (articles[${i}] is not an object)`;
    for (const field of requiredStrings) {
      if (typeof a[field] !== 'string') return `is damaged (articles[${i}].${field} is missing or not text)`;
    }
    if (Number.isNaN(Date.parse(a.published as string))) return `is damaged (articles[${i}].published is not a date)`;
    if (typeof a.summary !== 'string') a.summary = '';
    if (typeof a.content !== 'string') a.content = '';
    if (!Array.isArray(a.categories)) a.categories = [];
    if (!Array.isArray(a.enclosures)) a.enclosures = [];
    if (!Array.isArray(a.sources) || a.sources.some((s) => !isPlainObject(s) || typeof s.name !== 'string')) {
      return `is damaged (articles[${i}].sources is not a list of sources)`;
    }
  }
  return undefined;
}

function isPlainObject(value: unknown): value is Doc {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

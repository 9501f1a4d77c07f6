/**
 * Append one entry to `sources:` of a config file's text, for `feedkurator add`.
 *
 * Re-serialising the whole document (yaml's Document.toString) keeps the
 * comments but not the layout: aligned end-of-line comments, blank lines and
 * quoting would change all over the file. So the document API only locates
 * the `sources` sequence and renders the new item; the item's text is then
 * spliced in after the last entry, and nothing else in the file changes.
 */
import { Document, isMap, isScalar, isSeq, parseDocument, type Node, type Pair } from 'yaml';
import type { SourceConfig } from './schema.js';

const RENDER = { lineWidth: 0, flowCollectionPadding: false } as const;

export function appendSource(text: string, entry: SourceConfig): string {
  const doc = parseDocument(text);
  if (!isMap(doc.contents)) throw new Error('the config is not a YAML mapping');
  const pair = doc.contents.items.find((p) => isScalar(p.key) && p.key.value === 'sources') as Pair<Node, Node | null> | undefined;

  if (!pair) {
    const sep = text === '' || text.endsWith('\n') ? '' : '\n';
    return `${text}${sep}sources:\n${renderItem(entry, 2, 4)}`;
  }
  const keyStart = (pair.key as Node).range![0];
  const keyColumn = keyStart - lineStart(text, keyStart);
  const value = pair.value;

  if (isSeq(value) && !value.flow && value.items.length > 0) {
    const dash = value.range![0];
    const dashColumn = dash - lineStart(text, dash);
    const first = value.items[0] as Node;
    const firstStart = first.range?.[0] ?? dash + 2;
    // Keys of the entry line up with the first entry's keys ("- name" vs "-   name").
    const keyIndent = lineStart(text, firstStart) === lineStart(text, dash) ? firstStart - lineStart(text, firstStart) : dashColumn + 2;
    const at = endOfLine(text, value.range![1]);
    const sep = at > 0 && text[at - 1] !== '\n' ? '\n' : '';
    return `${text.slice(0, at)}${sep}${renderItem(entry, dashColumn, keyIndent)}${text.slice(at)}`;
  }

  if (value === null || (isScalar(value) && value.value === null) || (isSeq(value) && value.items.length === 0)) {
    // `sources:`, `sources: ~` or `sources: []` (what a fresh config says): the empty value goes, a comment stays.
    const [start, end] = value?.range ?? [(pair.key as Node).range![1], (pair.key as Node).range![1]];
    const head = text.slice(0, start).replace(/[ \t]+$/, '');
    const lineEnd = endOfLine(text, end);
    const rest = text.slice(end, lineEnd).replace(/\n$/, '');
    const after = text.slice(lineEnd);
    return `${head}${rest}\n${renderItem(entry, keyColumn + 2, keyColumn + 4)}${after}`;
  }

  // A non-empty flow sequence or something stranger: let the document API do it (comments kept, layout of that node not).
  if (isSeq(value)) {
    value.items.push(doc.createNode(entry) as Node);
    return doc.toString(RENDER);
  }
  throw new Error('"sources" is not a list');
}

/** One `- name: …` block, indented: the dash at `dashColumn`, the following keys at `keyColumn`. */
function renderItem(entry: SourceConfig, dashColumn: number, keyColumn: number): string {
  const item = { name: entry.name, url: entry.url, ...(entry.topics ? { topics: entry.topics } : {}) };
  const doc = new Document([item]);
  const topics = (doc.contents as { items: { get(k: string, keep: true): { flow?: boolean } | undefined }[] }).items[0]!.get('topics', true);
  if (topics) topics.flow = true;
  const lines = doc.toString(RENDER).replace(/\n$/, '').split('\n');
  return `${lines.map((line, i) => (i === 0 ? `${' '.repeat(dashColumn)}-${' '.repeat(Math.max(1, keyColumn - dashColumn - 1))}${line.slice(2)}` : `${' '.repeat(keyColumn)}${line.replace(/^ {2}/, '')}`)).join('\n')}\n`;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset just after the newline ending the line that contains `offset - 1` (the text's end if none). */
function endOfLine(text: string, offset: number): number {
  if (offset > 0 && text[offset - 1] === '\n') return offset;
  const nl = text.indexOf('\n', offset);
  return nl === -1 ? text.length : nl + 1;
}

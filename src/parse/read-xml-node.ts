/**
 * Accessors for the object tree the XML reader (xml2js via rss-parser)
 * produces: an element is a string, or an object with `_` (text) and `$`
 * (attributes), and repeated elements are arrays. Hostile feeds put any
 * shape anywhere, so every accessor checks and never throws.
 */

export type XmlNode = unknown;

export function firstNode(node: XmlNode): XmlNode {
  return Array.isArray(node) ? node[0] : node;
}

export function nodeList(node: XmlNode): XmlNode[] {
  if (node === undefined || node === null) return [];
  return Array.isArray(node) ? node : [node];
}

/** The text of an element, or undefined when it has none or only child elements. */
export function textOf(node: XmlNode): string | undefined {
  const first = firstNode(node);
  if (typeof first === 'string') return first;
  if (first && typeof first === 'object' && typeof (first as { _?: unknown })._ === 'string') {
    return (first as { _: string })._;
  }
  return undefined;
}

/** Trimmed text, undefined when blank. */
export function trimmedText(node: XmlNode): string | undefined {
  const text = textOf(node)?.trim();
  return text ? text : undefined;
}

/** The attribute object xml2js puts under `$` of an element, undefined when it has none. */
function attributeObject(node: XmlNode): Record<string, unknown> | undefined {
  const first = firstNode(node);
  if (!first || typeof first !== 'object') return undefined;
  const attrs = (first as { $?: unknown }).$;
  return attrs && typeof attrs === 'object' ? (attrs as Record<string, unknown>) : undefined;
}

export function attributesOf(node: XmlNode): Record<string, string> {
  const attrs = attributeObject(node);
  const out: Record<string, string> = {};
  if (attrs) for (const [key, value] of Object.entries(attrs)) if (typeof value === 'string') out[key] = value;
  return out;
}

/** One attribute of an element, without copying the others (most look-ups want one: `xml:base`, `isPermaLink`). */
export function attributeOf(node: XmlNode, name: string): string | undefined {
  const attrs = attributeObject(node);
  if (!attrs || !Object.prototype.hasOwnProperty.call(attrs, name)) return undefined;
  const value = attrs[name];
  return typeof value === 'string' ? value : undefined;
}

/** A child element of an element object (xml2js puts children under their names). */
export function childOf(node: XmlNode, name: string): XmlNode {
  const first = firstNode(node);
  if (!first || typeof first !== 'object' || Array.isArray(first)) return undefined;
  return Object.prototype.hasOwnProperty.call(first, name) ? (first as Record<string, unknown>)[name] : undefined;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

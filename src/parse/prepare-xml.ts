import { decode } from 'html-entities';
import { ParseError } from '../errors.js';

/**
 * Makes a feed's XML safe and digestible for a strict XML parser before it
 * ever sees it:
 * - a DOCTYPE that declares entities is refused (billion laughs, XXE); any
 *   other DOCTYPE is dropped, so nothing is ever expanded or fetched;
 * - HTML named entities XML does not define (&auml; &nbsp; &ndash;) become
 *   character references, unknown ones and stray "&" become literal text;
 * - characters XML forbids are removed;
 * - Atom xhtml text constructs become CDATA, because the object mapping of
 *   the XML reader loses the order of mixed content.
 * Every pass is a single linear scan: hostile input cannot make it hang.
 */
export function prepareXml(text: string, options: { atom: boolean }): string {
  let xml = text.replace(/^\uFEFF/, '').replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
  xml = removeDoctype(xml);
  xml = mapOutsideCdata(xml, repairEntities);
  if (options.atom) xml = wrapXhtmlConstructs(xml);
  return xml;
}

function removeDoctype(xml: string): string {
  const start = xml.search(/<!DOCTYPE/i);
  if (start === -1) return xml;
  const end = findDoctypeEnd(xml, start);
  const doctype = xml.slice(start, end);
  if (/<!ENTITY/i.test(doctype)) {
    const external = /\bSYSTEM\b|\bPUBLIC\b/i.test(doctype.slice(doctype.search(/<!ENTITY/i)));
    throw new ParseError(
      external
        ? 'the DOCTYPE declares external entities (XXE); feedkurator never resolves them'
        : 'the DOCTYPE declares entities (entity expansion, "billion laughs"); feedkurator never expands them',
    );
  }
  return xml.slice(0, start) + xml.slice(end);
}

function findDoctypeEnd(xml: string, start: number): number {
  const close = xml.indexOf('>', start);
  const bracket = xml.indexOf('[', start);
  if (bracket !== -1 && (close === -1 || bracket < close)) {
    const subsetEnd = xml.indexOf(']', bracket);
    if (subsetEnd === -1) throw new ParseError('the DOCTYPE internal subset is never closed');
    const end = xml.indexOf('>', subsetEnd);
    return end === -1 ? xml.length : end + 1;
  }
  if (close === -1) throw new ParseError('the DOCTYPE is never closed');
  return close + 1;
}

/** Applies `fix` to everything except CDATA sections and comments. */
function mapOutsideCdata(xml: string, fix: (segment: string) => string): string {
  const parts: string[] = [];
  let pos = 0;
  while (pos < xml.length) {
    const cdata = xml.indexOf('<![CDATA[', pos);
    const comment = xml.indexOf('<!--', pos);
    const next = cdata === -1 ? comment : comment === -1 ? cdata : Math.min(cdata, comment);
    if (next === -1) break;
    const terminator = next === cdata ? ']]>' : '-->';
    const end = xml.indexOf(terminator, next);
    parts.push(fix(xml.slice(pos, next)));
    if (end === -1) {
      // Unclosed: the XML parser will report it; nothing after it is markup.
      parts.push(xml.slice(next));
      return parts.join('');
    }
    parts.push(xml.slice(next, end + terminator.length));
    pos = end + terminator.length;
  }
  parts.push(fix(xml.slice(pos)));
  return parts.join('');
}

const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);
const entityCache = new Map<string, string>();

function repairEntities(segment: string): string {
  return segment.replace(/&(#[0-9]{1,8};|#[xX][0-9a-fA-F]{1,8};|[A-Za-z][A-Za-z0-9]{0,31};)?/g, (whole, ref?: string) => {
    if (!ref) return '&amp;';
    const name = ref.slice(0, -1);
    if (XML_ENTITIES.has(name)) return whole;
    let replacement = entityCache.get(whole);
    if (replacement === undefined) {
      replacement = toCharacterReferences(whole);
      if (entityCache.size < 4096) entityCache.set(whole, replacement);
    }
    return replacement;
  });
}

/** "&auml;" → "&#xe4;"; numeric references keep HTML's windows-1252 reading (&#150; is "–"). */
function toCharacterReferences(reference: string): string {
  const decoded = decode(reference, { level: 'html5' });
  if (decoded === reference) return `&amp;${reference.slice(1)}`;
  let out = '';
  for (const char of decoded) {
    const cp = char.codePointAt(0)!;
    out += isXmlChar(cp) ? `&#x${cp.toString(16)};` : '&#xfffd;';
  }
  return out;
}

function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

const XHTML_OPEN = /<((?:[A-Za-z_][\w.-]*:)?(?:title|subtitle|summary|content|rights))(\s[^>]*?\btype\s*=\s*(["'])xhtml\3[^>]*)>/g;

function wrapXhtmlConstructs(xml: string): string {
  const parts: string[] = [];
  let pos = 0;
  XHTML_OPEN.lastIndex = 0;
  for (let open = XHTML_OPEN.exec(xml); open; open = XHTML_OPEN.exec(xml)) {
    if (open[2]!.endsWith('/')) continue;
    const innerStart = open.index + open[0].length;
    const closeTag = `</${open[1]}>`;
    const innerEnd = xml.indexOf(closeTag, innerStart);
    if (innerEnd === -1) break;
    const inner = unwrapXhtmlDiv(xml.slice(innerStart, innerEnd));
    parts.push(xml.slice(pos, innerStart), '<![CDATA[', inner.replace(/]]>/g, ']]&gt;'), ']]>', closeTag);
    pos = innerEnd + closeTag.length;
    XHTML_OPEN.lastIndex = pos;
  }
  parts.push(xml.slice(pos));
  return parts.join('');
}

/** RFC 4287 §3.1.1.3: the xhtml div is a container, not part of the content; XHTML prefixes mean nothing in HTML. */
function unwrapXhtmlDiv(inner: string): string {
  let html = inner.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_m, text: string) =>
    text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
  );
  html = html.replace(/<(\/?)[A-Za-z_][\w.-]*:(?=[A-Za-z_])/g, '<$1');
  const open = html.match(/^\s*<div\b[^>]*>/);
  const close = html.match(/<\/div\s*>\s*$/);
  if (open && close) html = html.slice(open[0].length, html.length - close[0].length);
  return html.replace(/\sxmlns(?::[\w.-]+)?\s*=\s*(["'])[^"']*\1/g, '');
}

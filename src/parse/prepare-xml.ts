import { decode } from 'html-entities';
import { ParseError } from '../errors.js';
import { wrapMarkupFields } from './wrap-markup-fields.js';

/**
 * Makes a feed's XML safe and digestible for a strict XML parser before it
 * ever sees it:
 * - a DOCTYPE that declares entities is refused (billion laughs, XXE); any
 *   other DOCTYPE is dropped, so nothing is ever expanded or fetched;
 * - HTML named entities XML does not define (&auml; &nbsp; &ndash;) become
 *   character references, unknown ones and stray "&" become literal text;
 * - characters XML forbids are removed;
 * - inline elements in text fields (Atom xhtml, Atom 0.3 mode="xml", HTML a
 *   feed forgot to escape) become CDATA, because the object mapping of the
 *   XML reader loses the order of mixed content.
 * What was repaired comes back as `repairs`, for the "recovered:" warning.
 * Every pass is a single linear scan: hostile input cannot make it hang.
 */
export function prepareXml(text: string): { xml: string; repairs: string[] } {
  let controls = 0;
  let xml = text.replace(/^\uFEFF/, '').replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, () => {
    controls++;
    return '';
  });
  // One search for the DOCTYPE: both readings below start at the first one, or there is none.
  const doctype = xml.search(/<!DOCTYPE/i);
  const rss091 = doctype !== -1 && RSS_091_DOCTYPE.test(xml.slice(doctype));
  if (doctype !== -1) xml = removeDoctype(xml, doctype);
  const counts: EntityCounts = { ampersands: 0, unknown: 0, html: 0, names: new Set(), rss091 };
  xml = mapOutsideCdata(xml, (segment) => repairEntities(segment, counts));
  xml = wrapMarkupFields(xml);
  const repairs = describeEntityRepairs(counts);
  if (controls) repairs.push(`${controls} control character${controls === 1 ? '' : 's'} that XML forbids removed`);
  return { xml, repairs };
}

interface EntityCounts {
  ampersands: number;
  unknown: number;
  html: number;
  /** The first few HTML entity names, for the warning. */
  names: Set<string>;
  /** The RSS 0.91 DTD defines the Latin-1 entities (&nbsp; to &yuml;): using them is no error. */
  rss091: boolean;
}

function countEntity(counts: EntityCounts, htmlName: string | undefined): void {
  if (htmlName === undefined) {
    counts.unknown++;
    return;
  }
  counts.html++;
  if (counts.names.size < 4) counts.names.add(htmlName);
}

function describeEntityRepairs(counts: EntityCounts): string[] {
  const repairs: string[] = [];
  if (counts.html) {
    const names = [...counts.names].map((n) => `&${n};`).join(' ');
    repairs.push(`${counts.html} HTML entit${counts.html === 1 ? 'y' : 'ies'} that XML does not define (${names}) read as characters`);
  }
  if (counts.ampersands) repairs.push(`${counts.ampersands} unescaped "&" read as text`);
  if (counts.unknown) repairs.push(`${counts.unknown} unknown entit${counts.unknown === 1 ? 'y' : 'ies'} kept as text`);
  return repairs;
}

const XXE = 'the DOCTYPE declares external entities (XXE); feedkurator never resolves them';
const LAUGHS = 'the DOCTYPE declares entities (entity expansion, "billion laughs"); feedkurator never expands them';

/** Refuses entity declarations in text the parse never sees (junk before the root element). */
export function refuseEntityDeclarations(text: string): void {
  const at = text.search(/<!ENTITY/i);
  if (at !== -1) throw new ParseError(/\bSYSTEM\b|\bPUBLIC\b/i.test(text.slice(at)) ? XXE : LAUGHS);
}

const RSS_091_DOCTYPE = /<!DOCTYPE\s+rss\s+(?:PUBLIC\s+"-\/\/Netscape Communications\/\/DTD RSS 0\.91|SYSTEM\s+["'][^"']*rss-0\.91\.dtd)/i;

/** Removes the DOCTYPE that starts at `start` (the first one), refusing one that declares entities. */
function removeDoctype(xml: string, start: number): string {
  const end = findDoctypeEnd(xml, start);
  const doctype = xml.slice(start, end);
  if (/<!ENTITY/i.test(doctype)) {
    const external = /\bSYSTEM\b|\bPUBLIC\b/i.test(doctype.slice(doctype.search(/<!ENTITY/i)));
    throw new ParseError(external ? XXE : LAUGHS);
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

/**
 * Applies `fix` to everything except CDATA sections and comments. The text
 * is copied only when `fix` changed a part: most feeds need no repair, and
 * joining the parts again costs more than all the searching.
 */
function mapOutsideCdata(xml: string, fix: (segment: string) => string): string {
  let parts: string[] | undefined;
  /** xml[0, copied) is in `parts`, repairs included. */
  let copied = 0;
  const fixPart = (from: number, to: number): void => {
    const segment = xml.slice(from, to);
    const fixed = fix(segment);
    if (fixed === segment) return;
    (parts ??= []).push(xml.slice(copied, from), fixed);
    copied = to;
  };
  let pos = 0;
  // Each search runs again only once the scan has passed its last find: a feed with CDATA in every
  // item and no comment would otherwise search for "<!--" to the end of the document per section.
  let cdata = -2;
  let comment = -2;
  while (pos < xml.length) {
    if (cdata !== -1 && cdata < pos) cdata = xml.indexOf('<![CDATA[', pos);
    if (comment !== -1 && comment < pos) comment = xml.indexOf('<!--', pos);
    const next = cdata === -1 ? comment : comment === -1 ? cdata : Math.min(cdata, comment);
    if (next === -1) break;
    const terminator = next === cdata ? ']]>' : '-->';
    const end = xml.indexOf(terminator, next);
    fixPart(pos, next);
    // Unclosed: the XML parser will report it; nothing after it is markup.
    if (end === -1) return parts ? parts.join('') + xml.slice(copied) : xml;
    pos = end + terminator.length;
  }
  fixPart(pos, xml.length);
  return parts ? parts.join('') + xml.slice(copied) : xml;
}

const entityCache = new Map<string, string>();

/**
 * An "&" that may need repair: XML's own five entities, most of a feed's
 * ampersands (escaped HTML), are skipped by the lookahead, so that the
 * replacer runs only where something may change.
 */
const AMPERSAND = /&(?!(?:amp|lt|gt|quot|apos);)(#[0-9]{1,8};|#[xX][0-9a-fA-F]{1,8};|[A-Za-z][A-Za-z0-9]{0,31};)?/g;

export function repairEntities(segment: string, counts?: EntityCounts): string {
  return segment.replace(AMPERSAND, (whole, ref?: string) => {
    if (!ref) {
      if (counts) counts.ampersands++;
      return '&amp;';
    }
    const name = ref.slice(0, -1);
    let replacement = entityCache.get(whole);
    if (replacement === undefined) {
      replacement = toCharacterReferences(whole);
      if (entityCache.size < 4096) entityCache.set(whole, replacement);
    }
    if (counts && name[0] !== '#' && !(counts.rss091 && /^&#x[a-f][0-9a-f];$/.test(replacement))) {
      countEntity(counts, replacement.startsWith('&amp;') ? undefined : name);
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

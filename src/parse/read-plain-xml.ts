/**
 * The element tree xml2js (strict sax underneath, with the options
 * rss-parser gives it) makes of a document, built without sax for the plain
 * XML feeds are made of: sax reads one character per step through a state
 * machine and was the largest part of reading a feed (~0.4 s of a read
 * worker's ~0.8 s per 200 bench bodies, more than the floor's whole parse).
 *
 * Plain means: elements with ASCII names, quoted attributes, text, the five
 * XML entities and numeric character references, CDATA, comments and
 * processing instructions, whitespace around the root. Anything else — a
 * DOCTYPE, an HTML entity, an unclosed or mismatched tag, text outside the
 * root, a name sax would read differently — returns undefined, and the
 * caller reads the document with xml2js as before, errors and all. Where a
 * tree comes back it is the one xml2js makes, key order and null prototypes
 * included: xml2js's handlers below are ported as they run with those
 * options, and a property test holds both readers to the same trees.
 */

type XmlObject = Record<string, unknown>;

interface Frame {
  /** The element name as written: a close tag must repeat it. */
  name: string;
  /** The name as the tag name processor made it: the key in the parent (xml2js's "#name"). */
  key: string;
  obj: XmlObject;
}

const NAME = /[:_A-Za-z][:_A-Za-z0-9.-]*/y;
const ENTITY = /&([#:_A-Za-z][#:_A-Za-z0-9.-]*);/y;
/** The names sax reads as the five XML entities; prepareXml has made every other named one a character reference. */
const XML_ENTITIES = new Map([['amp', '&'], ['lt', '<'], ['gt', '>'], ['quot', '"'], ['apos', "'"]]);
/** Keys xml2js writes into an element object itself: an element or attribute of such a name is left to xml2js. */
const RESERVED = new Set(['_', '$', '#name', 'cdata', '__proto__', 'hasOwnProperty']);
/** sax fails on a name, attribute value, comment or instruction past 64 K characters; such documents take xml2js. */
const MAX_TOKEN = 32_768;
const BLANK = /^\s*$/;

/**
 * The tree xml2js's parseString gives for `xml` (root name → element), or
 * undefined when the document is not plain (see above). `nameElement` is the
 * tag name processor xml2js was given.
 */
export function readPlainXml(xml: string, nameElement: (name: string) => string): XmlObject | undefined {
  const stack: Frame[] = [];
  let result: XmlObject | undefined;
  let pos = 0;
  const length = xml.length;
  if (length === 0 || xml.charCodeAt(0) === 0xfeff) return undefined;
  while (pos < length) {
    const lt = xml.indexOf('<', pos);
    const textEnd = lt === -1 ? length : lt;
    if (textEnd > pos) {
      const top = stack[stack.length - 1];
      if (top === undefined) {
        if (!isSaxWhitespace(xml, pos, textEnd)) return undefined;
      } else {
        const text = decodeText(xml, pos, textEnd);
        if (text === undefined) return undefined;
        (top.obj['_'] as string) += text;
      }
    }
    if (lt === -1) break;
    const next = xml.charCodeAt(lt + 1);
    if (next === 0x2f /* / */) {
      NAME.lastIndex = lt + 2;
      const match = NAME.exec(xml);
      const top = stack[stack.length - 1];
      if (match === null || top === undefined || match[0] !== top.name) return undefined;
      let end = lt + 2 + match[0].length;
      while (isSaxSpace(xml.charCodeAt(end))) end++;
      if (xml.charCodeAt(end) !== 0x3e /* > */) return undefined;
      pos = end + 1;
      stack.pop();
      const value = closeElement(top.obj);
      const parent = stack[stack.length - 1];
      if (parent) assignOrPush(parent.obj, top.key, value);
      else {
        result = Object.create(null) as XmlObject;
        result[top.key] = value;
      }
    } else if (next === 0x21 /* ! */) {
      if (xml.startsWith('<!--', lt)) {
        const end = xml.indexOf('--', lt + 4);
        if (end === -1 || end - lt > MAX_TOKEN || xml.charCodeAt(end + 2) !== 0x3e) return undefined;
        pos = end + 3;
      } else if (xml.startsWith('<![CDATA[', lt)) {
        const top = stack[stack.length - 1];
        const end = xml.indexOf(']]>', lt + 9);
        if (top === undefined || end === -1) return undefined;
        // sax reports an empty section not at all, so it marks nothing.
        if (end > lt + 9) {
          (top.obj['_'] as string) += xml.slice(lt + 9, end);
          top.obj['cdata'] = true;
        }
        pos = end + 3;
      } else return undefined;
    } else if (next === 0x3f /* ? */) {
      const end = xml.indexOf('?>', lt + 2);
      if (end === -1 || end - lt > MAX_TOKEN || isSaxSpace(xml.charCodeAt(lt + 2)) || end === lt + 2) return undefined;
      pos = end + 2;
    } else {
      if (result !== undefined) return undefined;
      const end = openElement(xml, lt, stack, nameElement);
      if (end === undefined) return undefined;
      pos = end;
    }
  }
  return stack.length === 0 ? result : undefined;
}

/** Reads `<name attr="value" …>` or `<name … />` at `lt`; returns where reading goes on. */
function openElement(xml: string, lt: number, stack: Frame[], nameElement: (name: string) => string): number | undefined {
  NAME.lastIndex = lt + 1;
  const match = NAME.exec(xml);
  if (match === null) return undefined;
  const name = match[0];
  let pos = lt + 1 + name.length;
  let attributes: XmlObject | undefined;
  let selfClosing = false;
  for (;;) {
    const c = xml.charCodeAt(pos);
    if (c === 0x3e /* > */) {
      pos++;
      break;
    }
    if (c === 0x2f /* / */) {
      if (xml.charCodeAt(pos + 1) !== 0x3e) return undefined;
      selfClosing = true;
      pos += 2;
      break;
    }
    // An attribute, after whitespace: sax fails on one that follows a name or value directly.
    if (!isSaxSpace(c)) return undefined;
    while (isSaxSpace(xml.charCodeAt(pos))) pos++;
    const d = xml.charCodeAt(pos);
    if (d === 0x3e || d === 0x2f) continue;
    NAME.lastIndex = pos;
    const attr = NAME.exec(xml);
    if (attr === null || RESERVED.has(attr[0])) return undefined;
    pos += attr[0].length;
    while (isSaxSpace(xml.charCodeAt(pos))) pos++;
    if (xml.charCodeAt(pos) !== 0x3d /* = */) return undefined;
    pos++;
    while (isSaxSpace(xml.charCodeAt(pos))) pos++;
    const quote = xml[pos];
    if (quote !== '"' && quote !== "'") return undefined;
    const close = xml.indexOf(quote, pos + 1);
    if (close === -1 || close - lt > MAX_TOKEN) return undefined;
    const value = decodeText(xml, pos + 1, close);
    if (value === undefined) return undefined;
    pos = close + 1;
    attributes ??= Object.create(null) as XmlObject;
    // sax keeps the first of two attributes of one name and drops the second without a word.
    if (!(attr[0] in attributes)) attributes[attr[0]] = value;
    const after = xml.charCodeAt(pos);
    if (after !== 0x3e && after !== 0x2f && !isSaxSpace(after)) return undefined;
  }
  if (pos - lt > MAX_TOKEN) return undefined;
  const key = nameElement(name);
  if (RESERVED.has(key)) return undefined;
  // xml2js's onopentag: the text key first, then the attributes ("#name", which it deletes on close, lives in the frame).
  const obj = Object.create(null) as XmlObject;
  obj['_'] = '';
  if (attributes) obj['$'] = attributes;
  if (!selfClosing) stack.push({ name, key, obj });
  else {
    const parent = stack[stack.length - 1];
    // A self-closed root is left to xml2js: no feed is one.
    if (parent === undefined) return undefined;
    assignOrPush(parent.obj, key, closeElement(obj));
  }
  return pos;
}

/** xml2js's onclosetag with rss-parser's options (explicitArray, charkey "_", no trim, emptyTag ''). */
function closeElement(obj: XmlObject): unknown {
  const cdata = obj['cdata'] === true;
  if (cdata) delete obj['cdata'];
  const text = obj['_'] as string;
  if (!cdata && BLANK.test(text)) {
    delete obj['_'];
    // An element with neither text, attributes nor children becomes its (blank) text.
    return countKeys(obj) === 0 ? text : obj;
  }
  return countKeys(obj) === 1 ? text : obj;
}

/** Own keys, counted up to 2 (the objects have no prototype). */
function countKeys(obj: XmlObject): number {
  let keys = 0;
  for (const _key in obj) if (++keys > 1) break;
  return keys;
}

function assignOrPush(obj: XmlObject, key: string, value: unknown): void {
  const list = obj[key];
  if (list === undefined) obj[key] = [value];
  else (list as unknown[]).push(value);
}

/** Text or an attribute value with its entities read as sax reads them; undefined where sax would fail or differ. */
function decodeText(xml: string, from: number, to: number): string | undefined {
  let amp = xml.indexOf('&', from);
  if (amp === -1 || amp >= to) return xml.slice(from, to);
  let out = '';
  let pos = from;
  while (amp !== -1 && amp < to) {
    ENTITY.lastIndex = amp;
    const match = ENTITY.exec(xml);
    if (match === null || amp + match[0].length > to) return undefined;
    const value = readEntity(match[1]!);
    if (value === undefined) return undefined;
    out += xml.slice(pos, amp) + value;
    pos = amp + match[0].length;
    amp = xml.indexOf('&', pos);
  }
  return out + xml.slice(pos, to);
}

/** sax's parseEntity for the XML names and character references; undefined for anything it would refuse or read otherwise. */
function readEntity(entity: string): string | undefined {
  const named = XML_ENTITIES.get(entity);
  if (named !== undefined) return named;
  if (entity.charCodeAt(0) !== 0x23 /* # */) return undefined;
  const lower = entity.toLowerCase();
  let digits: string;
  let num: number;
  let numStr: string;
  if (lower.charAt(1) === 'x') {
    digits = lower.slice(2);
    num = parseInt(digits, 16);
    numStr = num.toString(16);
  } else {
    digits = lower.slice(1);
    num = parseInt(digits, 10);
    numStr = num.toString(10);
  }
  if (Number.isNaN(num) || numStr !== digits.replace(/^0+/, '') || !isXmlChar(num)) return undefined;
  return String.fromCodePoint(num);
}

function isXmlChar(num: number): boolean {
  return (
    num === 0x9 || num === 0xa || num === 0xd || (num >= 0x20 && num <= 0xd7ff) || (num >= 0xe000 && num <= 0xfffd) || (num >= 0x10000 && num <= 0x10ffff)
  );
}

/** sax's whitespace: space, tab, CR, LF (not the other characters JavaScript's \s knows). */
function isSaxSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isSaxWhitespace(xml: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isSaxSpace(xml.charCodeAt(i))) return false;
  return true;
}

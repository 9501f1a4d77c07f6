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
  /** Its text so far (xml2js's "_"). */
  text: string;
  /** A CDATA section with characters was read in it (xml2js's "cdata" flag). */
  cdata: boolean;
  /**
   * The element's object, made with its first attribute or child: most elements of a feed hold text
   * only and become their text, so they never need one, and whether one has keys besides "_" is
   * whether it was made (counting a null-prototype object's keys with for-in was an eighth of the read).
   */
  obj: XmlObject | undefined;
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
        top.text += text;
      }
    }
    if (lt === -1) break;
    const next = xml.charCodeAt(lt + 1);
    if (next === 0x2f /* / */) {
      // The open element's name (a longer one fails the check for ">" after it).
      const top = stack[stack.length - 1];
      if (top === undefined || !xml.startsWith(top.name, lt + 2)) return undefined;
      let end = lt + 2 + top.name.length;
      while (isSaxSpace(xml.charCodeAt(end))) end++;
      if (xml.charCodeAt(end) !== 0x3e /* > */) return undefined;
      pos = end + 1;
      stack.pop();
      const value = closeElement(top);
      const parent = stack[stack.length - 1];
      if (parent) assignOrPush(parent, top.key, value);
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
          top.text += xml.slice(lt + 9, end);
          top.cdata = true;
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
  // "#name", which xml2js deletes on close, lives in the frame.
  const frame: Frame = { name, key, text: '', cdata: false, obj: undefined };
  if (attributes) {
    frame.obj = newElementObject();
    frame.obj['$'] = attributes;
  }
  if (!selfClosing) stack.push(frame);
  else {
    const parent = stack[stack.length - 1];
    // A self-closed root is left to xml2js: no feed is one.
    if (parent === undefined) return undefined;
    assignOrPush(parent, key, closeElement(frame));
  }
  return pos;
}

/** xml2js's onopentag: the text key first (its value is set on close), then the attributes and children. */
function newElementObject(): XmlObject {
  const obj = Object.create(null) as XmlObject;
  obj['_'] = '';
  return obj;
}

/** xml2js's onclosetag with rss-parser's options (explicitArray, charkey "_", no trim, emptyTag ''). */
function closeElement(frame: Frame): unknown {
  const { obj, text } = frame;
  // An element with neither attributes nor children becomes its text, blank or not.
  if (obj === undefined) return text;
  if (!frame.cdata && BLANK.test(text)) {
    delete obj['_'];
    return obj;
  }
  obj['_'] = text;
  return obj;
}

function assignOrPush(parent: Frame, key: string, value: unknown): void {
  let obj = parent.obj;
  if (obj === undefined) obj = parent.obj = newElementObject();
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
    let value: string | undefined;
    let length = xmlEntityLength(xml, amp);
    if (length > 0 && amp + length <= to) value = XML_ENTITY_VALUES[xml.charCodeAt(amp + 1) + xml.charCodeAt(amp + 2)];
    else {
      ENTITY.lastIndex = amp;
      const match = ENTITY.exec(xml);
      if (match === null || amp + match[0].length > to) return undefined;
      value = readEntity(match[1]!);
      if (value === undefined) return undefined;
      length = match[0].length;
    }
    out += xml.slice(pos, amp) + value;
    pos = amp + length;
    amp = xml.indexOf('&', pos);
  }
  return out + xml.slice(pos, to);
}

/**
 * The length of `&lt;`, `&gt;`, `&amp;`, `&quot;` or `&apos;` at `amp`, 0 for anything else: the
 * entities feeds are full of (escaped HTML), read without the regular expression and the name's string.
 */
function xmlEntityLength(xml: string, amp: number): number {
  const a = xml.charCodeAt(amp + 1);
  const b = xml.charCodeAt(amp + 2);
  const c = xml.charCodeAt(amp + 3);
  if (a === 0x6c /* l */ || a === 0x67 /* g */) return b === 0x74 /* t */ && c === 0x3b ? 4 : 0;
  const d = xml.charCodeAt(amp + 4);
  if (a === 0x61 /* a */) {
    if (b === 0x6d /* m */) return c === 0x70 /* p */ && d === 0x3b ? 5 : 0;
    return b === 0x70 /* p */ && c === 0x6f /* o */ && d === 0x73 /* s */ && xml.charCodeAt(amp + 5) === 0x3b ? 6 : 0;
  }
  if (a === 0x71 /* q */) return b === 0x75 /* u */ && c === 0x6f /* o */ && d === 0x74 /* t */ && xml.charCodeAt(amp + 5) === 0x3b ? 6 : 0;
  return 0;
}

/** The five entities' characters by the sum of their names' first two character codes (each sum is distinct). */
const XML_ENTITY_VALUES: Record<number, string> = { [0x6c + 0x74]: '<', [0x67 + 0x74]: '>', [0x61 + 0x6d]: '&', [0x71 + 0x75]: '"', [0x61 + 0x70]: "'" };

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

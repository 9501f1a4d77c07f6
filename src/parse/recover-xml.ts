import { Parser } from '../normalize/html-parser.js';
import { repairEntities } from './prepare-xml.js';

/**
 * The lenient second pass, for XML the strict parser refused. A forgiving
 * tokenizer (htmlparser2 in XML mode: linear, no DTD, no entity expansion)
 * reads what a person can see and writes it back as well-formed XML for the
 * same strict reader:
 * - junk before and after the root element is dropped;
 * - elements the document never closes are closed where it ended;
 * - an item (or entry) is kept only when it is complete: one that the
 *   document cut off, or whose fields were never closed, is dropped whole,
 *   because where its fields end is a guess;
 * - end tags match their start tag in any letter case; stray end tags are
 *   ignored, attribute values re-escaped, invalid names dropped.
 */
export interface RecoveredXml {
  xml: string;
  keptItems: number;
  droppedItems: number;
  /** The document ended before its root element did. */
  truncated: boolean;
  /** Nested deeper than MAX_DEPTH: nothing was recovered. */
  tooDeep?: boolean;
}

const ITEM_NAMES = new Set(['item', 'entry']);
/** Feeds nest a few dozen levels; deeper is an attack on the tokenizer, whose open-element stack grows in O(depth) steps. */
const MAX_DEPTH = 512;
const ROOT_NAMES = new Set(['rss', 'rdf', 'feed']);
const XML_NAME = /^[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?$/;
/**
 * The tokenizer matches end tags case-insensitively (feeds write
 * <pubDate>…</pubdate>), so it sees lower-case names; these are the feed
 * vocabulary's mixed-case ones, written back as the strict reader expects.
 */
const MIXED_CASE = new Map(
  ['pubDate', 'lastBuildDate', 'managingEditor', 'webMaster', 'textInput', 'skipHours', 'skipDays', 'rdf:RDF'].map((name) => [name.toLowerCase(), name]),
);

interface Open {
  name: string;
  /** Dropped junk or an invalid name: neither it nor its end tag is written. */
  skipped: boolean;
  selfClosing: boolean;
  root: boolean;
  /** Items only: where the item's output starts, and whether it is damaged. */
  item?: { start: number; damaged: boolean };
}

export function recoverXml(text: string): RecoveredXml {
  const out: string[] = [];
  const stack: Open[] = [];
  let rootState: 'before' | 'open' | 'closed' = 'before';
  let keptItems = 0;
  let droppedItems = 0;
  let truncated = false;
  let inCdata = false;
  let ended = false;
  let tooDeep = false;

  const parser = new Parser(
    {
      onopentag(lowerName, attribs) {
        const name = MIXED_CASE.get(lowerName) ?? lowerName;
        if (stack.length >= MAX_DEPTH) {
          tooDeep = true;
          parser.pause();
        }
        const selfClosing = text[parser.endIndex - 1] === '/';
        const root = rootState === 'before' && ROOT_NAMES.has(localName(name));
        if (root) rootState = 'open';
        const skipped = rootState !== 'open' || !XML_NAME.test(name);
        const open: Open = { name, skipped, selfClosing, root };
        if (!skipped && ITEM_NAMES.has(localName(name))) open.item = { start: out.length, damaged: false };
        stack.push(open);
        if (!skipped) out.push(`<${name}${writeAttributes(attribs)}>`);
      },
      onclosetag(_name, isImplied) {
        const open = stack.pop();
        if (!open) return;
        const implied = isImplied && !open.selfClosing;
        if (open.skipped) return;
        if (open.root) {
          rootState = 'closed';
          if (implied) truncated = ended;
        }
        if (open.item) {
          if (implied) open.item.damaged = true;
          if (open.item.damaged) {
            out.length = open.item.start;
            droppedItems++;
          } else {
            out.push(`</${open.name}>`);
            keptItems++;
          }
          return;
        }
        // A field of an item that was never closed: the item's end is a guess.
        const parent = stack[stack.length - 1];
        if (implied && parent?.item) parent.item.damaged = true;
        out.push(`</${open.name}>`);
      },
      ontext(data) {
        if (rootState !== 'open' || stack[stack.length - 1]?.skipped !== false) return;
        out.push(inCdata ? data.replace(/]]>/g, ']]]]><![CDATA[>') : escapeText(data));
      },
      oncdatastart() {
        if (rootState !== 'open' || stack[stack.length - 1]?.skipped !== false) return;
        inCdata = true;
        out.push('<![CDATA[');
      },
      oncdataend() {
        if (!inCdata) return;
        inCdata = false;
        out.push(']]>');
      },
    },
    { xmlMode: true, decodeEntities: false, recognizeSelfClosing: true, lowerCaseTags: true, lowerCaseAttributeNames: false },
  );
  parser.write(text);
  if (tooDeep) return { xml: '', keptItems: 0, droppedItems: 0, truncated: false, tooDeep };
  ended = true;
  parser.end();
  return { xml: out.join(''), keptItems, droppedItems, truncated };
}

function localName(name: string): string {
  return name.slice(name.indexOf(':') + 1).toLowerCase();
}

function writeAttributes(attribs: Record<string, string>): string {
  let out = '';
  for (const [name, value] of Object.entries(attribs)) {
    if (!XML_NAME.test(name)) continue;
    out += ` ${name}="${escapeText(value).replace(/"/g, '&quot;')}"`;
  }
  return out;
}

/** Raw text as the tokenizer saw it: entities repaired, "<" that opened no tag escaped. */
function escapeText(raw: string): string {
  return repairEntities(raw).replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

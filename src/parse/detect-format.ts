import type { FeedFormat } from '../types.js';
import { NotAFeedError } from '../errors.js';

export type Sniffed =
  | { kind: 'json' }
  | {
      kind: 'xml';
      format: Exclude<FeedFormat, 'jsonfeed1.0' | 'jsonfeed1.1'>;
      root: string;
      /** The root's start tag, for its attributes (xml:base), and where it starts. */
      rootTag: string;
      rootStart: number;
      /** Where the root element starts when text or elements precede it (PHP warnings, stray markup); else undefined. */
      junkBefore?: number;
      /** The prefix of the feed vocabulary's elements (`atom` of <atom:feed>), to be read without it. */
      prefix?: string;
    };

const RSS_090_NAMESPACE = 'http://my.netscape.com/rdf/simple/0.9/';
const RSS_10_NAMESPACE = 'http://purl.org/rss/1.0/';
const FEED_ROOT = /<((?:[A-Za-z_][\w.-]*:)?(?:rss|RDF|feed))(?=[\s>/])[^>]*>/gi;

/**
 * Decides the format from the document itself (never from the URL or the
 * Content-Type, which feed servers get wrong): the first non-blank character
 * and, for XML, the root element and its version or namespace.
 */
export function detectFormat(text: string): Sniffed {
  const start = text.search(/\S/);
  if (start === -1) throw new NotAFeedError('the body is empty');
  const first = text[start];
  if (first === '{') return { kind: 'json' };
  if (first !== '<' && !findFeedRoot(text, start)) throw new NotAFeedError(`the body is not XML or JSON (it starts with "${preview(text, start)}")`);

  const found = findRootElement(text, start);
  let root = typeof found === 'object' ? found : undefined;
  let junkBefore: number | undefined;
  const local = (name: string) => name.replace(/^[^:]*:/, '').toLowerCase();
  if (root?.name.toLowerCase() === 'html') throw new NotAFeedError('the body is an HTML page, not a feed');
  if (found === 'text' || (root && !['rss', 'rdf', 'feed'].includes(local(root.name)))) {
    // Text or other elements before the feed: a PHP warning, a stray tag. The feed is what follows.
    const later = findFeedRoot(text, start);
    if (later) {
      junkBefore = later.index;
      root = later;
    }
  }
  if (!root) throw new NotAFeedError(first === '<' ? 'the body is XML-like but has no root element' : `the body is not XML or JSON (it starts with "${preview(text, start)}")`);
  const base = { kind: 'xml' as const, root: root.name, rootTag: root.tag, rootStart: root.index, ...(junkBefore === undefined ? {} : { junkBefore }) };
  const prefix = root.name.includes(':') ? root.name.slice(0, root.name.indexOf(':')) : undefined;
  switch (local(root.name)) {
    case 'rss': {
      const version = readAttribute(root.tag, 'version');
      return { ...base, format: version && /^0\.9/.test(version) ? 'rss0.9' : 'rss2.0', ...(prefix ? { prefix } : {}) };
    }
    case 'rdf': {
      // rdf:RDF keeps its prefix; an RSS 1.0 channel may carry one of its own (<rss:channel>).
      const own = root.tag.match(new RegExp(`\\sxmlns:([\\w.-]+)\\s*=\\s*["'](?:${RSS_10_NAMESPACE}|${RSS_090_NAMESPACE})["']`));
      return { ...base, format: root.tag.includes(RSS_090_NAMESPACE) ? 'rss0.9' : 'rss1.0', ...(own ? { prefix: own[1]! } : {}) };
    }
    case 'feed':
      return { ...base, format: 'atom1.0', ...(prefix ? { prefix } : {}) };
    default:
      throw new NotAFeedError(`the XML root element <${root.name}> is not rss, rdf:RDF or feed`);
  }
}

function findFeedRoot(text: string, from: number): { name: string; tag: string; index: number } | undefined {
  FEED_ROOT.lastIndex = from;
  const match = FEED_ROOT.exec(text);
  return match ? { name: match[1]!, tag: match[0], index: match.index } : undefined;
}

/** Skips the XML declaration, processing instructions, comments and the DOCTYPE. */
/** The first element; 'text' when text comes first; undefined for broken markup declarations. */
function findRootElement(text: string, from: number): { name: string; tag: string; index: number } | 'text' | undefined {
  const pattern = /<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^[>]*(?:\[[^\]]*\][^>]*)?>|<([A-Za-z_][\w.:-]*)[^>]*>|<!|\S/iy;
  pattern.lastIndex = from;
  for (let guard = 0; guard < 1000 && pattern.lastIndex < text.length; guard++) {
    const at = pattern.lastIndex;
    const match = pattern.exec(text);
    if (!match) return undefined;
    if (match[1]) return { name: match[1], tag: match[0], index: at };
    if (/^\S$/.test(match[0]) && match[0] !== '<') {
      return 'text';
    }
    if (match[0] === '<' || match[0] === '<!') return undefined;
    pattern.lastIndex = skipBlank(text, at + match[0].length);
  }
  return undefined;
}

function skipBlank(text: string, from: number): number {
  let i = from;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}

export function readAttribute(tag: string, name: string): string | undefined {
  const match = tag.match(new RegExp(`\\s${name.replace(/[.:]/g, '\\$&')}\\s*=\\s*(["'])([^"']*)\\1`));
  return match?.[2];
}

function preview(text: string, start: number): string {
  return text.slice(start, start + 20).replace(/\s+/g, ' ');
}

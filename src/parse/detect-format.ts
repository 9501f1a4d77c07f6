import type { FeedFormat } from '../types.js';
import { NotAFeedError } from '../errors.js';

export type Sniffed =
  | { kind: 'json' }
  | { kind: 'xml'; format: Exclude<FeedFormat, 'jsonfeed1.0' | 'jsonfeed1.1'>; root: string };

const RSS_090_NAMESPACE = 'http://my.netscape.com/rdf/simple/0.9/';

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
  if (first !== '<') throw new NotAFeedError(`the body is not XML or JSON (it starts with "${preview(text, start)}")`);

  const root = findRootElement(text, start);
  if (!root) throw new NotAFeedError('the body is XML-like but has no root element');
  const local = root.name.replace(/^[^:]*:/, '').toLowerCase();
  if (local === 'rss') {
    const version = readAttribute(root.tag, 'version');
    return { kind: 'xml', format: version && /^0\.9/.test(version) ? 'rss0.9' : 'rss2.0', root: root.name };
  }
  if (local === 'rdf') {
    return { kind: 'xml', format: root.tag.includes(RSS_090_NAMESPACE) ? 'rss0.9' : 'rss1.0', root: root.name };
  }
  if (local === 'feed') return { kind: 'xml', format: 'atom1.0', root: root.name };
  if (local === 'html') throw new NotAFeedError('the body is an HTML page, not a feed');
  throw new NotAFeedError(`the XML root element <${root.name}> is not rss, rdf:RDF or feed`);
}

/** Skips the XML declaration, processing instructions, comments and the DOCTYPE. */
function findRootElement(text: string, from: number): { name: string; tag: string } | undefined {
  const pattern = /<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^[>]*(?:\[[^\]]*\][^>]*)?>|<([A-Za-z_][\w.:-]*)[^>]*>|<!|\S/iy;
  pattern.lastIndex = from;
  for (let guard = 0; guard < 1000 && pattern.lastIndex < text.length; guard++) {
    const at = pattern.lastIndex;
    const match = pattern.exec(text);
    if (!match) return undefined;
    if (match[1]) return { name: match[1], tag: match[0] };
    if (/^\S$/.test(match[0]) && match[0] !== '<') {
      // Text before any element: not XML.
      return undefined;
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

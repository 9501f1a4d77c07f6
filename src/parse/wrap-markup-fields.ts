/**
 * Inline elements in text fields become CDATA before the strict reader sees
 * them: Atom xhtml text constructs (RFC 4287 §3.1.1.3), Atom 0.3 mode="xml",
 * and HTML a feed forgot to escape. The object mapping of the XML reader
 * would otherwise lose the order of mixed content ("Linux  ist da").
 */

/** Fields whose value is text or HTML; a `type`/`mode` attribute says how inline elements are meant. */
const FIELD_OPEN = /<((?:[A-Za-z_][\w.-]*:)?(?:title|subtitle|tagline|summary|content|rights|description|encoded))(\s[^>]*)?>/g;
/** Inner markup that ends or starts the structure around the field: the field itself is broken, leave it to the parser. */
const STRUCTURE = /<\/?(?:[\w.-]+:)?(?:item|entry|channel|feed|rss|RDF)\b/i;

/** One linear scan; a field whose end tag is missing ends it (the document is broken there). */
export function wrapMarkupFields(xml: string): string {
  const parts: string[] = [];
  let pos = 0;
  FIELD_OPEN.lastIndex = 0;
  for (let open = FIELD_OPEN.exec(xml); open; open = FIELD_OPEN.exec(xml)) {
    const attrs = open[2] ?? '';
    // media:content and friends hold elements, not text.
    if (attrs.endsWith('/') || /^media:/i.test(open[1]!) || /\surl\s*=/.test(attrs)) continue;
    const innerStart = open.index + open[0].length;
    const closeTag = `</${open[1]}>`;
    const innerEnd = xml.indexOf(closeTag, innerStart);
    if (innerEnd === -1) break;
    const inner = xml.slice(innerStart, innerEnd);
    // Past the close tag even when skipping: rescanning from inside would make many unclosed fields quadratic.
    FIELD_OPEN.lastIndex = innerEnd + closeTag.length;
    // type="xhtml" is markup even as bare text (its entities stay escaped); Atom 0.3 mode="xml" only with elements.
    const xhtml = /\btype\s*=\s*(["'])xhtml\1/.test(attrs);
    const inlineXml = xhtml || /\bmode\s*=\s*(["'])xml\1/.test(attrs);
    if ((!xhtml && !hasElements(inner)) || STRUCTURE.test(inner) || hasOpenCdata(inner) || inner.includes(`<${open[1]}`) || nestsTooDeep(inner)) continue;
    const html = inlineXml ? unwrapXhtmlDiv(inner) : inlineCdata(inner, false);
    parts.push(xml.slice(pos, innerStart), '<![CDATA[', html.replace(/]]>/g, ']]&gt;'), ']]>', closeTag);
    pos = innerEnd + closeTag.length;
  }
  parts.push(xml.slice(pos));
  return parts.join('');
}

const VOID_ELEMENTS = new Set(['area', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

/** HTML nested hundreds deep is an attack on the HTML tools downstream (their cost grows with depth squared). */
function nestsTooDeep(inner: string): boolean {
  let depth = 0;
  for (const tag of inner.matchAll(/<(\/?)([A-Za-z][\w:-]*)[^>]*?(\/?)>/g)) {
    if (tag[1]) depth--;
    else if (VOID_ELEMENTS.has(tag[2]!.toLowerCase())) continue;
    else if (!tag[3] && ++depth > 256) return true;
  }
  return false;
}

/** A CDATA section that does not end inside the field: the document is broken there. */
function hasOpenCdata(inner: string): boolean {
  const last = inner.lastIndexOf('<![CDATA[');
  return last !== -1 && inner.indexOf(']]>', last) === -1;
}

/** An element tag outside CDATA sections. */
function hasElements(inner: string): boolean {
  return /<[A-Za-z_]/.test(inner.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, ''));
}

/** CDATA inside a field is text: escaped where the field is markup (xhtml), as-is where the field is HTML text. */
function inlineCdata(inner: string, escape: boolean): string {
  return inner.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_m, text: string) =>
    escape ? text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : text,
  );
}

/** RFC 4287 §3.1.1.3: the xhtml div is a container, not part of the content; XHTML prefixes mean nothing in HTML. */
function unwrapXhtmlDiv(inner: string): string {
  let html = inlineCdata(inner, true);
  html = html.replace(/<(\/?)[A-Za-z_][\w.-]*:(?=[A-Za-z_])/g, '<$1');
  const open = html.match(/^\s*<div\b[^>]*>/);
  const close = html.match(/<\/div\s*>\s*$/);
  if (open && close) html = html.slice(open[0].length, html.length - close[0].length);
  return html.replace(/\sxmlns(?::[\w.-]+)?\s*=\s*(["'])[^"']*\1/g, '');
}

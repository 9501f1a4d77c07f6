import sanitize from 'sanitize-html';
import { parseUrl } from './parse-url.js';

/**
 * The one sanitizer configuration, used on ingest (normalize) and again on
 * publishing (publish/guard-html): item HTML from a feed is hostile until
 * proven otherwise. Allow-list only. A disallowed element goes, but the
 * readable text in and around it stays ("safe<object …> description" reads
 * "safe description"); only code, metadata and content no browser ever shows
 * goes with the element.
 *
 * One walk of the markup gives both the safe HTML and its text, so that the
 * plain-text summary needs no second parse.
 */

const ALLOWED_TAGS = [
  'a', 'abbr', 'b', 'blockquote', 'br', 'caption', 'cite', 'code', 'col', 'colgroup', 'dd', 'del', 'details',
  'dfn', 'div', 'dl', 'dt', 'em', 'figcaption', 'figure', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img',
  'ins', 'kbd', 'li', 'mark', 'ol', 'p', 'pre', 'q', 's', 'samp', 'small', 'span', 'strong', 'sub', 'summary',
  'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'time', 'tr', 'u', 'ul',
];

const ALLOWED_ATTRIBUTES: Record<string, string[]> = {
  a: ['href', 'title', 'rel', 'hreflang'],
  img: ['src', 'alt', 'title', 'width', 'height'],
  abbr: ['title'],
  blockquote: ['cite'],
  q: ['cite'],
  del: ['cite', 'datetime'],
  ins: ['cite', 'datetime'],
  time: ['datetime'],
  td: ['colspan', 'rowspan'],
  th: ['colspan', 'rowspan', 'scope'],
  col: ['span'],
  colgroup: ['span'],
  ol: ['start', 'reversed', 'type'],
  '*': ['lang', 'dir'],
};

/** Code and document metadata: never text a person reads, so they go with their content, closed or not. */
export const DROPPED_WITH_CONTENT = ['script', 'style', 'title'];

/**
 * Elements whose content no browser shows (iframe fallback, template markup).
 * A closed one goes with its content; an unclosed one cannot say where that
 * content ends, so the text after it is kept as text around it.
 */
export const HIDDEN_CONTENT = ['iframe', 'noembed', 'noframes', 'template'];

/** Stands in for a hidden element during the walk; never survives it. */
const HIDDEN_MARKER = 'fk-hidden';

/** Elements that separate words: without a space "<p>Kernel</p><p>Container</p>" reads "KernelContainer". */
export const WORD_BOUNDARIES = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'dd', 'div', 'dl', 'dt', 'figcaption', 'figure', 'footer',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'ol', 'p', 'pre', 'section', 'table', 'td', 'th', 'tr', 'ul',
]);

const URL_ATTRIBUTES: Record<string, string[]> = {
  a: ['href'],
  img: ['src'],
  blockquote: ['cite'],
  q: ['cite'],
  del: ['cite'],
  ins: ['cite'],
};

/** Lazy-loading attributes news sites put the real image in (the src being a placeholder). */
const LAZY_SRC = ['data-src', 'data-original', 'data-lazy-src'];

const LINK_REL = 'noopener noreferrer';

const hide = (): sanitize.Tag => ({ tagName: HIDDEN_MARKER, attribs: {} });

const SHARED_OPTIONS: sanitize.IOptions = {
  allowedTags: [...ALLOWED_TAGS, HIDDEN_MARKER],
  allowedAttributes: ALLOWED_ATTRIBUTES,
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
  allowProtocolRelative: false,
  nonTextTags: DROPPED_WITH_CONTENT,
  disallowedTagsMode: 'discard',
  allowVulnerableTags: false,
  parseStyleAttributes: false,
};

/**
 * The readable text of a walk over HTML events: the one set of rules for
 * what is read, shared by the sanitizing walk below and the text-only walk
 * in html-to-text.ts.
 */
export class TextCollector {
  private readonly parts: string[] = [];
  private readonly hiddenStarts: number[] = [];
  /** Depth inside an element dropped with its content (sanitize-html counts the same way). */
  private skipDepth = 0;

  open(name: string): void {
    if (this.skipDepth > 0) this.skipDepth++;
    else if (DROPPED.has(name)) this.skipDepth = 1;
    else if (WORD_BOUNDARIES.has(name)) this.parts.push(' ');
    else if (HIDDEN.has(name)) this.hiddenStarts.push(this.parts.length);
  }

  close(name: string, implied: boolean): void {
    if (this.skipDepth > 0) this.skipDepth--;
    else if (WORD_BOUNDARIES.has(name)) this.parts.push(' ');
    else if (HIDDEN.has(name)) {
      const start = this.hiddenStarts.pop();
      if (start !== undefined && !implied) this.parts.length = start;
    }
  }

  /** Decoded text, as the parser reports it. */
  text(chunk: string): void {
    if (this.skipDepth === 0) this.parts.push(chunk);
  }

  /** The text read so far; whitespace is left for the caller to collapse. */
  read(): string {
    return this.parts.join('');
  }
}

const DROPPED = new Set(DROPPED_WITH_CONTENT);
const HIDDEN = new Set(HIDDEN_CONTENT);
const ESCAPED = /&(amp|lt|gt);/g;
const UNESCAPE: Record<string, string> = { amp: '&', lt: '<', gt: '>' };

export interface HtmlPass {
  /** Safe HTML. */
  html: string;
  /** Its text, decoded but with whitespace as written (see TextCollector). */
  text: string;
}

/** The walk in progress: sanitize-html runs synchronously, so there is one at a time. */
let walk = { collector: new TextCollector(), closedImplicitly: false };

const WALK_HOOKS: sanitize.IOptions = {
  // sanitize-html hands text over escaped for HTML (&, <, > only); the collector wants it as read.
  textFilter: (escaped) => {
    walk.collector.text(escaped.replace(ESCAPED, (match, name: string) => UNESCAPE[name] ?? match));
    return escaped;
  },
  onOpenTag: (name) => walk.collector.open(name),
  onCloseTag: (name, isImplied) => {
    walk.closedImplicitly = isImplied;
    walk.collector.close(name, isImplied);
  },
  exclusiveFilter: (frame) => {
    if (frame.tag === 'img') return !frame.attribs['src'];
    if (HIDDEN.has(frame.tag)) return walk.closedImplicitly ? 'excludeTag' : true;
    // The marker is allowed only as a stand-in: written by a feed, it is unwrapped like any unknown element.
    return frame.tag === HIDDEN_MARKER ? 'excludeTag' : false;
  },
};

// Items of one feed share their base: building the options once per base saves a tenth of the walk's time.
let lastOptions: { baseUrl: string | undefined; options: sanitize.IOptions } | undefined;

function optionsFor(baseUrl: string | undefined): sanitize.IOptions {
  if (!lastOptions || lastOptions.baseUrl !== baseUrl) {
    lastOptions = { baseUrl, options: { ...SHARED_OPTIONS, ...WALK_HOOKS, transformTags: transformsFor(baseUrl) } };
  }
  return lastOptions.options;
}

/**
 * One walk over `html` gives the safe HTML and its text. Relative URLs
 * resolve against `baseUrl`; without one, only absolute http(s) and mailto
 * URLs survive.
 */
export function runHtmlPass(html: string, baseUrl: string | undefined): HtmlPass {
  return plainHtmlPass(html, baseUrl) ?? fullHtmlPass(html, baseUrl);
}

/** The walk through sanitize-html, for any markup. */
export function fullHtmlPass(html: string, baseUrl: string | undefined): HtmlPass {
  const options = optionsFor(baseUrl);
  walk = { collector: new TextCollector(), closedImplicitly: false };
  const out = sanitize(html, options);
  return { html: out.trim(), text: walk.collector.read() };
}

/**
 * Tags the full walk keeps exactly as written when they carry no attributes:
 * allowed, never transformed, never dropped with their content. Table, list
 * term and other elements whose implied closing is subtle are left out.
 */
const PLAIN_TAGS = new Set([
  'abbr', 'b', 'br', 'cite', 'code', 'dfn', 'div', 'em', 'figcaption', 'figure', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'i', 'kbd', 'li', 'mark', 'ol', 'p', 's', 'samp', 'small', 'span', 'strong', 'sub', 'summary', 'sup', 'u', 'ul',
]);
/** Elements that close an open <p> before they open (htmlparser2's openImpliesClose), among PLAIN_TAGS. */
const CLOSES_P = new Set(['div', 'figcaption', 'figure', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ol', 'p', 'ul']);
/**
 * A tag (`<p>`, `</p>`, `<br />`, `<a href="/x" title="t">`) whose attributes are all lower-case names with a
 * double-quoted value free of entities, brackets, quotes and control characters; or a character that only
 * the full walk may judge.
 */
const PLAIN_MARKUP = /<(\/?)([a-z][a-z0-9]*)((?:\s+[a-z][a-z0-9_-]*="[^"&<>\u0000-\u001f]*")*)\s*(\/?)>|[<>&\u0000]/g;
const PLAIN_ATTRIBUTE = /([a-z][a-z0-9_-]*)="([^"]*)"/g;
/** The elements whose attributes the shortcut writes itself: links and images, as the full walk transforms them. */
const ATTRIBUTED_TAGS = new Set(['a', 'img']);

/**
 * The same result as the full walk, without sanitize-html, for HTML that is
 * already clean: text without `<`, `>` and `&` but for character references
 * (plainEntity), and properly nested PLAIN_TAGS without attributes (teasers
 * like `<p>…</p>`, `<strong>`, lists), plus links and images with plain
 * attributes (article bodies). Each call of sanitize-html costs a fixed
 * ~30-60 µs of option handling and garbage, and its walk about twice this
 * one's, which dominated the poll's normalize stage. Anything else (an
 * attribute elsewhere, another entity, a stray bracket,
 * an implied close, a link or image the full walk would rewrite or drop)
 * returns undefined and takes the full walk; a property test holds both to
 * the same output.
 */
export function plainHtmlPass(html: string, baseUrl?: string): HtmlPass | undefined {
  const collector = new TextCollector();
  const open: string[] = [];
  let out = '';
  let last = 0;
  PLAIN_MARKUP.lastIndex = 0;
  for (let m = PLAIN_MARKUP.exec(html); m !== null; m = PLAIN_MARKUP.exec(html)) {
    const [whole, closing, name, attributes, selfClosing] = m;
    if (name === undefined) {
      // A character reference in text, as the full walk reads and writes it back; anything else only the full walk may judge.
      const entity = whole === '&' ? plainEntity(html, m.index) : undefined;
      if (entity === undefined) return undefined;
      const text = html.slice(last, m.index);
      out += text + entity.html;
      collector.text(text + entity.text);
      last = m.index + entity.length;
      PLAIN_MARKUP.lastIndex = last;
      continue;
    }
    if (!closing && !selfClosing && (name === 'script' || name === 'iframe')) {
      // Goes whole, attributes, content and all: only where the full walk would see it end is it skipped here.
      const end = endOfDropped(html, name, m.index + whole.length);
      if (end === undefined) return undefined;
      if (m.index > last) {
        const text = html.slice(last, m.index);
        out += text;
        collector.text(text);
      }
      collector.open(name);
      collector.close(name, false);
      last = end;
      PLAIN_MARKUP.lastIndex = end;
      continue;
    }
    if (ATTRIBUTED_TAGS.has(name)) {
      if (closing ? attributes || selfClosing || name !== 'a' : selfClosing && name === 'a') return undefined;
      const tag = closing ? undefined : plainAttributedTag(name, attributes ?? '', baseUrl);
      if (!closing && tag === undefined) return undefined;
      if (m.index > last) {
        const text = html.slice(last, m.index);
        out += text;
        collector.text(text);
      }
      last = m.index + whole.length;
      if (closing) {
        if (open.pop() !== name) return undefined;
        out += `</${name}>`;
      } else {
        // Neither separates words nor hides text: the collector has nothing to note. An image is void.
        if (name === 'a') open.push(name);
        out += tag;
      }
      continue;
    }
    if (attributes || !PLAIN_TAGS.has(name)) return undefined;
    if (m.index > last) {
      const text = html.slice(last, m.index);
      out += text;
      collector.text(text);
    }
    last = m.index + whole.length;
    if (name === 'br') {
      // A void element: htmlparser2 closes it at once (implied), sanitize-html writes it self-closed.
      if (closing) return undefined;
      collector.open(name);
      collector.close(name, true);
      out += '<br />';
    } else if (closing) {
      if (open.pop() !== name) return undefined;
      collector.close(name, false);
      out += `</${name}>`;
    } else {
      const top = open[open.length - 1];
      if (selfClosing || (top === 'p' && CLOSES_P.has(name)) || (top === 'li' && name === 'li')) return undefined;
      open.push(name);
      collector.open(name);
      out += `<${name}>`;
    }
  }
  if (open.length > 0) return undefined;
  if (last < html.length) {
    const text = html.slice(last);
    out += text;
    collector.text(text);
  }
  return { html: out.trim(), text: collector.read() };
}

const PLAIN_ENTITY = /&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|(amp|lt|gt|quot|nbsp));/y;
/** The named references the shortcut reads: their text, and how the full walk writes that text back (escaped for HTML). */
const NAMED: Record<string, { text: string; html: string }> = {
  amp: { text: '&', html: '&amp;' },
  lt: { text: '<', html: '&lt;' },
  gt: { text: '>', html: '&gt;' },
  quot: { text: '"', html: '"' },
  nbsp: { text: '\u00a0', html: '\u00a0' },
};

/**
 * `&#8211;`, `&#x201E;`, `&amp;` … at `at`: htmlparser2 decodes it, and
 * sanitize-html writes the character back, escaping only &, < and >. Numeric
 * ones only from U+00A0 to U+D7FF, which htmlparser2 takes as they are (it
 * remaps NUL, C1 controls, surrogates and code points past U+10FFFF); with
 * their semicolon only.
 */
function plainEntity(html: string, at: number): { text: string; html: string; length: number } | undefined {
  PLAIN_ENTITY.lastIndex = at;
  const m = PLAIN_ENTITY.exec(html);
  if (m === null) return undefined;
  const [whole, decimal, hex, name] = m;
  if (name !== undefined) return { ...NAMED[name]!, length: whole.length };
  const code = decimal !== undefined ? Number.parseInt(decimal, 10) : Number.parseInt(hex!, 16);
  if (code < 0xa0 || code > 0xd7ff) return undefined;
  const char = String.fromCharCode(code);
  return { text: char, html: char, length: whole.length };
}

/** Where to continue after a `<script>` (its raw text up to the first `</script>`) or an empty `<iframe …></iframe>`. */
function endOfDropped(html: string, name: 'script' | 'iframe', from: number): number | undefined {
  if (name === 'iframe') return html.startsWith('</iframe>', from) ? from + '</iframe>'.length : undefined;
  // The parser ends a script's text at "</script" followed by ">" or a space, in any case; only the plain form is taken.
  SCRIPT_END.lastIndex = from;
  const end = SCRIPT_END.exec(html);
  return end?.[0] === '</script>' ? end.index + end[0].length : undefined;
}

const SCRIPT_END = /<\/script[\s>]/gi;

/**
 * `<a …>` or `<img … />` as the full walk writes it (transformsFor, then the
 * allow-list, then escaping), or undefined where the full walk would do
 * more than that: an empty or repeated attribute, a link whose target goes
 * (it becomes a span), an image without a usable source (it goes).
 */
function plainAttributedTag(name: string, attributes: string, baseUrl: string | undefined): string | undefined {
  const attribs: sanitize.Attributes = {};
  PLAIN_ATTRIBUTE.lastIndex = 0;
  for (let a = PLAIN_ATTRIBUTE.exec(attributes); a !== null; a = PLAIN_ATTRIBUTE.exec(attributes)) {
    const [, key, value] = a;
    if (!key || !value || key in attribs) return undefined;
    attribs[key] = value;
  }
  const safe = absolutize(name, attribs, baseUrl);
  if (!safe[name === 'a' ? 'href' : 'src']) return undefined;
  const allowed = name === 'a' ? LINK_ATTRIBUTES : IMAGE_ATTRIBUTES;
  let tag = `<${name}`;
  for (const key in safe) {
    if (allowed.has(key)) tag += ` ${key}="${escapeAttribute(safe[key]!)}"`;
  }
  return name === 'img' ? `${tag} />` : `${tag}>`;
}

/** The allow-list of the shortcut's two elements, built once (per tag, it was two array copies and a linear search per attribute). */
const LINK_ATTRIBUTES = new Set([...(ALLOWED_ATTRIBUTES['a'] ?? []), ...(ALLOWED_ATTRIBUTES['*'] ?? [])]);
const IMAGE_ATTRIBUTES = new Set([...(ALLOWED_ATTRIBUTES['img'] ?? []), ...(ALLOWED_ATTRIBUTES['*'] ?? [])]);

const NEEDS_ESCAPE = /[&<>"]/;

function escapeAttribute(value: string): string {
  // Most values are URLs and words: nothing to escape, no four passes over them.
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Safe HTML of an item's content, URLs made absolute against `baseUrl`. */
export function sanitizeContent(html: string, baseUrl: string | undefined): string {
  if (!html.trim()) return '';
  return runHtmlPass(html, baseUrl).html;
}

function transformsFor(baseUrl: string | undefined): Record<string, sanitize.Transformer> {
  const transform = (tagName: string, attribs: sanitize.Attributes): sanitize.Tag => {
    const safe = absolutize(tagName, attribs, baseUrl);
    // A link whose target was unsafe stays as its text, not as a dead <a>.
    if (tagName === 'a' && !safe['href']) return { tagName: 'span', attribs: {} };
    return { tagName, attribs: safe };
  };
  const transforms: Record<string, sanitize.Transformer> = {};
  for (const tag of Object.keys(URL_ATTRIBUTES)) transforms[tag] = transform;
  for (const tag of HIDDEN_CONTENT) transforms[tag] = hide;
  return transforms;
}

function absolutize(tag: string, attribs: sanitize.Attributes, baseUrl: string | undefined): sanitize.Attributes {
  const out: sanitize.Attributes = { ...attribs };
  if (tag === 'img') {
    const lazy = LAZY_SRC.map((name) => attribs[name]).find((value) => value && !/^\s*data:/i.test(value));
    if (lazy && (!attribs['src'] || /^\s*data:/i.test(attribs['src']))) out['src'] = lazy;
  }
  for (const name of URL_ATTRIBUTES[tag] ?? []) {
    const value = out[name];
    if (value === undefined) continue;
    const absolute = toSafeUrl(value, baseUrl, tag === 'a');
    if (absolute) out[name] = absolute;
    else delete out[name];
  }
  if (tag === 'a') out['rel'] = LINK_REL;
  return out;
}

/** Absolute http(s) (or mailto for links) URL, or undefined: javascript:, data:, vbscript: never survive. */
function toSafeUrl(value: string, baseUrl: string | undefined, allowMailto: boolean): string | undefined {
  let url: URL;
  try {
    url = parseUrl(value.trim(), baseUrl);
  } catch {
    return undefined;
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') return url.href;
  if (allowMailto && url.protocol === 'mailto:') return url.href;
  return undefined;
}

import sanitize from 'sanitize-html';

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
const WORD_BOUNDARIES = new Set([
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
const HIDE_TRANSFORMS = Object.fromEntries(HIDDEN_CONTENT.map((tag) => [tag, hide]));

const SHARED_OPTIONS: sanitize.IOptions = {
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
  allowProtocolRelative: false,
  nonTextTags: DROPPED_WITH_CONTENT,
  disallowedTagsMode: 'discard',
  allowVulnerableTags: false,
  parseStyleAttributes: false,
};

export interface HtmlPass {
  /** Safe HTML; empty when only the text was asked for. */
  html: string;
  /** The text of that HTML, still HTML-escaped, with a space at every word boundary. */
  escapedText: string;
}

/**
 * One walk over `html`. With `keepHtml`, relative URLs resolve against
 * `baseUrl` (without one, only absolute http(s) and mailto URLs survive).
 */
export function runHtmlPass(html: string, baseUrl: string | undefined, keepHtml: boolean): HtmlPass {
  const text: string[] = [];
  const hiddenStarts: number[] = [];
  let closedImplicitly = false;
  const options: sanitize.IOptions = {
    ...SHARED_OPTIONS,
    allowedTags: keepHtml ? [...ALLOWED_TAGS, HIDDEN_MARKER] : [HIDDEN_MARKER],
    allowedAttributes: keepHtml ? ALLOWED_ATTRIBUTES : {},
    transformTags: keepHtml ? { ...HIDE_TRANSFORMS, ...urlTransforms(baseUrl) } : HIDE_TRANSFORMS,
    textFilter: (escaped) => {
      text.push(escaped);
      return escaped;
    },
    onOpenTag: (name) => {
      if (WORD_BOUNDARIES.has(name)) text.push(' ');
      else if (HIDDEN_CONTENT.includes(name)) hiddenStarts.push(text.length);
    },
    onCloseTag: (name, isImplied) => {
      closedImplicitly = isImplied;
      if (WORD_BOUNDARIES.has(name)) text.push(' ');
      else if (HIDDEN_CONTENT.includes(name)) {
        const start = hiddenStarts.pop();
        if (start !== undefined && !isImplied) text.length = start;
      }
    },
    exclusiveFilter: (frame) => {
      if (frame.tag === 'img') return !frame.attribs['src'];
      if (HIDDEN_CONTENT.includes(frame.tag)) return closedImplicitly ? 'excludeTag' : true;
      return false;
    },
  };
  const out = sanitize(html, options);
  return { html: keepHtml ? out.trim() : '', escapedText: text.join('') };
}

/** Safe HTML of an item's content, URLs made absolute against `baseUrl`. */
export function sanitizeContent(html: string, baseUrl: string | undefined): string {
  if (!html.trim()) return '';
  return runHtmlPass(html, baseUrl, true).html;
}

function urlTransforms(baseUrl: string | undefined): Record<string, sanitize.Transformer> {
  const transform = (tagName: string, attribs: sanitize.Attributes): sanitize.Tag => {
    const safe = absolutize(tagName, attribs, baseUrl);
    // A link whose target was unsafe stays as its text, not as a dead <a>.
    if (tagName === 'a' && !safe['href']) return { tagName: 'span', attribs: {} };
    return { tagName, attribs: safe };
  };
  return Object.fromEntries(Object.keys(URL_ATTRIBUTES).map((tag) => [tag, transform]));
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
    url = new URL(value.trim(), baseUrl);
  } catch {
    return undefined;
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') return url.href;
  if (allowMailto && url.protocol === 'mailto:') return url.href;
  return undefined;
}

import sanitize from 'sanitize-html';

/**
 * The one wrapper around sanitize-html. Item HTML from a feed is hostile
 * until proven otherwise: it ends up in readers and on our own HTML page.
 * Allow-list only; everything not named here is dropped.
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

/** Elements dropped together with everything inside them. */
const DROPPED_WITH_CONTENT = [
  'script', 'style', 'textarea', 'option', 'select', 'noscript', 'iframe', 'frame', 'frameset', 'object',
  'embed', 'applet', 'form', 'button', 'template', 'svg', 'math', 'head', 'title', 'noembed', 'noframes',
];

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

export function sanitizeContent(html: string, baseUrl: string | undefined): string {
  if (!html.trim()) return '';
  const absolutize = (tag: string, attribs: sanitize.Attributes): sanitize.Attributes => {
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
    if (tag === 'a') out['rel'] = 'noopener noreferrer';
    return out;
  };
  const transform = (tagName: string, attribs: sanitize.Attributes): sanitize.Tag => {
    const safe = absolutize(tagName, attribs);
    // A link whose target was unsafe stays as its text, not as a dead <a>.
    if (tagName === 'a' && !safe['href']) return { tagName: 'span', attribs: {} };
    return { tagName, attribs: safe };
  };

  return sanitize(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: ALLOWED_ATTRIBUTES,
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['http', 'https'] },
    allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
    allowProtocolRelative: false,
    nonTextTags: DROPPED_WITH_CONTENT,
    disallowedTagsMode: 'discard',
    allowVulnerableTags: false,
    parseStyleAttributes: false,
    transformTags: Object.fromEntries(Object.keys(URL_ATTRIBUTES).map((tag) => [tag, transform])),
    exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs['src'],
  }).trim();
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

/**
 * Text of an HTML fragment: tags dropped (script, style and the like with
 * their content), entities left encoded for the caller to decode once.
 */
export function stripTags(html: string): string {
  return sanitize(html, {
    allowedTags: [],
    allowedAttributes: {},
    nonTextTags: DROPPED_WITH_CONTENT,
    disallowedTagsMode: 'discard',
  });
}

/**
 * Hostile item content must come out harmless in every format: no executable
 * markup survives, and text that looks like markup stays text.
 */
import { describe, expect, it } from 'vitest';
import { buildPublication, renderFeed } from '../../src/publish/build-publication.js';
import { AKAMAI, loadTestConfig } from '../fixtures/publish/german-linux-news.js';
import { HOSTILE, HOSTILE_TITLE } from '../fixtures/publish/hostile-item-content.js';
import { child, childrenNamed, parseStrictXml, textOf } from './strict-xml.js';

const publication = buildPublication({ entries: [HOSTILE, AKAMAI], config: loadTestConfig(), generatedAt: new Date('2026-11-22T05:00:00Z') });
const FORBIDDEN_TAGS = new Set(['script', 'style', 'iframe', 'form', 'input', 'svg', 'object', 'embed', 'frame', 'frameset', 'meta', 'link', 'base']);
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const EXPECTED_TITLE = 'Kernel <script>alert("t")</script> ]]> &amp; Ende ]]>';

/** Every real tag of an HTML fragment (escaped text like "&lt;script&gt;" is not a tag) with its attributes. */
function tagsOf(html: string): { name: string; attrs: string }[] {
  return [...html.matchAll(/<([a-zA-Z][\w-]*)([^>]*)>/g)].map((m) => ({ name: (m[1] as string).toLowerCase(), attrs: m[2] as string }));
}

function expectHarmlessHtml(html: string): void {
  for (const tag of tagsOf(html)) {
    expect(FORBIDDEN_TAGS.has(tag.name), `<${tag.name}> in ${html}`).toBe(false);
    expect(tag.attrs, `attributes of <${tag.name}>`).not.toMatch(/(^|\s)(on[a-z]+|style|formaction|srcdoc)\s*=/i);
    expect(tag.attrs).not.toMatch(/(href|src)\s*=\s*["']?\s*(javascript|data|vbscript):/i);
  }
  expect(html).not.toMatch(/javascript:/i);
  expect(html).not.toMatch(CONTROL);
}

describe('hostile item content', () => {
  it('is harmless in RSS 2.0, and the title stays text', () => {
    const xml = renderFeed(publication, 'rss') as string;
    expect(xml).not.toMatch(CONTROL);
    const item = childrenNamed(child(parseStrictXml(xml), 'channel'), 'item')[0];
    if (!item) throw new Error('no item');
    expect(textOf(item, 'title')).toBe(EXPECTED_TITLE);
    expectHarmlessHtml(textOf(item, 'content:encoded'));
    expectHarmlessHtml(textOf(item, 'description'));
    expect(textOf(item, 'content:encoded')).toContain('<p>Kernel-Text</p>');
    // The javascript: link is not published; the item points to our page instead.
    expect(textOf(item, 'link')).toMatch(/^http:\/\/feeds\.example\.org\/linux\/#a-/);
    expect(textOf(item, 'dc:creator')).toBe('<b onmouseover="alert(8)">Autor</b>'); // text, not markup
  });

  it('is harmless in Atom 1.0, with the title and summary typed as text', () => {
    const entry = childrenNamed(parseStrictXml(renderFeed(publication, 'atom') as string), 'entry')[0];
    if (!entry) throw new Error('no entry');
    expect(child(entry, 'title').attrs.type).toBe('text');
    expect(textOf(entry, 'title')).toBe(EXPECTED_TITLE);
    expect(child(entry, 'summary').attrs.type).toBe('text');
    expect(child(entry, 'content').attrs.type).toBe('html');
    expectHarmlessHtml(textOf(entry, 'content'));
    expect(childrenNamed(entry, 'link').every((l) => /^https?:/.test(l.attrs.href ?? ''))).toBe(true);
  });

  it('is harmless in JSON Feed', () => {
    const text = renderFeed(publication, 'json') as string;
    expect(text).not.toContain('</script'); // inert even if embedded in a page
    const item = (JSON.parse(text) as { items: { title: string; url: string; content_html: string; summary: string }[] }).items[0];
    if (!item) throw new Error('no item');
    expect(item.title).toBe(EXPECTED_TITLE);
    expectHarmlessHtml(item.content_html);
    expect(item.url).toMatch(/^http:/);
    expect(item.summary).toBe('Teaser <img src=x onerror=alert(1)> ]]> "quoted"');
  });

  it('is harmless on the HTML page, where every value is escaped', () => {
    const html = publication.resources.get('/')?.bodies.identity.toString() as string;
    for (const tag of tagsOf(html)) {
      expect(['script', 'iframe', 'form', 'img', 'svg'].includes(tag.name), `<${tag.name}>`).toBe(false);
      expect(tag.attrs).not.toMatch(/(^|\s)on[a-z]+\s*=/i);
    }
    expect(html).not.toMatch(/javascript:/i);
    expect(html).toContain('Kernel &lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt; ]]&gt; &amp;amp; Ende ]]&gt;');
    expect(html).toContain('&lt;script&gt;alert(9)&lt;/script&gt;'); // the outlet name, as text and without its javascript: link
    expect(html.match(/<style>/g)).toHaveLength(1);
  });

  it('never puts the title into a CDATA section where a "]]>" could end it', () => {
    for (const format of ['rss', 'atom'] as const) {
      expect(renderFeed(publication, format)).not.toContain('<![CDATA[');
    }
    expect(HOSTILE_TITLE).toContain(']]>');
  });
});

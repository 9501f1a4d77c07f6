import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { htmlToText, sanitizeWithText } from '../../src/normalize/html-to-text.js';
import { fullHtmlPass, plainHtmlPass, sanitizeContent } from '../../src/normalize/sanitize-html.js';

const base = 'https://www.heise.de/news/';

describe('sanitizeContent', () => {
  it('keeps structure and makes URLs absolute', () => {
    expect(sanitizeContent('<h2>Titel</h2><p>Ein <a href="../x.html" title="t">Link</a> und <img src="/b.png" alt="B" width="10"></p>', base)).toBe(
      '<h2>Titel</h2><p>Ein <a href="https://www.heise.de/x.html" title="t" rel="noopener noreferrer">Link</a> und <img src="https://www.heise.de/b.png" alt="B" width="10" /></p>',
    );
    expect(sanitizeContent('<a href="//cdn.example/x">x</a>', base)).toContain('href="https://cdn.example/x"');
    expect(sanitizeContent('<a href="mailto:redaktion@heise.de">Mail</a>', base)).toContain('href="mailto:redaktion@heise.de"');
    expect(sanitizeContent('<blockquote cite="/quelle">Z</blockquote>', base)).toBe('<blockquote cite="https://www.heise.de/quelle">Z</blockquote>');
  });

  it('drops scripts, styles, frames, forms, embeds and event handlers, keeping the readable text', () => {
    const out = sanitizeContent(
      '<p onclick="a()" style="x" class="c">T</p><script>s()</script><style>p{}</style><iframe src="https://e">F</iframe>' +
        '<form><input><button>B</button><textarea>ta</textarea></form><object>o</object><embed src="e"><svg><a href="https://x">s</a></svg><noscript>n</noscript>',
      base,
    );
    // Button, textarea, object fallback, SVG and noscript text is what a reader sees; the closed iframe's fallback is not.
    expect(out).toBe('<p>T</p>Btao<a href="https://x/" rel="noopener noreferrer">s</a>n');
  });

  describe('a dropped element leaves the text around it', () => {
    // feedparser's sanitizer cases: the element goes, "safe" and "description" stay, closed or not.
    const cases: [string, string][] = [
      ['<object classid="clsid:D27CDB6E-AE6D-11cf-96B8-444553540000" codebase="http://download.macromedia.com/x.cab" width="400" height="400">', 'safe description'],
      ['<object data="evil.swf"><param name="movie" value="evil.swf"></object>', 'safe description'],
      ['<embed src="http://example.com/">', 'safe description'],
      ['<applet code="foo.class" codebase="http://example.com/"></applet>', 'safe description'],
      ['<script type="text/javascript">location.href=\'http:/\'+\'/example.com/\';</script>', 'safe description'],
      ['<style>p { display: none }</style>', 'safe description'],
      ['<iframe src="http://example.com/">', 'safe description'],
      ['<iframe src="http://example.com/">Ihr Browser kann keine Frames</iframe>', 'safe description'],
      ['<frameset rows="*"><frame src="http://example.com/"></frameset>', 'safe description'],
      ['<form action="https://evil.example/"><input name="pw">', 'safe description'],
      ['<svg width="10"><circle r="4"/>', 'safe description'],
      ['<math><mi xlink:href="javascript:alert(1)"></mi></math>', 'safe description'],
      ['<noscript>', 'safe description'],
      ['<template><p>Vorlage</p></template>', 'safe description'],
      ['<template>', 'safe description'],
      ['<meta http-equiv="Refresh" content="0; URL=http://example.com/">', 'safe description'],
      ['<link rel="stylesheet" href="http://example.com/evil.css">', 'safe description'],
      ['<title>Dokumenttitel</title>', 'safe description'],
      ['<noembed>alt</noembed>', 'safe description'],
    ];
    for (const [element, expected] of cases) {
      it(element, () => {
        expect(sanitizeContent(`safe${element} description`, base)).toBe(expected);
        const pass = sanitizeWithText(`safe${element} description`, base);
        expect([pass.html, pass.text]).toEqual([expected, expected]);
      });
    }

    it('keeps the text inside an element a browser shows: object fallback, form controls, SVG text, noscript', () => {
      expect(sanitizeContent('<p>A<object data="x.swf">Flash fehlt</object> B</p>', base)).toBe('<p>AFlash fehlt B</p>');
      expect(sanitizeContent('<form><label>Name</label> <button>Senden</button></form>', base)).toBe('Name Senden');
      expect(sanitizeContent('<svg><text x="1">Grafik</text></svg>', base)).toBe('Grafik');
      expect(sanitizeContent('<noscript><img src="/bild.jpg" alt="Bild"></noscript>', base)).toBe('<img src="https://www.heise.de/bild.jpg" alt="Bild" />');
    });

    it('drops code that was never closed with the rest of the input: after "<script>" comes script', () => {
      expect(sanitizeContent('safe<script>alert(1) description', base)).toBe('safe');
      expect(sanitizeContent('safe<style>p{} description', base)).toBe('safe');
    });

    it('never lets markup hidden inside a dropped element out as markup', () => {
      expect(sanitizeContent('<noscript><p title="</noscript><img src=x onerror=alert(1)>">t</p></noscript>', base)).toBe('<p>t</p>');
      expect(sanitizeContent('<svg><style><img src=x onerror=alert(1)></style></svg>x', base)).toBe('x');
      expect(sanitizeContent('<template><script>alert(1)</script></template>x', base)).toBe('x');
      expect(sanitizeContent('<iframe><iframe>a</iframe>b</iframe>c', base)).toBe('c');
      expect(sanitizeContent('<fk-hidden lang="de">a</fk-hidden>b', base)).toBe('ab');
      expect(sanitizeContent('<textarea><img src=x onerror=alert(1)></textarea>', base)).toBe('&lt;img src=x onerror=alert(1)&gt;');
    });
  });

  it('never lets javascript:, vbscript: or data: URLs through, however disguised', () => {
    for (const href of ['javascript:alert(1)', ' JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', 'java&#x09;script:x', 'vbscript:x', 'data:text/html,<script>x</script>', '&#106;avascript:x']) {
      const out = sanitizeContent(`<a href="${href}">x</a><img src="${href}">`, base);
      expect(out, href).toBe('<span>x</span>');
    }
  });

  it('uses the real image of lazy-loaded pictures and drops data: placeholders', () => {
    expect(sanitizeContent('<img src="data:image/gif;base64,R0lGOD" data-src="/echt.jpg" alt="a">', base)).toBe('<img src="https://www.heise.de/echt.jpg" alt="a" />');
    expect(sanitizeContent('<p><img src="data:image/png;base64,xx">Text</p>', base)).toBe('<p>Text</p>');
  });

  it('forces rel on links and drops target', () => {
    expect(sanitizeContent('<a href="https://x.de" target="_blank" rel="opener">x</a>', base)).toBe('<a href="https://x.de/" rel="noopener noreferrer">x</a>');
  });

  it('returns an empty string for empty input', () => {
    expect(sanitizeContent('   ', base)).toBe('');
  });
});

describe('plainHtmlPass (the shortcut for clean markup)', () => {
  // Pieces of markup a feed writes: clean ones the shortcut takes, and every kind it must leave to the full walk.
  const PIECES = [
    '<p>', '</p>', '<strong>', '</strong>', '<em>', '</em>', '<b>', '</b>', '<i>', '</i>', '<span>', '</span>', '<div>', '</div>',
    '<ul>', '</ul>', '<ol>', '</ol>', '<li>', '</li>', '<h2>', '</h2>', '<h3>', '</h3>', '<figure>', '</figure>', '<figcaption>',
    '</figcaption>', '<code>', '</code>', '<sup>', '</sup>', '<summary>', '</summary>', '<br>', '<br/>', '<br />', '</br>', '<p >',
    '<P>', '</P>', '<p/>', '<hr>', '<img src="/x.png">', '<a href="/y">', '</a>', '<blockquote>', '</blockquote>', '<table>', '<tr>',
    '<td>', '</td>', '<pre>', '</pre>', '<script>', '</script>', '<iframe>', '</iframe>', '<title>', '<object>', '</object>',
    '<fk-hidden>', '<!-- c -->', '<![CDATA[x]]>', '<p class="c">', '<u>', '</u>',
    // Links and images with attributes: ones the shortcut writes itself and ones it must leave (lazy sources,
    // unsafe or missing targets, empty, repeated, unquoted or upper-case attributes, self-closed links, </img>).
    '<a href="/news/x.html" onclick="track(this)">', '<a href="https://e.example/y?q=1" title="T" rel="nofollow">', '<a href="../z" hreflang="de" lang="de">',
    '<a title="nur Titel">', '<a href="javascript:alert(1)">', '<a href="mailto:r@e.example">', '<a href="">', '<a href="/x" href="/y">',
    '<a href=/x>', '<a HREF="/x">', '<a href="/x"/>', '<a href="/x" class="c" style="color:red">', '<a href=" /sp ace ">', '<a href="//cdn.example/p">',
    '<img src="/b.png" alt="Bild" width="800" height="450">', '<img src="/b.png" alt="" />', '<img src="/b.png" loading="lazy" />',
    '<img alt="ohne Quelle">', '<img src="data:image/gif;base64,R0" data-src="/lazy.jpg">', '<img src="/b.png" data-src="/lazy.jpg">',
    '<img src="ftp://e.example/b.png">', '<img src="mailto:r@e.example">', '<img src="/b.png" title="t" dir="ltr">', '</img>', '<img  src="/c.png"  >',
    'Kernel', 'Container ', ' Hosting', '\n', '  ', 'Straße „Zitat“', '"q"', "'s'", '&amp;', '&auml;', '&', '<', '>', 'a < b', '\u00a0',
    // Character references the shortcut reads, and ones it leaves (C1 controls, NUL, markup characters, no semicolon).
    '&#8211;', '&#x201E;', '&#X201c;', '&#00228;', '&#160;', '&#xD7FF;', '&#xE000;', '&#150;', '&#0;', '&#60;', '&#x110000;', '&#8211',
    '&lt;', '&gt;', '&quot;', '&nbsp;', '&amp;amp;', '&amp;lt;', '&lt;script&gt;', '&NBSP;', '&Amp;',
  ];
  const html = fc.array(fc.constantFrom(...PIECES), { maxLength: 14 }).map((parts) => parts.join(''));

  it('gives exactly what the full sanitize-html walk gives, whenever it applies (property)', () => {
    let taken = 0;
    fc.assert(
      fc.property(html, (markup) => {
        const plain = plainHtmlPass(markup, base);
        if (plain === undefined) return;
        taken++;
        expect(plain).toEqual(fullHtmlPass(markup, base));
      }),
      { numRuns: 4000 },
    );
    // The comparison means something only if the shortcut was taken often.
    expect(taken).toBeGreaterThan(200);
  });

  it('writes links and images exactly as the full walk does, whenever it takes them (property)', () => {
    // Mostly balanced markup the shortcut takes, so that links and images are compared often, not only their fallbacks.
    const links = [
      'href="/n/x.html" onclick="track(this)"', 'href="https://e.example/y?q=1" title="T" rel="nofollow"', 'href="mailto:r@e.example" hreflang="de"',
      'href="javascript:x()"', 'title="t"', 'href=" "', 'href="../up" dir="rtl" lang="de"', 'href="/x" id="i" name="n"', 'href="/a b/ä"',
    ];
    const images = [
      'src="/b.png" alt="Bild" width="800" height="450"', 'src="/b.png" alt=""', 'src="//cdn.example/c.png" title="t"', 'alt="leer"',
      'src="data:x" data-original="/o.jpg"', 'src="/b.png" data-lazy-src="/l.jpg" class="c"', 'src="ftp://e.example/f.png"', 'src="/b.png" loading="lazy"',
    ];
    const unit = fc.oneof(
      fc.constantFrom('Kernel', ' Text ', '\n', '<br>', '<strong>fett</strong>', 'a < b', '</a>', '</img>', '<a href="/x"/>'),
      // Scripts and frames the full walk drops whole, and ones whose end it finds elsewhere (or not at all).
      fc.constantFrom(
        '<script>dataLayer.push({a:1});</script>', '<script type="text/javascript">if (a<b) x();</script>', '<script>s()</SCRIPT>', '<script>s()</script >',
        '<script>a="</scripts>";</script>', '<script>offen', '<script/>', '<iframe src="https://v.example/e/1" width="560"></iframe>', '<iframe></iframe>',
        '<iframe src="/x">Fallback</iframe>', '<iframe src="/x">', '</script>', '</iframe>',
      ),
      fc.tuple(fc.constantFrom(...links), fc.constantFrom('Link', '', '<strong>fett</strong>', '<p>Absatz</p>')).map(([a, inner]) => `<a ${a}>${inner}</a>`),
      fc.tuple(fc.constantFrom(...images), fc.constantFrom('>', ' />', '>', '  >')).map(([a, end]) => `<img ${a}${end}`),
    );
    const wrap = fc.constantFrom(['', ''], ['<p>', '</p>'], ['<figure>', '<figcaption>Bild</figcaption></figure>'], ['<li>', '</li>']);
    const markup = fc.array(fc.tuple(wrap, fc.array(unit, { maxLength: 4 })).map(([[open, close], units]) => open + units.join('') + close), { maxLength: 4 }).map((parts) => parts.join(''));
    let taken = 0;
    fc.assert(
      fc.property(markup, (body) => {
        const plain = plainHtmlPass(body, base);
        if (plain === undefined) return;
        if (/<(a|img|script|iframe)[ >]/.test(body)) taken++;
        expect(plain).toEqual(fullHtmlPass(body, base));
      }),
      { numRuns: 4000 },
    );
    expect(taken).toBeGreaterThan(200);
  });

  it('takes clean teasers and lists, and leaves attributes, entities, stray brackets and implied closes to the full walk', () => {
    expect(plainHtmlPass('<p>Kernel 6.12 ist <strong>fertig</strong>.</p>\n')).toEqual({ html: '<p>Kernel 6.12 ist <strong>fertig</strong>.</p>', text: ' Kernel 6.12 ist fertig. \n' });
    expect(plainHtmlPass('<ul><li>a</li><li>b<br>c</li></ul>')?.html).toBe('<ul><li>a</li><li>b<br />c</li></ul>');
    // Character references are read as the full walk reads them, and written back as it writes them.
    expect(plainHtmlPass('<p>Linux &#8211; „Kernel&#x201C; &amp; &lt;b&gt;&nbsp;&quot;x&quot;</p>')).toEqual({
      html: '<p>Linux – „Kernel“ &amp; &lt;b&gt;\u00a0"x"</p>',
      text: ' Linux – „Kernel“ & <b>\u00a0"x" ',
    });
    for (const markup of ['<p class="x">a</p>', '<p>a &auml; b</p>', '<p>a &#150; b</p>', '<p>a &#8211 b</p>', '<p>a < b</p>', '<p>a<div>b</div></p>', '<li>a<li>b', '<p>offen', '<b>a</i>', '<P>a</P>']) {
      expect(plainHtmlPass(markup, base), markup).toBeUndefined();
    }
  });

  it('writes links and images itself as the full walk would, and leaves the ones it would rewrite or drop', () => {
    expect(plainHtmlPass('<p>Ein <a href="../x.html" onclick="t()" title="t">Link</a> <img src="/b.png" alt="B" width="10"></p>', base)).toEqual({
      html: '<p>Ein <a href="https://www.heise.de/x.html" title="t" rel="noopener noreferrer">Link</a> <img src="https://www.heise.de/b.png" alt="B" width="10" /></p>',
      text: ' Ein Link  ',
    });
    expect(plainHtmlPass('<p>a<script>track();</script>b<iframe src="https://v.example/1"></iframe>c</p>', base)).toEqual({ html: '<p>abc</p>', text: ' abc ' });
    for (const markup of ['<script>x', '<script>x</SCRIPT>', '<iframe src="/v">Fallback</iframe>', '<a href="javascript:x()">x</a>', '<a>x</a>', '<img alt="x">', '<a href="/x">x', '<a href="/x" title="">x</a>', '<a href="/x"/>']) {
      expect(plainHtmlPass(markup, base), markup).toBeUndefined();
    }
    // Without a base a relative target cannot be made absolute: the full walk drops it, so the shortcut leaves it.
    expect(plainHtmlPass('<a href="/x">x</a>')).toBeUndefined();
  });
});

describe('sanitizeContent and its text, where mutants survived', () => {
  const text = (html: string) => sanitizeWithText(html, base).text.replace(/\s+/g, ' ').trim();

  it('takes the first lazy source that is not a data: URL, and only when src is missing or a placeholder', () => {
    expect(sanitizeContent('<img src="  data:image/gif;base64,R0" data-src="  data:x" data-original="real.jpg">', base)).toBe('<img src="https://www.heise.de/news/real.jpg" />');
    expect(sanitizeContent('<img src="/own.jpg" data-src="/lazy.jpg">', base)).toBe('<img src="https://www.heise.de/own.jpg" />');
    expect(sanitizeContent('<img data-src=" data:x">', base)).toBe('');
    // "data:" inside a real URL is not a placeholder.
    expect(sanitizeContent('<img src="/img?u=data:1" data-src="/lazy.jpg">', base)).toBe('<img src="https://www.heise.de/img?u=data:1" />');
  });

  it('keeps http links, allows mailto only for links, and turns an unreadable href into text', () => {
    expect(sanitizeContent('<a href="http://x.example/">x</a>', base)).toBe('<a href="http://x.example/" rel="noopener noreferrer">x</a>');
    expect(sanitizeContent('<blockquote cite="mailto:a@b.de">z</blockquote>', base)).toBe('<blockquote>z</blockquote>');
    expect(sanitizeContent('<a href="http://[kaputt">x</a>', base)).toBe('<span>x</span>');
    expect(sanitizeContent('\n  <p>x</p>\n', base)).toBe('<p>x</p>');
  });

  it('separates words where a block element opens, not only where it closes', () => {
    expect(text('Eins<div>Zwei')).toBe('Eins Zwei');
    expect(text('Eins<li>Zwei')).toBe('Eins Zwei');
  });

  it('drops the content of a closed hidden element, including its inline markup, and keeps what an unclosed one is followed by', () => {
    expect(text('a<iframe>b<b>c</b>d</iframe>e')).toBe('ae');
    expect(text('a <iframe>b <b>c</b> d')).toBe('a b c d');
    expect(text('a <noembed>x</noembed><b>b</b>')).toBe('a b');
  });

  it('counts nested elements inside a dropped one (SVG titles are not raw text)', () => {
    expect(text('<svg><title><b>x</b>y</title></svg>z')).toBe('z');
    expect(htmlToText('<svg><title><b>x</b>y</title></svg>z')).toBe('z');
  });
});

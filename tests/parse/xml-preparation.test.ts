import { describe, expect, it } from 'vitest';
import { prepareXml, refuseEntityDeclarations, repairEntities } from '../../src/parse/prepare-xml.js';

function refusal(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (err) {
    const { code, message } = err as { code: string; message: string };
    return { code, message };
  }
  throw new Error('expected a refusal');
}

const LAUGHS = 'the DOCTYPE declares entities (entity expansion, "billion laughs"); feedkurator never expands them';
const XXE = 'the DOCTYPE declares external entities (XXE); feedkurator never resolves them';

describe('prepareXml: characters', () => {
  it('drops the byte order mark and the control characters XML forbids, keeps tab and line breaks, and counts them', () => {
    expect(prepareXml('\uFEFF<rss>a\u0001b\u000bc\u0000d\u000ce\u001f\tx\ny\r\uFFFE\uFFFF</rss>')).toEqual({ xml: '<rss>abcde\tx\ny\r</rss>', repairs: ['7 control characters that XML forbids removed'] });
    expect(prepareXml('<rss>\u0001</rss>')).toEqual({ xml: '<rss></rss>', repairs: ['1 control character that XML forbids removed'] });
    expect(prepareXml('<rss>ä – 🐧</rss>')).toEqual({ xml: '<rss>ä – 🐧</rss>', repairs: [] });
  });
});

describe('prepareXml: entities', () => {
  it('HTML entities become character references; the warning counts them all and names the first four', () => {
    expect(prepareXml('<rss>&auml; &ouml; &uuml; &szlig; &nbsp; &auml;</rss>')).toEqual({
      xml: '<rss>&#xe4; &#xf6; &#xfc; &#xdf; &#xa0; &#xe4;</rss>',
      repairs: ['6 HTML entities that XML does not define (&auml; &ouml; &uuml; &szlig;) read as characters'],
    });
    expect(prepareXml('<rss>&ndash;</rss>').repairs).toEqual(['1 HTML entity that XML does not define (&ndash;) read as characters']);
  });

  it('stray "&" become text and are counted; the five XML entities stay', () => {
    expect(prepareXml('<rss>AT&T & co &amp; &lt;&gt;&quot;&apos;</rss>')).toEqual({ xml: '<rss>AT&amp;T &amp; co &amp; &lt;&gt;&quot;&apos;</rss>', repairs: ['2 unescaped "&" read as text'] });
  });

  it('unknown entities (names are case-sensitive) are kept as text', () => {
    expect(prepareXml('<rss>&bogus; &foo;</rss>')).toEqual({ xml: '<rss>&amp;bogus; &amp;foo;</rss>', repairs: ['2 unknown entities kept as text'] });
    expect(prepareXml('<rss>&AUML;</rss>')).toEqual({ xml: '<rss>&amp;AUML;</rss>', repairs: ['1 unknown entity kept as text'] });
  });

  it('all three kinds in one document, in this order', () => {
    expect(prepareXml('<rss>&bogus; & &auml;</rss>').repairs).toEqual(['1 HTML entity that XML does not define (&auml;) read as characters', '1 unescaped "&" read as text', '1 unknown entity kept as text']);
  });

  it('numeric references read as HTML does (windows-1252 for 128-159), characters XML cannot carry become U+FFFD, without a warning', () => {
    expect(prepareXml('<rss>&#150; &#x96; &#0; &#x1F427; &#X41;</rss>')).toEqual({ xml: '<rss>&#x2013; &#x2013; &#xfffd; &#x1f427; &#x41;</rss>', repairs: [] });
  });

  it('CDATA sections and comments are left alone, closed or not', () => {
    expect(prepareXml('<rss><![CDATA[&auml; & ]]>&auml;<!-- & --></rss>')).toEqual({ xml: '<rss><![CDATA[&auml; & ]]>&#xe4;<!-- & --></rss>', repairs: ['1 HTML entity that XML does not define (&auml;) read as characters'] });
    expect(prepareXml('<rss>&auml;<![CDATA[& unclosed &auml;')).toEqual({ xml: '<rss>&#xe4;<![CDATA[& unclosed &auml;', repairs: ['1 HTML entity that XML does not define (&auml;) read as characters'] });
    expect(prepareXml('<rss><!-- & unclosed')).toEqual({ xml: '<rss><!-- & unclosed', repairs: [] });
    expect(prepareXml('<rss><!-- a --><![CDATA[&]]>&<!-- b --></rss>')).toEqual({ xml: '<rss><!-- a --><![CDATA[&]]>&amp;<!-- b --></rss>', repairs: ['1 unescaped "&" read as text'] });
  });

  it('gives what repairing every part outside CDATA and comments and joining them gives, on random documents', () => {
    // The former way (every part repaired, then all joined again) as the reference for the copy-on-change scan.
    const reference = (xml: string): string => {
      const parts: string[] = [];
      let pos = 0;
      while (pos < xml.length) {
        const cdata = xml.indexOf('<![CDATA[', pos);
        const comment = xml.indexOf('<!--', pos);
        const next = cdata === -1 ? comment : comment === -1 ? cdata : Math.min(cdata, comment);
        if (next === -1) break;
        const terminator = next === cdata ? ']]>' : '-->';
        const end = xml.indexOf(terminator, next);
        parts.push(repairEntities(xml.slice(pos, next)));
        if (end === -1) return parts.join('') + xml.slice(next);
        parts.push(xml.slice(next, end + terminator.length));
        pos = end + terminator.length;
      }
      return parts.join('') + repairEntities(xml.slice(pos));
    };
    const tokens = ['<![CDATA[', ']]>', '<!--', '-->', '&auml;', '&', '&amp;', 'text ', '<a>', '</a>', '&#150;'];
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 500; round++) {
      const xml = `<rss>${Array.from({ length: next(40) }, () => tokens[next(tokens.length)]).join('')}</rss>`;
      expect(prepareXml(xml).xml, xml).toBe(reference(xml));
    }
  });

  it('repairEntities alone, without counting', () => {
    expect(repairEntities('&auml;&amp;&')).toBe('&#xe4;&amp;&amp;');
  });
});

describe('prepareXml: the DOCTYPE', () => {
  it('a DOCTYPE without entity declarations is dropped, internal subset and all', () => {
    expect(prepareXml('<!DOCTYPE rss><rss/>')).toEqual({ xml: '<rss/>', repairs: [] });
    expect(prepareXml('<?xml version="1.0"?>\n<!DOCTYPE x [ <!ELEMENT a ANY> ]>\n<rss/>')).toEqual({ xml: '<?xml version="1.0"?>\n\n<rss/>', repairs: [] });
    expect(prepareXml('<!DOCTYPE x [ ]').xml).toBe('');
  });

  it('the RSS 0.91 DTD defines the Latin-1 entities: no warning for them, still for others', () => {
    const netscape = '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">';
    expect(prepareXml(`${netscape}<rss>&auml;&nbsp;&ndash;</rss>`)).toEqual({ xml: '<rss>&#xe4;&#xa0;&#x2013;</rss>', repairs: ['1 HTML entity that XML does not define (&ndash;) read as characters'] });
    expect(prepareXml('<!DOCTYPE rss SYSTEM "http://x/rss-0.91.dtd"><rss>&auml;</rss>')).toEqual({ xml: '<rss>&#xe4;</rss>', repairs: [] });
    // Another DTD defines nothing of the kind.
    expect(prepareXml('<!DOCTYPE rss SYSTEM "http://x/rss-2.0.dtd"><rss>&auml;</rss>').repairs).toEqual(['1 HTML entity that XML does not define (&auml;) read as characters']);
  });

  it('refuses entity declarations with FK_PARSE, naming XXE when they are external', () => {
    expect(refusal(() => prepareXml('<!DOCTYPE x [ <!ENTITY a "b"> ]><rss/>'))).toEqual({ code: 'FK_PARSE', message: LAUGHS });
    expect(refusal(() => prepareXml('<!DOCTYPE x [ <!ENTITY a SYSTEM "file:///etc/passwd"> ]><rss/>'))).toEqual({ code: 'FK_PARSE', message: XXE });
    expect(refusal(() => prepareXml('<!doctype x [ <!entity a PUBLIC "p" "u"> ]><rss/>'))).toEqual({ code: 'FK_PARSE', message: XXE });
    // SYSTEM before the entity declaration (the DOCTYPE's own) does not make an internal entity external.
    expect(refusal(() => prepareXml('<!DOCTYPE x SYSTEM "x.dtd" [ <!ENTITY a "b"> ]><rss/>'))).toEqual({ code: 'FK_PARSE', message: LAUGHS });
  });

  it('refuses a DOCTYPE that is never closed', () => {
    expect(refusal(() => prepareXml('<!DOCTYPE x [ <!ELEMENT a ANY>'))).toEqual({ code: 'FK_PARSE', message: 'the DOCTYPE internal subset is never closed' });
    expect(refusal(() => prepareXml('<!DOCTYPE x'))).toEqual({ code: 'FK_PARSE', message: 'the DOCTYPE is never closed' });
  });
});

describe('refuseEntityDeclarations (text before the root)', () => {
  it('refuses a declaration anywhere, in any case', () => {
    expect(refusal(() => refuseEntityDeclarations('junk <!ENTITY x "y">'))).toEqual({ code: 'FK_PARSE', message: LAUGHS });
    expect(refusal(() => refuseEntityDeclarations('junk <!entity x SYSTEM "y">'))).toEqual({ code: 'FK_PARSE', message: XXE });
    expect(refusal(() => refuseEntityDeclarations('SYSTEM <!ENTITY x "y">'))).toEqual({ code: 'FK_PARSE', message: LAUGHS });
    expect(() => refuseEntityDeclarations('<?xml version="1.0"?><!-- SYSTEM -->')).not.toThrow();
  });
});

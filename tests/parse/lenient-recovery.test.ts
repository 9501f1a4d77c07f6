import { describe, expect, it } from 'vitest';
import { recoverXml } from '../../src/parse/recover-xml.js';

describe('recoverXml: the lenient second pass writes well-formed XML back', () => {
  it('drops junk before and after the root, and a second root', () => {
    expect(recoverXml('junk<b>x</b><rss version="2.0"><channel><item><title>A</title></item></channel></rss>after<x/>')).toEqual({
      xml: '<rss version="2.0"><channel><item><title>A</title></item></channel></rss>', keptItems: 1, droppedItems: 0, truncated: false,
    });
    expect(recoverXml('<rss><channel><title>T</title></channel></rss><rss><channel><item><title>second root</title></item></channel></rss>')).toEqual({
      xml: '<rss><channel><title>T</title></channel></rss>', keptItems: 0, droppedItems: 0, truncated: false,
    });
  });

  it('keeps complete items only: one whose field was never closed is dropped whole, without "truncated" when the root closes', () => {
    expect(recoverXml('<rss><channel><item><title>A</title></item><item><title>B</item></channel></rss>')).toEqual({
      xml: '<rss><channel><item><title>A</title></item></channel></rss>', keptItems: 1, droppedItems: 1, truncated: false,
    });
    expect(recoverXml('<rss><channel><item><title>A</title></item><item><title>B</title></channel></rss>')).toEqual({
      xml: '<rss><channel><item><title>A</title></item></channel></rss>', keptItems: 1, droppedItems: 1, truncated: false,
    });
  });

  it('a document cut off inside an item or entry: the item is dropped, the document is "truncated"', () => {
    expect(recoverXml('<rss><channel><item><title>A</title></item><item><title>B')).toEqual({
      xml: '<rss><channel><item><title>A</title></item></channel></rss>', keptItems: 1, droppedItems: 1, truncated: true,
    });
    expect(recoverXml('<feed><entry><title>A</title></entry><entry><title>B</title>')).toEqual({
      xml: '<feed><entry><title>A</title></entry></feed>', keptItems: 1, droppedItems: 1, truncated: true,
    });
  });

  it('end tags match in any case; the mixed-case names of the vocabulary are written as the strict reader expects', () => {
    expect(recoverXml('<RSS><Channel><item><pubdate>x</PUBDATE><lastbuilddate>y</lastBuildDate></item></channel></RSS>').xml).toBe(
      '<rss><channel><item><pubDate>x</pubDate><lastBuildDate>y</lastBuildDate></item></channel></rss>',
    );
    expect(recoverXml('<rdf:rdf xmlns:rdf="r"><item><title>a</title></item></rdf:RDF>').xml).toBe('<rdf:RDF xmlns:rdf="r"><item><title>a</title></item></rdf:RDF>');
  });

  it('stray end tags are ignored, attributes re-escaped (invalid names dropped), text escaped and its entities repaired', () => {
    expect(recoverXml('<rss><channel></foo><item><title a="x&y" 1bad="z" b=\'"q"\'>A &auml; & < b > c</title></item></channel></rss>').xml).toBe(
      '<rss><channel><item><title a="x&amp;y" b="&quot;q&quot;">A &#xe4; &amp; &lt; b &gt; c</title></item></channel></rss>',
    );
  });

  it('elements with invalid names are dropped with their text', () => {
    expect(recoverXml('<rss><channel><item><1title>A</1title><title>B</title></item></channel></rss>').xml).toBe('<rss><channel><item><title>B</title></item></channel></rss>');
  });

  it('CDATA stays CDATA, a "]]>" inside it split as XML requires', () => {
    expect(recoverXml('<rss><channel><item><title><![CDATA[x ]]]]><![CDATA[> y]]></title></item></channel></rss>').xml).toBe(
      '<rss><channel><item><title><![CDATA[x ]]]]><![CDATA[> y]]></title></item></channel></rss>',
    );
  });

  it('a self-closed element inside an item does not damage it', () => {
    expect(recoverXml('<rss><channel><item><enclosure url="u"/><title>B</title></item></channel></rss>')).toEqual({
      xml: '<rss><channel><item><enclosure url="u"></enclosure><title>B</title></item></channel></rss>', keptItems: 1, droppedItems: 0, truncated: false,
    });
  });

  it('nesting beyond 512 levels recovers nothing', () => {
    expect(recoverXml(`<rss>${'<x>'.repeat(600)}`)).toEqual({ xml: '', keptItems: 0, droppedItems: 0, truncated: false, tooDeep: true });
    // 512 open elements are fine (the root and 511 inside it), the 513th is too deep.
    expect(recoverXml(`<rss>${'<x>'.repeat(511)}`).tooDeep).toBeUndefined();
    expect(recoverXml(`<rss>${'<x>'.repeat(512)}`).tooDeep).toBe(true);
  });
});

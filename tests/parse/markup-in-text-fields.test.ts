import { describe, expect, it } from 'vitest';
import { wrapMarkupFields } from '../../src/parse/wrap-markup-fields.js';

const cdata = (open: string, inner: string, close: string) => `${open}<![CDATA[${inner}]]>${close}`;

describe('wrapMarkupFields: inline elements of text fields become CDATA', () => {
  it('unescaped HTML in a title, also with a prefix (dc:title), each field on its own', () => {
    expect(wrapMarkupFields('<title>Linux <b>6.12</b> ist da</title>')).toBe(cdata('<title>', 'Linux <b>6.12</b> ist da', '</title>'));
    expect(wrapMarkupFields('<dc:title>a <b>b</b></dc:title>')).toBe(cdata('<dc:title>', 'a <b>b</b>', '</dc:title>'));
    expect(wrapMarkupFields('<title><i>a</i></title><title><i>b</i></title>')).toBe(`${cdata('<title>', '<i>a</i>', '</title>')}${cdata('<title>', '<i>b</i>', '</title>')}`);
  });

  it('text without elements stays as it is, unless the field is xhtml', () => {
    expect(wrapMarkupFields('<title>ohne Elemente &amp; so</title>')).toBe('<title>ohne Elemente &amp; so</title>');
    expect(wrapMarkupFields('<content mode="xml">nur text</content>')).toBe('<content mode="xml">nur text</content>');
    expect(wrapMarkupFields('<title type="xhtml">bare &amp; text</title>')).toBe(cdata('<title type="xhtml">', 'bare &amp; text', '</title>'));
  });

  it('xhtml: the div container, XHTML prefixes and namespace declarations go', () => {
    expect(wrapMarkupFields('<title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Linux <b>6.12</b></div></title>')).toBe(cdata('<title type="xhtml">', 'Linux <b>6.12</b>', '</title>'));
    expect(wrapMarkupFields('<summary type=\'xhtml\'><xhtml:div xmlns:xhtml="http://www.w3.org/1999/xhtml"><xhtml:p>a</xhtml:p></xhtml:div></summary>')).toBe(cdata('<summary type=\'xhtml\'>', '<p>a</p>', '</summary>'));
  });

  it('CDATA inside markup: escaped where the field is markup (mode="xml"), kept as is where it is HTML text', () => {
    expect(wrapMarkupFields('<content mode="xml"><p>x <![CDATA[a<b]]></p></content>')).toBe(cdata('<content mode="xml">', '<p>x a&lt;b</p>', '</content>'));
    expect(wrapMarkupFields('<description>a <![CDATA[<i>x</i>]]> <b>y</b></description>')).toBe(cdata('<description>', 'a <i>x</i> <b>y</b>', '</description>'));
  });

  it('a "]]>" in the text cannot end the new CDATA section', () => {
    expect(wrapMarkupFields('<description>x <b>]]></b></description>')).toBe(cdata('<description>', 'x <b>]]&gt;</b>', '</description>'));
  });

  it('leaves alone what holds elements or is broken: media fields, url attributes, empty, unclosed, structure, open CDATA, nesting', () => {
    for (const xml of [
      '<media:title>a <b>b</b></media:title>',
      '<content url="https://x"><b>x</b></content>',
      '<title/>',
      '<title>a <b>b</b>',
      '<title>a <item>b</item></title>',
      '<title>a <![CDATA[open <b>x</b></title>',
      '<title>a <title>b</title>',
      '<titles>x <b>y</b></titles>',
    ]) expect(wrapMarkupFields(xml), xml).toBe(xml);
  });

  it('HTML nested more than 256 deep is left to the parser; void and self-closed elements do not count', () => {
    const deep = `<title>${'<b>'.repeat(257)}</title>`;
    expect(wrapMarkupFields(deep)).toBe(deep);
    expect(wrapMarkupFields(`<title>${'<b>'.repeat(256)}</title>`)).toBe(cdata('<title>', '<b>'.repeat(256), '</title>'));
    expect(wrapMarkupFields(`<title>${'<br>'.repeat(300)}x</title>`)).toBe(cdata('<title>', `${'<br>'.repeat(300)}x`, '</title>'));
    expect(wrapMarkupFields(`<title>${'<b/>'.repeat(300)}x</title>`)).toBe(cdata('<title>', `${'<b/>'.repeat(300)}x`, '</title>'));
    expect(wrapMarkupFields(`<title>${'<b></b>'.repeat(300)}x</title>`)).toBe(cdata('<title>', `${'<b></b>'.repeat(300)}x`, '</title>'));
  });
});

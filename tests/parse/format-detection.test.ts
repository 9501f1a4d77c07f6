import { describe, expect, it } from 'vitest';
import { detectFormat, readAttribute } from '../../src/parse/detect-format.js';

function refusal(text: string): { code: string; message: string } {
  try {
    detectFormat(text);
  } catch (err) {
    const { code, message } = err as { code: string; message: string };
    return { code, message };
  }
  throw new Error('expected a refusal');
}

describe('detectFormat: the document decides the format', () => {
  it('JSON when the first non-blank character is "{"', () => {
    expect(detectFormat(' \n\t{"version": 1}')).toEqual({ kind: 'json' });
  });

  it('RSS versions: 0.9x from the version attribute, 2.0 otherwise', () => {
    expect(detectFormat('<rss version="0.91"><channel/></rss>')).toMatchObject({ kind: 'xml', format: 'rss0.9', root: 'rss' });
    expect(detectFormat("<rss version='0.92'><channel/></rss>")).toMatchObject({ format: 'rss0.9' });
    expect(detectFormat('<rss version="2.0"><channel/></rss>')).toMatchObject({ format: 'rss2.0' });
    expect(detectFormat('<rss><channel/></rss>')).toMatchObject({ format: 'rss2.0' });
    // "0.9" must start the version: 10.9 is no RSS 0.9x.
    expect(detectFormat('<rss version="10.9"><channel/></rss>')).toMatchObject({ format: 'rss2.0' });
  });

  it('RDF: 0.90 or 1.0 from the namespace, and the channel prefix an RSS 1.0 document binds', () => {
    const rss10 = '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel/></rdf:RDF>';
    expect(detectFormat(rss10)).toEqual({ kind: 'xml', format: 'rss1.0', root: 'rdf:RDF', rootTag: rss10.slice(0, rss10.indexOf('<channel')), rootStart: 0 });
    const rss090 = '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://my.netscape.com/rdf/simple/0.9/"><channel/></rdf:RDF>';
    expect(detectFormat(rss090)).toMatchObject({ format: 'rss0.9', root: 'rdf:RDF' });
    expect(detectFormat(rss090)).not.toHaveProperty('prefix');
    const prefixed = '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:rss = \'http://purl.org/rss/1.0/\'><rss:channel/></rdf:RDF>';
    expect(detectFormat(prefixed)).toMatchObject({ format: 'rss1.0', prefix: 'rss' });
    const prefixed090 = '<rdf:RDF xmlns:n.s-0="http://my.netscape.com/rdf/simple/0.9/"><n.s-0:channel/></rdf:RDF>';
    expect(detectFormat(prefixed090)).toMatchObject({ format: 'rss0.9', prefix: 'n.s-0' });
    // Another namespace bound to a prefix is not the channel's.
    const other = '<rdf:RDF xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns="http://purl.org/rss/1.0/"><channel/></rdf:RDF>';
    expect(detectFormat(other)).not.toHaveProperty('prefix');
  });

  it('Atom, also with a prefix on its root', () => {
    expect(detectFormat('<feed xmlns="http://www.w3.org/2005/Atom"></feed>')).toEqual({
      kind: 'xml', format: 'atom1.0', root: 'feed', rootTag: '<feed xmlns="http://www.w3.org/2005/Atom">', rootStart: 0,
    });
    expect(detectFormat('<atom:feed xmlns:atom="http://www.w3.org/2005/Atom"></atom:feed>')).toMatchObject({ format: 'atom1.0', root: 'atom:feed', prefix: 'atom' });
    expect(detectFormat('<rss:rss version="2.0"></rss:rss>')).toMatchObject({ format: 'rss2.0', root: 'rss:rss', prefix: 'rss' });
  });

  it('skips the declaration, processing instructions, comments and a DOCTYPE with an internal subset', () => {
    const head = '<?xml version="1.0"?>\n<?xml-stylesheet href="a.xsl"?>\n<!-- Kommentar <rss> -->\n<!DOCTYPE rss PUBLIC "-//Netscape//DTD RSS 0.91//EN" [ <!ELEMENT x ANY> ]>\n';
    const sniffed = detectFormat(`${head}<rss version="0.91"><channel/></rss>`);
    expect(sniffed).toEqual({ kind: 'xml', format: 'rss0.9', root: 'rss', rootTag: '<rss version="0.91">', rootStart: head.length });
  });

  it('text or other elements before the feed root: the feed starts at its root, and the junk is marked', () => {
    const php = '<b>Warning</b>: Cannot modify header information\n';
    expect(detectFormat(`${php}<rss version="2.0"><channel/></rss>`)).toEqual({
      kind: 'xml', format: 'rss2.0', root: 'rss', rootTag: '<rss version="2.0">', rootStart: php.length, junkBefore: php.length,
    });
    const text = 'Deprecated: something\n';
    expect(detectFormat(`${text}<feed xmlns="http://www.w3.org/2005/Atom"/>`)).toMatchObject({ format: 'atom1.0', rootStart: text.length, junkBefore: text.length });
    // A feed root at the start needs no repair.
    expect(detectFormat('<rss><channel/></rss>')).not.toHaveProperty('junkBefore');
  });

  it('refuses what is no feed, and says what it saw', () => {
    expect(refusal('')).toEqual({ code: 'FK_NOT_A_FEED', message: 'the body is empty' });
    expect(refusal(' \n\t ')).toEqual({ code: 'FK_NOT_A_FEED', message: 'the body is empty' });
    expect(refusal('  Service\n\n  Unavailable – bitte später wieder versuchen')).toEqual({
      code: 'FK_NOT_A_FEED', message: 'the body is not XML or JSON (it starts with "Service Unavailab")',
    });
    expect(refusal('<!DOCTYPE html><html><head><title>x</title></head></html>')).toEqual({ code: 'FK_NOT_A_FEED', message: 'the body is an HTML page, not a feed' });
    expect(refusal('<HTML><body><rss></rss></body></HTML>')).toEqual({ code: 'FK_NOT_A_FEED', message: 'the body is an HTML page, not a feed' });
    expect(refusal('<opml version="2.0"><body/></opml>')).toEqual({ code: 'FK_NOT_A_FEED', message: 'the XML root element <opml> is not rss, rdf:RDF or feed' });
    expect(refusal('<!-- nur ein Kommentar -->')).toEqual({ code: 'FK_NOT_A_FEED', message: 'the body is XML-like but has no root element' });
    expect(refusal('<!DOCTYPE rss [ <rss/>')).toEqual({ code: 'FK_NOT_A_FEED', message: 'the body is XML-like but has no root element' });
    expect(refusal('< rss>')).toEqual({ code: 'FK_NOT_A_FEED', message: 'the body is XML-like but has no root element' });
    expect(refusal('Fehler 500 ohne Feed, sorry')).toEqual({ code: 'FK_NOT_A_FEED', message: 'the body is not XML or JSON (it starts with "Fehler 500 ohne Feed")' });
  });

  it('text before a root that is no feed root is still text, not a feed', () => {
    expect(refusal('Hinweis: <rssfeed><item/></rssfeed>')).toEqual({ code: 'FK_NOT_A_FEED', message: 'the body is not XML or JSON (it starts with "Hinweis: <rssfeed><i")' });
    // A name that merely starts like a feed root is no feed root.
    expect(refusal('<feeds><feed-item/></feeds>').code).toBe('FK_NOT_A_FEED');
  });
});

describe('limits of the root search', () => {
  it('looks past at most 1000 declarations and comments', () => {
    expect(detectFormat(`${'<!-- c -->'.repeat(999)}<rss/>`)).toMatchObject({ format: 'rss2.0' });
    expect(refusal(`${'<!-- c -->'.repeat(1000)}<rss/>`)).toEqual({ code: 'FK_NOT_A_FEED', message: 'the body is XML-like but has no root element' });
  });

  it('a DOCTYPE whose internal subset is followed by blanks before its ">"', () => {
    expect(detectFormat('<!DOCTYPE rss [ <!ELEMENT a ANY> ] >\n<rss version="2.0"/>')).toEqual({ kind: 'xml', root: 'rss', rootTag: '<rss version="2.0"/>', rootStart: 37, format: 'rss2.0' });
  });

  it('a lone "<" before the root is broken markup, not text before a feed', () => {
    expect(refusal('< <rss version="2.0"></rss>')).toEqual({ code: 'FK_NOT_A_FEED', message: 'the body is XML-like but has no root element' });
  });
});

describe('readAttribute', () => {
  it('reads a quoted attribute by its exact name, dots and colons literal', () => {
    const tag = '<rss xml:base="https://a.example/" version=\'2.0\' xmlXbase="https://wrong.example/" data-version="9">';
    expect(readAttribute(tag, 'xml:base')).toBe('https://a.example/');
    expect(readAttribute(tag, 'version')).toBe('2.0');
    expect(readAttribute('<rss xmlXbase="https://wrong.example/">', 'xml:base')).toBeUndefined();
    expect(readAttribute('<x a.b="1" aXb="2">', 'a.b')).toBe('1');
    expect(readAttribute('<x aXb="2">', 'a.b')).toBeUndefined();
    expect(readAttribute('<x version = "3">', 'version')).toBe('3');
    expect(readAttribute('<x version=3>', 'version')).toBeUndefined();
    expect(readAttribute('<x version="">', 'version')).toBe('');
  });
});

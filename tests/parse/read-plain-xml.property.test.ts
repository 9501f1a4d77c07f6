import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../src/parse/decode-body.js';
import { prepareXml } from '../../src/parse/prepare-xml.js';
import { readPlainXml } from '../../src/parse/read-plain-xml.js';
import { canReadPlainXmlFirst } from '../../src/parse/read-xml-feed.js';
import { listFixtures, readFixtureBytes } from './run-fixture.js';

/**
 * readPlainXml stands in for xml2js (the reader rss-parser uses) on plain
 * documents: where it gives a tree, that tree must be xml2js's, key order and
 * prototypes included; where the document is anything else it must give
 * nothing, so that xml2js reads it (and fails as before).
 */

const require = createRequire(new URL('../../node_modules/rss-parser/package.json', import.meta.url));
const xml2js = require('xml2js') as { Parser: new (options: object) => { parseString(xml: string, done: (err: unknown, tree: unknown) => void): void } };

const RENAMES: Record<string, string> = { published: 'fk:published', updated: 'fk:updated', link: 'fk:link' };
/** As read-xml-feed.ts names elements for Atom; and no renaming at all. */
const PROCESSORS: ((name: string) => string)[] = [
  (name) => name,
  (name) => {
    const lower = /^itunes:/i.test(name) ? name.toLowerCase() : name;
    return RENAMES[lower] ?? lower;
  },
];

function viaXml2js(xml: string, processor: (name: string) => string): { tree?: unknown; error?: string } {
  let out: { tree?: unknown; error?: string } = {};
  try {
    new xml2js.Parser({ tagNameProcessors: [processor] }).parseString(xml, (err, tree) => {
      out = err ? { error: String(err) } : { tree };
    });
  } catch (err) {
    out = { error: String(err) };
  }
  return out;
}

/** Values, key order and prototypes, in one comparable form. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value && typeof value === 'object') {
    return [Object.getPrototypeOf(value) === null ? 'no prototype' : 'prototype', ...Object.entries(value).map(([k, v]) => [k, shape(v)])];
  }
  return value;
}

/** True when readPlainXml gave a tree (and it matched xml2js's). */
function holdsToXml2js(xml: string): boolean {
  let read = false;
  for (const processor of PROCESSORS) {
    const tree = readPlainXml(xml, processor);
    if (tree === undefined) continue;
    read = true;
    const theirs = viaXml2js(xml, processor);
    expect(theirs.error, xml.slice(0, 200)).toBeUndefined();
    expect(shape(tree)).toEqual(shape(theirs.tree));
  }
  return read;
}

const prepared = listFixtures()
  .filter((f) => /\.(xml|rss|atom|rdf)$/.test(f.input))
  .flatMap((f) => {
    try {
      return [{ name: f.name, xml: prepareXml(decodeBody(readFixtureBytes(f.input), undefined).text).xml }];
    } catch {
      return [];
    }
  });

describe('readPlainXml', () => {
  it('still finds the xml2js parser rss-parser keeps, which it stands in for', () => {
    // Without it feeds are still read (by xml2js), but at twice the CPU: an rss-parser upgrade must not do that unseen.
    expect(canReadPlainXmlFirst()).toBe(true);
  });

  it('gives the tree xml2js gives for the fixture feeds, and reads most of them', () => {
    const read = prepared.filter((f) => holdsToXml2js(f.xml)).length;
    expect(prepared.length).toBeGreaterThan(50);
    expect(read).toBeGreaterThan(prepared.length * 0.8);
  });

  it('reads text, CDATA, attributes and entities as xml2js does', () => {
    const cases = [
      '<rss version="2.0"><channel><title>A &amp; B &lt;c&gt; &quot;d&quot; &apos;e&apos;</title></channel></rss>',
      '<r><a x="1" x="2" y=\'&lt;3\'>t</a><a/><a></a><a> </a><a>&#160;</a><a><![CDATA[ ]]></a><a><![CDATA[]]></a><a k="v"><![CDATA[]]></a><a><b/><![CDATA[]]></a></r>',
      '<?xml version="1.0"?>\n<!-- c -->\n<r>\r\n <b:c d:e="f">x<!-- y -->z<![CDATA[<p>w</p>]]>v</b:c><b:c/>\t</r>\n<!-- after -->\n',
      '<r><x>&#x41;&#65;&#x0041;&#00065;&#X42;&#x1F600;</x><x a="&#10;">\n</x></r>',
      '<r><cdata>x</cdata></r>', '<r><_>x</_></r>', '<r a="1">only attributes</r>', '<r><p>1</p>text<p>2</p></r>',
      '<r><x>&#0;</x></r>', '<r><x>&#xD800;</x></r>', '<r><x>&AMP;</x></r>', '<r><x>&auml;</x></r>', '<r><x>&bogus</x></r>',
      '<r><x a=1>y</x></r>', '<r><x a>y</x></r>', '<r><x a="1"b="2">y</x></r>', '< r></r>', '<r></ r>', '<r><x / ></r>', '<r/>',
      '<r><!-- a -- b --></r>', '<r></r><r></r>', '<r></r>junk', 'junk<r></r>', '<r><x></y></r>', '<r>', '', '\uFEFF<r></r>',
      '<!DOCTYPE r><r></r>', '<r><hasOwnProperty>x</hasOwnProperty><x __proto__="1"/></r>', '<r><Ü>x</Ü></r>', '<r><![cdata[x]]></r>',
    ];
    for (const xml of cases) holdsToXml2js(xml);
    expect(holdsToXml2js(cases[0]!) && holdsToXml2js(cases[1]!) && holdsToXml2js(cases[2]!) && holdsToXml2js(cases[3]!)).toBe(true);
  });

  it('gives the same tree as xml2js, or none, for damaged feeds', () => {
    const seeds = prepared.map((f) => f.xml).filter((xml) => xml.length < 20_000);
    const INSERTS = [
      '<', '>', '&', '&amp;', '&#38;', '&#x26;', '&#0;', '&bogus;', ']]>', '<![CDATA[', '<![CDATA[]]>', '<!--', '-->', '<!-- x -->',
      '<?pi x?>', '<a/>', '<a / >', '< a>', '</ a>', '<a></a >', '<a x="1" x="2">', '<a x="1"y="2">', '<a x = "1">', '<a x=1>',
      '<cdata>', '</cdata>', '<_>', '<b:c d:e="f">', '<item>', '</item>', '</title>', '\u00a0', '\r\n', '&#160;', '\uFEFF', '"', "'",
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.oneof(fc.constantFrom(...INSERTS), fc.string({ maxLength: 8 })), fc.nat({ max: 12 })), { minLength: 1, maxLength: 3 }),
        (seed, edits) => {
          let xml = seed;
          for (const [at, text, cut] of edits) {
            const i = at % (xml.length + 1);
            xml = xml.slice(0, i) + text + xml.slice(i + cut);
          }
          holdsToXml2js(xml);
        },
      ),
      { numRuns: 400, seed: 11 },
    );
  });
});

import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../src/parse/decode-body.js';

/**
 * Valid UTF-8 is decoded by Node itself, bad bytes by iconv-lite: whichever
 * path a body takes, its text must be what iconv-lite alone gives (with
 * stripBOM, after the one byte order mark decodeBody sniffs itself).
 * Strings and bytes that would set off the NUL check or the double-encoding
 * repair are left out: those steps follow the decoding alike on both paths.
 */
const CONTENT_TYPE = 'application/rss+xml; charset=utf-8';
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const byIconv = (body: Buffer): string => iconv.decode(body.subarray(0, 3).equals(BOM) ? body.subarray(3) : body, 'utf-8', { stripBOM: true });
const plain = (text: string): boolean => !/[\u0000ÃâÂ]/.test(text);

describe('decodeBody: UTF-8 through Node or iconv-lite, the same text', () => {
  it('valid UTF-8 text, with zero, one or two byte order marks in front', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }).filter(plain), fc.integer({ min: 0, max: 2 }), (text, boms) => {
        const body = Buffer.concat([...Array.from({ length: boms }, () => BOM), Buffer.from(`<rss>${text}</rss>`, 'utf8')]);
        expect(decodeBody(body, CONTENT_TYPE).text).toBe(byIconv(body));
      }),
      { numRuns: 400 },
    );
  });

  it('arbitrary bytes, valid or not (bad ones become U+FFFD with the same warning as before)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 120 }), (tail) => {
        const body = Buffer.concat([Buffer.from('<rss>'), Buffer.from(tail)]);
        const expected = byIconv(body);
        fc.pre(!body.includes(0) && plain(expected));
        const decoded = decodeBody(body, CONTENT_TYPE);
        expect(decoded.text).toBe(expected);
        const bad = expected.split('\uFFFD').length - 1;
        expect(decoded.warnings.some((w) => w.includes('replaced by U+FFFD'))).toBe(bad > 0);
      }),
      { numRuns: 1000 },
    );
  });

  it('the edges: a lone BOM, 4-byte characters, surrogates encoded as UTF-8 (invalid), a cut sequence', () => {
    const cases = [
      BOM,
      Buffer.concat([BOM, BOM]),
      Buffer.from('<rss>😀 𝄞 äöü „x“</rss>', 'utf8'),
      Buffer.from([0x3c, 0x72, 0x3e, 0xed, 0xa0, 0x80, 0x3c]),
      Buffer.from([0x3c, 0x72, 0x3e, 0xf0, 0x9f, 0x98]),
      Buffer.from([0x3c, 0x72, 0x3e, 0xc3]),
    ];
    for (const body of cases) expect(decodeBody(body, CONTENT_TYPE).text).toBe(byIconv(body));
  });
});

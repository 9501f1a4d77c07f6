import { gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../src/errors.js';
import { decodeBody } from '../../src/parse/decode-body.js';

const xml = (encoding: string, body: string) => `<?xml version="1.0" encoding="${encoding}"?><rss version="2.0"><channel><title>${body}</title></channel></rss>`;

describe('decodeBody', () => {
  it('reads bytes 0x80-0x9F of a declared ISO-8859-1 feed as windows-1252, as browsers do', () => {
    const bytes = Buffer.concat([Buffer.from(xml('ISO-8859-1', '').slice(0, -39), 'latin1'), Buffer.from([0x84, 0x4b, 0x93, 0x20, 0x96, 0x20, 0x80, 0x20, 0xe4, 0xdf])]);
    const decoded = decodeBody(bytes);
    expect(decoded.text.endsWith('„K“ – € äß')).toBe(true);
    expect(decoded).toMatchObject({ charset: 'windows-1252', charsetSource: 'xml-declaration', declaredCharset: 'iso-8859-1', warnings: [] });
  });

  it('prefers the Content-Type charset over the XML declaration and says so', () => {
    const bytes = iconv.encode(xml('utf-8', 'Grüße'), 'windows-1252');
    const decoded = decodeBody(bytes, 'application/rss+xml; charset="Windows-1252"');
    expect(decoded.text).toContain('Grüße');
    expect(decoded.charsetSource).toBe('content-type');
    expect(decoded.warnings.join()).toMatch(/overrides xml-declaration utf-8/);
  });

  it('lets a byte order mark win over everything and strips it', () => {
    for (const [encoding, bom] of [['utf-8', [0xef, 0xbb, 0xbf]], ['utf-16le', [0xff, 0xfe]], ['utf-16be', [0xfe, 0xff]]] as const) {
      const bytes = Buffer.concat([Buffer.from(bom), iconv.encode(xml('iso-8859-1', 'Kernel über alles'), encoding)]);
      const decoded = decodeBody(bytes, 'text/xml; charset=iso-8859-1');
      expect(decoded.charset).toBe(encoding);
      expect(decoded.charsetSource).toBe('bom');
      expect(decoded.text.startsWith('<?xml')).toBe(true);
      expect(decoded.text).toContain('Kernel über alles');
    }
  });

  it('recognises UTF-16 without a byte order mark from "<?"', () => {
    const decoded = decodeBody(iconv.encode(xml('UTF-16', 'Tschüss'), 'utf-16le'));
    expect(decoded.charset).toBe('utf-16le');
    expect(decoded.text).toContain('Tschüss');
    expect(decoded.warnings[0]).toMatch(/without a byte order mark/);
  });

  it('reads JSON as UTF-8 whatever the header claims', () => {
    const decoded = decodeBody(Buffer.from('{"version":"https://jsonfeed.org/version/1.1","title":"Größe"}'), 'application/json; charset=iso-8859-1');
    expect(decoded).toMatchObject({ charset: 'utf-8', charsetSource: 'json' });
    expect(decoded.text).toContain('Größe');
    expect(decoded.warnings[0]).toMatch(/JSON is always UTF-8/);
  });

  it('falls back to windows-1252 for undeclared 8-bit text, to UTF-8 otherwise', () => {
    const latin = decodeBody(iconv.encode('<rss><channel><title>Müll</title></channel></rss>', 'windows-1252'));
    expect(latin.text).toContain('Müll');
    expect(latin.charset).toBe('windows-1252');
    expect(latin.warnings[0]).toMatch(/not UTF-8; decoded as windows-1252/);
    const utf8 = decodeBody(Buffer.from('<rss><channel><title>Müll</title></channel></rss>'));
    expect(utf8).toMatchObject({ charset: 'utf-8', charsetSource: 'default', warnings: [] });
  });

  it('reports replacement characters in damaged UTF-8', () => {
    const bytes = Buffer.concat([Buffer.from('<rss><title>Grüße '), Buffer.from([0xff, 0xfe, 0x41]), Buffer.from('</title></rss>')]);
    const decoded = decodeBody(bytes, 'text/xml; charset=utf-8');
    expect(decoded.text).toContain('\uFFFD');
    expect(decoded.warnings.join()).toMatch(/2 byte sequences invalid in utf-8 replaced by U\+FFFD/);
  });

  it('reports (and, when consistent, repairs) double-encoded UTF-8', () => {
    const twice = Buffer.from(Buffer.from('<rss><title>Äpfel für Kernelentwickler</title></rss>', 'utf8').toString('latin1'), 'utf8');
    const decoded = decodeBody(twice, 'text/xml; charset=utf-8');
    expect(decoded.warnings.join()).toMatch(/double-encoded.*"Ã¼".*repaired/);
    expect(decoded.text).toContain('Äpfel für');
    const mixed = Buffer.from('<rss><title>Ã¤rger trotz echtem ü</title></rss>', 'utf8');
    const kept = decodeBody(mixed);
    expect(kept.text).toContain('Ã¤rger');
    expect(kept.warnings.join()).not.toMatch(/repaired/);
  });

  it('finds double encoding by each of the three characters its sequences start with', () => {
    // „German quotes“ through windows-1252 start with "â€"; a no-break space through latin1 with "Â"; "ö" with "Ã".
    for (const [original, seen] of [['Linux „6.14“ ist da', '"â€ž"'], ['100\u00a0MB frei', '"Â\u00a0"'], ['Größe', '"Ã¶"']] as const) {
      const twice = Buffer.from(iconv.decode(Buffer.from(`<rss><title>${original}</title></rss>`, 'utf8'), 'windows-1252'), 'utf8');
      const decoded = decodeBody(twice, 'text/xml; charset=utf-8');
      expect(decoded.warnings.join(), original).toContain(`mojibake such as ${seen}`);
      expect(decoded.text).toContain(original);
    }
  });

  it('ignores an unknown charset label with a warning', () => {
    const decoded = decodeBody(Buffer.from(xml('x-klingon', 'Hallo')), 'text/xml; charset=x-unknown');
    expect(decoded.charset).toBe('utf-8');
    expect(decoded.warnings).toEqual(['unknown charset "x-unknown" (from content-type) ignored', 'unknown charset "x-klingon" (from xml-declaration) ignored']);
  });

  it('throws DecodeError for bodies that are not text', () => {
    expect(() => decodeBody(gzipSync('<rss/>'))).toThrow(DecodeError);
    expect(() => decodeBody(gzipSync('<rss/>'))).toThrow(expect.objectContaining({ code: 'FK_DECODE', message: expect.stringMatching(/still gzip-compressed/) }));
    expect(() => decodeBody(Buffer.from([0x3c, 0x72, 0x00, 0x00, 0x73]))).toThrow(expect.objectContaining({ code: 'FK_DECODE', message: expect.stringMatching(/NUL characters/) }));
  });
});

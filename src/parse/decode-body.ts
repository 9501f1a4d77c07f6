import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import { DecodeError } from '../errors.js';

export interface DecodedBody {
  text: string;
  /** The encoding the text was decoded with (WHATWG name: a declared ISO-8859-1 reads as windows-1252). */
  charset: string;
  charsetSource: 'bom' | 'content-type' | 'xml-declaration' | 'json' | 'default';
  /** What the source declared, when it differs from `charset` (for `inspect`). */
  declaredCharset?: string;
  warnings: string[];
}

type Source = DecodedBody['charsetSource'];

/**
 * Labels that browsers (WHATWG Encoding) decode as windows-1252. Node 20's
 * TextDecoder maps 0x80-0x9F of these to C1 controls, which turns the
 * „German quotes“ of many feeds into garbage; iconv-lite gets them right.
 */
const WINDOWS_1252_LABELS = new Set([
  'iso-8859-1', 'iso8859-1', 'iso_8859-1', 'iso-ir-100', 'l1', 'latin1', 'cp819', 'ibm819',
  'us-ascii', 'ascii', 'ansi_x3.4-1968', 'windows-1252', 'cp1252', 'x-cp1252',
]);
const UTF8_LABELS = new Set(['utf-8', 'utf8', 'unicode-1-1-utf-8']);

/** Typical UTF-8-read-as-latin1 sequences: "Ã¤" for ä, "â€ž" for „, "Â " for a no-break space. */
const MOJIBAKE = /Ã[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u2013-\u203a\u20ac\u2122]|â€[\u0080-\u00bf\u0153\u0161\u017e\u2013-\u203a\u20ac\u2122]|Â[\u00a0-\u00bf]/g;

/**
 * Turns the bytes of a response into text. Order of evidence: byte order
 * mark, the charset of the Content-Type header, the XML declaration, then
 * UTF-8 (JSON is always UTF-8). Never guesses silently: every doubt is a
 * warning. Throws DecodeError only for bodies that are not text at all.
 */
export function decodeBody(body: Buffer, contentType?: string): DecodedBody {
  const warnings: string[] = [];
  rejectBinary(body);

  const bom = sniffBom(body);
  if (bom) return finish(body.subarray(bom.length), bom.charset, 'bom', undefined, warnings);

  const utf16 = sniffUtf16WithoutBom(body);
  if (utf16) {
    warnings.push(`body is ${utf16} without a byte order mark`);
    return finish(body, utf16, 'default', undefined, warnings);
  }

  const headerLabel = readContentTypeCharset(contentType);
  const looksJson = /^[\s]*[[{]/.test(body.subarray(0, 64).toString('latin1'));
  if (looksJson) {
    if (headerLabel && !UTF8_LABELS.has(headerLabel)) {
      warnings.push(`Content-Type declares charset ${headerLabel}, but JSON is always UTF-8`);
    }
    return finish(body, 'utf-8', 'json', headerLabel, warnings);
  }

  const declLabel = readXmlDeclarationEncoding(body);
  const candidates: { label: string; source: Source }[] = [];
  if (headerLabel) candidates.push({ label: headerLabel, source: 'content-type' });
  if (declLabel) candidates.push({ label: declLabel, source: 'xml-declaration' });

  for (const [i, candidate] of candidates.entries()) {
    const encoding = resolveLabel(candidate.label);
    if (!encoding) {
      warnings.push(`unknown charset "${candidate.label}" (from ${candidate.source}) ignored`);
      continue;
    }
    // A header that says UTF-8 over latin1 bytes is a common server default; the document knows better.
    const next = candidates[i + 1];
    if (encoding === 'utf-8' && next && !isUtf8(body) && resolveLabel(next.label) && resolveLabel(next.label) !== 'utf-8') {
      warnings.push(`${candidate.source} says utf-8 but the body is not valid UTF-8; used ${next.source} ${next.label}`);
      continue;
    }
    if (next && resolveLabel(next.label) && resolveLabel(next.label) !== encoding) {
      warnings.push(`${candidate.source} charset ${candidate.label} overrides ${next.source} ${next.label}`);
    }
    return finish(body, encoding, candidate.source, candidate.label, warnings);
  }

  if (!isUtf8(body) && !hasUtf8Multibyte(body)) {
    // No valid multi-byte sequence at all: this is a legacy 8-bit text, not damaged UTF-8.
    warnings.push('no charset declared and the body is not UTF-8; decoded as windows-1252');
    return finish(body, 'windows-1252', 'default', undefined, warnings);
  }
  return finish(body, 'utf-8', 'default', undefined, warnings);
}

function finish(bytes: Buffer, encoding: string, source: Source, declared: string | undefined, warnings: string[]): DecodedBody {
  let text: string;
  const validUtf8 = encoding === 'utf-8' && isUtf8(bytes);
  try {
    text = validUtf8 ? decodeValidUtf8(bytes) : iconv.decode(bytes, encoding, { stripBOM: true });
  } catch (cause) {
    throw new DecodeError(`cannot decode the body as ${encoding}: ${(cause as Error).message}`, { cause });
  }
  // In valid UTF-8 a NUL character is a zero byte and nothing else is: the bytes are searched natively, where
  // searching the text for "\u0000" tried every ASCII character of a two-byte string (~10 % of decoding a body).
  if (validUtf8 ? bytes.indexOf(0) !== -1 : text.includes('\u0000')) {
    throw new DecodeError(`body decoded as ${encoding} contains NUL characters: it is binary data or in another encoding`);
  }
  const replacements = countMatches(text, /\uFFFD/g);
  if (replacements > 0) {
    warnings.push(`${replacements} byte sequence${replacements === 1 ? '' : 's'} invalid in ${encoding} replaced by U+FFFD`);
  }
  // Every mojibake sequence starts with one of three characters: three searches cost about a sixth of one scan by the pattern.
  const mojibake = text.includes('Ã') || text.includes('â') || text.includes('Â') ? text.match(MOJIBAKE) : null;
  if (mojibake) {
    const sample = [...new Set(mojibake)].slice(0, 3).map((m) => `"${m}"`).join(', ');
    const repaired = undoDoubleEncoding(text);
    warnings.push(
      `text looks double-encoded (UTF-8 read as latin1): ${mojibake.length}× mojibake such as ${sample}` +
        (repaired === undefined ? '' : '; repaired'),
    );
    if (repaired !== undefined) text = repaired;
  }
  const result: DecodedBody = { text, charset: encoding, charsetSource: source, warnings };
  if (declared && declared !== encoding) result.declaredCharset = declared;
  return result;
}

/**
 * Valid UTF-8 (checked by the caller) as iconv-lite decodes it with stripBOM, at Node's native
 * speed: iconv-lite's UTF-8 path cost ~30 % more per body. Bytes that are not valid UTF-8 still go
 * through iconv-lite, so the handling of bad bytes (U+FFFD, the warning) is unchanged.
 */
function decodeValidUtf8(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Reverses one UTF-8 → windows-1252 → UTF-8 round trip, but only when the
 * whole text is consistently double-encoded: if any character does not map
 * back to a byte, or the bytes are not UTF-8, the text was mixed and is kept.
 */
function undoDoubleEncoding(text: string): string | undefined {
  const bytes = Buffer.alloc(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // The detour went through latin1 (C1 controls) or windows-1252 („ for 0x84): both map back.
    const byte = code < 0x100 ? code : CP1252_HIGH.get(code);
    if (byte === undefined) return undefined;
    bytes[i] = byte;
  }
  return isUtf8(bytes) ? bytes.toString('utf8') : undefined;
}

const CP1252_HIGH = new Map<number, number>();
for (let byte = 0x80; byte <= 0x9f; byte++) {
  const char = iconv.decode(Buffer.from([byte]), 'windows-1252');
  if (char !== '\uFFFD') CP1252_HIGH.set(char.charCodeAt(0), byte);
}

function rejectBinary(body: Buffer): void {
  if (body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b) {
    throw new DecodeError('body is still gzip-compressed (missing or wrong Content-Encoding)');
  }
}

function sniffBom(body: Buffer): { charset: string; length: number } | undefined {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return { charset: 'utf-8', length: 3 };
  if (body[0] === 0xfe && body[1] === 0xff) return { charset: 'utf-16be', length: 2 };
  if (body[0] === 0xff && body[1] === 0xfe) return { charset: 'utf-16le', length: 2 };
  return undefined;
}

/** XML 1.0 Appendix F: "<?" in UTF-16 without a BOM. */
function sniffUtf16WithoutBom(body: Buffer): string | undefined {
  if (body[0] === 0x3c && body[1] === 0x00 && body[2] === 0x3f && body[3] === 0x00) return 'utf-16le';
  if (body[0] === 0x00 && body[1] === 0x3c && body[2] === 0x00 && body[3] === 0x3f) return 'utf-16be';
  return undefined;
}

function readContentTypeCharset(contentType: string | undefined): string | undefined {
  const match = contentType?.match(/;\s*charset\s*=\s*("?)([^";,\s]+)\1/i);
  return match?.[2]?.toLowerCase();
}

function readXmlDeclarationEncoding(body: Buffer): string | undefined {
  const head = body.subarray(0, 512).toString('latin1');
  const match = head.match(/^\s*<\?xml\s[^>]*?\bencoding\s*=\s*(["'])([A-Za-z][\w.:-]*)\1/);
  return match?.[2]?.toLowerCase();
}

function resolveLabel(label: string): string | undefined {
  if (UTF8_LABELS.has(label)) return 'utf-8';
  if (WINDOWS_1252_LABELS.has(label)) return 'windows-1252';
  return iconv.encodingExists(label) ? label : undefined;
}

/** True when the body holds at least one well-formed multi-byte UTF-8 sequence. */
function hasUtf8Multibyte(body: Buffer): boolean {
  for (let i = 0; i < body.length - 1; i++) {
    const b = body[i]!;
    if (b >= 0xc2 && b <= 0xdf && (body[i + 1]! & 0xc0) === 0x80) return true;
    if (b >= 0xe0 && b <= 0xef && i + 2 < body.length && (body[i + 1]! & 0xc0) === 0x80 && (body[i + 2]! & 0xc0) === 0x80) return true;
  }
  return false;
}

function countMatches(text: string, pattern: RegExp): number {
  let n = 0;
  for (const _ of text.matchAll(pattern)) n++;
  return n;
}

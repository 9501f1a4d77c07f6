/**
 * Text that ends up in XML or HTML documents. XML 1.0 forbids most C0 control
 * characters, lone surrogates and U+FFFE/U+FFFF outright (a strict parser
 * rejects the whole feed for one of them), and C1 controls are in practice
 * mis-decoded Windows-1252 garbage, so all of them are dropped.
 */

// eslint-disable-next-line no-control-regex
const ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function stripIllegalChars(text: string): string {
  return text.replace(ILLEGAL, '');
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes for text and double- or single-quoted attribute values, in XML and HTML alike. */
export function escapeMarkup(text: string): string {
  return stripIllegalChars(text).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** An absolute http(s) URL in its serialized form, or undefined for anything else (relative, javascript:, data:). */
export function toSafeHttpUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

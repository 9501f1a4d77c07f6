import { parseUrl } from '../normalize/parse-url.js';

/** Resolves `ref` against `base`; undefined when either is unusable. Never throws. */
export function resolveUrl(ref: string | undefined, base?: string): string | undefined {
  const trimmed = ref?.trim();
  if (!trimmed) return undefined;
  try {
    return parseUrl(trimmed, base).href;
  } catch {
    return undefined;
  }
}

/** Like resolveUrl, but only http(s) results count: a base must be a place on the web. */
export function resolveHttpUrl(ref: string | undefined, base?: string): string | undefined {
  const url = resolveUrl(ref, base);
  return url && /^https?:/i.test(url) ? url : undefined;
}

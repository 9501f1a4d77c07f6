/** Resolves `ref` against `base`; undefined when either is unusable. Never throws. */
export function resolveUrl(ref: string | undefined, base?: string): string | undefined {
  const trimmed = ref?.trim();
  if (!trimmed) return undefined;
  try {
    return new URL(trimmed, base).href;
  } catch {
    return undefined;
  }
}

/** Like resolveUrl, but only http(s) results count: a base must be a place on the web. */
export function resolveHttpUrl(ref: string | undefined, base?: string): string | undefined {
  const url = resolveUrl(ref, base);
  return url && /^https?:/i.test(url) ? url : undefined;
}

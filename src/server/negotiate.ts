/**
 * Content negotiation and conditional requests (RFC 9110 §12.5.3, §13):
 * pure functions over header values, so they can be tested without sockets.
 */
import type { ContentCoding } from '../publish/resource.js';

const PREFERENCE: readonly ContentCoding[] = ['br', 'gzip', 'identity'];

/** Readers send a handful of distinct Accept-Encoding values: remember the answer for each (bounded). */
const CHOSEN = new Map<string, ContentCoding>();
const MAX_REMEMBERED = 256;

/** The coding to send for an Accept-Encoding value: highest q wins, ties go to br, then gzip. */
export function chooseEncoding(acceptEncoding: string | undefined): ContentCoding {
  if (acceptEncoding === undefined) return 'identity';
  const known = CHOSEN.get(acceptEncoding);
  if (known) return known;
  const chosen = negotiateEncoding(acceptEncoding);
  if (CHOSEN.size < MAX_REMEMBERED) CHOSEN.set(acceptEncoding, chosen);
  return chosen;
}

function negotiateEncoding(acceptEncoding: string): ContentCoding {
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    let q = 1;
    for (const param of params) {
      const [key, value] = param.trim().split('=');
      if (key === 'q' && value !== undefined) {
        const parsed = Number(value);
        q = Number.isFinite(parsed) && parsed >= 0 && parsed <= 1 ? parsed : 0;
      }
    }
    weights.set(name === 'x-gzip' ? 'gzip' : name, q);
  }
  const star = weights.get('*');
  // Unlisted identity stays acceptable, but any coding the client names with q > 0 is preferred to it.
  const weightOf = (coding: ContentCoding): number =>
    weights.get(coding) ?? star ?? (coding === 'identity' ? 0.0001 : 0);
  let best: ContentCoding = 'identity';
  let bestWeight = 0;
  for (const coding of PREFERENCE) {
    const w = weightOf(coding);
    if (w > bestWeight) {
      best = coding;
      bestWeight = w;
    }
  }
  // Nothing acceptable at all: identity anyway (RFC 9110 allows it) rather than a 406 no reader handles.
  return best;
}

/**
 * Whether a GET/HEAD gets 304. If-None-Match wins over If-Modified-Since;
 * tags compare weakly and match any coding's tag of the same content.
 */
export function isNotModified(
  ifNoneMatch: string | undefined,
  ifModifiedSince: string | undefined,
  etags: readonly string[],
  lastModified: Date,
): boolean {
  if (ifNoneMatch !== undefined) {
    const value = ifNoneMatch.trim();
    if (value === '*' || etags.includes(value)) return true;
    return value.split(',').some((tag) => etags.includes(stripWeak(tag.trim())));
  }
  if (ifModifiedSince !== undefined) {
    const since = Date.parse(ifModifiedSince);
    if (!Number.isFinite(since)) return false;
    return lastModified.getTime() <= since;
  }
  return false;
}

function stripWeak(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}

/** A database URL for messages, without its password: apart from connect.ts so that naming a store does not load pg. */
import { redactUrl } from '../../config/redact-url.js';

export function describeLocation(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = '***';
    return parsed.href;
  } catch {
    return redactUrl(url);
  }
}

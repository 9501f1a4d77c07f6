/**
 * Which route a request line names. Routing is an exact lookup of the path
 * (query and fragment ignored) in a fixed table, so "..", encoded slashes or
 * backslashes can never reach anything: there is no file system behind it.
 */
export type Route =
  | { kind: 'resource'; path: string; label: string }
  | { kind: 'healthz'; label: '/healthz' }
  | { kind: 'metrics'; label: '/metrics' }
  | { kind: 'not-found'; label: 'not_found' }
  | { kind: 'method-not-allowed'; label: 'method_not_allowed' };

export const ALLOWED_METHODS = 'GET, HEAD';

export function resolveRoute(method: string | undefined, rawUrl: string | undefined, hasResource: (path: string) => boolean): Route {
  if (method !== 'GET' && method !== 'HEAD') return { kind: 'method-not-allowed', label: 'method_not_allowed' };
  const path = pathOf(rawUrl ?? '/');
  if (path === '/healthz') return { kind: 'healthz', label: '/healthz' };
  if (path === '/metrics') return { kind: 'metrics', label: '/metrics' };
  const canonical = path === '/index.html' ? '/' : path;
  if (hasResource(canonical)) return { kind: 'resource', path: canonical, label: canonical };
  return { kind: 'not-found', label: 'not_found' };
}

/** The path of an origin-form or absolute-form request target, without query or fragment. */
export function pathOf(target: string): string {
  let path = target;
  if (!path.startsWith('/')) {
    try {
      path = new URL(path).pathname;
    } catch {
      return '';
    }
  }
  const end = path.search(/[?#]/);
  return end === -1 ? path : path.slice(0, end);
}

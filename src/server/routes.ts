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

// One object per route, not per request: a revalidation costs ~25 µs of CPU, and every object a request
// allocates brings the next young-generation collection closer (measured in BENCHMARKS.md, session 11).
const HEALTHZ: Route = { kind: 'healthz', label: '/healthz' };
const METRICS: Route = { kind: 'metrics', label: '/metrics' };
const NOT_FOUND: Route = { kind: 'not-found', label: 'not_found' };
const METHOD_NOT_ALLOWED: Route = { kind: 'method-not-allowed', label: 'method_not_allowed' };
/** The resource routes answered so far, by path; bounded, as a path is remembered only once a resource has it. */
const RESOURCE_ROUTES = new Map<string, Route>();
const MAX_REMEMBERED = 1_024;

/** `resources` is the publication's map of paths (anything with `has`): passed as is, so no closure per request. */
export function resolveRoute(method: string | undefined, rawUrl: string | undefined, resources: { has(path: string): boolean }): Route {
  if (method !== 'GET' && method !== 'HEAD') return METHOD_NOT_ALLOWED;
  const path = pathOf(rawUrl ?? '/');
  if (path === '/healthz') return HEALTHZ;
  if (path === '/metrics') return METRICS;
  const canonical = path === '/index.html' ? '/' : path;
  if (!resources.has(canonical)) return NOT_FOUND;
  let route = RESOURCE_ROUTES.get(canonical);
  if (!route) {
    route = { kind: 'resource', path: canonical, label: canonical };
    if (RESOURCE_ROUTES.size < MAX_REMEMBERED) RESOURCE_ROUTES.set(canonical, route);
  }
  return route;
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
  const query = path.indexOf('?');
  const fragment = path.indexOf('#');
  const end = query === -1 ? fragment : fragment === -1 ? query : Math.min(query, fragment);
  return end === -1 ? path : path.slice(0, end);
}

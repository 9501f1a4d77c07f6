/**
 * undici's two dispatchers we use, taken from their own files instead of
 * the package's index. The index also loads fetch, WebSocket, EventSource,
 * the cache and cookie code, and the cookie module's first line reads
 * `globalThis.Headers`, which makes Node load its own bundled copy of
 * undici too: ~100 ms of CPU at every start (measured: 172–184 ms for the
 * index, 65–89 ms for these files), which a `poll` of a few sources feels.
 *
 * The index does one more thing we need: it mixes the request API
 * (`dispatcher.request()` and friends) into Dispatcher.prototype. Done here
 * the same way. undici is pinned to an exact version (package.json); its
 * tests in tests/fetch run through this module.
 */
import AgentClass from 'undici/lib/dispatcher/agent.js';
import DispatcherClass from 'undici/lib/dispatcher/dispatcher.js';
import EnvHttpProxyAgentClass from 'undici/lib/dispatcher/env-http-proxy-agent.js';
import requestApi from 'undici/lib/api/index.js';

Object.assign(DispatcherClass.prototype, requestApi);

export const Agent = AgentClass;
export const EnvHttpProxyAgent = EnvHttpProxyAgentClass;
export type { Dispatcher } from 'undici';

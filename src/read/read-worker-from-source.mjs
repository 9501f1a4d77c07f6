/**
 * Worker entry for runs from the TypeScript sources (vitest, tsx), where no
 * compiled read-worker.js exists: teach the worker thread TypeScript, then
 * hand over to read-worker.ts. Builds (dist/, the container) never use it.
 */
import { register } from 'tsx/esm/api';

register();
const { default: readInWorker } = await import('./read-worker.ts');

export default readInWorker;

/**
 * Worker entry for runs from the TypeScript sources (vitest, tsx), where no
 * compiled cluster-worker.js exists: as src/read/read-worker-from-source.mjs.
 */
import { register } from 'tsx/esm/api';

register();
const { default: clusterInWorker } = await import('./cluster-worker.ts');

export default clusterInWorker;

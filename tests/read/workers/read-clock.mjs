// The read clock (src/read/read-clock.ts) for the test entries, which load without a build: through tsx, as
// src/read/read-worker-from-source.mjs does. A test entry marks its reads' start as read-worker.ts does, so
// that the reader's time limit runs.
import { register } from 'tsx/esm/api';

register();
const clock = await import('../../../src/read/read-clock.ts');

export const { markReadStarted, markReadFinished } = clock;

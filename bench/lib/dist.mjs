/** Import a compiled module of the program under test (dist/, or FK_BENCH_DIST while developing the bench). */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST } from './processes.mjs';

export function importDist(relative) {
  return import(pathToFileURL(join(DIST, relative)).href);
}

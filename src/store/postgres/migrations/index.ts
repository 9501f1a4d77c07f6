/** The schema's migrations, in order: version N is MIGRATIONS[N - 1]. */
import { sql as initial } from './001-initial.js';
import { sql as published } from './002-published.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial', sql: initial },
  { version: 2, name: 'published', sql: published },
];

export const CURRENT_PG_SCHEMA_VERSION = MIGRATIONS.length;

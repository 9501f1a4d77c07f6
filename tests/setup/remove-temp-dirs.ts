// Registered before any test file's own hooks, so that it runs after them (vitest runs after-hooks as a stack):
// the file's servers and children are stopped before their directories go.
import { afterAll } from 'vitest';
import { removeTempDirs } from '../helpers/cli.js';

afterAll(() => removeTempDirs());

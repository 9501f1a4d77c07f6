import { configDefaults, defineConfig } from 'vitest/config';

// The tests Stryker runs against the mutated core (stryker.config.mjs): a
// folder's mutants are measured against that folder's own tests
// (MUTATE=parse → tests/parse), all five with MUTATE unset. Other folders'
// tests reach the same code end to end and kill more, but running them per
// mutant made one folder take over an hour on 2 shared cores; the score is
// the stricter "what the folder's own tests catch".
// Left out as well: the property tests and the pathological inputs (20-40 s
// per mutant each; they check "no hang, only catalogue errors" on random
// input), the 20,000-article cases (*.scale.test.ts, 5-6 s each, run by every
// mutant of the code they reach) and the eval CLI test (a child process,
// where mutants are never on).
const FOLDERS = ['classify', 'dedupe', 'normalize', 'parse', 'publish'];
const scope = process.env['MUTATE'];
const folders = scope && FOLDERS.includes(scope) ? scope : `{${FOLDERS.join(',')}}`;

export default defineConfig({
  test: {
    include: [`tests/${folders}/**/*.test.ts`],
    exclude: [
      ...configDefaults.exclude,
      '.stryker-tmp/**',
      'tests/**/*.property.test.ts',
      'tests/**/*.scale.test.ts',
      'tests/parse/pathological-input.test.ts',
      'tests/classify/evaluate-cli.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});

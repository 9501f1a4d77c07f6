import { configDefaults, defineConfig } from 'vitest/config';

// The tests Stryker runs against the mutated core (stryker.config.mjs): the
// folders of the five mutated stages. The CLI, server, store and e2e tests
// reach the core through child processes or the built dist/, where mutants
// are never switched on.
export default defineConfig({
  test: {
    include: ['tests/{classify,dedupe,normalize,parse,publish}/**/*.test.ts'],
    exclude: [...configDefaults.exclude, '.stryker-tmp/**', 'reports/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});

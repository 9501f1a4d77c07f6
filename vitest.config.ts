import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Stryker's sandboxes are copies of the whole project (stryker.config.mjs).
    exclude: [...configDefaults.exclude, '.stryker-tmp/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Each file's temporary directories go after its last test (FEEDKURATOR_KEEP_TEST_DIRS=1 keeps them).
    setupFiles: ['tests/setup/remove-temp-dirs.ts'],
  },
});

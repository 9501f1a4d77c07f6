// Mutation testing of the pure core (issue 15). Not part of `npm test` or CI:
// on 2 shared cores a full run takes hours. See docs/mutation.md.
//
//   npm run test:mutation                       all five folders, one report
//   MUTATE=parse npm run test:mutation          one folder (src/parse)
//
// Each scope keeps its own incremental file under docs/mutation/, committed beside the summary:
// Stryker rewrites the incremental file with the results of the current run
// only, so per-folder runs must not share one file, and a re-run after a merge
// re-tests only the mutants in changed code or covered by changed tests.
const FOLDERS = ['classify', 'dedupe', 'normalize', 'parse', 'publish'];
const scope = process.env.MUTATE ?? 'all';
if (scope !== 'all' && !FOLDERS.includes(scope)) {
  throw new Error(`MUTATE=${scope}: expected one of ${FOLDERS.join(', ')} or all`);
}
const folders = scope === 'all' ? FOLDERS : [scope];

export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: true },
  mutate: [
    ...folders.map((folder) => `src/${folder}/**/*.ts`),
    // Command-line entry points run as child processes, where Stryker cannot
    // switch mutants on; throughput.ts measures speed, which only benchmarks assert.
    '!src/**/*-cli.ts',
    '!src/classify/throughput.ts',
  ],
  coverageAnalysis: 'perTest',
  // Static mutants (module-level constants: tables, regexes) need the whole
  // related suite per mutant, about 100 s each here: 516 of normalize's 958
  // alone would take 14 h. They are reported as Ignored and counted in
  // docs/mutation.md; `--ignoreStatic false` measures them on a bigger machine.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: `docs/mutation/${scope}.incremental.json`,
  // 2 cores shared by several people: one test process.
  concurrency: 1,
  // Generous: the machine is loaded, and a slow run must not count as a kill.
  timeoutMS: 20000,
  timeoutFactor: 2,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: `.tmp/mutation/${scope}.html` },
  jsonReporter: { fileName: `.tmp/mutation/${scope}.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: false },
  // '.stryker-tmp': a run with its own --tempDirName (two folders at once) must not copy the other run's sandbox,
  // whose files vanish under it (ENOENT in the instrumenter).
  ignorePatterns: ['dist', 'data', 'bench', 'docs', 'coverage', '.tmp', '.stryker-tmp'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};

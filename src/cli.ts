#!/usr/bin/env node
/**
 * Command-line entry (SPEC §2). Parses arguments, maps errors to exit codes
 * (0 success, 1 runtime failure, 2 usage or configuration error) and hands
 * each command to src/commands/.
 */
import module from 'node:module';
import { parseArgs } from 'node:util';
import { describeError, UsageError } from './errors.js';
import { reportFatal } from './commands/report-fatal.js';
import { readVersion } from './version.js';

// Node >= 22.1 keeps V8's compiled code of our modules and the libraries between runs (in the OS temp dir, or
// NODE_COMPILE_CACHE): a start compiles less. Node 20 has no such cache; there this is a no-op.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const HELP = `feedkurator — curated German Linux news as one clean feed

Usage: feedkurator <command> [options]

Commands:
  serve                         run the daemon: serve feeds, poll on the schedule, follow config edits
  poll [--json]                 run one poll cycle and print a summary
  check                         validate the configuration
  export [--format rss|atom|json] [--topic NAME]
                                print the curated feed from the store
  explain                       read JSON lines {"title","summary","content","source"} on stdin,
                                print the topics and deciding terms for each
  inspect URL|FILE [--json]     show how feedkurator reads one source
  preview NEW_CONFIG [--json]   which stored articles NEW_CONFIG's topic rules would add to or
                                remove from each topic, before the edit goes live (store read-only)
  add URL [--name NAME] [--topics T,…]
                                add a source: URL may be a feed or a site's page (its feed links are
                                followed); the feed is read once, then appended to the config file
  copy-store --to URL|PATH      copy the store into an empty one (postgres:// URL or file path)

Options:
  --config PATH                 config file (default: $FEEDKURATOR_CONFIG or config/feedkurator.yaml)
  -h, --help                    show this help
  -v, --version                 show the version

Environment: PORT, HOST, BASE_URL, DATA_DIR, DATABASE_URL, LOG_LEVEL, LOG_FORMAT (json|pretty), FEEDKURATOR_CONFIG.
Exit codes: 0 success, 1 runtime failure, 2 usage or configuration error.`;

const OPTIONS = {
  config: { type: 'string' },
  json: { type: 'boolean' },
  format: { type: 'string' },
  topic: { type: 'string' },
  name: { type: 'string' },
  topics: { type: 'string' },
  to: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** Which options each command accepts, so that a misplaced flag is an error, not ignored. */
const ACCEPTS: Record<string, readonly string[]> = {
  serve: ['config'],
  poll: ['config', 'json'],
  check: ['config'],
  export: ['config', 'format', 'topic'],
  explain: ['config'],
  inspect: ['config', 'json'],
  preview: ['config', 'json'],
  add: ['config', 'name', 'topics'],
  'copy-store': ['config', 'to'],
};

/** Commands that take one positional argument, and how to say it is missing. */
const ONE_ARGUMENT: Record<string, string> = {
  inspect: 'inspect takes one URL or FILE',
  preview: 'preview takes one NEW_CONFIG file',
  add: 'add takes one URL (a feed or a web page)',
};

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${describeError(err)} (see feedkurator --help)`, { cause: err });
  }
  const { values, positionals } = parsed;
  if (values.version) {
    process.stdout.write(`${readVersion()}\n`);
    return 0;
  }
  const [command, ...rest] = positionals;
  if (values.help || command === 'help') {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (!command) throw new UsageError('no command given (see feedkurator --help)');
  const accepted = ACCEPTS[command];
  if (!accepted) throw new UsageError(`unknown command "${command}" (see feedkurator --help)`);
  for (const key of Object.keys(values)) {
    if (!accepted.includes(key)) throw new UsageError(`option --${key} does not apply to "${command}"`);
  }
  const oneArgument = ONE_ARGUMENT[command];
  if (rest.length !== (oneArgument ? 1 : 0)) {
    throw new UsageError(oneArgument ?? `"${command}" takes no arguments, got "${rest.join(' ')}"`);
  }
  const configPath = values.config;
  // Each command loads only its own modules: a one-shot `poll` need not load the HTTP server (~0.2 s of CPU).
  switch (command) {
    case 'serve':
      return (await import('./commands/serve.js')).runServeCommand({ configPath });
    case 'poll':
      return (await import('./commands/poll.js')).runPoll({ configPath, json: values.json === true });
    case 'check':
      return (await import('./commands/check.js')).runCheck({ configPath });
    case 'export':
      return (await import('./commands/export.js')).runExport({ configPath, format: values.format, topic: values.topic });
    case 'explain':
      return (await import('./commands/explain.js')).runExplain({ configPath });
    case 'copy-store':
      return (await import('./commands/copy-store.js')).runCopyStore({ configPath, to: values.to });
    case 'inspect':
      return (await import('./commands/inspect.js')).runInspect({ configPath, target: rest[0]!, json: values.json === true });
    case 'preview':
      return (await import('./commands/preview.js')).runPreview({ configPath, newConfigPath: rest[0]!, json: values.json === true });
    case 'add':
      return (await import('./commands/add.js')).runAdd({ configPath, url: rest[0]!, name: values.name, topics: values.topics });
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

/** Exit explicitly once stdout is flushed: keep-alive sockets or file watchers must not keep a finished command alive. */
function exitWith(code: number): void {
  process.stdout.write('', () => process.exit(code));
}

main(process.argv.slice(2)).then(exitWith, (err: unknown) => exitWith(reportFatal(err)));

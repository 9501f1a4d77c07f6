import { ConfigError, describeError, FeedkuratorError, UsageError } from '../errors.js';

/** One line on stderr per problem; the exit code the SPEC asks for. */
export function reportFatal(err: unknown): number {
  if (err instanceof ConfigError) {
    for (const p of err.problems) {
      const where = p.line !== undefined ? `${err.file}:${p.line}` : err.file;
      process.stderr.write(`feedkurator: ${where}: ${p.path ? `${p.path}: ` : ''}${p.message}\n`);
    }
    return 2;
  }
  process.stderr.write(`feedkurator: ${describeError(err)}\n`);
  if (err instanceof UsageError) return 2;
  if (!(err instanceof FeedkuratorError) && process.env.FEEDKURATOR_DEBUG) console.error(err);
  return 1;
}

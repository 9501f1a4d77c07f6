/**
 * `poll`'s config load: a config in plain block YAML (as written by hand or
 * by `add`) is read by plain-yaml.ts and validated without loading the
 * `yaml` package; anything else, and every config with a problem, goes the
 * whole way through load.ts, which words the errors with their lines exactly
 * as before. The result is the same frozen config either way.
 */
import type { Config } from './schema.js';
import { readPlainYaml } from './plain-yaml.js';
import type { LoadOptions } from './read-config.js';
import { validateConfig } from './validate.js';

/** What load.ts's parseConfig gives for this text, and throws the same ConfigError when it throws. */
export async function parseConfigQuickly(text: string, file: string, options: LoadOptions = {}): Promise<Config> {
  const raw = readPlainYaml(text);
  const validated = raw === undefined ? undefined : validateConfig(raw, file, options);
  if (validated?.ok) return validated.config;
  return (await import('./load.js')).parseConfig(text, file, options);
}

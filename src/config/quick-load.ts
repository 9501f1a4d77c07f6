/**
 * Config text to config without the `yaml` package when it can be: a config
 * in plain block YAML (as written by hand, by `add` or by YAML.stringify) is
 * read by plain-yaml.ts and validated; anything else, and every config with a
 * problem, goes through yaml (load.ts's parseConfigWithYaml), which words the
 * errors with their lines exactly as before. The config is the same frozen
 * one either way.
 */
import type { Config } from './schema.js';
import { readPlainYaml } from './plain-yaml.js';
import type { LoadOptions } from './read-config.js';
import { validateConfig } from './validate.js';

/** The config when the text is plain YAML and valid; undefined leaves it to yaml (and its errors). */
export function parsePlainConfig(text: string, file: string, options: LoadOptions = {}): Config | undefined {
  const raw = readPlainYaml(text);
  const validated = raw === undefined ? undefined : validateConfig(raw, file, options);
  return validated?.ok ? validated.config : undefined;
}

/** load.ts's parseConfig, loading yaml only when the text needs it (`poll`: ~0.1–0.3 s of a cold start). */
export async function parseConfigQuickly(text: string, file: string, options: LoadOptions = {}): Promise<Config> {
  return parsePlainConfig(text, file, options) ?? (await import('./load.js')).parseConfigWithYaml(text, file, options);
}

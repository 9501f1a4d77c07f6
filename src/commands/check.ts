import { loadConfig } from '../config/load.js';

/** Validate the config; problems become a ConfigError that the CLI prints one per line (exit 2). */
export async function runCheck(options: { configPath: string | undefined }): Promise<number> {
  const config = loadConfig({ configPath: options.configPath });
  const topics = Object.keys(config.topics);
  process.stdout.write(
    `${config.file}: OK — ${config.sources.length} source${config.sources.length === 1 ? '' : 's'}, ` +
      `${topics.length} topic${topics.length === 1 ? '' : 's'} (${topics.join(', ')}), schedule "${config.schedule}" (${config.timezone}), ` +
      `store ${config.storePath}\n`,
  );
  return 0;
}

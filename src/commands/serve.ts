import type { Config } from '../config/schema.js';
import { readConfigText } from '../config/read-config.js';
import { forgetConfig, recallConfig, rememberConfig, type ConfigInput } from '../config/remembered-config.js';
import { runServe } from '../daemon/serve.js';
import { ConfigError, describeError } from '../errors.js';
import { createLogger } from '../log/logger.js';
import { readVersion } from '../version.js';

export async function runServeCommand(options: { configPath: string | undefined }): Promise<number> {
  const input = readConfigText({ configPath: options.configPath });
  // The schema (zod) is loaded only when this exact config was not validated by a previous start.
  const recalled = await recallConfig(input);
  const config = recalled?.config ?? (await import('../config/load.js')).parseConfig(input.text, input.file);
  const logger = createLogger({ level: config.logLevel, destination: 'stdout', format: config.logFormat });
  return runServe({
    config,
    logger,
    version: readVersion(),
    ...(recalled?.cacheMaxAgeSeconds !== undefined ? { cacheMaxAgeSeconds: recalled.cacheMaxAgeSeconds } : {}),
    // A recalled config is validated again once the store is loaded: not while the first requests come in.
    ...(recalled ? { beforeFirstCycle: () => confirmRecalled(input, recalled.config) } : {}),
    async afterListen({ cacheMaxAgeSeconds }) {
      // A record poll left lacks the max-age: written anew with it (the config as recalled, confirmed before the first cycle).
      if (recalled?.cacheMaxAgeSeconds !== undefined) return;
      await rememberConfig(input, config, cacheMaxAgeSeconds).catch((err: unknown) =>
        logger.warn({ error: describeError(err) }, 'could not remember the validated config (only start-up is slower)'),
      );
    },
  });
}

/** The recalled config is what validating the same input gives now; a ConfigError (exit 2) when it is not. */
async function confirmRecalled(input: ConfigInput, recalled: Config): Promise<void> {
  try {
    const validated = (await import('../config/load.js')).parseConfig(input.text, input.file);
    if (JSON.stringify(validated) !== JSON.stringify(recalled)) {
      throw new ConfigError(input.file, [{ path: '', message: 'differs from the config remembered at the last start (the program changed?); start again' }]);
    }
  } catch (err) {
    await forgetConfig(recalled.storePath);
    throw err;
  }
}

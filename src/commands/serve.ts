import { loadConfig } from '../config/load.js';
import { runServe } from '../daemon/serve.js';
import { createLogger } from '../log/logger.js';
import { readVersion } from '../version.js';

export async function runServeCommand(options: { configPath: string | undefined }): Promise<number> {
  const config = loadConfig({ configPath: options.configPath });
  const logger = createLogger({ level: config.logLevel, destination: 'stdout', format: config.logFormat });
  return runServe({ config, logger, version: readVersion() });
}

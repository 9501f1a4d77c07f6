/**
 * The one object of defaults (SPEC §3). The schema fills these in for keys
 * the config file leaves out; nothing else in the code hard-codes them.
 */
export const DEFAULTS = Object.freeze({
  schedule: '*/15 * * * *',
  timezone: 'Europe/Berlin',
  server: Object.freeze({ host: '0.0.0.0', port: 8080, baseUrl: 'http://localhost:8080' }),
  storage: Object.freeze({ path: 'data/feedkurator.json', retentionDays: 60, maxItems: 20_000 }),
  fetch: Object.freeze({ timeoutSeconds: 20, maxBytes: 10 * 1024 * 1024, concurrency: 8 }),
  feed: Object.freeze({
    title: 'Linux-News: Kernel, Container, Hosting',
    description: 'Kuratierte deutschsprachige Linux-Nachrichten',
    language: 'de',
    maxItems: 100,
  }),
  configPath: 'config/feedkurator.yaml',
  logLevel: 'info',
});

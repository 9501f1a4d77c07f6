// The namespace, not `{ z }`: esbuild then bundles only the parts of zod used here (~170 KB less to compile at every start).
import * as z from 'zod';
import cron from 'node-cron';
import { topicRulesSchema } from '../classify/rules-schema.js';
import { DEFAULTS } from './defaults.js';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an absolute http:// or https:// URL' });

const topicName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'topic names are lower-case letters, digits and hyphens (they become URL paths)');

let canonicalZones: Set<string> | undefined;

/**
 * What Intl.DateTimeFormat accepts. Making one costs ~20 ms of CPU cold (ICU's
 * locale data and pattern generator), the list of ICU's canonical zone names
 * ~2 ms: a name on that list is always accepted, so only another spelling (an
 * alias such as UTC, an offset, a wrong name) is asked of DateTimeFormat.
 */
function isValidTimezone(tz: string): boolean {
  if ((canonicalZones ??= new Set(Intl.supportedValuesOf('timeZone'))).has(tz)) return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const sourceSchema = z.strictObject({
  name: z.string().trim().min(1, 'a source needs a name'),
  url: httpUrl,
  topics: z.array(topicName).min(1).optional(),
});

export const configSchema = z
  .strictObject({
    schedule: z
      .string()
      .default(DEFAULTS.schedule)
      .refine((s) => cron.validate(s), 'not a valid cron expression (for example "*/15 * * * *")'),
    timezone: z.string().default(DEFAULTS.timezone).refine(isValidTimezone, 'unknown time zone (for example Europe/Berlin)'),
    server: z
      .strictObject({
        host: z.string().min(1).default(DEFAULTS.server.host),
        port: z.number().int().min(0).max(65_535).default(DEFAULTS.server.port),
        baseUrl: httpUrl.default(DEFAULTS.server.baseUrl),
      })
      .prefault({}),
    storage: z
      .strictObject({
        path: z.string().min(1).default(DEFAULTS.storage.path),
        retentionDays: z.number().positive().default(DEFAULTS.storage.retentionDays),
        maxItems: z.number().int().positive().default(DEFAULTS.storage.maxItems),
        // PostgreSQL instead of the JSON files (issue 12); DATABASE_URL overrides it (src/store/open-store-at.ts).
        url: z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// URL (postgres://user:password@host:5432/database)').optional(),
      })
      .prefault({}),
    fetch: z
      .strictObject({
        timeoutSeconds: z.number().positive().max(600).default(DEFAULTS.fetch.timeoutSeconds),
        maxBytes: z.number().int().min(1024).default(DEFAULTS.fetch.maxBytes),
        concurrency: z.number().int().min(1).max(64).default(DEFAULTS.fetch.concurrency),
      })
      .prefault({}),
    feed: z
      .strictObject({
        title: z.string().min(1).default(DEFAULTS.feed.title),
        description: z.string().default(DEFAULTS.feed.description),
        language: z.string().min(2).default(DEFAULTS.feed.language),
        maxItems: z.number().int().positive().max(10_000).default(DEFAULTS.feed.maxItems),
      })
      .prefault({}),
    topics: z.record(topicName, topicRulesSchema).refine((t) => Object.keys(t).length > 0, 'at least one topic is needed'),
    sources: z.array(sourceSchema).default([]),
  })
  .superRefine((cfg, ctx) => {
    const seen = new Map<string, number>();
    cfg.sources.forEach((source, i) => {
      const key = source.name.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['sources', i, 'name'], message: `duplicate source name (also sources[${first}])` });
      } else {
        seen.set(key, i);
      }
      source.topics?.forEach((topic, j) => {
        if (!(topic in cfg.topics)) {
          ctx.addIssue({
            code: 'custom',
            path: ['sources', i, 'topics', j],
            message: `unknown topic "${topic}" (known: ${Object.keys(cfg.topics).join(', ')})`,
          });
        }
      });
    });
  });

export type ConfigFile = z.infer<typeof configSchema>;
export type SourceConfig = z.infer<typeof sourceSchema>;

/** The validated, frozen configuration the rest of the program sees. */
export interface Config extends ConfigFile {
  /** Absolute path of the config file it came from. */
  readonly file: string;
  /** Absolute path of the store file (storage.path resolved, DATA_DIR applied). */
  readonly storePath: string;
  readonly logLevel: string;
  /** LOG_FORMAT; absent: pretty on a terminal, JSON otherwise. */
  readonly logFormat?: 'json' | 'pretty';
}

import { compileRules, type Classifier } from '../classify/classifier.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { classifyStoredArticle } from '../curate/curation.js';
import { clusterStories } from '../dedupe/story-clusters.js';
import { openStore } from '../store/open-store.js';
import type { Classification, StoredArticle } from '../types.js';

/**
 * The one place preview touches the store: every stored article, read-only
 * (no lock, no write), so it runs beside a `serve` that owns the store.
 */
export async function* readStoredArticles(config: Config): AsyncIterable<StoredArticle> {
  const store = await openStore(config, { readOnly: true });
  try {
    for await (const batch of store.streamArticles()) yield* batch;
  } finally {
    await store.close();
  }
}

interface Curator {
  classifyArticle(article: StoredArticle): Classification;
  /** Published entries: an article with topics and its other outlets of the same story. */
  curate(articles: readonly StoredArticle[]): { article: StoredArticle; topics: string[]; alsoAt: { id: string }[] }[];
}

/** The whole store curated with one config's rules, as the daemon would publish it (without the feeds' maxItems). */
function createCurator(classifier: Classifier): Curator {
  const cache = new Map<string, Classification>();
  const classifyArticle = (article: StoredArticle): Classification => {
    let result = cache.get(article.id);
    if (!result) {
      result = classifyStoredArticle(classifier, article);
      cache.set(article.id, result);
    }
    return result;
  };
  return {
    classifyArticle,
    curate(articles) {
      const curated = articles.filter((a) => classifyArticle(a).topics.length > 0);
      return clusterStories(curated).map(({ lead, others }) => {
        const topics = new Set([lead, ...others].flatMap((a) => classifyArticle(a).topics));
        return { article: lead, topics: classifier.topics.filter((t) => topics.has(t)), alsoAt: others.map((o) => ({ id: o.id })) };
      });
    },
  };
}

interface Change {
  article: StoredArticle;
  /** The article's own deciding terms for the topic under the rules that give it the topic. */
  terms: string[];
  /** For a removed article: the new rules' exclude terms that veto or hide the topic. */
  excludedBy: string[];
}

interface TopicDiff {
  added: Change[];
  removed: Change[];
}

export interface PreviewResult {
  topics: Record<string, TopicDiff>;
  /** Articles curated under both rule sets with the same topics. */
  unchanged: number;
  stored: number;
}

/** What NEW_CONFIG's topic rules (and source restrictions) would change in the published feeds. Writes nothing. */
export async function runPreview(options: { configPath: string | undefined; newConfigPath: string; json: boolean }): Promise<number> {
  const active = loadConfig({ configPath: options.configPath });
  // An invalid NEW_CONFIG throws ConfigError: the same lines as `check`, exit 2.
  const next = loadConfig({ configPath: options.newConfigPath });
  const articles: StoredArticle[] = [];
  for await (const article of readStoredArticles(active)) articles.push(article);
  const result = comparePublished(articles, active, next);
  process.stdout.write(options.json ? `${JSON.stringify(toJson(result))}\n` : formatPreview(result, active.timezone));
  return 0;
}

/** Curate the same articles under both configs and diff, per topic, which articles each publishes. */
export function comparePublished(articles: readonly StoredArticle[], active: Config, next: Config): PreviewResult {
  const before = createCurator(compileRules(active.topics, active.sources));
  const after = createCurator(compileRules(next.topics, next.sources));
  const was = publishedTopics(before, articles);
  const will = publishedTopics(after, articles);
  const names = [...new Set([...Object.keys(next.topics), ...Object.keys(active.topics)])];
  const topics: Record<string, TopicDiff> = Object.fromEntries(names.map((n) => [n, { added: [], removed: [] }]));
  let unchanged = 0;
  for (const article of sortNewestFirst(articles)) {
    const old = was.get(article.id) ?? new Set<string>();
    const now = will.get(article.id) ?? new Set<string>();
    if (old.size > 0 && sameSet(old, now)) unchanged++;
    for (const topic of now) {
      if (!old.has(topic)) topics[topic]!.added.push({ article, terms: after.classifyArticle(article).matches[topic] ?? [], excludedBy: [] });
    }
    for (const topic of old) {
      if (now.has(topic)) continue;
      const newly = after.classifyArticle(article);
      topics[topic]!.removed.push({ article, terms: before.classifyArticle(article).matches[topic] ?? [], excludedBy: newly.excluded[topic] ?? [] });
    }
  }
  return { topics, unchanged, stored: articles.length };
}

/** Article id → the topics it is published under: as an entry's lead or as one of its other outlets. */
function publishedTopics(curator: Curator, articles: readonly StoredArticle[]): Map<string, Set<string>> {
  const byId = new Map<string, Set<string>>();
  for (const entry of curator.curate(articles)) {
    for (const id of [entry.article.id, ...entry.alsoAt.map((o) => o.id)]) {
      const set = byId.get(id) ?? new Set<string>();
      for (const t of entry.topics) set.add(t);
      byId.set(id, set);
    }
  }
  return byId;
}

function sortNewestFirst(articles: readonly StoredArticle[]): StoredArticle[] {
  return [...articles].sort((a, b) => (a.published < b.published ? 1 : a.published > b.published ? -1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

/** Exactly the SPEC §2 shape. */
function toJson(result: PreviewResult) {
  const item = (c: Change) => ({ id: c.article.id, title: c.article.title, link: c.article.link ?? null });
  return {
    topics: Object.fromEntries(
      Object.entries(result.topics).map(([name, diff]) => [name, { added: diff.added.map(item), removed: diff.removed.map(item) }]),
    ),
    unchanged: result.unchanged,
  };
}

function formatPreview(result: PreviewResult, timezone: string): string {
  const when = new Intl.DateTimeFormat('sv-SE', { dateStyle: 'short', timeStyle: 'short', timeZone: timezone });
  const lines: string[] = [];
  for (const [name, { added, removed }] of Object.entries(result.topics)) {
    if (added.length === 0 && removed.length === 0) {
      lines.push(`${name}: no change`);
      continue;
    }
    lines.push(`${name}: ${added.length} added, ${removed.length} removed`);
    const describe = (sign: string, c: Change, termsLabel: string): void => {
      const source = c.article.sources.map((s) => s.name).join(', ') || 'unknown source';
      const terms = c.terms.length > 0 ? `${termsLabel}: ${c.terms.join(', ')}` : `${termsLabel}: (none of its own: same story as another outlet)`;
      const veto = c.excludedBy.length > 0 ? ` · now excluded by: ${c.excludedBy.join(', ')}` : '';
      lines.push(`  ${sign} ${c.article.title}`, `      ${source} · ${when.format(new Date(c.article.published))} · ${terms}${veto}`);
    };
    for (const c of added) describe('+', c, 'terms');
    for (const c of removed) describe('-', c, 'was');
  }
  lines.push(`${result.unchanged} curated article${result.unchanged === 1 ? '' : 's'} unchanged (${result.stored} stored)`);
  return `${lines.join('\n')}\n`;
}

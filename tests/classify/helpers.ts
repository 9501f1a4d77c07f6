import { compileRules, type Classifier } from '../../src/classify/classifier.js';
import type { TopicModel } from '../../src/classify/model.js';
import { topicRulesSchema, type TopicRulesInput } from '../../src/classify/rules-schema.js';
import type { SourceConfig } from '../../src/config/schema.js';

/** Compile rules written as in the config file (schema defaults applied, terms validated). */
export function rules(topics: Record<string, TopicRulesInput>, sources?: SourceConfig[], model?: TopicModel): Classifier {
  const parsed = Object.fromEntries(Object.entries(topics).map(([name, r]) => [name, topicRulesSchema.parse(r)]));
  return compileRules(parsed, sources, model);
}

/** Topics for a title-only article under a single topic "t" with these rules. */
export function topicsOf(text: string, include: string[], exclude: string[] = [], extra: Partial<TopicRulesInput> = {}): string[] {
  return rules({ t: { include, exclude, ...extra } }).classify({ title: text }).topics;
}

export function matches(text: string, term: string): boolean {
  return topicsOf(text, [term]).length === 1;
}

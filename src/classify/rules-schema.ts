import * as z from 'zod';
import { MODEL_TOPICS } from './model.js';
import { parseTerm, TermSyntaxError } from './term.js';

/**
 * The shape of one topic's rules in the config file. Owned by the classify
 * stage because only it knows what the rules mean; src/config embeds it.
 * Term syntax: see src/classify/term.ts and the README, "Topic rules".
 */
function termSchema(allowVeto: boolean) {
  return z
    .string()
    .trim()
    .min(1, 'empty term')
    .superRefine((value, ctx) => {
      if (value === '') return; // already reported as "empty term"
      try {
        parseTerm(value, { allowVeto });
      } catch (err) {
        if (!(err instanceof TermSyntaxError)) throw err;
        ctx.addIssue({ code: 'custom', message: err.message });
      }
    });
}

const topicRulesShape = z.strictObject({
  title: z.string().min(1).optional(),
  include: z.array(termSchema(false)).min(1, 'a topic needs at least one include term'),
  exclude: z.array(termSchema(true)).default([]),
  /**
   * Include terms that also mean something else, each with the words that signal
   * the other meaning: a hit of the term does not count when one of them occurs in
   * the title or summary (or, for a hit in the full text, in the full text).
   * `"*kernel*": [cuda, gpu*]` keeps "CUDA-Kernel" out and "Linux 6.12" in.
   */
  homonyms: z.record(z.string(), z.array(termSchema(false)).min(1, 'list at least one word of the other meaning')).default({}),
  /**
   * Second opinion from the shipped word model (src/classify/topic-model.json):
   * which of its topics to consult. A rules match the model finds very unlikely
   * is dropped; explain shows the words that decided. Absent: rules only.
   */
  model: z.enum(MODEL_TOPICS as [string, ...string[]], { message: `model must be one of the shipped model's topics: ${MODEL_TOPICS.join(', ')}` }).optional(),
  /** Sum of the weights of the distinct include terms found that makes an article belong to the topic. */
  minScore: z.number().positive('minScore must be greater than 0').default(1),
  /** Factor for include terms found in the title (a title is a stronger signal than a passing mention). */
  titleWeight: z.number().min(1, 'titleWeight must be at least 1').default(1),
  /** Factor for include terms found only in the content (full text): below 1, a passing mention deep in an article counts less. */
  contentWeight: z.number().positive('contentWeight must be greater than 0').max(1, 'contentWeight must be at most 1').default(1),
});

export const topicRulesSchema = topicRulesShape.superRefine((rules, ctx) => {
  for (const term of Object.keys(rules.homonyms)) {
    if (!rules.include.includes(term)) {
      ctx.addIssue({ code: 'custom', path: ['homonyms', term], message: `"${term}" is not one of this topic's include terms` });
    }
  }
});

export type TopicRules = z.infer<typeof topicRulesSchema>;
/** What a caller may pass: the defaults of the schema are optional. */
export type TopicRulesInput = z.input<typeof topicRulesSchema>;

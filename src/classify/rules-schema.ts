import { z } from 'zod';
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

export const topicRulesSchema = z.strictObject({
  title: z.string().min(1).optional(),
  include: z.array(termSchema(false)).min(1, 'a topic needs at least one include term'),
  exclude: z.array(termSchema(true)).default([]),
  /** Sum of the weights of the distinct include terms found that makes an article belong to the topic. */
  minScore: z.number().positive('minScore must be greater than 0').default(1),
  /** Factor for include terms found in the title (a title is a stronger signal than a passing mention). */
  titleWeight: z.number().min(1, 'titleWeight must be at least 1').default(1),
  /** Factor for include terms found only in the content (full text): below 1, a passing mention deep in an article counts less. */
  contentWeight: z.number().positive('contentWeight must be greater than 0').max(1, 'contentWeight must be at most 1').default(1),
});

export type TopicRules = z.infer<typeof topicRulesSchema>;
/** What a caller may pass: the defaults of the schema are optional. */
export type TopicRulesInput = z.input<typeof topicRulesSchema>;

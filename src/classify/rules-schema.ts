import { z } from 'zod';

/**
 * The shape of one topic's rules in the config file. Owned by the classify
 * stage because only it knows what the rules mean; src/config embeds it.
 */
export const topicRulesSchema = z.strictObject({
  title: z.string().min(1).optional(),
  include: z.array(z.string().trim().min(1, 'empty term')).min(1, 'a topic needs at least one include term'),
  exclude: z.array(z.string().trim().min(1, 'empty term')).default([]),
});

export type TopicRules = z.infer<typeof topicRulesSchema>;

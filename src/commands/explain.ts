import { createInterface } from 'node:readline';
import { compileRules } from '../classify/classifier.js';
import type { Contribution } from '../classify/model.js';
import { loadConfig } from '../config/load.js';
import type { ClassifiableText } from '../types.js';

/**
 * One JSON line in, one JSON line out, in order. A bad input line gets an
 * `{"error": …}` line in its place (so outputs stay aligned with inputs) and
 * makes the exit code 2 after all lines are done.
 */
export async function runExplain(options: { configPath: string | undefined }): Promise<number> {
  const config = loadConfig({ configPath: options.configPath });
  const classifier = compileRules(config.topics, config.sources);
  let bad = 0;
  let lineNo = 0;
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    lineNo++;
    if (line.trim() === '') continue;
    const input = parseLine(line);
    if (typeof input === 'string') {
      bad++;
      process.stderr.write(`feedkurator: stdin line ${lineNo}: ${input}\n`);
      process.stdout.write(`${JSON.stringify({ error: input })}\n`);
      continue;
    }
    const { topics, matches, excluded } = classifier.classify(input);
    // "model" only for topics where the word model had a say (a rules match it kept or vetoed): the SPEC keys stay as they are.
    const model = Object.fromEntries(
      Object.entries(classifier.modelContributions(input)).filter(([t]) => topics.includes(t) || excluded[t]?.some((why) => why.startsWith('model '))),
    );
    const out = Object.keys(model).length > 0 ? { topics, matches, excluded, model: describeModel(model) } : { topics, matches, excluded };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  }
  return bad > 0 ? 2 : 0;
}

/** Per topic: probability and the six words that weighed most, rounded for reading. */
function describeModel(model: Record<string, Contribution>): Record<string, { probability: number; bias: number; terms: Record<string, number> }> {
  return Object.fromEntries(
    Object.entries(model).map(([topic, c]) => [
      topic,
      {
        probability: Math.round(c.probability * 1000) / 1000,
        bias: c.bias,
        terms: Object.fromEntries(c.terms.slice(0, 6).map((t) => [t.term, t.weight])),
      },
    ]),
  );
}

/** The line as classifier input, or why it is not usable. */
function parseLine(line: string): ClassifiableText | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return `not JSON: ${(err as Error).message}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected a JSON object';
  const v = value as Record<string, unknown>;
  if (typeof v.title !== 'string') return '"title" (a string) is required';
  for (const key of ['summary', 'content', 'source'] as const) {
    if (v[key] !== undefined && typeof v[key] !== 'string') return `"${key}" must be a string`;
  }
  return {
    title: v.title,
    ...(typeof v.summary === 'string' ? { summary: v.summary } : {}),
    ...(typeof v.content === 'string' ? { content: v.content } : {}),
    ...(typeof v.source === 'string' ? { sources: [v.source] } : {}),
  };
}

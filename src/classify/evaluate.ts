import { readFileSync } from 'node:fs';
import type { Classification, ClassifiableText } from '../types.js';

/** One labelled example of the evaluation set (tests/fixtures/topics/*.jsonl). */
export interface LabelledExample {
  title: string;
  summary?: string;
  /** Full text, where the source has it. */
  content?: string;
  labels: string[];
  /** Why a hard case has its labels. */
  note?: string;
}

export interface TopicScore {
  topic: string;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface Miss {
  title: string;
  expected: string[];
  got: string[];
  note?: string;
}

export interface EvaluationReport {
  examples: number;
  perTopic: TopicScore[];
  micro: Omit<TopicScore, 'topic'>;
  misses: Miss[];
}

export type ClassifyFn = (text: ClassifiableText) => Pick<Classification, 'topics'>;

export function readLabelledSet(file: string): LabelledExample[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter(({ line }) => line !== '')
    .map(({ line, n }) => {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (err) {
        throw new Error(`${file}:${n}: not valid JSON`, { cause: err });
      }
      const ex = value as LabelledExample;
      if (typeof ex.title !== 'string' || !Array.isArray(ex.labels)) throw new Error(`${file}:${n}: needs "title" and "labels"`);
      return ex;
    });
}

function score(tp: number, fp: number, fn: number): Omit<TopicScore, 'topic'> {
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { tp, fp, fn, precision, recall, f1 };
}

export function evaluate(examples: readonly LabelledExample[], topics: readonly string[], classify: ClassifyFn): EvaluationReport {
  const counts = new Map(topics.map((t) => [t, { tp: 0, fp: 0, fn: 0 }]));
  const misses: Miss[] = [];
  for (const ex of examples) {
    const got = classify({ title: ex.title, summary: ex.summary ?? '', ...(ex.content ? { content: ex.content } : {}) }).topics;
    const expected = ex.labels;
    let wrong = false;
    for (const [topic, c] of counts) {
      const e = expected.includes(topic);
      const g = got.includes(topic);
      if (e && g) c.tp++;
      else if (g) (c.fp++, (wrong = true));
      else if (e) (c.fn++, (wrong = true));
    }
    if (wrong) misses.push({ title: ex.title, expected, got: [...got], ...(ex.note ? { note: ex.note } : {}) });
  }
  const perTopic = [...counts].map(([topic, c]) => ({ topic, ...score(c.tp, c.fp, c.fn) }));
  const sum = (k: 'tp' | 'fp' | 'fn') => perTopic.reduce((s, t) => s + t[k], 0);
  return { examples: examples.length, perTopic, micro: score(sum('tp'), sum('fp'), sum('fn')), misses };
}

/**
 * The naive rule the issue measures against: a case-insensitive substring
 * per topic ("kernel", "container", "host").
 */
export function classifyBySubstring(needles: Record<string, string>): ClassifyFn {
  return (text) => {
    const hay = `${text.title}\n${text.summary ?? ''}\n${text.content ?? ''}`.toLowerCase();
    return { topics: Object.entries(needles).filter(([, n]) => hay.includes(n)).map(([t]) => t) };
  };
}

export const SUBSTRING_BASELINE = { kernel: 'kernel', containers: 'container', hosting: 'host' } as const;

import type { ClassifiableText } from '../types.js';
import type { Classifier } from './classifier.js';
import type { LabelledExample } from './evaluate.js';

/**
 * Articles per second on realistic input: each labelled example gets an HTML
 * body of about 2.5 KB made of the other examples' teasers, the size of a
 * typical full-text feed entry.
 */
export function measureThroughput(
  classifier: Classifier,
  examples: readonly LabelledExample[],
  options: { articles?: number; withContent?: boolean } = {},
): { perSecond: number; perCpuSecond: number; articles: number; contentBytes: number } {
  const count = options.articles ?? 20_000;
  const bodies = examples.map((_, i) => {
    const paras: string[] = [];
    for (let k = 1; paras.join('').length < 2500; k++) {
      const other = examples[(i * 7 + k * 13) % examples.length]!;
      paras.push(`<p>${other.summary ?? other.title} <a href="https://example.org/${k}">mehr</a></p>`);
    }
    return paras.join('\n');
  });
  const withContent = options.withContent ?? true;
  const inputs: ClassifiableText[] = examples.map((ex, i) => ({
    title: ex.title,
    summary: ex.summary ?? '',
    ...(withContent ? { content: bodies[i]! } : {}),
  }));
  for (let i = 0; i < 3000; i++) classifier.classify(inputs[i % inputs.length]!);
  const started = process.hrtime.bigint();
  const cpuStarted = process.cpuUsage();
  for (let i = 0; i < count; i++) classifier.classify(inputs[i % inputs.length]!);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // CPU time of this process: on a shared machine wall time mostly measures the neighbours.
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const contentBytes = !withContent ? 0 : Math.round(bodies.reduce((s, b) => s + b.length, 0) / bodies.length);
  return { perSecond: count / seconds, perCpuSecond: count / cpuSeconds, articles: count, contentBytes };
}

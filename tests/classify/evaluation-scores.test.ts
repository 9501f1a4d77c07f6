import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { classifyBySubstring, evaluate, readLabelledSet, SUBSTRING_BASELINE, type ClassifyFn, type LabelledExample } from '../../src/classify/evaluate.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fk-evaluate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Answers from a table keyed by title: the scores below follow from it by hand. */
function byTitle(answers: Record<string, string[]>): ClassifyFn {
  return (text) => ({ topics: answers[text.title] ?? [] });
}

describe('evaluate: counts and scores per topic', () => {
  const examples: LabelledExample[] = [
    { title: 'a', labels: ['kernel'] },
    { title: 'b', labels: ['kernel', 'hosting'] },
    { title: 'c', labels: [], note: 'weder noch' },
    { title: 'd', labels: ['hosting'] },
    { title: 'e', labels: ['kernel'] },
  ];
  const answers = { a: ['kernel'], b: ['kernel'], c: ['kernel', 'hosting'], d: ['hosting'], e: [] };
  // Evaluated inside each test, not at collection: Stryker switches a mutant on for the tests only.
  const run = () => evaluate(examples, ['kernel', 'hosting', 'containers'], byTitle(answers));

  it('true and false positives, misses, precision, recall and F1', () => {
    const report = run();
    expect(report.examples).toBe(5);
    // kernel: a, b right; c wrong; e missed.
    expect(report.perTopic[0]).toEqual({ topic: 'kernel', tp: 2, fp: 1, fn: 1, precision: 2 / 3, recall: 2 / 3, f1: 2 / 3 });
    // hosting: d right; c wrong; b missed.
    expect(report.perTopic[1]).toEqual({ topic: 'hosting', tp: 1, fp: 1, fn: 1, precision: 0.5, recall: 0.5, f1: 0.5 });
  });

  it('a topic never expected nor predicted scores 1 (nothing to get wrong), not 0 or NaN', () => {
    const report = run();
    expect(report.perTopic[2]).toEqual({ topic: 'containers', tp: 0, fp: 0, fn: 0, precision: 1, recall: 1, f1: 1 });
  });

  it('micro scores add the counts of all topics', () => {
    const report = run();
    expect(report.micro).toEqual({ tp: 3, fp: 2, fn: 2, precision: 0.6, recall: 0.6, f1: 0.6 });
  });

  it('lists each wrong item once, with what was expected, what came out and the note', () => {
    const report = run();
    expect(report.misses).toEqual([
      { title: 'b', expected: ['kernel', 'hosting'], got: ['kernel'] },
      { title: 'c', expected: [], got: ['kernel', 'hosting'], note: 'weder noch' },
      { title: 'e', expected: ['kernel'], got: [] },
    ]);
  });

  it('precision and recall differ when only one kind of error happens; both 0 gives F1 0', () => {
    const onlyFalsePositives = evaluate([{ title: 'x', labels: [] }, { title: 'y', labels: ['kernel'] }], ['kernel'], byTitle({ x: ['kernel'], y: ['kernel'] }));
    expect(onlyFalsePositives.perTopic[0]).toEqual({ topic: 'kernel', tp: 1, fp: 1, fn: 0, precision: 0.5, recall: 1, f1: 2 / 3 });
    const onlyMisses = evaluate([{ title: 'x', labels: ['kernel'] }, { title: 'y', labels: ['kernel'] }], ['kernel'], byTitle({ y: ['kernel'] }));
    expect(onlyMisses.perTopic[0]).toEqual({ topic: 'kernel', tp: 1, fp: 0, fn: 1, precision: 1, recall: 0.5, f1: 2 / 3 });
    const allWrong = evaluate([{ title: 'x', labels: ['kernel'] }, { title: 'y', labels: [] }], ['kernel'], byTitle({ y: ['kernel'] }));
    expect(allWrong.perTopic[0]).toEqual({ topic: 'kernel', tp: 0, fp: 1, fn: 1, precision: 0, recall: 0, f1: 0 });
    const noPredictions = evaluate([{ title: 'x', labels: ['kernel'] }], ['kernel'], byTitle({}));
    expect(noPredictions.perTopic[0]).toEqual({ topic: 'kernel', tp: 0, fp: 0, fn: 1, precision: 1, recall: 0, f1: 0 });
  });

  it('passes title, summary (empty when missing) and content (only when present) to the classifier', () => {
    const seen: unknown[] = [];
    evaluate([{ title: 't', labels: [] }, { title: 'u', summary: 's', content: 'c', labels: [] }, { title: 'v', content: '', labels: [] }], ['kernel'], (text) => {
      seen.push(text);
      return { topics: [] };
    });
    expect(seen).toEqual([{ title: 't', summary: '' }, { title: 'u', summary: 's', content: 'c' }, { title: 'v', summary: '' }]);
  });

  it('labels of topics outside the evaluated list count nowhere', () => {
    const report = evaluate([{ title: 'x', labels: ['desktop'] }], ['kernel'], byTitle({ x: ['desktop'] }));
    expect(report.perTopic).toEqual([{ topic: 'kernel', tp: 0, fp: 0, fn: 0, precision: 1, recall: 1, f1: 1 }]);
    expect(report.misses).toEqual([]);
  });
});

describe('readLabelledSet', () => {
  it('reads one example per line and skips blank lines', () => {
    const file = path.join(tmp, 'ok.jsonl');
    writeFileSync(file, '{"title":"A","labels":["kernel"]}\n\n   \n{"title":"B","summary":"s","labels":[],"note":"n"}\n');
    expect(readLabelledSet(file)).toEqual([{ title: 'A', labels: ['kernel'] }, { title: 'B', summary: 's', labels: [], note: 'n' }]);
  });

  it('names the file and line of a broken or incomplete example', () => {
    const broken = path.join(tmp, 'broken.jsonl');
    writeFileSync(broken, '{"title":"A","labels":[]}\n\n{"title": "B", labels: []}\n');
    expect(() => readLabelledSet(broken)).toThrow(`${broken}:3: not valid JSON`);
    expect(() => readLabelledSet(broken)).toThrow(expect.objectContaining({ cause: expect.any(SyntaxError) }));
    const noLabels = path.join(tmp, 'no-labels.jsonl');
    writeFileSync(noLabels, '{"title":"A","labels":"kernel"}\n');
    expect(() => readLabelledSet(noLabels)).toThrow(`${noLabels}:1: needs "title" and "labels"`);
    const noTitle = path.join(tmp, 'no-title.jsonl');
    writeFileSync(noTitle, '{"title":"A","labels":[]}\n{"labels":[]}\n');
    expect(() => readLabelledSet(noTitle)).toThrow(`${noTitle}:2: needs "title" and "labels"`);
  });
});

describe('the substring baseline', () => {
  it('finds each needle in title, summary or content, in any case', () => {
    const classify = classifyBySubstring(SUBSTRING_BASELINE);
    expect(classify({ title: 'Neuer KERNEL' }).topics).toEqual(['kernel']);
    expect(classify({ title: 'x', summary: 'Docker-Container' }).topics).toEqual(['containers']);
    expect(classify({ title: 'x', content: 'Webhosting bei Hetzner' }).topics).toEqual(['hosting']);
    expect(classify({ title: 'Kernel im Container beim Hoster' }).topics).toEqual(['kernel', 'containers', 'hosting']);
    expect(classify({ title: 'Wetter' }).topics).toEqual([]);
    // The fields are joined with a line break, so a needle never spans two of them.
    expect(classifyBySubstring({ x: 'ab' })({ title: 'a', summary: 'b' }).topics).toEqual([]);
    // A missing summary or content adds no text of its own.
    expect(classifyBySubstring({ x: 'stryker', y: 'undefined' })({ title: 'a' }).topics).toEqual([]);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRules } from '../../src/classify/classifier.js';
import { planRulesDelta, type RulesDefinition } from '../../src/classify/rules-delta.js';
import { topicRulesSchema, type TopicRulesInput } from '../../src/classify/rules-schema.js';
import type { SourceConfig } from '../../src/config/schema.js';

/**
 * The claim of rules-delta.ts, against classifying from scratch: after any
 * edit, an article that no probe term hits and whose sources allow the same
 * topics keeps its previous topics; every other article is classified again.
 * The rules and texts are drawn from one small vocabulary, so that terms hit,
 * overlap, mask each other and meet their other meanings often.
 */

const TERMS = [
  'kernel', 'kernel*', '*kernel', '*ern*', '=kern', 'linux #.#', '#.#', 'rust for linux', 'jupyter-kernel', 'kernel ^0.5',
  'container', 'container* ^0.5', '*hoster', 'docker', '=k8s', 'podman ^2', 'kaese', 'gpu', 'cuda', 'hetzner', 'linux',
];
const EXCLUDES = ['jupyter-kernel', '!windows', 'cuda-kernel', 'müllcontainer', 'gpu*', '!=k8s', 'kaese'];
const SENSE_WORDS = ['cuda', 'gpu*', 'python', 'notebook', 'schiff'];
const WORDS = [
  'Kernel', 'Kernels', 'Linux-Kernel', 'Kernelentwickler', 'Jupyter-Kernel', 'Jupyterkernel', 'CUDA-Kernel', 'GPU', 'Linux 6.12', 'Linux',
  'Rust for Linux', 'Windows', 'Käse', 'K&auml;se', 'Kern', 'Container', 'Müllcontainer', 'Containerisierung', 'Docker', 'K8s', 'Podman',
  'Webhoster', 'Hetzner', 'Python', 'Notebook', 'Schiff', 'Scheduler', 'Torvalds', 'die', 'und', '2024', '<b>x</b>', 'Jupyter', 'Rust',
  // Words the shipped model weighs against its topics: a rules match among them is vetoed.
  'KI', 'KI', 'Apple', 'Cloud', 'Kubernetes', 'KI Apple Cloud Windows',
];

const topicNames = ['a', 'b', 'c', 'd'] as const;
const topicRules: fc.Arbitrary<TopicRulesInput> = fc
  .record({
    include: fc.array(fc.constantFrom(...TERMS), { minLength: 1, maxLength: 5 }),
    exclude: fc.array(fc.constantFrom(...EXCLUDES), { maxLength: 2 }),
    senses: fc.array(fc.constantFrom(...SENSE_WORDS), { maxLength: 2 }),
    minScore: fc.constantFrom(0.5, 1, 1.5, 2),
    titleWeight: fc.constantFrom(1, 2),
    contentWeight: fc.constantFrom(0.5, 1),
    model: fc.constantFrom(undefined, 'kernel', 'containers'),
  })
  .map(({ senses, ...r }) => ({
    ...r,
    ...(r.model === undefined ? {} : { model: r.model }),
    // Words of another meaning for the first include term (the schema wants an include term as the key).
    homonyms: senses.length > 0 ? { [r.include[0]!]: senses } : {},
  }));

const definition = fc.record({
  topics: fc.dictionary(fc.constantFrom(...topicNames), topicRules, { minKeys: 1, maxKeys: 4 }),
  restrict: fc.array(fc.tuple(fc.constantFrom('s1', 's2'), fc.subarray([...topicNames], { minLength: 1 })), { maxLength: 2 }),
});

/** One edit an editor might make, applied to a definition. */
const edit = fc.oneof(
  fc.record({ kind: fc.constant('addInclude' as const), topic: fc.constantFrom(...topicNames), term: fc.constantFrom(...TERMS) }),
  fc.record({ kind: fc.constant('removeInclude' as const), topic: fc.constantFrom(...topicNames), at: fc.nat() }),
  fc.record({ kind: fc.constant('addExclude' as const), topic: fc.constantFrom(...topicNames), term: fc.constantFrom(...EXCLUDES) }),
  fc.record({ kind: fc.constant('removeExclude' as const), topic: fc.constantFrom(...topicNames), at: fc.nat() }),
  fc.record({ kind: fc.constant('senses' as const), topic: fc.constantFrom(...topicNames), words: fc.array(fc.constantFrom(...SENSE_WORDS), { maxLength: 2 }), at: fc.nat() }),
  fc.record({ kind: fc.constant('setting' as const), topic: fc.constantFrom(...topicNames), minScore: fc.constantFrom(0.5, 1, 2), contentWeight: fc.constantFrom(0.5, 1), model: fc.constantFrom(undefined, 'kernel') }),
  fc.record({ kind: fc.constant('replaceTopic' as const), topic: fc.constantFrom(...topicNames), rules: topicRules }),
  fc.record({ kind: fc.constant('removeTopic' as const), topic: fc.constantFrom(...topicNames) }),
  fc.record({ kind: fc.constant('reorder' as const), seed: fc.nat() }),
  fc.record({ kind: fc.constant('restrict' as const), restrict: fc.array(fc.tuple(fc.constantFrom('s1', 's2'), fc.subarray([...topicNames], { minLength: 1 })), { maxLength: 2 }) }),
);
type Edit = typeof edit extends fc.Arbitrary<infer E> ? E : never;
type Draft = { topics: Record<string, TopicRulesInput>; restrict: [string, string[]][] };

function applyEdit(before: Draft, e: Edit): Draft {
  const topics = structuredClone(before.topics);
  let restrict = before.restrict;
  const t = 'topic' in e ? topics[e.topic] : undefined;
  switch (e.kind) {
    case 'addInclude':
      if (t) t.include = [...t.include, e.term];
      else topics[e.topic] = { include: [e.term] };
      break;
    case 'removeInclude':
      if (t && t.include.length > 1) {
        const [gone] = t.include.splice(e.at % t.include.length, 1);
        if (t.homonyms && gone !== undefined && !t.include.includes(gone)) delete t.homonyms[gone];
      }
      break;
    case 'addExclude':
      if (t) t.exclude = [...(t.exclude ?? []), e.term];
      break;
    case 'removeExclude':
      if (t?.exclude?.length) t.exclude.splice(e.at % t.exclude.length, 1);
      break;
    case 'senses':
      if (t) {
        const key = t.include[e.at % t.include.length]!;
        t.homonyms = { ...t.homonyms };
        if (e.words.length > 0) t.homonyms[key] = e.words;
        else delete t.homonyms[key];
      }
      break;
    case 'setting':
      if (t) {
        t.minScore = e.minScore;
        t.contentWeight = e.contentWeight;
        if (e.model) t.model = e.model as TopicRulesInput['model'];
        else delete t.model;
      }
      break;
    case 'replaceTopic':
      topics[e.topic] = structuredClone(e.rules);
      break;
    case 'removeTopic':
      if (Object.keys(topics).length > 1) delete topics[e.topic];
      break;
    case 'reorder': {
      const entries = Object.entries(topics);
      const k = e.seed % entries.length;
      return { topics: Object.fromEntries([...entries.slice(k), ...entries.slice(0, k)].reverse()), restrict };
    }
    case 'restrict':
      restrict = e.restrict;
      break;
  }
  return { topics, restrict };
}

function compile(draft: Draft): RulesDefinition {
  const topics = Object.fromEntries(Object.entries(draft.topics).map(([name, r]) => [name, topicRulesSchema.parse(r)]));
  const sources = ['s1', 's2', 's3'].map((name) => {
    const only = draft.restrict.find(([n]) => n === name)?.[1].filter((t) => t in topics);
    return { name, url: `http://127.0.0.1/${name}`, ...(only && only.length > 0 ? { topics: only } : {}) } as SourceConfig;
  });
  return { topics, sources };
}

const phrase = fc.array(fc.constantFrom(...WORDS), { maxLength: 8 }).map((w) => w.join(' '));
const article = fc.record({
  title: phrase,
  summary: fc.option(phrase, { nil: undefined }),
  content: fc.option(phrase.map((p) => `<p>${p}</p>`), { nil: undefined }),
  sources: fc.subarray(['s1', 's2', 's3'], { minLength: 1 }),
});

describe('rules delta: an article no changed term hits keeps its topics', () => {
  it('gives the topics of classifying from scratch, for random rules, edits and articles', () => {
    let carried = 0;
    let probed = 0;
    fc.assert(
      fc.property(definition, fc.array(edit, { minLength: 1, maxLength: 3 }), fc.array(article, { minLength: 1, maxLength: 12 }), (start, edits, articles) => {
        const beforeDraft = { topics: start.topics, restrict: start.restrict } as Draft;
        const afterDraft = edits.reduce(applyEdit, beforeDraft);
        const before = compile(beforeDraft);
        const after = compile(afterDraft);
        const oldRules = compileRules(before.topics, before.sources);
        const newRules = compileRules(after.topics, after.sources);
        const delta = planRulesDelta(before, after);
        expect(delta.topics).toEqual(Object.keys(after.topics));
        for (const a of articles) {
          const text = { title: a.title, summary: a.summary, content: a.content, sources: a.sources };
          const expected = newRules.classify(text).topics;
          const reclassify = delta.allowsOtherTopics(a.sources.map((name) => ({ name }))) || (delta.probe?.hits(text) ?? false);
          if (reclassify) {
            probed++;
            continue;
          }
          carried++;
          expect(delta.carriedOver(oldRules.classify(text).topics)).toEqual(expected);
        }
      }),
      { numRuns: 600 },
    );
    // Both paths were taken often enough to mean something.
    expect(carried).toBeGreaterThan(500);
    expect(probed).toBeGreaterThan(500);
  });

  it('probes nothing when the rules are the same, and only the changed term when one is added', () => {
    const before = compile({ topics: { a: { include: ['kernel', 'linux #.#'] }, b: { include: ['docker'] } }, restrict: [] });
    const same = planRulesDelta(before, compile({ topics: { b: { include: ['docker'] }, a: { include: ['kernel', 'linux #.#'] } }, restrict: [] }));
    expect(same.probe).toBeUndefined();
    expect(same.carriedOver(['a', 'b'])).toEqual(['b', 'a']);
    const added = planRulesDelta(before, compile({ topics: { a: { include: ['kernel', 'linux #.#', 'torvalds'] }, b: { include: ['docker'] } }, restrict: [] }));
    expect(added.probe?.hits({ title: 'Torvalds antwortet' })).toBe(true);
    // The unchanged terms are not probed: their hits decide as before.
    expect(added.probe?.hits({ title: 'Linux 6.12 mit neuem Kernel', content: '<p>Docker</p>' })).toBe(false);
    const dropped = planRulesDelta(before, compile({ topics: { a: { include: ['kernel', 'linux #.#'] } }, restrict: [] }));
    expect(dropped.probe).toBeUndefined();
    expect(dropped.carriedOver(['a', 'b'])).toEqual(['a']);
  });

  it('probes every include term of a topic whose settings changed', () => {
    const before = compile({ topics: { a: { include: ['kernel', 'torvalds'], minScore: 1 } }, restrict: [] });
    const after = planRulesDelta(before, compile({ topics: { a: { include: ['kernel', 'torvalds'], minScore: 2 } }, restrict: [] }));
    expect(after.probe?.hits({ title: 'Torvalds' })).toBe(true);
    expect(after.probe?.hits({ title: 'Ein Kernel' })).toBe(true);
    expect(after.probe?.hits({ title: 'Docker' })).toBe(false);
  });

  it('finds a term hidden by HTML entities and umlauts in the content', () => {
    const before = compile({ topics: { a: { include: ['docker'] } }, restrict: [] });
    const delta = planRulesDelta(before, compile({ topics: { a: { include: ['docker', 'kaese'] } }, restrict: [] }));
    expect(delta.probe?.hits({ title: 'x', content: '<p>K&auml;se</p>' })).toBe(true);
    expect(delta.probe?.hits({ title: 'x', content: '<p>KÄSE</p>' })).toBe(true);
    expect(delta.probe?.hits({ title: 'x', content: '<p>Kas</p>' })).toBe(false);
  });

  it('re-classifies the articles of a source whose restriction changed', () => {
    const before = compile({ topics: { a: { include: ['kernel'] }, b: { include: ['docker'] } }, restrict: [['s1', ['a']]] });
    const delta = planRulesDelta(before, compile({ topics: { a: { include: ['kernel'] }, b: { include: ['docker'] } }, restrict: [['s1', ['a', 'b']]] }));
    expect(delta.probe).toBeUndefined();
    expect(delta.allowsOtherTopics([{ name: 'S1' }])).toBe(true);
    expect(delta.allowsOtherTopics([{ name: 's2' }])).toBe(false);
    // Another unrestricted source lends every topic under both rule sets.
    expect(delta.allowsOtherTopics([{ name: 's1' }, { name: 's2' }])).toBe(false);
  });
});

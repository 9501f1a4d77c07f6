import { describe, expect, it } from 'vitest';
import { planRulesDelta, TermProbe, type RulesDefinition } from '../../src/classify/rules-delta.js';
import { topicRulesSchema, type TopicRulesInput } from '../../src/classify/rules-schema.js';
import { parseTerm } from '../../src/classify/term.js';
import type { SourceConfig } from '../../src/config/schema.js';

/**
 * What a rules edit can change, case by case (the property test beside this
 * file checks the whole claim against classifying from scratch on random
 * edits; these pin each rule of the plan by name, so that a broken one says
 * which).
 */

function definition(topics: Record<string, TopicRulesInput>, restrict: Record<string, string[]> = {}): RulesDefinition {
  return {
    topics: Object.fromEntries(Object.entries(topics).map(([name, r]) => [name, topicRulesSchema.parse(r)])),
    sources: ['s1', 's2', 's3'].map(
      (name) => ({ name, url: `http://127.0.0.1/${name}`, ...(restrict[name] ? { topics: restrict[name] } : {}) }) as SourceConfig,
    ),
  };
}

const probeTerms = (before: RulesDefinition, after: RulesDefinition): string[] | undefined =>
  planRulesDelta(before, after).probe?.terms.map((t) => t.raw).sort();

describe('planRulesDelta: the terms to probe', () => {
  it('finds none when nothing changed, and keeps the topic order of the new rules', () => {
    const rules = { kernel: { include: ['kernel', 'torvalds'], exclude: ['jupyter-kernel'] }, hosting: { include: ['hetzner'] } };
    const delta = planRulesDelta(definition(rules), definition(rules));
    expect(delta.probe).toBeUndefined();
    expect(delta.topics).toEqual(['kernel', 'hosting']);
  });

  it('probes an added and a removed include term, not the ones both lists have', () => {
    const before = definition({ kernel: { include: ['kernel', 'torvalds'] } });
    const after = definition({ kernel: { include: ['kernel', 'ebpf'] } });
    expect(probeTerms(before, after)).toEqual(['ebpf', 'torvalds']);
  });

  it('counts a term written twice: removing one copy is a change', () => {
    const before = definition({ kernel: { include: ['kernel', 'kernel'] } });
    const after = definition({ kernel: { include: ['kernel'] } });
    expect(probeTerms(before, after)).toEqual(['kernel']);
  });

  it('probes a changed exclude term, a whole-topic veto included', () => {
    const before = definition({ kernel: { include: ['kernel'], exclude: ['jupyter-kernel'] } });
    const after = definition({ kernel: { include: ['kernel'], exclude: ['!windows'] } });
    const delta = planRulesDelta(before, after);
    expect(delta.probe!.terms.map((t) => t.raw).sort()).toEqual(['!windows', 'jupyter-kernel']);
    expect(delta.probe!.terms.find((t) => t.raw === '!windows')!.veto).toBe(true);
  });

  it('probes every include term of both versions when a setting of the topic changed', () => {
    const base = { include: ['kernel', 'torvalds'], exclude: ['jupyter-kernel'] };
    for (const changed of [{ minScore: 2 }, { titleWeight: 2 }, { contentWeight: 0.5 }, { model: 'kernel' as const }]) {
      const before = definition({ kernel: base, hosting: { include: ['hetzner'] } });
      const after = definition({ kernel: { ...base, include: ['kernel', 'ebpf'], ...changed }, hosting: { include: ['hetzner'] } });
      // Excludes can only take articles out of the topic: the includes of both versions bound it.
      expect(probeTerms(before, after), JSON.stringify(changed)).toEqual(['ebpf', 'kernel', 'torvalds']);
    }
  });

  it('treats the defaults as written: minScore 1, weights 1, no model', () => {
    const before = definition({ kernel: { include: ['kernel'] } });
    const after = definition({ kernel: { include: ['kernel'], minScore: 1, titleWeight: 1, contentWeight: 1 } });
    expect(planRulesDelta(before, after).probe).toBeUndefined();
  });

  it('probes every include term of a new topic, and nothing for a topic that is gone', () => {
    const before = definition({ kernel: { include: ['kernel'] }, old: { include: ['fax'] } });
    const after = definition({ kernel: { include: ['kernel'] }, hosting: { include: ['hetzner', 'webhoster'] } });
    const delta = planRulesDelta(before, after);
    expect(delta.probe!.terms.map((t) => t.raw).sort()).toEqual(['hetzner', 'webhoster']);
    expect(delta.topics).toEqual(['kernel', 'hosting']);
  });

  it('probes a word of another meaning that was added, removed or moved to another include term', () => {
    const include = ['kernel*', 'linux'];
    const none = definition({ kernel: { include } });
    const cuda = definition({ kernel: { include, homonyms: { 'kernel*': ['cuda'] } } });
    const moved = definition({ kernel: { include, homonyms: { linux: ['cuda'] } } });
    expect(probeTerms(none, cuda)).toEqual(['cuda']);
    expect(probeTerms(cuda, none)).toEqual(['cuda']);
    expect(probeTerms(cuda, cuda)).toBeUndefined();
    // The same word now disarms another term: articles holding it may decide differently.
    expect(probeTerms(cuda, moved)).toEqual(['cuda', 'cuda']);
  });
});

describe('planRulesDelta: sources restricted to topics', () => {
  it('allows the same topics when the restrictions are the same', () => {
    const rules = { a: { include: ['kernel'] }, b: { include: ['docker'] } };
    const delta = planRulesDelta(definition(rules, { s1: ['a'] }), definition(rules, { s1: ['a'] }));
    expect(delta.allowsOtherTopics([{ name: 's1' }])).toBe(false);
    expect(delta.allowsOtherTopics([{ name: 's2' }])).toBe(false);
  });

  it('allows other topics to a source whose restriction changed, not to the others', () => {
    const rules = { a: { include: ['kernel'] }, b: { include: ['docker'] } };
    const delta = planRulesDelta(definition(rules, { s1: ['a'], s2: ['b'] }), definition(rules, { s1: ['a', 'b'], s2: ['b'] }));
    expect(delta.allowsOtherTopics([{ name: 's1' }])).toBe(true);
    expect(delta.allowsOtherTopics([{ name: 's2' }])).toBe(false);
    expect(delta.allowsOtherTopics([{ name: 's3' }])).toBe(false);
  });

  it('notices a restriction added, dropped, or swapped for another of the same size', () => {
    const rules = { a: { include: ['kernel'] }, b: { include: ['docker'] } };
    const added = planRulesDelta(definition(rules), definition(rules, { s2: ['b'] }));
    expect(added.allowsOtherTopics([{ name: 's2' }])).toBe(true);
    expect(added.allowsOtherTopics([{ name: 's1' }])).toBe(false);
    const dropped = planRulesDelta(definition(rules, { s2: ['b'] }), definition(rules));
    expect(dropped.allowsOtherTopics([{ name: 's2' }])).toBe(true);
    const swapped = planRulesDelta(definition(rules, { s1: ['a'] }), definition(rules, { s1: ['b'] }));
    expect(swapped.allowsOtherTopics([{ name: 's1' }])).toBe(true);
    const renamed = planRulesDelta(definition(rules, { s1: ['a'] }), definition(rules, { s2: ['a'] }));
    expect(renamed.allowsOtherTopics([{ name: 's1' }])).toBe(true);
    expect(renamed.allowsOtherTopics([{ name: 's3' }])).toBe(false);
  });

  it('asks about every source of an article carried by several', () => {
    const rules = { a: { include: ['kernel'] }, b: { include: ['docker'] } };
    const delta = planRulesDelta(definition(rules, { s1: ['a'], s2: ['a'] }), definition(rules, { s1: ['a'], s2: ['a', 'b'] }));
    expect(delta.allowsOtherTopics([{ name: 's1' }])).toBe(false);
    expect(delta.allowsOtherTopics([{ name: 's1' }, { name: 's2' }])).toBe(true);
  });
});

describe('planRulesDelta: carriedOver', () => {
  it('keeps the previous topics still configured, in the order of the new rules', () => {
    const before = definition({ a: { include: ['kernel'] }, b: { include: ['docker'] }, c: { include: ['hetzner'] } });
    const after = definition({ c: { include: ['hetzner'] }, a: { include: ['kernel'] } });
    const delta = planRulesDelta(before, after);
    expect(delta.carriedOver(['a', 'c'])).toEqual(['c', 'a']);
    expect(delta.carriedOver(['a', 'b', 'c'])).toEqual(['c', 'a']);
    expect(delta.carriedOver(['b'])).toEqual([]);
    expect(delta.carriedOver(['a'])).toEqual(['a']);
    expect(delta.carriedOver([])).toEqual([]);
  });

  it('hands back the previous list itself when every topic stays, in the same order (no new list per article)', () => {
    const rules = { a: { include: ['kernel'] }, b: { include: ['docker'] }, c: { include: ['hetzner'] } };
    const delta = planRulesDelta(definition(rules), definition({ ...rules, a: { include: ['kernel', 'ebpf'] } }));
    const kept = ['a', 'c'];
    expect(delta.carriedOver(kept)).toBe(kept);
    // Out of order or with a topic gone: a new list, the old one untouched.
    const unordered = ['c', 'a'];
    expect(delta.carriedOver(unordered)).toEqual(['a', 'c']);
    expect(unordered).toEqual(['c', 'a']);
  });
});

describe('TermProbe', () => {
  const probe = (...terms: string[]): TermProbe => new TermProbe(terms.map((t) => parseTerm(t, { allowVeto: true })));

  it('hits title, summary or content (HTML read as text), folded as the classifier folds', () => {
    const p = probe('kernel');
    expect(p.hits({ title: 'Neuer Kernel' })).toBe(true);
    expect(p.hits({ title: 'Nichts', summary: 'Linux-Kernels im Test' })).toBe(true);
    expect(p.hits({ title: 'Nichts', summary: 'auch nichts', content: '<p>Der <b>Kernel</b> wächst</p>' })).toBe(true);
    expect(p.hits({ title: 'Nichts', summary: 'auch nichts', content: '<p kernel="attribut">Text</p>' })).toBe(false);
    expect(p.hits({ title: 'Nichts' })).toBe(false);
  });

  it('looks at the head alone or the content alone when asked', () => {
    const p = probe('docker');
    expect(p.hitsHead({ title: 'Docker Desktop 5' })).toBe(true);
    expect(p.hitsHead({ title: 'Nichts', summary: 'mit Docker' })).toBe(true);
    expect(p.hitsHead({ title: 'Nichts', summary: undefined })).toBe(false);
    expect(p.hitsContent('<p>Docker</p>')).toBe(true);
    expect(p.hitsContent('<p>Podman</p>')).toBe(false);
    expect(p.hitsContent(undefined)).toBe(false);
    expect(p.hitsContent('')).toBe(false);
    expect(p.hitsPlain(undefined)).toBe(false);
    expect(p.hitsPlain('')).toBe(false);
  });

  it('answers for any one of several terms, each with its own word parts', () => {
    const p = probe('rust for linux', 'webhoster', 'ebpf');
    expect(p.hitsPlain('Neues von Rust for Linux')).toBe(true);
    expect(p.hitsPlain('Der Webhoster meldet')).toBe(true);
    expect(p.hitsPlain('eBPF-Programme')).toBe(true);
    // The parts of a term, but not as the term: the cheap check lets it through, the index says no.
    expect(p.hitsPlain('Linux ist in Rust for sure')).toBe(false);
    expect(p.hitsPlain('Der Hoster meldet')).toBe(false);
  });

  it('reads umlauts and ß like the classifier (Müll = Muell)', () => {
    const p = probe('müllcontainer');
    expect(p.hitsPlain('Muellcontainer brennt')).toBe(true);
    expect(p.hitsPlain('Müllcontainer brennt')).toBe(true);
  });

  it('finds a term of numbers only, which has no word part to look for first', () => {
    const p = probe('#.#');
    expect(p.hitsPlain('Version 6.12 ist da')).toBe(true);
    expect(p.hitsPlain('Version sechs ist da')).toBe(false);
    const mixed = probe('#.#', 'docker');
    expect(mixed.hitsPlain('Docker')).toBe(true);
    expect(mixed.hitsPlain('6.12')).toBe(true);
    expect(mixed.hitsPlain('nichts')).toBe(false);
  });

  it('needs the term, not only its longest part: "linux #.#" is not "Linux" alone', () => {
    const p = probe('linux #.#');
    expect(p.hitsPlain('Linux 6.12 erschienen')).toBe(true);
    expect(p.hitsPlain('Linux erschienen')).toBe(false);
  });
});

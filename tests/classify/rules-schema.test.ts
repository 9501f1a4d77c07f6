import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';

function problemsOf(topicsYaml: string): { path: string; message: string; line?: number }[] {
  try {
    parseConfig(`topics:\n${topicsYaml}`, '/tmp/feedkurator.yaml', { env: {}, cwd: '/tmp' });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('topic rules in the config schema', () => {
  it('accepts every documented form and fills in the defaults', () => {
    const cfg = parseConfig(
      [
        'topics:',
        '  kernel:',
        '    include: [kernel, "kernel*", "*kernel", "*kernel*", "=lkml", rust for linux, jupyter-kernel, "linux #.#", "scheduler ^0.5"]',
        '    exclude: [jupyter-kernel, "!ipython*"]',
      ].join('\n'),
      '/tmp/f.yaml',
      { env: {}, cwd: '/tmp' },
    );
    expect(cfg.topics.kernel).toMatchObject({ minScore: 1, titleWeight: 1, contentWeight: 1 });
  });

  it('points at the exact term that is wrong, with its line', () => {
    const problems = problemsOf(
      ['  kernel:', '    include:', '      - kernel', '      - torvalds', '      - lkml', '      - "ker*nel"', '    exclude: ["!jupyter", "=x*"]'].join('\n'),
    );
    expect(problems).toEqual([
      { path: 'topics.kernel.include[3]', message: '"ker*nel": "*" is only allowed at the start or end of a term', line: 7 },
      { path: 'topics.kernel.exclude[1]', message: '"=x*": "=" (exact word) cannot be combined with "*"', line: 8 },
    ]);
  });

  it('refuses a veto in include, weights that make no sense and unknown keys', () => {
    const problems = problemsOf(
      ['  hosting:', '    include: ["!hoster", "hoster ^0"]', '    minScore: 0', '    titleWeight: 0.5', '    contentWeight: 2', '    treshold: 2'].join('\n'),
    );
    expect(problems.map((p) => p.path).sort()).toEqual([
      'topics.hosting.contentWeight',
      'topics.hosting.include[0]',
      'topics.hosting.include[1]',
      'topics.hosting.minScore',
      'topics.hosting.titleWeight',
      'topics.hosting.treshold',
    ]);
    expect(problems.find((p) => p.path === 'topics.hosting.include[0]')?.message).toMatch(/only allowed in exclude/);
  });

  it('homonyms name include terms of the same topic, each with valid words of the other meaning', () => {
    const problems = problemsOf(
      ['  kernel:', '    include: ["*kernel*"]', '    homonyms:', '      "kernel*": [cuda]', '      "*kernel*": ["=gpu*"]', '  hosting:', '    include: [hoster]', '    homonyms:', '      hoster: []'].join('\n'),
    );
    expect(problems.map((p) => `${p.path}: ${p.message}`).sort()).toEqual([
      'topics.hosting.homonyms.hoster: list at least one word of the other meaning',
      'topics.kernel.homonyms.*kernel*[0]: "=gpu*": "=" (exact word) cannot be combined with "*"',
      'topics.kernel.homonyms.kernel*: "kernel*" is not one of this topic\'s include terms',
    ]);
  });

  it('refuses a topic without include terms and empty terms', () => {
    const problems = problemsOf(['  kernel:', '    include: []', '  hosting:', '    include: ["  "]'].join('\n'));
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'topics.kernel.include: a topic needs at least one include term',
      'topics.hosting.include[0]: empty term',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import type { TopicModel } from '../../src/classify/model.js';
import { rules } from './helpers.js';

describe('deciding a topic at its edges', () => {
  it('weights that add up to minScore only up to rounding still reach it (0.7 + 0.2 + 0.1 in floating point is below 1)', () => {
    expect(0.7 + 0.2 + 0.1).toBeLessThan(1);
    const c = rules({ t: { include: ['alpha ^0.7', 'beta ^0.2', 'gamma ^0.1'] } });
    expect(c.classify({ title: 'alpha beta gamma' }).topics).toEqual(['t']);
    expect(c.classify({ title: 'alpha beta' }).topics).toEqual([]);
  });

  it('the matched terms are listed in the order of the include list, whatever the text order', () => {
    const c = rules({ t: { include: ['kernel', 'torvalds', 'scheduler'] } });
    expect(c.classify({ title: 'Scheduler: Torvalds lobt den Kernel' }).matches).toEqual({ t: ['kernel', 'torvalds', 'scheduler'] });
  });

  it('a term in title and body counts once, with the better field factor', () => {
    const c = rules({ t: { include: ['kernel ^0.6'], titleWeight: 2, contentWeight: 0.5 } });
    expect(c.classify({ title: 'Kernel', content: 'Kernel' }).topics).toEqual(['t']);
    expect(c.classify({ title: 'x', content: 'Kernel' }).topics).toEqual([]);
    expect(c.classify({ title: 'x', summary: 'Kernel', content: 'Kernel' }).topics).toEqual([]);
  });

  it('a veto without any include term in the text leaves no trace; with one it is reported', () => {
    const c = rules({ t: { include: ['kernel'], exclude: ['!ipython*'] } });
    expect(c.classify({ title: 'IPython 8.20 erschienen' })).toEqual({ topics: [], matches: {}, excluded: {} });
    expect(c.classify({ title: 'IPython-Kernel 8.20' })).toEqual({ topics: [], matches: {}, excluded: { t: ['!ipython*'] } });
  });

  it('several deciding exclude terms are listed in the order of the exclude list', () => {
    const c = rules({ t: { include: ['*kernel*'], exclude: ['popcorn-kernel', 'jupyter-kernel'] } });
    expect(c.classify({ title: 'Jupyter-Kernel und Popcorn-Kernel' }).excluded).toEqual({ t: ['popcorn-kernel', 'jupyter-kernel'] });
  });

  it('a topic below minScore without an exclude or other meaning is not reported as excluded', () => {
    const c = rules({ t: { include: ['hostet ^0.5'] } });
    expect(c.classify({ title: 'Die Stadt hostet' })).toEqual({ topics: [], matches: {}, excluded: {} });
  });

  it('an empty field is skipped, and fields are not joined into one phrase', () => {
    const c = rules({ t: { include: ['rust for linux'] } });
    expect(c.classify({ title: 'Rust for', summary: 'Linux' }).topics).toEqual([]);
    expect(c.classify({ title: '', summary: 'Rust for Linux', content: '' }).topics).toEqual(['t']);
  });
});

describe('the model veto at its threshold', () => {
  // bias 0 and one word of weight w: probability 1 / (1 + e^-w).
  const model = (drop: number): TopicModel => ({ version: 1, trainedOn: 't', features: 'f', topics: { containers: { bias: 0, drop, weights: { mkv: -1 } } } });
  const p = 1 / (1 + Math.exp(1));

  it('a probability equal to the threshold is kept, one below it is dropped', () => {
    const at = rules({ containers: { include: ['container*'], model: 'containers' } }, undefined, model(p));
    expect(at.classify({ title: 'Container mkv' }).topics).toEqual(['containers']);
    const above = rules({ containers: { include: ['container*'], model: 'containers' } }, undefined, model(p + 1e-12));
    const dropped = above.classify({ title: 'Container mkv' });
    expect(dropped.topics).toEqual([]);
    expect(dropped.excluded).toEqual({ containers: ['model 0.27: mkv -1.00'] });
  });

  it('a vetoed topic had matched, so only the model\'s words are reported, not an exclude term that hid one mention', () => {
    const c = rules({ containers: { include: ['container*'], exclude: ['muellcontainer'], model: 'containers' } }, undefined, model(0.5));
    const r = c.classify({ title: 'Container mkv', summary: 'Müllcontainer' });
    expect(r.topics).toEqual([]);
    expect(r.excluded).toEqual({ containers: ['model 0.27: mkv -1.00'] });
  });

  it('modelContributions lists every topic that consults the model, and only those', () => {
    const c = rules({ containers: { include: ['container*'], model: 'containers' }, kernel: { include: ['kernel'] } }, undefined, model(0.1));
    const contributions = c.modelContributions({ title: 'mkv' });
    expect(Object.keys(contributions)).toEqual(['containers']);
    expect(contributions['containers']).toEqual({ probability: p, bias: 0, terms: [{ term: 'mkv', weight: -1 }] });
  });
});

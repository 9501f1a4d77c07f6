import { describe, expect, it } from 'vitest';
import { parseTerm, TermSyntaxError } from '../../src/classify/term.js';

describe('parseTerm', () => {
  it('reads the markers and keeps the term as written for explanations', () => {
    const t = parseTerm('  Kernel* ');
    expect(t.raw).toBe('Kernel*');
    expect(t.variants[0]).toMatchObject({ parts: ['kernel'], trailingStar: true, leadingStar: false, exact: false });
    expect(parseTerm('*hoster').variants[0]).toMatchObject({ leadingStar: true, trailingStar: false });
    expect(parseTerm('*container*').variants[0]).toMatchObject({ leadingStar: true, trailingStar: true });
    expect(parseTerm('=K8s').variants[0]).toMatchObject({ parts: ['k8s'], exact: true });
  });

  it('folds umlauts and ß in terms', () => {
    expect(parseTerm('Müllcontainer').variants[0]!.parts).toEqual(['muellcontainer']);
    expect(parseTerm('Straße').variants[0]!.parts).toEqual(['strasse']);
  });

  it('splits phrases into parts and adds the joined form for hyphenated compounds', () => {
    const t = parseTerm('Jupyter-Kernel');
    expect(t.variants.map((v) => v.parts)).toEqual([['jupyter', 'kernel'], ['jupyterkernel']]);
    expect(parseTerm('rust for linux').variants).toHaveLength(1);
    expect(parseTerm('kernel.org').variants[0]!.seps).toEqual([{ kind: 'exact', text: '.' }]);
    expect(parseTerm('linux #.#').variants[0]!.parts).toEqual(['linux', '#', '#']);
  });

  it('reads weights', () => {
    expect(parseTerm('hostet ^0.5').weight).toBe(0.5);
    expect(parseTerm('hostet').weight).toBe(1);
    expect(parseTerm('hostet ^2').raw).toBe('hostet ^2');
  });

  it('allows "!" only where vetoes make sense', () => {
    expect(parseTerm('!jupyter*', { allowVeto: true }).veto).toBe(true);
    expect(() => parseTerm('!jupyter*')).toThrow(/only allowed in exclude/);
  });

  it.each([
    ['*', 'no letters or digits'],
    ['---', 'no letters or digits'],
    ['ker*nel', 'only allowed at the start or end'],
    ['=kernel*', 'cannot be combined'],
    ['kernel ^0', 'greater than 0'],
    ['kernel^x', 'write a weight'],
    ['.net', 'starts with'],
    ['kernel.', 'ends with'],
    ['linux#', 'must stand alone'],
    ['#*', 'next to "#"'],
  ])('rejects %j with a message that says why', (term, message) => {
    expect(() => parseTerm(term, { allowVeto: true })).toThrow(TermSyntaxError);
    expect(() => parseTerm(term, { allowVeto: true })).toThrow(message);
  });
});

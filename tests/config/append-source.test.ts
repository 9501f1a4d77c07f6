import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { appendSource } from '../../src/config/append-source.js';
import { parseConfig } from '../../src/config/load.js';
import { ROOT } from '../helpers/cli.js';

const ENTRY = { name: 'Neu: Quelle #1', url: 'https://example.org/feed/', topics: ['kernel', 'hosting'] };
const BLOCK = '  - name: "Neu: Quelle #1"\n    url: https://example.org/feed/\n    topics: [kernel, hosting]\n';

describe('appendSource', () => {
  it('changes no byte of the shipped config but the new lines after the last source', () => {
    const text = readFileSync(path.join(ROOT, 'config', 'feedkurator.yaml'), 'utf8');
    const next = appendSource(text, ENTRY);
    const at = text.indexOf('    url: https://www.ip-insider.de/rss/news.xml\n') + '    url: https://www.ip-insider.de/rss/news.xml\n'.length;
    expect(next).toBe(text.slice(0, at) + BLOCK + text.slice(at));
    const config = parseConfig(next, 'feedkurator.yaml', { env: {} });
    expect(config.sources.at(-1)).toEqual(ENTRY);
    expect(config.sources).toHaveLength(parse(text).sources.length + 1);
  });

  it.each([
    ['an empty flow list', 'sources: []\nq: 1\n', `sources:\n${BLOCK}q: 1\n`],
    ['an empty list with a comment', 'sources: [] # none yet\nq: 1', `sources: # none yet\n${BLOCK}q: 1`],
    ['a null value', 'sources:\nq: 1\n', `sources:\n${BLOCK}q: 1\n`],
    ['no sources key', 'q: 1 # c', `q: 1 # c\nsources:\n${BLOCK}`],
    ['an unindented list without final newline', 'sources:\n- name: x\n  url: y', `sources:\n- name: x\n  url: y\n${BLOCK.replace(/^ {2}/gm, '')}`],
    ['a list followed by comments and keys', 'sources:\n  - name: x\n    url: y   # c\n  # more to come\nz: 2\n', `sources:\n  - name: x\n    url: y   # c\n${BLOCK}  # more to come\nz: 2\n`],
    ['wide list indentation', 'sources:\n    -   name: x\n        url: y\n', 'sources:\n    -   name: x\n        url: y\n    -   name: "Neu: Quelle #1"\n        url: https://example.org/feed/\n        topics: [kernel, hosting]\n'],
  ])('appends to %s', (_what, text, expected) => {
    const next = appendSource(text, ENTRY);
    expect(next).toBe(expected);
    expect(parse(next).sources.at(-1)).toEqual(ENTRY);
  });

  it('leaves out topics when the entry has none, and quotes what YAML would misread', () => {
    const next = appendSource('sources: []\n', { name: 'yes', url: 'https://example.org/?a=1&b=#x' });
    expect(parse(next).sources).toEqual([{ name: 'yes', url: 'https://example.org/?a=1&b=#x' }]);
    expect(next).not.toContain('topics');
  });
});

import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { compileRules, type Classifier } from '../../src/classify/classifier.js';
import { loadConfig } from '../../src/config/load.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// Compiled before each test, not at collection, where a mutation run's mutants are not switched on (docs/mutation.md).
let classifier: Classifier;
beforeEach(() => {
  const config = loadConfig({ configPath: path.join(ROOT, 'config', 'feedkurator.yaml'), env: {} });
  classifier = compileRules(config.topics);
});

// Words from the default vocabulary, hard cases and filler, so that random texts hit the rules often.
const WORDS = [
  'Kernel', 'Linux-Kernels', 'Kernelentwickler', 'Jupyter-Kernel', 'Torvalds', 'LKML', 'eBPF', 'Müllcontainer', 'Container-Schiff',
  'Containerisierung', 'Docker', 'K8s', 'Podman', 'Webhoster', 'Hosting-Anbieter', 'gehostet', 'hostet', 'Stadt', 'Rechenzentren',
  'Hostname', 'localhost', 'Größe', 'Straße', 'für', 'über', 'die', 'der', 'Linux', '6.12', 'und', 'IONOS', 'Hetzner', 'Übersicht',
];
const text = fc.array(fc.constantFrom(...WORDS), { maxLength: 12 }).map((w) => w.join(' '));
const swapUmlauts = (s: string) => s.replace(/ä/g, 'ae').replace(/ö/g, 'oe').replace(/ü/g, 'ue').replace(/ß/g, 'ss').replace(/Ü/g, 'Ue');

describe('classification is invariant under folding', () => {
  it('upper case, lower case and umlaut spellings give the same result', () => {
    fc.assert(
      fc.property(text, text, (title, summary) => {
        const base = classifier.classify({ title, summary });
        expect(classifier.classify({ title: title.toUpperCase(), summary: summary.toLowerCase() })).toEqual(base);
        expect(classifier.classify({ title: swapUmlauts(title), summary: swapUmlauts(summary) })).toEqual(base);
      }),
      { numRuns: 300 },
    );
  });

  it('wrapping the same words in HTML content gives the same topics as plain content', () => {
    fc.assert(
      fc.property(text, (body) => {
        const plain = classifier.classify({ title: '', content: body });
        const html = classifier.classify({ title: '', content: `<p class="kernel docker">${body.split(' ').join(' <b>x</b> ')}</p>` });
        // Extra filler words may split phrases; topics from single words must survive.
        for (const t of plain.topics) if (!plain.matches[t]!.some((m) => m.includes(' ') || m.includes('#'))) expect(html.topics).toContain(t);
      }),
      { numRuns: 200 },
    );
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import type { Classifier } from '../../src/classify/classifier.js';
import { rules } from './helpers.js';

// Each describe compiles its rules before each test, not at collection: Stryker switches a mutant on only while
// tests run, so rules compiled in a describe body would be the unmutated ones for every test (docs/mutation.md).

const topics = {
  kernel: { include: ['*kernel*', 'torvalds'], exclude: ['jupyter-kernel', '!ipython*'] },
  containers: { include: ['container*', '*container', 'docker*'], exclude: ['!container-schiff*', 'muellcontainer'] },
  hosting: { include: ['*hoster', 'hosting*', 'hostet ^0.5'], exclude: ['hostname*', 'stadt hostet'] },
};

describe('compileRules / classify', () => {
  let c: Classifier;
  beforeEach(() => {
    c = rules(topics);
  });

  it('lists the topics in config order', () => {
    expect(c.topics).toEqual(['kernel', 'containers', 'hosting']);
  });

  it('gives several topics and names the include terms as written', () => {
    const r = c.classify({ title: 'Torvalds über Kernel-Features für Docker-Container', summary: 'Webhoster profitieren' });
    expect(r.topics).toEqual(['kernel', 'containers', 'hosting']);
    expect(r.matches).toEqual({ kernel: ['*kernel*', 'torvalds'], containers: ['container*', '*container', 'docker*'], hosting: ['*hoster'] });
    expect(r.excluded).toEqual({});
  });

  it('gives nothing for an unrelated article', () => {
    expect(c.classify({ title: 'GNOME 47 setzt auf Akzentfarben', summary: 'Neue Dialoge' })).toEqual({ topics: [], matches: {}, excluded: {} });
  });

  it('an exclude term hides the words it covers and is reported when it decided', () => {
    const r = c.classify({ title: 'Jupyter-Kernel für R' });
    expect(r.topics).toEqual([]);
    expect(r.excluded).toEqual({ kernel: ['jupyter-kernel'] });
    expect(c.classify({ title: 'Müllcontainer per Sensor' }).excluded).toEqual({ containers: ['muellcontainer'] });
    expect(c.classify({ title: 'Hostname ändern' }).topics).toEqual([]);
  });

  it('a hidden word does not hide other mentions of the topic', () => {
    const r = c.classify({ title: 'Jupyter-Kernel stürzt ab', summary: 'Schuld ist ein Fehler im Linux-Kernel' });
    expect(r.topics).toEqual(['kernel']);
    expect(r.matches.kernel).toEqual(['*kernel*']);
  });

  it('a "!" exclude term vetoes the topic wherever it occurs', () => {
    const r = c.classify({ title: 'Containerschiff blockiert Kanal', summary: 'Ein Frachter mit 20.000 Containern' });
    expect(r.topics).toEqual([]);
    expect(r.excluded).toEqual({ containers: ['!container-schiff*'] });
    expect(c.classify({ title: 'IPython 8.20', content: '<p>Neuer Kernel für Linux</p>' }).topics).toEqual([]);
  });

  it('a phrase exclude hides a weak verb: die Stadt hostet die Konferenz', () => {
    expect(c.classify({ title: 'Die Stadt hostet die Konferenz', summary: 'Hosting-Anbieter sponsern' }).topics).toEqual(['hosting']);
    expect(c.classify({ title: 'Die Stadt hostet die Konferenz' }).topics).toEqual([]);
  });

  it('reads title, summary and HTML content; tags and attributes are not text', () => {
    expect(c.classify({ title: 'x', summary: 'Der Linux-Kernel' }).topics).toEqual(['kernel']);
    expect(c.classify({ title: 'x', content: '<p>Neuer <b>Kern</b>el?</p>' }).topics).toEqual([]);
    expect(c.classify({ title: 'x', content: '<p>Docker&nbsp;Desktop</p>' }).topics).toEqual(['containers']);
    expect(c.classify({ title: 'x', content: '<a href="https://docker.example/kernel">Bild</a>' }).topics).toEqual([]);
    expect(c.classify({ title: 'x', content: '<p>M&uuml;llcontainer</p>' }).topics).toEqual([]);
    expect(c.classify({ title: 'x', content: '<style>.kernel{}</style><script>docker()</script>Hallo' }).topics).toEqual([]);
    expect(c.classify({ title: 'x', content: '<SCRIPT type="x">docker()</SCRIPT >Hallo' }).topics).toEqual([]);
    expect(c.classify({ title: 'x', content: 'Kernel&#8209;Update &#x26; mehr' }).topics).toEqual(['kernel']);
  });

  it('is the same for the same input (no state leaks between calls)', () => {
    const input = { title: 'Webhoster und Kernel', summary: 'Jupyter-Kernel' };
    const first = c.classify(input);
    for (let i = 0; i < 3; i++) expect(c.classify(input)).toEqual(first);
  });
});

describe('homonyms: an include term that also means something else', () => {
  let c: Classifier;
  beforeEach(() => {
    c = rules({
      kernel: { include: ['*kernel*', 'linux #.#'], homonyms: { '*kernel*': ['=cuda', 'gpu*'] } },
      containers: { include: ['container*'], homonyms: { 'container*': ['=mkv'] } },
    });
  });

  it('does not count when a word of the other meaning is in the title or summary, and says why', () => {
    const r = c.classify({ title: 'Schnellere Kernel für neuronale Netze', summary: 'Mit CUDA 13 laufen sie auf mehr GPUs.' });
    expect(r.topics).toEqual([]);
    expect(r.excluded).toEqual({ kernel: ['*kernel* (other meaning: =cuda)'] });
  });

  it('leaves the other include terms of the topic counting', () => {
    const r = c.classify({ title: 'Linux 6.15: Kernel bringt CUDA-taugliche GPU-Treiber' });
    expect(r.topics).toEqual(['kernel']);
    expect(r.matches.kernel).toEqual(['linux #.#']);
  });

  it('counts when the other meaning is not named', () => {
    expect(c.classify({ title: 'Neuer Kernel mit Rust-Treibern' }).topics).toEqual(['kernel']);
    expect(c.classify({ title: 'Container-Images signieren' }).topics).toEqual(['containers']);
  });

  it('a word of the other meaning in the full text disarms hits in the full text, not in the headline', () => {
    const content = '<p>Der Kernel und die Container laufen auf der GPU, das Video liegt als MKV vor.</p>';
    expect(c.classify({ title: 'Kernel-Sommer', content }).topics).toEqual(['kernel']);
    expect(c.classify({ title: 'Sommer', content }).topics).toEqual([]);
  });

  it('only disarms its own term and topic', () => {
    const r = c.classify({ title: 'Kernel und Container', summary: 'Eine MKV-Datei' });
    expect(r.topics).toEqual(['kernel']);
    expect(r.excluded).toEqual({ containers: ['container* (other meaning: =mkv)'] });
  });
});

describe('restriction by source', () => {
  const sources = [
    { name: 'Kernel-News', url: 'https://a.example/feed', topics: ['kernel'] },
    { name: 'Hoster-Blog', url: 'https://b.example/feed', topics: ['hosting'] },
    { name: 'heise online', url: 'https://c.example/feed' },
  ];
  let c: Classifier;
  beforeEach(() => {
    c = rules(topics, sources);
  });
  const article = { title: 'Kernel-Lücke: Webhoster patchen Docker-Hosts' };

  it('without sources nothing is restricted', () => {
    expect(c.classify(article).topics).toEqual(['kernel', 'containers', 'hosting']);
    expect(c.classify({ ...article, sources: [] }).topics).toEqual(['kernel', 'containers', 'hosting']);
  });
  it('a restricted source only lends its topics', () => {
    const r = c.classify({ ...article, sources: ['Kernel-News'] });
    expect(r.topics).toEqual(['kernel']);
    expect(Object.keys(r.matches)).toEqual(['kernel']);
  });
  it('several sources lend the union of what they allow', () => {
    expect(c.classify({ ...article, sources: ['Kernel-News', 'Hoster-Blog'] }).topics).toEqual(['kernel', 'hosting']);
  });
  it('an unrestricted source lends everything', () => {
    expect(c.classify({ ...article, sources: ['Kernel-News', 'heise online'] }).topics).toEqual(['kernel', 'containers', 'hosting']);
  });
  it('source names compare case-insensitively; a source no longer configured is not restricted', () => {
    expect(c.classify({ ...article, sources: ['kernel-news'] }).topics).toEqual(['kernel']);
    expect(c.classify({ ...article, sources: ['removed source'] }).topics).toEqual(['kernel', 'containers', 'hosting']);
  });
  it('a restriction never adds a topic the rules do not give', () => {
    expect(c.classify({ title: 'GNOME 47', sources: ['Kernel-News'] }).topics).toEqual([]);
  });
});

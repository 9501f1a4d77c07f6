import { describe, expect, it } from 'vitest';
import { matches, rules, topicsOf } from './helpers.js';

describe('plain term: a word or hyphenated part, with German endings', () => {
  it.each(['Kernel', 'Der Kernel', 'des Kernels', 'Linux-Kernel', 'Linux-Kernels', 'Kernel-Maintainer', 'KERNEL', 'kernel.org', 'Kernel/Treiber'])(
    'kernel matches %j',
    (text) => expect(matches(text, 'kernel')).toBe(true),
  );
  it.each(['Kernelentwickler', 'Linuxkernel', 'Kernkraft', 'Kern', 'kernelized'])('kernel does not match %j', (text) =>
    expect(matches(text, 'kernel')).toBe(false),
  );
  it('accepts the inflection endings and nothing longer', () => {
    for (const w of ['Container', 'Containers', 'Containern', 'Hostes', 'Hosten', 'Hoster', 'Hostern'])
      expect(matches(w, w.toLowerCase().startsWith('host') ? 'host' : 'container')).toBe(true);
    expect(matches('Hostname', 'host')).toBe(false);
    expect(matches('Hostnames', 'host')).toBe(false);
  });
});

describe('prefix, suffix and infix forms', () => {
  it('kernel* matches words that start with it', () => {
    expect(matches('Kernelentwickler treffen sich', 'kernel*')).toBe(true);
    expect(matches('Kernelmodule', 'kernel*')).toBe(true);
    expect(matches('Containerisierung im Mittelstand', 'container*')).toBe(true);
    expect(matches('Linuxkernel', 'kernel*')).toBe(false);
  });
  it('*hoster matches words that end with it, with endings', () => {
    expect(matches('Webhoster erhöht Preise', '*hoster')).toBe(true);
    expect(matches('bei Cloud-Hostern', '*hoster')).toBe(true);
    expect(matches('Der Hoster', '*hoster')).toBe(true);
    expect(matches('Hosterwechsel', '*hoster')).toBe(false);
  });
  it('*kernel* matches anywhere in a word', () => {
    expect(matches('Betriebssystemkernels', '*kernel*')).toBe(true);
    expect(matches('Linuxkernelentwicklung', '*kernel*')).toBe(true);
  });
  it('=term matches only that exact word part', () => {
    expect(matches('K8s-Cluster', '=k8s')).toBe(true);
    expect(matches('Neues in K8s', '=k8s')).toBe(true);
    expect(matches('MicroK8s', '=k8s')).toBe(false);
    expect(matches('Helms Tagebuch', '=helm')).toBe(false);
    expect(matches('Helm 3.15', '=helm')).toBe(true);
  });
});

describe('phrases', () => {
  it('spaces in a phrase match spaces, hyphens and slashes', () => {
    expect(matches('Neues von Rust for Linux', 'rust for linux')).toBe(true);
    expect(matches('die Rust-for-Linux-Initiative', 'rust for linux')).toBe(true);
    expect(matches('Rust und Linux', 'rust for linux')).toBe(false);
  });
  it('a hyphen in a term also matches a space or nothing', () => {
    for (const t of ['Jupyter-Kernel', 'Jupyter Kernel', 'Jupyterkernel', 'Jupyter-Kernels']) expect(matches(t, 'jupyter-kernel')).toBe(true);
  });
  it('other punctuation must be written as in the text', () => {
    expect(matches('kernel.org zieht um', 'kernel.org')).toBe(true);
    expect(matches('Kernel org', 'kernel.org')).toBe(false);
    expect(matches('io_uring wird eingeschränkt', 'io_uring')).toBe(true);
  });
  it('the last word of a phrase takes endings and stars', () => {
    expect(matches('Root-Servern', 'root-server')).toBe(true);
    expect(matches('Container-Schiffe', 'container-schiff*')).toBe(true);
    expect(matches('Containerschiffe', 'container-schiff*')).toBe(true);
  });
  it('# stands for any number', () => {
    expect(matches('Linux 6.12 ist fertig', 'linux #.#')).toBe(true);
    expect(matches('Linux 6.8-rc1', 'linux #.#')).toBe(true);
    expect(matches('Linux Mint 22', 'linux #.#')).toBe(false);
    expect(matches('Linux 6', 'linux #.#')).toBe(false);
  });
});

describe('folding', () => {
  it('ignores case and treats ä/ae, ö/oe, ü/ue, ß/ss alike, in text and in terms', () => {
    expect(matches('MÜLLCONTAINER', 'muellcontainer')).toBe(true);
    expect(matches('Muellcontainer', 'müllcontainer')).toBe(true);
    expect(matches('Größe', 'groesse')).toBe(true);
    expect(matches('Groesse', 'größe')).toBe(true);
    expect(matches('Strasse', 'straße')).toBe(true);
    expect(matches('STRASSE', 'Straße')).toBe(true);
  });
  it('drops other diacritics', () => {
    expect(matches('Stéphane hält Vortrag', 'stephane')).toBe(true);
  });
});

describe('weights, minScore and titleWeight', () => {
  it('a weak term alone is not enough, two weak terms are', () => {
    expect(topicsOf('Die Stadt hostet ein Fest', ['hostet ^0.5', 'rechenzentrum ^0.5'])).toEqual([]);
    expect(topicsOf('Hetzner hostet im Rechenzentrum', ['hostet ^0.5', 'rechenzentrum ^0.5'])).toEqual(['t']);
  });
  it('counts each distinct term once, however often it occurs', () => {
    expect(topicsOf('hostet, hostet, hostet', ['hostet ^0.5'])).toEqual([]);
  });
  it('minScore raises the bar', () => {
    expect(topicsOf('Kernel', ['kernel', 'torvalds'], [], { minScore: 2 })).toEqual([]);
    expect(topicsOf('Torvalds über den Kernel', ['kernel', 'torvalds'], [], { minScore: 2 })).toEqual(['t']);
  });
  it('titleWeight multiplies terms found in the title, not in the summary', () => {
    const c = rules({ t: { include: ['scheduler ^0.5'], titleWeight: 2 } });
    expect(c.classify({ title: 'Neuer Scheduler' }).topics).toEqual(['t']);
    expect(c.classify({ title: 'Linux 6.6', summary: 'Neuer Scheduler' }).topics).toEqual([]);
    expect(topicsOf('Scheduler', ['scheduler ^0.5'], [], { titleWeight: 1 })).toEqual([]);
  });
  it('contentWeight lets a passing mention in the full text count less than one in title or summary', () => {
    const c = rules({ t: { include: ['kernel', 'torvalds'], contentWeight: 0.5 } });
    expect(c.classify({ title: 'Firefox 130', content: '<p>läuft auch mit älteren Kernel-Versionen</p>' }).topics).toEqual([]);
    expect(c.classify({ title: 'Firefox 130', content: '<p>Torvalds lobt den Kernel</p>' }).topics).toEqual(['t']);
    expect(c.classify({ title: 'Firefox 130', summary: 'Kernel', content: 'Kernel' }).topics).toEqual(['t']);
  });
});

describe('short words', () => {
  it('terms that start with one or two letters still match', () => {
    expect(matches('V-Server mieten', 'v-server')).toBe(true);
    expect(matches('io_uring', 'io_uring')).toBe(true);
    expect(matches('ab heute', 'ab*')).toBe(true);
    expect(matches('Abo ab heute', '=ab')).toBe(true);
    expect(topicsOf('xy', ['*y'])).toEqual(['t']);
  });
});

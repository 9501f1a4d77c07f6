import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIXTURE_DIR, readFixtureBytes, runStages } from './run-fixture.js';

/**
 * The readings that matter, written by hand (the .expected.json files are
 * generated and reviewed; these are not): what a person sees in each quirk.
 */
async function read(file: string) {
  const name = file.replace(/\.[a-z]+$/, '');
  const expected = JSON.parse(readFileSync(new URL(`${name}.expected.json`, FIXTURE_DIR), 'utf8')) as { url: string; now: string; contentLocation?: string };
  const outcome = await runStages(readFixtureBytes(file), expected);
  const items = (outcome.items ?? []) as { title: string; link?: string; author?: string; content: string; enclosures: { url: string }[] }[];
  const warnings = (outcome.feed?.['warnings'] as string[] | undefined) ?? [];
  return { outcome, items, warnings, feedTitle: outcome.feed?.['title'] };
}

describe('Atom text constructs: titles come out as the text a person reads', () => {
  for (const file of [
    'atom-text-title-html-escaped.atom', 'atom-text-title-html-cdata.atom', 'atom-text-title-xhtml-div.atom', 'atom-text-title-xhtml-no-div.atom',
    'atom-text-title-xhtml-prefixed-div.atom', 'atom-text-title-html-raw-markup.atom', 'atom-text-title-mime-type.atom',
    'atom-text-atom03-mode-escaped.atom', 'atom-text-atom03-mode-base64.atom', 'atom-text-atom03-mode-xml.atom',
  ]) {
    it(file, async () => {
      const { items, warnings } = await read(file);
      expect(items.map((i) => i.title)).toEqual(['Linux 6.18 ist da']);
      expect(warnings).toEqual([]);
    });
  }

  it('type="text" keeps markup-like text as text, base64 and xhtml content keep their markup', async () => {
    expect((await read('atom-text-title-text-literal.atom')).items[0]?.title).toBe('Warum <div>-Suppen Screenreader ärgern');
    expect((await read('atom-text-atom03-mode-base64.atom')).items[0]?.content).toBe('<p>Größere Änderungen für Btrfs und <code>io_uring</code>.</p>');
    expect((await read('atom-text-content-xhtml-no-div.atom')).items[0]?.content).toBe('<p>Der neue Kernel bringt <em>sched_ext</em>-Verbesserungen.</p><p>Und mehr Rust.</p>');
    expect((await read('atom-text-feed-title-xhtml.atom')).feedTitle).toBe('heise online – Linux');
  });
});

describe('recovery keeps the complete items and says so', () => {
  const cases: [string, string[], RegExp][] = [
    ['recover-truncated-mid-item.xml', ['Kernel 6.14 ist da: Schnellere Dateisysteme und neuer NTSYNC-Treiber'], /ends early\); kept 1 complete item, dropped 1 incomplete$/],
    ['recover-truncated-after-last-item.xml', ['Kernel 6.14 ist da: Schnellere Dateisysteme und neuer NTSYNC-Treiber', 'Akamai hostet kernel.org'], /ends early\); kept 2 complete items$/],
    ['recover-truncated-atom-entry.atom', ['Linux 6.15: Erste Release-Kandidat mit Rust-Treibern'], /dropped 1 incomplete$/],
    ['recover-unclosed-title-drops-item.xml', ['Kernel 6.14 ist da: Schnellere Dateisysteme und neuer NTSYNC-Treiber', 'Podman 5.4 mit verbesserter Quadlet-Unterstützung'], /kept 2 complete items, dropped 1 incomplete$/],
    ['recover-mismatched-case-end-tag.xml', ['Kernel 6.14 ist da: Schnellere Dateisysteme und neuer NTSYNC-Treiber', 'LibreOffice 25.2 erschienen'], /kept 2 complete items$/],
    ['recover-unescaped-ampersand.xml', ['AT&T und Red Hat: OpenShift für 5G-Kerne'], /^recovered: 4 unescaped "&" read as text$/],
    ['recover-undefined-html-entities.xml', ['Fedora 42 veröffentlicht – mit KDE als Edition'], /^recovered: 10 HTML entities that XML does not define/],
    ['recover-prefixed-atom-root.atom', ['Kernel-Log: Linux 6.14 bringt NTSYNC'], /^recovered: root element <atom:feed> read as <feed>$/],
    ['recover-prefixed-rss-root.xml', ['Ubuntu 25.04 „Plucky Puffin“ im Test'], /^recovered: root element <rss:rss> read as <rss>$/],
    ['recover-php-warning-before-root.xml', ['Nextcloud Hub 10 mit neuem Dateimanager'], /^recovered: text "Warning : Cannot modify header/],
    ['recover-bare-less-than.xml', ['Benchmark: ext4 < Btrfs < XFS beim Schreiben?'], /^recovered: broken XML: .*kept 1 complete item$/],
  ];
  for (const [file, titles, warning] of cases) {
    it(file, async () => {
      const { items, warnings } = await read(file);
      expect(items.map((i) => i.title)).toEqual(titles);
      expect(warnings.some((w) => warning.test(w)), warnings.join(' | ')).toBe(true);
      for (const w of warnings) expect(w).toMatch(/^recovered: /);
    });
  }

  it('entities in any case, and the RSS 0.91 DTD\'s own entities without a warning', async () => {
    expect((await read('recover-entities-any-case.xml')).items[0]?.title).toBe('Große Änderungen: Kernel 6.14 – die Highlights');
    const rss091 = await read('recover-rss091-doctype-entities.xml');
    expect(rss091.feedTitle).toBe('Pro-Linux Nachrichten für Groß und Klein');
    expect(rss091.items[0]?.title).toBe('GNOME 48 «Bengaluru» erschienen');
    expect(rss091.warnings).toEqual(['recovered: 1 HTML entity that XML does not define (&ndash;) read as characters']);
  });
});

describe('relative references and fallbacks', () => {
  const links: [string, string[]][] = [
    ['base-atom-nested-relative.atom', ['https://www.golem.de/news/2503/kde-plasma-6-3-2503-193000.html', 'https://video.golem.de/linux/steam-deck-2025']],
    ['base-atom-link-element.atom', ['https://www.computerbase.de/news/software/wine-10-0.90999/']],
    ['base-content-location-absolute.atom', ['https://www.linux-community.de/ausgaben/linuxuser/2025/03/snapper/']],
    ['base-content-location-relative.xml', ['https://www.tuxtipps.example/blog/artikel/ssh-ed25519/']],
    ['base-rss-item-xml-base.xml', ['https://www.linux-magazin.de/ausgaben/2016/12/container-love/']],
    ['base-rss-root-xml-base.xml', ['https://gnulinux.ch/linux-mint-22-1-xia']],
  ];
  for (const [file, expected] of links) {
    it(file, async () => expect((await read(file)).items.map((i) => i.link)).toEqual(expected));
  }

  it('xml:base on content resolves the links inside it', async () => {
    const { items } = await read('base-atom-nested-relative.atom');
    expect(items[0]?.content).toContain('src="https://www.golem.de/bilder/2502/plasma.jpg"');
  });

  it('titles, authors and enclosures from dc, itunes and media elements', async () => {
    expect((await read('fallback-dc-title.xml')).items[0]?.title).toBe('OpenSSH 10.0 entfernt DSA endgültig');
    expect((await read('fallback-itunes-title-mixed-case.xml')).items.map((i) => i.title)).toEqual(['Container-Sicherheit mit Podman', 'Kernel-Entwicklung für Einsteiger']);
    expect((await read('fallback-media-title.xml')).items[0]?.title).toBe('Vortrag: Btrfs in der Praxis');
    const group = (await read('fallback-media-group.xml')).items[0]!;
    expect(group.title).toBe('Vortrag: systemd-homed erklärt');
    expect(group.enclosures.map((e) => e.url)).toEqual(['https://media.ccc.de/clt25/201-hd.mp4', 'https://media.ccc.de/clt25/201-sd.webm', 'https://static.media.ccc.de/clt25/201.jpg']);
    expect((await read('fallback-media-thumbnail.xml')).items[0]?.enclosures.map((e) => e.url)).toEqual(['https://www.golem.de/2412/191000-480000-479999_rc.jpg']);
    expect((await read('fallback-dc-creator.xml')).items[0]?.author).toBe('Markus Reuter, Chris Köver');
    expect((await read('fallback-dc-creator-atom.atom')).items[0]?.author).toBe('Dennis Schirrmacher');
    expect((await read('fallback-title-precedence.xml')).items.map((i) => i.title)).toEqual(['FoL 123: Dateisysteme', 'Leerer Titel, iTunes-Titel gilt']);
  });
});

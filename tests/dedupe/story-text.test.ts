import { describe, expect, it } from 'vitest';
import { bodyLeadOf } from '../../src/dedupe/story-clusters.js';
import { LEAD_CHARS, readStoryText } from '../../src/dedupe/story-text.js';

const ids = (title: string, summary = '') => readStoryText(title, summary).ids.sort();

describe('readStoryText: numbers in context', () => {
  it('reads versions, release candidates and CVE ids as ids', () => {
    expect(ids('Linux 6.12 ist fertig')).toEqual(['6.12']);
    expect(ids('Kubernetes v1.32 bringt Sidecars')).toEqual(['1.32']);
    expect(ids('Linux 6.12-rc7: letzter Release-Kandidat')).toEqual(['6.12', 'rc7']);
    expect(ids('Debian 13 erschienen')).toEqual(['13']);
    expect(ids('OpenSSH: Lücke CVE-2024-6387 erlaubt Root-Zugriff')).toEqual(['cve-2024-6387']);
    expect(ids('Auf 5.19 folgt 6.0')).toEqual(['5.19', '6']);
  });

  it('reads percentages, amounts, ordinals, dates, years and thousands as quantities, not ids', () => {
    expect(ids('Hetzner erhöht Preise um 20 Prozent')).toEqual([]);
    expect(ids('Neue Tarife ab 1. April')).toEqual([]);
    expect(ids('IBM zahlt 34 Milliarden Dollar')).toEqual([]);
    expect(ids('Rund 13.500 Kernel-Entwickler arbeiten mit')).toEqual([]);
    expect(ids('Support endet im März 2026')).toEqual([]);
  });

  it('reads a release candidate written out as the same id as its short form', () => {
    expect(ids('Linux 6.0: Release Candidate 1 ist da')).toEqual(['6', 'rc1']);
    expect(ids('Linux 6.0: Release-Kandidat 7 freigegeben')).toEqual(['6', 'rc7']);
    expect(ids('Torvalds gibt den ersten Release-Kandidaten von Linux 6.0 frei')).toEqual(['6', 'rc1']);
    expect(ids('Linux 6.0 RC 3 bringt Korrekturen')).toEqual(['6', 'rc3']);
    expect(ids('Linux 6.0-rc1 ist da')).toEqual(['6', 'rc1']);
    // Without a number a candidate names no id, and a year after it is no candidate number.
    expect(ids('Linux 6.0 liegt als Release Candidate vor')).toEqual(['6']);
    expect(readStoryText('Release Candidate 2024', '').ids).toEqual([]);
  });

  it('reads "am 5.12." as a calendar day, not as version 5.12', () => {
    const text = readStoryText('Cloudflare down: Störung legt Webseiten am 5.12. lahm', '');
    expect(text.ids).toEqual([]);
    expect(text.days).toContain('date:5.12');
    expect(ids('Linux 6.12. ist fertig')).toEqual(['6.12']);
  });

  it('keeps names with digits as words, not as versions', () => {
    const text = readStoryText('Log4Shell: Lücke in Log4j', 'IPv4-Adressen werden teurer');
    expect(text.ids).toEqual([]);
    expect(text.words).toEqual(expect.arrayContaining(['log4shell', 'log4j', 'ipv4']));
  });

  it('keeps host names whole and drops abbreviations', () => {
    const text = readStoryText('Akamai hostet kernel.org', 'Kunden, z.B. Banken, u.a. in Europa');
    expect(text.words).toContain('kernel.org');
    expect(text.words.some((w) => w.startsWith('z.') || w.startsWith('u.'))).toBe(false);
  });
});

describe('readStoryText: the days an event is dated by', () => {
  it('reads weekdays, also inside compounds, and dates before a month name', () => {
    const text = readStoryText('Cloudflare-Störung', 'Am Dienstagmittag fielen Websites aus; am 18. November meldete Cloudflare die Ursache.');
    expect(text.days.sort()).toEqual(['date:18.11', 'weekday:dienstag']);
  });
});

describe('readStoryText: title and lead', () => {
  it('reads words from the lead but ids and title words from the title only where they stand', () => {
    const text = readStoryText('Akamai übernimmt kernel.org', 'Der CDN-Anbieter stellt Server bereit.', 'Linux 6.12 läuft dort.');
    expect(text.titleWords).toEqual(expect.arrayContaining(['akamai', 'kernel.org']));
    expect(text.titleWords).not.toContain('cdn');
    expect(text.words).toEqual(expect.arrayContaining(['cdn', 'kernel.org']));
    expect(text.titleIds).toEqual([]);
    expect(text.ids).toEqual(['6.12']);
  });

  it('reads at most LEAD_CHARS of the body', () => {
    const body = `${'Füllwort '.repeat(LEAD_CHARS / 9 + 10)} Zebrafink`;
    expect(readStoryText('Titel', '', body).words).not.toContain('zebrafink');
  });
});

describe('bodyLeadOf', () => {
  it('gives the plain text of the start of the body, without markup', () => {
    expect(bodyLeadOf('<p>Akamai <b>übernimmt</b> &amp; hostet</p>\n<p>kernel.org</p>')).toBe('Akamai übernimmt & hostet kernel.org');
  });

  it('does not read a tag cut in half as text', () => {
    const content = `<p>${'a '.repeat(1990)}</p><a href="https://example.org/${'x'.repeat(5000)}">Link</a>`;
    expect(bodyLeadOf(content)).not.toContain('href');
  });
});

describe('readStoryText: amounts and stages', () => {
  it('reads amounts with their unit, the decimal comma kept, and nothing else', () => {
    const text = readStoryText('61 Milliarden Dollar: Broadcom kauft VMware', 'Microsoft investiert 3,3 Milliarden Euro; Dell hält 40,2 Prozent.');
    expect(text.quantities.sort()).toEqual(['3,3 mrd', '40,2 prozent', '61 mrd']);
    expect(readStoryText('Neue Tarife ab 1. April', 'Linux 6.12 und 2024 im Rückblick, 45 Neuerungen').quantities).toEqual([]);
  });

  it('reads the stage of an affair from title and teaser, not from the body', () => {
    expect(readStoryText('Kreise: Broadcom spricht mit VMware über Übernahme', '').stages).toEqual(['talks']);
    expect(readStoryText('Spatenstich für das Rechenzentrum in Bergheim', '').stages).toEqual(['construction']);
    expect(readStoryText('CrowdStrike-Chef soll vor den Heimatschutzausschuss', '').stages).toEqual(['aftermath']);
    expect(readStoryText('Broadcom kauft VMware', 'Der Deal ist unterschrieben.', 'Nach wochenlangen Verhandlungen …').stages).toEqual([]);
    // "gerichtet" is no court, "Gericht" is
    expect(readStoryText('Appell an Nutzer gerichtet', '').stages).toEqual([]);
    expect(readStoryText('Klage vor Gericht', '').stages).toEqual(['aftermath']);
  });
});

describe('readStoryText: tokens', () => {
  it('reads decomposed umlauts (NFD) as the composed ones, and text that needs no normalizing alike', () => {
    const composed = readStoryText('Lücke in Köln: Störung bei Hetzner', 'Die Größe des Ausfalls überrascht.');
    const decomposed = readStoryText('Lu\u0308cke in Ko\u0308ln: Sto\u0308rung bei Hetzner', 'Die Gro\u0308ße des Ausfalls u\u0308berrascht.');
    expect(decomposed).toEqual(composed);
    expect(composed.words).toContain('luecke');
  });

  it('reads a token the same at the very end of a text as inside it, and each time it recurs', () => {
    const first = readStoryText('Kernel 6.12.', 'Linux-Kernel v6.12');
    for (let i = 0; i < 3; i++) expect(readStoryText('Kernel 6.12.', 'Linux-Kernel v6.12')).toEqual(first);
    expect(first.ids).toEqual(['6.12']);
    // A name counts once per token: "Hetzner-Hetzner" is one mention, a second token makes it a main name.
    expect(readStoryText('Hetzner-Hetzner', '').mainNames).toEqual([]);
    expect(readStoryText('Hetzner-Hetzner Hetzner', '').mainNames).toEqual(['hetz']);
  });
});

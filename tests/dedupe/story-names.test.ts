import { describe, expect, it } from 'vitest';
import { bodyLeadOf } from '../../src/dedupe/story-clusters.js';
import { compareStories, explainComparison, internStory, prepareCorpus } from '../../src/dedupe/story-similarity.js';
import { BODY_CHARS, LEAD_CHARS, readStoryText } from '../../src/dedupe/story-text.js';

/** Session 5's evidence: the names of the whole text read, the names a text is about, a shared weekday. */
describe('readStoryText: names beyond the lead', () => {
  it('reads names from the body past the lead, up to BODY_CHARS, but not as lead words', () => {
    const filler = 'füllwort '.repeat(LEAD_CHARS / 9 + 10);
    const text = readStoryText('Titel', '', `${filler} Zebrafink`);
    expect(text.words).not.toContain('zebrafink');
    expect(text.names).toContain('zebrafink');
    const far = readStoryText('Titel', '', `${'füllwort '.repeat(BODY_CHARS / 9 + 10)} Zebrafink`);
    expect(far.names).not.toContain('zebrafink');
  });

  it('keeps capitalized words, versions, host names and names with digits; drops lower-case words and bare counts', () => {
    const { names } = readStoryText('Fastly meldet 330 gestörte Kunden', 'Linux 6.0-rc1 liegt bei kernel.org, Log4j auch.');
    expect(names).toEqual(expect.arrayContaining(['fastly', 'linux', '6', 'rc1', 'kernel.org', 'log4j']));
    expect(names).not.toContain('330');
    expect(names.some((n) => n.startsWith('meld') || n.startsWith('gestoert'))).toBe(false);
  });

  it('counts a name the text repeats as one the text is about', () => {
    const text = readStoryText(
      'Webseiten ausgefallen',
      'Wegen einer Panne bei Akamai waren Webseiten nicht erreichbar.',
      'Akamai meldete DNS-Probleme. Erst im Juni war Fastly ausgefallen.',
    );
    expect(text.names).toEqual(expect.arrayContaining(['akamai', 'fastly']));
    expect(text.mainNames).toContain('akamai');
    expect(text.mainNames).not.toContain('fastly');
    expect(text.mainNames).toContain(readStoryText('Webseiten', '').titleWords[0]); // in title and teaser
    expect(readStoryText('Akamai gestört', '').mainNames).toEqual([]);
  });
});

describe('bodyLeadOf: as much of the body as names are read from', () => {
  it('gives at most BODY_CHARS of plain text', () => {
    const lead = bodyLeadOf(`<p>${'wort '.repeat(BODY_CHARS)}</p>`);
    expect(lead.length).toBe(BODY_CHARS);
    expect(lead.length).toBeGreaterThan(LEAD_CHARS);
  });
});

describe('compareStories: main names and weekdays', () => {
  const fastly1 = readStoryText(
    'Zahlreiche Websites ausgefallen',
    'Am Dienstagmittag waren viele Websites weltweit nicht erreichbar.',
    'Eine Störung beim CDN-Anbieter Fastly legte Reddit und den Guardian lahm. Fastly behob den Fehler nach einer Stunde.',
  );
  const fastly2 = readStoryText(
    'Newsseiten weltweit nicht erreichbar',
    'Wegen einer Störung waren am Dienstag zahlreiche Websites rund eine Stunde nicht erreichbar.',
    'Grund war ein Problem beim Cloud-Dienst Fastly, betroffen Reddit und der Guardian. Fastly untersucht die Ursache.',
  );
  const akamai = readStoryText(
    'Websites nach Störung bei Akamai ausgefallen',
    'Nach der Störung bei Akamai waren am Donnerstag Websites nicht erreichbar.',
    'Akamai meldete Probleme bei Edge DNS. Erst im Juni waren nach einer Störung bei Fastly Reddit und der Guardian nicht erreichbar.',
  );

  function compare(x: ReturnType<typeof readStoryText>, y: ReturnType<typeof readStoryText>) {
    const corpus = prepareCorpus([fastly1, fastly2, akamai].map(internStory));
    const index = (t: typeof x) => [fastly1, fastly2, akamai].indexOf(t);
    return compareStories(corpus.stories[index(x)]!, corpus.stories[index(y)]!, corpus);
  }

  it('covers the names two reports of one outage are about, not those of a report that recalls it', () => {
    const same = explainComparison(compare(fastly1, fastly2)).terms.mainCover.value;
    const recalled = explainComparison(compare(fastly1, akamai)).terms.mainCover.value;
    // Both Fastly reports repeat "Fastly" and "Websites", and the other names both; the Akamai report repeats
    // "Akamai", which the Fastly report never names, while it names Fastly once.
    expect(same).toBe(1);
    expect(recalled).toBeLessThan(0.7);
  });

  it('reads a weekday both name as evidence, and none when only one names it', () => {
    expect(explainComparison(compare(fastly1, fastly2)).terms.sameWeekday.value).toBe(1);
    const undated = readStoryText('Zahlreiche Websites ausgefallen', 'Viele Websites waren nicht erreichbar.', 'Fastly behob den Fehler.');
    const corpus = prepareCorpus([fastly1, undated].map(internStory));
    expect(explainComparison(compareStories(corpus.stories[0]!, corpus.stories[1]!, corpus)).terms.sameWeekday.value).toBe(0);
  });

  it('explains every decision term by term: bias plus the terms is the score', () => {
    const r = compare(fastly1, fastly2);
    const { bias, terms } = explainComparison(r);
    const sum = Object.values(terms).reduce((s, t) => s + t.adds, bias);
    expect(sum).toBeCloseTo(r.score, 9);
    expect(Object.keys(terms)).toEqual(expect.arrayContaining(['mainCover', 'sameWeekday']));
  });

  it('still vetoes two reports dated to different weekdays, whatever the names', () => {
    const r = compare(fastly1, akamai);
    expect(r.veto).toBe('different-days');
    expect(r.same).toBe(false);
  });
});

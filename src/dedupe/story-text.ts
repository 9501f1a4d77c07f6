/**
 * The words of a German news teaser that say which event it reports:
 * case- and umlaut-folded (ä/ae, ß/ss), stop words and generic news words
 * removed ("erschienen", "neue", "Version"), light suffix stripping so that
 * "Kernels"/"Kernel" and "Containern"/"Container" meet, hyphenated compounds
 * split ("Kubernetes-Cluster"), while identifiers stay whole: versions
 * ("6.12", "v1.32" → "1.32", "5.0" → "5"), CVE ids, host names ("kernel.org").
 */

export interface StoryText {
  /** Distinct content words of title and summary. */
  words: string[];
  /** Distinct content words of the title alone. */
  titleWords: string[];
  /** Version numbers and ids (not years) named in the title: the event's subject. */
  titleIds: string[];
  /** Version numbers and ids (not years) anywhere in title and summary. */
  ids: string[];
}

const STOP_WORDS = new Set(
  `aber alle allem allen aller alles als also am an ander andere anderen auch auf aus bei beim bereits bin bis bisher bist
  da dabei dadurch dafuer damit dann daran darauf darum das dass dem den denen der deren des deshalb dessen die dies diese
  diesem diesen dieser dieses doch dort du durch ein eine einem einen einer eines einige er erst es etwa etwas euch fuer
  gegen gibt hat hatte haben hier hin hinter ich ihr ihre ihrem ihren im in ins ist ja jede jedem jeden jeder jetzt kann
  kein keine koennen man mehr mit muss nach nicht noch nun nur ob oder ohne schon sehr sei seien sein seine seinem seinen
  seiner seit sich sie sind so soll sollen sollte sowie ueber um und uns unter viel viele vom von vor war waren was weil
  wenn werden wie wieder will wir wird wo wurde wurden zu zum zur zwei drei vier zwar zwischen
  neu neue neuen neuer neues neuem version versionen bringt bringen erschienen erscheint veroeffentlicht veroeffentlichen
  freigegeben vorgestellt verfuegbar stellt steht kommt kommen liegt ab sofort kuenftig heute gestern damit dazu
  a an and for in of on the to with is are be by`
    .split(/\s+/)
    .filter(Boolean),
);

/** Words German IT news use interchangeably for one thing, mapped to one of them. */
const SYNONYMS = new Map<string, string>(
  [
    ['luecke', 'schwachstelle sicherheitsluecke sicherheitsluecken luecken schwachstellen vulnerability'],
    ['hintertuer', 'backdoor hintertueren'],
    ['stoerung', 'ausfall stoerungen ausfaelle outage'],
    ['webseite', 'webseiten website websites homepage homepages'],
    ['rechenzentrum', 'rechenzentren datacenter'],
  ].flatMap(([canonical, variants]) => [canonical!, ...variants!.split(' ')].map((v) => [v, canonical!] as [string, string])),
);

const FOLD: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss' };

export function foldGerman(text: string): string {
  const folded = text
    .normalize('NFC')
    .toLowerCase()
    .replace(/[äöüß]/g, (c) => FOLD[c] ?? c);
  // Other accents ("Café", "Tomás") lose their marks; plain ASCII needs no second pass.
  return /[^\u0000-\u007f]/.test(folded) ? folded.normalize('NFD').replace(/[\u0300-\u036f]/g, '') : folded;
}

const DIGIT = /\d/;
const YEAR = /^(19|20)\d\d$/;
/** A hyphen-separated part of four or more letters: a word, unlike "cve" or "rc1". */
const COMPOUND_WORD = /(?:^|-)[a-z]{4,}(?:-|$)/;
const TOKEN = /[a-z0-9]+(?:[._\-/][a-z0-9]+)*/g;

export function readStoryText(title: string, summary: string): StoryText {
  const titleTokens = tokenize(title);
  const summaryTokens = tokenize(summary);
  const titleWords = new Set<string>();
  for (const token of titleTokens) addWord(titleWords, token);
  const words = new Set(titleWords);
  for (const token of summaryTokens) addWord(words, token);
  const titleIds = idsOf(titleTokens);
  const ids = new Set([...titleIds, ...idsOf(summaryTokens)]);
  return { words: [...words], titleWords: [...titleWords], titleIds: [...titleIds], ids: [...ids] };
}

function idsOf(tokens: readonly string[]): Set<string> {
  const ids = new Set<string>();
  for (const token of tokens) {
    if (!DIGIT.test(token)) continue;
    for (const part of COMPOUND_WORD.test(token) ? token.split('-') : [token]) {
      const id = identifierOf(part);
      // A year ("endet im März 2026") dates an event but does not name it.
      if (id && !YEAR.test(id)) ids.add(id);
    }
  }
  return ids;
}

/** "N.N" for "6.12", "cve-N-N" for a CVE id: ids of one shape name versions of one kind of thing. */
export function shapeOf(id: string): string {
  return id.replace(/\d+/g, 'N');
}

function tokenize(text: string): string[] {
  return foldGerman(text).match(TOKEN) ?? [];
}

function addWord(words: Set<string>, token: string): void {
  // "K3s-Lücke", "Linux-6.12-Kernel": a compound of a word and an id is both.
  if (DIGIT.test(token) && COMPOUND_WORD.test(token)) {
    for (const part of token.split('-')) addWord(words, part);
    return;
  }
  const id = identifierOf(token);
  if (id) {
    words.add(id);
    return;
  }
  if (token.includes('.')) {
    words.add(token); // host names: kernel.org, git.centos.org
    return;
  }
  for (const part of token.split(/[-_/]/)) {
    if (part.length < 2 || STOP_WORDS.has(part)) continue;
    words.add(SYNONYMS.get(part) ?? stem(part));
  }
}

/** A token with a digit is an identifier: a version, a CVE id, a model number. */
function identifierOf(token: string): string | undefined {
  if (!DIGIT.test(token)) return undefined;
  let id = token.replace(/^v(?=\d)/, '');
  // "5.0" and "5" name the same release; "6.0.1" stays.
  id = id.replace(/^(\d+)(?:\.0)+$/, '$1');
  return id;
}

const SUFFIXES = ['ern', 'ing', 'en', 'er', 'es', 'em', 'et', 'e', 'n', 's'];

/** Two rounds, so that stacked endings meet: "Maintainers" → "maintainer" → "maintain" ← "Maintainer". */
function stem(word: string): string {
  return stripSuffix(stripSuffix(word));
}

function stripSuffix(word: string): string {
  if (word.length < 5) return word;
  for (const suffix of SUFFIXES) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 4) return word.slice(0, -suffix.length);
  }
  return word;
}

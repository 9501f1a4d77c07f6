/**
 * The words of a German news item that say which event it reports, read
 * from its title and its lead (teaser plus the start of the body, the part
 * a person skims): case- and umlaut-folded (src/text/fold.ts), stop words
 * and generic news words removed, inflection endings stripped
 * (src/text/endings.ts), hyphenated compounds split ("Kubernetes-Cluster"),
 * while names stay whole: host names ("kernel.org"), CVE ids, names with
 * digits ("Log4j", "IPv4").
 *
 * Numbers are read in context, because "20 Prozent", "1. April" and "13.500
 * Entwickler" are quantities and dates, while "6.12", "v1.32", "Debian 13"
 * and "rc7" name a version. Only versions are ids; ids keep two reports of
 * different releases or different CVEs apart (story-similarity), quantities
 * are ordinary words.
 */
import { detached } from '../text/detach.js';
import { WordValues } from '../text/word-values.js';
import { stripEndings } from '../text/endings.js';
import { foldText } from '../text/fold.js';
import shippedAliases from './story-aliases.json' with { type: 'json' };
import { namesAKind, readKinds } from './story-events.js';
import { readStages } from './story-stages.js';

export interface StoryText {
  /** Distinct content words of title and lead. */
  words: string[];
  /** Distinct content words of the title alone. */
  titleWords: string[];

  /** Versions and CVE ids named in the title: the event's subject. */
  titleIds: string[];
  /** Versions and CVE ids anywhere in title and lead. */
  ids: string[];
  /** Days the text dates its event by: weekdays ("am Dienstag", "Montagabend"), and dates ("14. März", "25.01.2023"). */
  days: string[];
  /** The days of title and teaser alone: what the outlet dates its own event by (the body also dates what came before and what comes next). */
  headDays: string[];
  /** Years title and teaser name ("2006"): two reports of one event do not date it to different years. */
  headYears: string[];
  /** Amounts with their unit ("61 milliarden", "3,3 milliarden", "8,5 millionen"): figures two reports of one event repeat. */
  quantities: string[];
  /** The stages of an event the title and teaser speak of (story-stages.ts): "talks", "construction", "aftermath", "recap" … */
  stages: string[];
  /** Title words that name a company of ACTORS (story-features: actorConflict). */
  titleActors: string[];
  /** The kinds of event title and teaser name (story-events.ts): "outage", "price", "vulnerability" … */
  kinds: string[];
  /**
   * The main actors: title words the text repeats (mainNames) or that name a company of ACTORS,
   * not words of an event kind ("Cloudflare" of "Cloudflare-Störung legt Websites lahm"; story-features:
   * sameActorSameKind, sameActorOtherKind).
   */
  actors: string[];
  /**
   * The names of the whole text read (title, teaser and up to BODY_CHARS of the body, not only the
   * lead): capitalized words (German capitalizes nouns and names alike; word weights tell a rare name
   * from a common noun), versions and CVE ids, host names and names with digits — the entities a
   * person matches two reports by ("Fastly", "Heartbleed", "kernel.org", "6.0-rc1"), read the way
   * `words` are, so that both share one vocabulary.
   */
  names: string[];
  /**
   * The names the text is about: those it repeats (twice or more in what is read, title included).
   * "Fastly" in every paragraph of a Fastly outage report; the Akamai report that recalls
   * Fastly's outage names Fastly once and Akamai throughout.
   */
  mainNames: string[];
}

/** How much of the teaser and of the body's plain text counts as the lead. */
export const LEAD_CHARS = 1000;
/** How much of the body's plain text names are read from (story-clusters keeps this much of it). */
export const BODY_CHARS = 3500;

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
  laut sagte sagt teilte mitteilte mit zudem allerdings bislang derzeit aktuell rund knapp ebenfalls
  a an and for in of on the to with is are be by`
    .split(/\s+/)
    .filter(Boolean),
);

/** Words German IT news use interchangeably for one thing, mapped to one of them. */
const SYNONYMS = new Map<string, string>(
  [
    ['luecke', 'schwachstelle sicherheitsluecke sicherheitsluecken luecken schwachstellen vulnerability sicherheitsleck'],
    ['hintertuer', 'backdoor hintertueren'],
    ['stoerung', 'ausfall stoerungen ausfaelle outage panne pannen kollaps gestoert unterbrochen unterbrechung lahmgelegt lahmlegen lahm'],
    ['webseite', 'webseiten website websites homepage homepages'],
    ['rechenzentrum', 'rechenzentren rechenzentrums datacenter datacenters datencenter datenzentrum datenzentren'],
    ['investition', 'investitionen investiert investieren investierte investitionsprogramm steckt stecken'],
    ['entfernt', 'entfernen ausgeschlossen ausschluss suspendiert rauswurf'],
    ['eroeffnet', 'eroeffnung eroeffnen inbetriebnahme'],
    ['uebernahme', 'uebernimmt uebernehmen uebernommen kauft kaufen gekauft kauf schluckt schlucken akquisition'],
    ['milliarde', 'milliarden mrd'],
  ].flatMap(([canonical, variants]) => [canonical!, ...variants!.split(' ')].map((v) => [v, canonical!] as [string, string])),
);

/** Words after a number that make it a quantity or a date, not a version ("20 Prozent", "3 Milliarden"). */
const UNITS = new Set(
  `prozent euro dollar us-dollar cent mio millionen mrd milliarden jahr jahre jahren monat monate monaten woche wochen tag
  tage tagen stunde stunden minuten sekunden uhr gb tb mb kb gbit tbit ghz mhz kerne zoll mal nutzer kunden server mitarbeiter
  entwickler hektar quadratmeter kilometer mw gw mva stueck prozentpunkte januar februar maerz april mai juni juli august
  september oktober november dezember`.split(/\s+/),
);

// Latin letters only (tokenize): German news; a word in another script says nothing here.
const DIGIT = /\d/;
const YEAR = /^(19|20)\d\d$/;
const CVE = /^cve-\d{4}-\d{4,}$/;
/** German thousands: "13.500", "1.000.000". */
const THOUSANDS = /^\d{1,3}(\.\d{3})+$/;
const DOTTED_VERSION = /^v?\d+(\.\d+)+$/;
/** "25.01.2023": a German date, not a version. */
const NUMERIC_DATE = /^(\d{1,2})\.(\d{1,2})\.(?:19|20)\d\d$/;
const RELEASE_CANDIDATE = /^rc\d+$/;
const INTEGER = /^\d+$/;
/**
 * Text that NFC leaves as it is: below U+0300 no two characters compose and none decomposes (checked
 * for every pair). German news is nearly all such text; normalize() cost ~7 µs per call even then.
 */
const NORMALIZED = /^[\u0000-\u02ff]*$/;

const HOST = /^[a-z0-9]{2,}(\.[a-z0-9]+)*\.[a-z]{2,}$/;

interface Token {
  raw: string;
  folded: string;
  /** A full stop right after it: "1. April", "Kapitel 3." */
  dotAfter: boolean;
  /** A comma right before a digit: the "3," of "3,3". */
  commaAfter: boolean;
  /** It has a digit: read in context (versionOf); a token without one reads the same anywhere (plainWords). */
  digits: boolean;
}

export function readStoryText(title: string, summary: string, body = ''): StoryText {
  const known = actors();
  const titleWords = new Set<string>();
  const titleIds = new Set<string>();
  const titleTokens = tokenize(title);
  readInto(titleTokens, titleWords, titleIds);
  const words = new Set(titleWords);
  const ids = new Set(titleIds);
  const [bodyLead, bodyTokens] = bodyTokensOf(body);
  const lead = [tokenize(summary.slice(0, LEAD_CHARS)), bodyLead];
  for (const tokens of lead) readInto(tokens, words, ids);
  for (const tokens of [titleTokens, ...lead]) addAliases(tokens, words);
  const days = new Set<string>();
  const quantities = new Set<string>();
  for (const tokens of [titleTokens, ...lead]) {
    readDays(tokens, days);
    readQuantities(tokens, quantities);
  }
  const headDays = new Set<string>();
  const headYears = new Set<string>();
  for (const tokens of [titleTokens, lead[0]!]) {
    readDays(tokens, headDays);
    for (const t of tokens) if (t.digits && YEAR.test(t.folded)) headYears.add(t.folded);
  }
  // Stages are read from what the outlet puts first, title and teaser: the body recalls earlier stages.
  const headWords = headWordsOf(titleTokens, lead[0]!);
  const stages = readStages(headWords);
  const names = new Map<string, number>();
  for (const tokens of [titleTokens, lead[0]!, bodyTokens]) readNames(tokens, names);
  const mainNames = [...names].filter(([, count]) => count > 1).map(([name]) => name);
  const actorWords = [...titleWords].filter((w) => (names.get(w)! > 1 || known?.has(w)) && !INTEGER.test(w) && !namesAKind(w));
  return {
    words: [...words],
    titleWords: [...titleWords],
    titleIds: [...titleIds],
    ids: [...ids],
    days: [...days],
    headDays: [...headDays],
    headYears: [...headYears],
    quantities: [...quantities],
    stages,
    titleActors: known ? [...titleWords].filter((w) => known.has(w)) : [],
    kinds: kindsOf(headWords, titleIds),
    actors: actorWords,
    names: [...names.keys()],
    mainNames,
  };
}

/** The kinds of event of title and teaser (story-events); a version in the title ("GitLab 17.6") marks a release too. */
function kindsOf(headWords: readonly string[], titleIds: ReadonlySet<string>): string[] {
  const kinds = readKinds(headWords);
  for (const id of titleIds) {
    if (CVE.test(id) || kinds.includes('release')) continue;
    kinds.push('release');
    kinds.sort();
  }
  return kinds;
}

/** The folded words of title and teaser in order: what stages and kinds are read from. */
function headWordsOf(title: readonly Token[], teaser: readonly Token[]): string[] {
  const words: string[] = [];
  for (const t of title) words.push(t.folded);
  for (const t of teaser) words.push(t.folded);
  return words;
}

/** Counts the named words of `tokens` (see StoryText.names): capitalized words, ids, hosts and names with digits. */
function readNames(tokens: readonly Token[], counts: Map<string, number>): void {
  const ids = new Set<string>();
  const names = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    names.clear();
    const token = tokens[i]!;
    // A bare count ("20", "330 Websites") names nothing unless it is a version ("Linux 6").
    if (token.digits && INTEGER.test(token.folded) && !versionOf(token.folded, token, at(tokens, i - 1), at(tokens, i + 1))) continue;
    // token.digits: whether the token has a digit (the scan saw one).
    if (!token.digits && !isCapitalized(token.raw) && !token.raw.includes('.')) continue;
    if (!token.digits) {
      const plain = plainWords(token.folded);
      // A name counts once per token: the parts of "Linux-Linux" are one mention.
      for (let k = 0; k < plain.length; k++) if (plain.indexOf(plain[k]!) === k) counts.set(plain[k]!, (counts.get(plain[k]!) ?? 0) + 1);
      continue;
    }
    if (!token.folded.includes('-') || CVE.test(token.folded)) readPart(token.folded, token, at(tokens, i - 1), at(tokens, i + 1), names, ids);
    else for (const part of token.folded.split('-')) if (part) readPart(part, token, at(tokens, i - 1), at(tokens, i + 1), names, ids);
    for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
}

/**
 * Epithets and long forms (story-aliases.json): "Linux-Schöpfer" also names
 * Torvalds, "Amazon Web Services" AWS. Keys are whole folded tokens or
 * phrases of up to four tokens.
 */
const ALIASES = new Map<string, string[]>(
  Object.entries((shippedAliases as { aliases: Record<string, string> }).aliases).map(([k, v]) => [k, v.split(' ')]),
);
const LONGEST_ALIAS = Math.max(...[...ALIASES.keys()].map((k) => k.split(' ').length));
// This runs for every token of every article: most tokens start no alias.
const ALIAS_STARTS = new Set([...ALIASES.keys()].map((k) => k.split(' ')[0]!));

function addAliases(tokens: readonly Token[], words: Set<string>): void {
  for (let i = 0; i < tokens.length; i++) {
    if (!ALIAS_STARTS.has(tokens[i]!.folded)) continue;
    let phrase = '';
    for (let n = 0; n < LONGEST_ALIAS && i + n < tokens.length; n++) {
      phrase = n === 0 ? tokens[i]!.folded : `${phrase} ${tokens[i + n]!.folded}`;
      const also = ALIASES.get(phrase);
      if (also) for (const w of also) words.add(w);
    }
  }
}

/** Units that make an amount worth comparing: money, shares and counts of the event's size. */
const AMOUNT_UNITS = new Map(
  Object.entries({
    milliarde: 'mrd', milliarden: 'mrd', mrd: 'mrd', million: 'mio', millionen: 'mio', mio: 'mio',
    prozent: 'prozent', euro: 'euro', dollar: 'dollar', 'us-dollar': 'dollar', franken: 'franken',
    hektar: 'hektar', megawatt: 'mw', mw: 'mw', gigawatt: 'gw', gw: 'gw',
  }),
);

/**
 * "61 Milliarden", "3,3 Milliarden Euro", "8,5 Millionen", "40,2 Prozent": the number
 * (decimal comma kept) with its unit. A date or a bare count is not an amount.
 */
function readQuantities(tokens: readonly Token[], quantities: Set<string>): void {
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (!token.digits || !INTEGER.test(token.folded) || YEAR.test(token.folded)) continue;
    let number = token.folded;
    let next = i + 1;
    // "3,3": the tokenizer splits at the comma; join digits written "N,N" back together.
    if (token.commaAfter && INTEGER.test(at(tokens, next)?.folded ?? '')) number += `,${tokens[next++]!.folded}`;
    const unit = AMOUNT_UNITS.get(at(tokens, next)?.folded ?? '');
    if (unit) quantities.add(`${number} ${unit}`);
    i = next - 1; // the decimals of "3,3" are not an amount of their own
  }
}

const WEEKDAY = /^(montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonnabend|sonntag)/;
const MONTHS = 'januar februar maerz april mai juni juli august september oktober november dezember'.split(' ');

const DAY_OF_MONTH = /^\d{1,2}$/;

function readDays(tokens: readonly Token[], days: Set<string>): void {
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    // Every weekday starts with m, d, f or s.
    const first = token.folded.charCodeAt(0);
    if (first === 109 || first === 100 || first === 102 || first === 115) {
      const weekday = WEEKDAY.exec(token.folded);
      if (weekday) days.add(`weekday:${weekday[1] === 'sonnabend' ? 'samstag' : weekday[1]!}`);
    }
    // Dates are digits.
    if (!token.digits) continue;
    // "14. März": an ordinal day before a month name
    if (token.dotAfter && DAY_OF_MONTH.test(token.folded)) {
      const month = MONTHS.indexOf(at(tokens, i + 1)?.folded ?? '');
      if (month >= 0) days.add(`date:${Number(token.folded)}.${month + 1}`);
    }
    const numeric = NUMERIC_DATE.exec(token.folded);
    if (numeric) days.add(`date:${Number(numeric[1])}.${Number(numeric[2])}`);
    const short = shortDateOf(token, at(tokens, i - 1));
    if (short) days.add(short);
  }
}

const SHORT_DATE = /^(\d{1,2})\.(\d{1,2})$/;
const BEFORE_DATE = new Set(['am', 'vom', 'ab', 'bis', 'seit', 'zum', 'den', 'dem']);

/**
 * "am 5.12.", "seit dem 18.11.": a day and month with a full stop after them and a preposition
 * (or a weekday) before, read as the calendar day (date:5.12), not as a version 5.12.
 */
function shortDateOf(token: Token, prev: Token | undefined): string | undefined {
  if (!token.dotAfter || prev === undefined) return undefined;
  const m = SHORT_DATE.exec(token.folded);
  if (!m || !(BEFORE_DATE.has(prev.folded) || WEEKDAY.test(prev.folded))) return undefined;
  const day = Number(m[1]);
  const month = Number(m[2]);
  return day >= 1 && day <= 31 && month >= 1 && month <= 12 ? `date:${day}.${month}` : undefined;
}

/** "N.N" for "6.12", "cve-N-N" for a CVE id: ids of one shape name versions of one kind of thing. */
export function shapeOf(id: string): string {
  return shapeMemo.get(id) ?? shapeMemo.remember(id, id.replace(/\d+/g, 'N'));
}

/** Shapes by id, remembered: the clusterer's veto asks for them for every candidate pair whose titles name a version. */
const shapeMemo = new WordValues<string>();

/**
 * The tokens of TOKEN ([0-9A-Za-z\u00C0-\u024F]+ joined by single ".", "_", "-" or "/"), found by
 * one scan of char codes: the regex made a match array and ran a test per token.
 */
function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  scanTokens(NORMALIZED.test(input) ? input : input.normalize('NFC'), 0, tokens, undefined);
  return joinReleaseCandidates(tokens);
}

/**
 * The tokens of the body's lead (its first LEAD_CHARS) and of what is read of it for names (BODY_CHARS),
 * exactly as tokenize gives them for those two cuts, from one scan of the longer: a token whose scan read
 * no character at or past the cut is the same in both, and the lead's last few tokens are scanned again
 * from there in the cut text (the lead was tokenized twice, ~1,000 of ~5,500 characters per article).
 */
function bodyTokensOf(body: string): [lead: Token[], read: Token[]] {
  if (body.length <= LEAD_CHARS) {
    const tokens = tokenize(body);
    return [tokens, tokens];
  }
  const text = body.length > BODY_CHARS ? body.slice(0, BODY_CHARS) : body;
  // NFC of the whole may differ from NFC of its cut at the cut: such text takes the two scans.
  if (!NORMALIZED.test(text)) return [tokenize(body.slice(0, LEAD_CHARS)), tokenize(text)];
  const all: Token[] = [];
  const ends: number[] = [];
  scanTokens(text, 0, all, ends);
  // A scan ending at i read the characters at i and i + 1 (dotAfter, commaAfter, a joiner's next).
  let k = 0;
  while (k < all.length && ends[k]! + 1 < LEAD_CHARS) k++;
  const lead = all.slice(0, k);
  scanTokens(text.slice(0, LEAD_CHARS), k > 0 ? ends[k - 1]! : 0, lead, undefined);
  return [joinReleaseCandidates(lead), joinReleaseCandidates(all)];
}

/** Appends the tokens of `text` from index `from` (at no token's inside) to `tokens`, and where each scan stopped to `ends`. */
function scanTokens(text: string, from: number, tokens: Token[], ends: number[] | undefined): void {
  const length = text.length;
  let i = from;
  while (i < length) {
    if (!isTokenChar(codeAt(text, i))) {
      i++;
      continue;
    }
    const start = i;
    let ascii = true;
    let digits = false;
    for (;;) {
      const c = codeAt(text, i);
      if (isTokenChar(c)) {
        if (c >= 0xc0) ascii = false;
        else if (c <= 57) digits = true;
        i++;
      } else if ((c === 46 || c === 95 || c === 45 || c === 47) && isTokenChar(codeAt(text, i + 1))) i++;
      else break;
    }
    const raw = text.slice(start, i);
    const folded = ascii ? raw.toLowerCase() : foldedOf(raw);
    const end = codeAt(text, i);
    const after = codeAt(text, i + 1);
    tokens.push({
      raw,
      folded,
      dotAfter: end === 46 && !isWordChar(after),
      commaAfter: end === 44 && after >= 48 && after <= 57,
      digits,
    });
    ends?.push(i);
  }
}

/** The token at k, undefined outside the list: reading index -1 went through V8's slow, megamorphic property path. */
function at(tokens: readonly Token[], k: number): Token | undefined {
  return k >= 0 && k < tokens.length ? tokens[k] : undefined;
}

/** The char code at i, -1 past the end: charCodeAt's NaN there made V8 drop tokenize's optimized code again and again. */
function codeAt(text: string, i: number): number {
  return i < text.length ? text.charCodeAt(i) : -1;
}

/** A character of TOKEN's words (-1, past the end, is none). */
function isTokenChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || (code >= 0xc0 && code <= 0x24f);
}

/** foldText of tokens with umlauts or accents, remembered: the same few hundred recur ("für" is no token, "Lücke" is). */
const foldMemo = new WordValues<string>();

function foldedOf(raw: string): string {
  return foldMemo.get(raw) ?? foldMemo.remember(raw, detached(foldText(raw)));
}

/** "Release Candidate", "Release-Kandidat(en)", "RC": the words before a release candidate's number. */
const RC_WORD = /^(release-?candidate|release-?kandidat(en)?|rc)$/;
const CANDIDATE = /^(candidate|kandidat(en)?)$/;
const ORDINALS = 'erste zweite dritte vierte fuenfte sechste siebte achte neunte zehnte'.split(' ');

/**
 * One spelling for a release candidate, so that reports that write it out meet those that abbreviate
 * it: "Release Candidate 1", "RC 1", "Release-Kandidat 7" and "ersten Release Candidate" read as the
 * token rc1 … rc7, as "6.0-rc1" and "RC1" already are. A candidate without a number stays words.
 */
function joinReleaseCandidates(tokens: Token[]): Token[] {
  let out: Token[] | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    let words = 0;
    // Every word RC_WORD or "release" matches starts with an r.
    if (t.folded.charCodeAt(0) !== 114) {
      out?.push(t);
      continue;
    }
    if (RC_WORD.test(t.folded)) words = 1;
    else if (t.folded === 'release' && CANDIDATE.test(at(tokens, i + 1)?.folded ?? '')) words = 2;
    if (words === 0) {
      out?.push(t);
      continue;
    }
    const after = tokens[i + words];
    const ordinal = ORDINALS.findIndex((o) => at(tokens, i - 1)?.folded.startsWith(o) === true && at(tokens, i - 1)!.folded.length <= o.length + 1);
    let number: string | undefined;
    let last = i + words - 1;
    if (after && INTEGER.test(after.folded) && after.folded.length <= 2) {
      number = String(Number(after.folded));
      last = i + words;
    } else if (ordinal >= 0) number = String(ordinal + 1);
    if (number === undefined) {
      out?.push(t);
      continue;
    }
    out ??= tokens.slice(0, i);
    if (ordinal >= 0 && number === String(ordinal + 1) && out.length > 0 && out[out.length - 1] === at(tokens, i - 1)) out.pop();
    const end = tokens[last]!;
    out.push({ raw: `rc${number}`, folded: `rc${number}`, dotAfter: end.dotAfter, commaAfter: end.commaAfter, digits: true });
    i = last;
  }
  return out ?? tokens;
}

function isWordChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code >= 0xc0;
}

/** Starts with a capital letter: "Debian", "Ärger". */
function isCapitalized(raw: string): boolean {
  const code = raw.charCodeAt(0);
  if (code < 128) return code >= 65 && code <= 90;
  const first = raw[0]!;
  return first !== first.toLowerCase();
}

function readInto(tokens: readonly Token[], words: Set<string>, ids: Set<string>): void {
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const { folded } = token;
    if (!token.digits) {
      for (const word of plainWords(folded)) words.add(word);
      continue;
    }
    // "Linux-6.12-Kernel", "K3s-Lücke": a compound of words and ids is read part by part; CVE ids stay whole.
    if (!folded.includes('-') || CVE.test(folded)) readPart(folded, token, at(tokens, i - 1), at(tokens, i + 1), words, ids);
    else for (const part of folded.split('-')) if (part) readPart(part, token, at(tokens, i - 1), at(tokens, i + 1), words, ids);
  }
}

/**
 * The words a token without digits gives (readInto's parts of it, in order; repeats kept), remembered
 * per folded token: it needs no context, and most tokens recur from article to article (a cold start
 * after `poll` reads ~2,500 texts, each token twice: as words and as names).
 */
const plainMemo = new WordValues<readonly string[]>();

function plainWords(folded: string): readonly string[] {
  const known = plainMemo.get(folded);
  if (known !== undefined) return known;
  const words = new Set<string>();
  if (!folded.includes('-')) readPlainPart(folded, words);
  else for (const part of folded.split('-')) if (part) readPlainPart(part, words);
  // A long word may be a slice that keeps its whole article text alive: the memo keeps copies.
  return plainMemo.remember(folded, words.size === 0 ? NO_WORDS : [...words].map((w) => detached(w)));
}

/**
 * The one empty list, of the same element kind as the lists of strings (an empty literal's differs,
 * and readInto's optimized code was dropped at the first stop word).
 */
const NO_WORDS: readonly string[] = (() => {
  const list = [''];
  list.pop();
  return list;
})();

function readPart(part: string, token: Token, prev: Token | undefined, next: Token | undefined, words: Set<string>, ids: Set<string>): void {
  if (DIGIT.test(part)) {
    const id = versionOf(part, token, prev, next);
    if (id) {
      ids.add(id);
      words.add(id);
    } else if (!YEAR.test(part) && !THOUSANDS.test(part) && !NUMERIC_DATE.test(part)) words.add(part); // a quantity, a name with digits ("log4j")
    return;
  }
  readPlainPart(part, words);
}

function readPlainPart(part: string, words: Set<string>): void {
  if (part.includes('.')) {
    // host names (kernel.org, git.centos.org), not abbreviations ("z.B.", "u.a.")
    if (HOST.test(part)) words.add(part);
    return;
  }
  if (part.includes('_') || part.includes('/')) {
    for (const piece of part.split(/[_/]/)) addWord(piece, words);
  } else addWord(part, words);
}

function addWord(piece: string, words: Set<string>): void {
  if (piece.length < 2 || STOP_WORDS.has(piece)) return;
  words.add(SYNONYMS.get(piece) ?? stripEndings(piece));
}

/** The version or id a part with digits names, or undefined when it is a quantity, a date or a name. */
function versionOf(part: string, token: Token, prev: Token | undefined, next: Token | undefined): string | undefined {
  if (CVE.test(part) || RELEASE_CANDIDATE.test(part)) return part;
  if (THOUSANDS.test(part) || NUMERIC_DATE.test(part)) return undefined;
  if (shortDateOf(token, prev) !== undefined) return undefined;
  if (DOTTED_VERSION.test(part)) return part.replace(/^v/, '').replace(/(\.0)+$/, ''); // "v5.0" and "5" name one release
  if (!INTEGER.test(part) || YEAR.test(part)) return undefined;
  // A bare number is a version only right after a name ("Debian 13", "Linux 6"), and not before a unit or as an ordinal.
  const afterName = prev !== undefined && isCapitalized(prev.raw) && !DIGIT.test(prev.raw) && !STOP_WORDS.has(prev.folded);
  if (!afterName || token.dotAfter || (next !== undefined && UNITS.has(next.folded))) return undefined;
  return part;
}

/**
 * Companies whose name in a title makes them the subject: hyperscalers, hosters, CDNs, data-centre
 * operators, chip makers and the platform vendors of Linux news. Read like article text (set after
 * this first read), so that the stems match ("Googles" and "Google" are one word). Read at the first
 * story text, not when the module loads: a start from kept clusters reads none before its first answer
 * (this read, the first of the process, was ~45 ms of CPU of it at 20,000 articles, session 12).
 */
let ACTORS: Set<string> | undefined;
let readingActors = false;

function actors(): Set<string> | undefined {
  if (ACTORS || readingActors) return ACTORS;
  readingActors = true;
  ACTORS = new Set(
    readStoryText(
      `Google Alphabet Facebook Meta Microsoft Azure Amazon AWS Apple IBM Oracle Intel AMD Nvidia Qualcomm Hetzner IONOS Strato
      OVH OVHcloud netcup Scaleway Cloudflare Akamai Fastly Equinix Interxion CyrusOne Blackstone Telekom Vodafone SAP STACKIT
      Broadcom VMware Canonical SUSE Docker CrowdStrike OpenAI Alibaba Tencent Huawei Samsung`,
      '',
    ).titleWords,
  );
  return ACTORS;
}

import type { DateProblem } from '../types.js';

/**
 * Feed dates as written: RFC 822/2822 (with the German day and month names
 * German CMSs emit, missing seconds, named zones), RFC 3339/ISO 8601 and
 * W3C-DTF (dc:date). Anything else is unparseable: Date.parse would turn
 * garbage like "1" or "Montag" into a confident, wrong date.
 */

const MONTHS: Record<string, number> = {};
const monthNames: string[][] = [
  ['jan', 'january', 'januar', 'jän', 'jänner'],
  ['feb', 'february', 'februar'],
  ['mar', 'march', 'mär', 'mrz', 'maer', 'märz', 'maerz'],
  ['apr', 'april'],
  ['may', 'mai'],
  ['jun', 'june', 'juni'],
  ['jul', 'july', 'juli'],
  ['aug', 'august'],
  ['sep', 'sept', 'september'],
  ['oct', 'october', 'okt', 'oktober'],
  ['nov', 'november'],
  ['dec', 'december', 'dez', 'dezember'],
];
monthNames.forEach((names, index) => names.forEach((name) => (MONTHS[name] = index)));

/** Offsets in minutes east of UTC. Unknown names count as UTC (RFC 2822 §4.3). */
const ZONES: Record<string, number> = {
  ut: 0, utc: 0, gmt: 0, z: 0, wet: 0, bst: 60, ist: 60, cet: 60, mez: 60, met: 60, cest: 120, mesz: 120,
  mest: 120, eet: 120, eest: 180, est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360,
  pst: -480, pdt: -420,
};

const RFC822 = new RegExp(
  '^(?:[a-zäöü]{2,12}\\.?,?\\s*)?' + // day name, any language, optional
    '(\\d{1,2})\\.?\\s+([a-zäöü]{3,9})\\.?,?\\s+(\\d{2,4})' + // 3 Mär 2025
    '(?:,?\\s+(\\d{1,2}):(\\d{2})(?::(\\d{2}))?)?' + // 10:00[:00]
    '(?:\\s*([+-]\\d{2}:?\\d{2}|[a-z]{1,5}))?' + // +0100, +01:00, GMT, MEZ
    '(?:\\s*\\(.*\\))?$', // trailing comment "(CET)"
  'i',
);
const ISO8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[T\s](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const GERMAN_NUMERIC = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?(?:\s*Uhr)?$/i;

export type DateResult = { date: Date } | { problem: DateProblem };

/** Earlier dates are bugs (epoch zero, year 1), not news. */
const EARLIEST = Date.UTC(1991, 0, 1);
/** Clocks of sources and ours disagree a little; more is a wrong date. */
export const FUTURE_SKEW_MS = 10 * 60 * 1000;

export function parseFeedDate(written: string | undefined, now: Date): DateResult {
  const text = written?.trim().replace(/\s+/g, ' ');
  if (!text) return { problem: 'missing' };
  if (text.length > 120) return { problem: 'unparseable' };
  const ms = readTimestamp(text);
  if (ms === undefined || ms < EARLIEST) return { problem: 'unparseable' };
  if (ms > now.getTime() + FUTURE_SKEW_MS) return { problem: 'future' };
  return { date: new Date(ms) };
}

function readTimestamp(text: string): number | undefined {
  const iso = text.match(ISO8601);
  if (iso) return build(+iso[1]!, +iso[2]! - 1, +iso[3]!, iso[4], iso[5], iso[6], offsetOf(iso[7]));
  const rfc = text.match(RFC822);
  if (rfc) {
    const month = MONTHS[rfc[2]!.toLowerCase()];
    if (month === undefined) return undefined;
    let year = +rfc[3]!;
    if (rfc[3]!.length === 2) year += year < 50 ? 2000 : 1900; // RFC 2822 §4.3
    else if (rfc[3]!.length === 3) year += 1900;
    const offset = offsetOf(rfc[7]);
    if (offset === undefined) return undefined;
    return build(year, month, +rfc[1]!, rfc[4], rfc[5], rfc[6], offset);
  }
  const german = text.match(GERMAN_NUMERIC);
  if (german) {
    // "03.03.2025 10:00" has no zone; written this way it is German local time.
    const asUtc = build(+german[3]!, +german[2]! - 1, +german[1]!, german[4], german[5], german[6], 0);
    return asUtc === undefined ? undefined : asUtc - berlinOffsetMinutes(asUtc - berlinOffsetMinutes(asUtc) * 60_000) * 60_000;
  }
  return undefined;
}

function offsetOf(zone: string | undefined): number | undefined {
  if (!zone) return 0;
  const numeric = zone.match(/^([+-])(\d{2}):?(\d{2})?$/);
  if (numeric) {
    const hours = +numeric[2]!;
    const minutes = +(numeric[3] ?? 0);
    if (hours > 14 || minutes > 59) return undefined;
    return (numeric[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  return ZONES[zone.toLowerCase()] ?? 0;
}

function build(
  year: number, month: number, day: number,
  hour: string | undefined, minute: string | undefined, second: string | undefined,
  offsetMinutes: number | undefined,
): number | undefined {
  if (offsetMinutes === undefined) return undefined;
  const h = hour === undefined ? 0 : +hour;
  const m = minute === undefined ? 0 : +minute;
  const s = second === undefined ? 0 : Math.min(+second, 59); // a leap second is not worth losing a date
  if (month < 0 || month > 11 || day < 1 || h > 24 || m > 59 || s > 60 || (h === 24 && (m > 0 || s > 0))) return undefined;
  const local = Date.UTC(year, month, day, h, m, s);
  // Date.UTC rolls 31 Feb over into March; a date that rolls over is wrong.
  if (new Date(Date.UTC(year, month, day)).getUTCDate() !== day) return undefined;
  return local - offsetMinutes * 60_000;
}

/** Made on first use: creating it loads the time-zone data (~40 ms of CPU), which dates with a zone never need. */
let berlin: Intl.DateTimeFormat | undefined;

/** Minutes Europe/Berlin is ahead of UTC at the instant `ms` (60 in winter, 120 in summer). */
function berlinOffsetMinutes(ms: number): number {
  const parts = Object.fromEntries((berlin ??= new Intl.DateTimeFormat('en-US', {
    timeZone: 'Europe/Berlin', hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
  })).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  const wall = Date.UTC(+parts['year']!, +parts['month']! - 1, +parts['day']!, +parts['hour']!, +parts['minute']!);
  return Math.round((wall - Math.floor(ms / 60_000) * 60_000) / 60_000);
}

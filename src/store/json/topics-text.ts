/**
 * The topics file (json-store.ts writes it: compact JSON `{"schemaVersion":3,
 * "fingerprint":…,"journalSeq":…,"topics":{"<id>":[…],…}}`) read without one
 * JSON.parse of the whole document. JSON.parse made an object of 20,000 keys
 * and a list per article, then Object.entries a pair per article for the Map:
 * 60-150 ms of CPU at 20,000 articles on every start before anything could be
 * served (session 11, startcold). Here each id is cut from the text and its
 * list parsed once per distinct list text (a handful: which topics an article
 * has), all articles with the same list sharing it (as shareTopicLists does).
 *
 * Only the written form is cut: anything else (whitespace, an escaped id, a
 * list that is not one, an id JSON would order differently) gives null and
 * the caller parses the file whole, as before. A list's text runs to its
 * first `]`; a topic name holding one cuts it inside a string, which then
 * does not parse, so it too falls back.
 */

const TOPICS = '"topics":{';
const QUOTE = 0x22;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
/** Distinct list texts compared in place; those found later are looked up in a Map by a string cut out. */
const COMPARED = 16;

export interface TopicsText {
  /** The document's other fields (schemaVersion, fingerprint, journalSeq), with an empty "topics". */
  head: Record<string, unknown>;
  /** The topics by id, in the file's order. */
  byId: Map<string, string[]>;
}

/** The topics file's text cut in its written form, or null (parse it whole). */
export function cutTopicsText(text: string): TopicsText | null {
  const at = text.indexOf(TOPICS);
  const end = text.length - 2;
  if (at < 0 || text.charCodeAt(0) !== 0x7b || !text.endsWith('}}')) return null;
  let head: unknown;
  try {
    head = JSON.parse(`${text.slice(0, at)}${TOPICS}}}`);
  } catch {
    return null;
  }
  if (typeof head !== 'object' || head === null || Array.isArray(head)) return null;
  // The distinct list texts so far, each with its list: an article's list is found by comparing in place, without
  // a string of its own (a handful of texts cover 20,000 articles; one string per article was a third of the cut).
  const texts: string[] = [];
  const lists: string[][] = [];
  const others = new Map<string, number>();
  const byId = new Map<string, string[]>();
  // No backslash in the file: no id is escaped, and none need be looked for id by id.
  const escapes = text.includes('\\', at);
  for (let i = at + TOPICS.length; i < end; ) {
    if (text.charCodeAt(i) !== QUOTE) return null;
    const idEnd = text.indexOf('"', i + 1);
    if (idEnd < 0 || idEnd >= end || text.charCodeAt(idEnd + 1) !== COLON || text.charCodeAt(idEnd + 2) !== OPEN_BRACKET) return null;
    const id = text.slice(i + 1, idEnd);
    // Escaped: the text is not the id. An array index (at most 10 digits): JSON.parse's object would put it first, not in file order.
    if ((escapes && id.includes('\\')) || (id.length <= 10 && /^(?:0|[1-9]\d{0,9})$/.test(id))) return null;
    const listEnd = text.indexOf(']', idEnd + 3);
    if (listEnd < 0 || listEnd >= end) return null;
    const length = listEnd + 1 - (idEnd + 2);
    const compared = Math.min(texts.length, COMPARED);
    let k = 0;
    while (k < compared && !(texts[k]!.length === length && text.startsWith(texts[k]!, idEnd + 2))) k++;
    if (k === compared) {
      // Rules with many topics have more combinations: past the first few, looked up by their text.
      const raw = text.slice(idEnd + 2, listEnd + 1);
      k = texts.length <= COMPARED ? -1 : (others.get(raw) ?? -1);
      if (k < 0) {
        let list: unknown;
        try {
          list = JSON.parse(raw);
        } catch {
          return null;
        }
        if (!Array.isArray(list)) return null;
        k = texts.push(raw) - 1;
        lists.push(list as string[]);
        if (k >= COMPARED) others.set(raw, k);
      }
    }
    byId.set(id, lists[k]!);
    i = listEnd + 1;
    if (i < end && (text.charCodeAt(i) !== COMMA || ++i >= end)) return null;
  }
  return { head: head as Record<string, unknown>, byId };
}

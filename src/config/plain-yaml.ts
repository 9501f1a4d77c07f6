/**
 * A reader for the plain block YAML that configs are written in (and that
 * `YAML.stringify` writes): block mappings and sequences, one-line plain,
 * single- and double-quoted scalars, one-line lists of them (`[a, "b"]`),
 * `[]`, `{}`, comments. It gives what the `yaml`
 * package's `parseDocument(text).toJS()` gives for such a text, or
 * undefined for anything else (other flow collections, anchors, tags, block or
 * multi-line scalars, escapes, duplicate keys, odd indentation, tabs …), and
 * then the caller parses with `yaml` as before, which also words every error.
 *
 * Why: a cold `poll` spent ~0.1–0.3 s loading `yaml` and running its parser
 * for the first time (cold code, not the text: the same text parses 3–10×
 * faster warm); this reader is a screen of code.
 * tests/config/plain-yaml.test.ts holds it to `yaml` over the shipped
 * config, generated ones and thousands of mutated texts.
 */

interface Line {
  indent: number;
  text: string;
  /** 1-based, for nothing but debugging this reader. */
  number: number;
}

/** Thrown inside to give up: the text is not (only) what this reader knows. */
const NOT_PLAIN = Symbol('not plain YAML');

// Characters that never appear in a plain config: control characters, the byte-order mark, Unicode line separators.
const UNUSUAL_CHARACTER = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\ufeff\u2028\u2029]/;
// A plain scalar may not start with these (YAML 1.2 c-indicator); "-", "?", ":" only when a space or the end follows.
const INDICATOR_START = /^(?:[[\]{},#&*!|>'"%@`]|[-?:](?: |$))/;
// The core schema's tags, in yaml's words (yaml/dist/schema/core): a plain scalar matching one is not a string.
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT = /^[-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;
// Octal, hexadecimal, exponent, infinity and NaN forms: left to yaml.
const OTHER_NUMBER = /^(?:0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;

/** The value of a plain block-YAML mapping document, or undefined when the text is anything else. */
export function readPlainYaml(text: string): Record<string, unknown> | undefined {
  if (UNUSUAL_CHARACTER.test(text)) return undefined;
  const lines: Line[] = [];
  const raw = text.split('\n');
  for (let i = 0; i < raw.length; i++) {
    const line = raw[i]!;
    const body = line.trimStart();
    if (body === '' || body.startsWith('#')) continue;
    const indent = line.length - body.length;
    // Directives and document markers belong to yaml.
    if (indent === 0 && /^(?:---|\.\.\.|%)/.test(body)) return undefined;
    lines.push({ indent, text: body, number: i + 1 });
  }
  if (lines.length === 0 || lines[0]!.indent !== 0 || isEntry(lines[0]!.text)) return undefined;
  try {
    const reader = new Reader(lines);
    const value = reader.mapping(0);
    return reader.done() ? value : undefined;
  } catch (err) {
    if (err === NOT_PLAIN) return undefined;
    throw err;
  }
}

class Reader {
  private at = 0;
  constructor(private readonly lines: Line[]) {}

  done(): boolean {
    return this.at === this.lines.length;
  }

  /** The mapping whose keys stand at `indent`, from the current line on. */
  mapping(indent: number): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    while (this.at < this.lines.length) {
      const line = this.lines[this.at]!;
      if (line.indent < indent) break;
      if (line.indent > indent || isEntry(line.text)) throw NOT_PLAIN;
      const pair = splitKey(line.text);
      if (!pair) throw NOT_PLAIN;
      const [key, rest] = pair;
      if (Object.prototype.hasOwnProperty.call(map, key) || key === '__proto__' || key === '<<') throw NOT_PLAIN;
      this.at++;
      map[key] = rest === '' ? this.nested(indent, true) : this.scalarThenDeeper(rest, indent);
    }
    return map;
  }

  /** The sequence whose "-" stand at `indent`. */
  sequence(indent: number): unknown[] {
    const items: unknown[] = [];
    while (this.at < this.lines.length) {
      const line = this.lines[this.at]!;
      if (line.indent < indent || (line.indent === indent && !isEntry(line.text))) break;
      if (line.indent > indent) throw NOT_PLAIN;
      const rest = line.text.slice(1).trimStart();
      if (rest === '') {
        this.at++;
        items.push(this.nested(indent, false));
        continue;
      }
      if (rest.startsWith('#')) throw NOT_PLAIN;
      // "- key: value" or "- - item": a block that starts on the entry's line, at the column of its text.
      const column = indent + line.text.length - rest.length;
      if (isEntry(rest)) {
        this.lines[this.at] = { ...line, indent: column, text: rest };
        items.push(this.sequence(column));
      } else if (splitKey(rest)) {
        this.lines[this.at] = { ...line, indent: column, text: rest };
        items.push(this.mapping(column));
      } else {
        this.at++;
        items.push(this.scalarThenDeeper(rest, indent));
      }
    }
    return items;
  }

  /** The value under a key or entry with nothing after it: a deeper block, a sequence at the key's own indent, or null. */
  private nested(indent: number, underKey: boolean): unknown {
    const next = this.lines[this.at];
    if (!next || next.indent < indent) return null;
    if (next.indent === indent) return underKey && isEntry(next.text) ? this.sequence(indent) : null;
    return isEntry(next.text) ? this.sequence(next.indent) : this.mapping(next.indent);
  }

  /** A one-line scalar; a deeper line after it would continue it (or be an error): yaml's to read. */
  private scalarThenDeeper(text: string, indent: number): unknown {
    const value = scalar(text);
    const next = this.lines[this.at];
    if (next && next.indent > indent) throw NOT_PLAIN;
    return value;
  }
}

function isEntry(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

/** [key, text after ": " without a comment] when the line is a "key: …" pair; undefined when it is a scalar. */
function splitKey(text: string): [string, string] | undefined {
  let key: string;
  let after: number;
  if (text[0] === '"' || text[0] === "'") {
    const [value, end] = quoted(text);
    if (text[end] !== ':') {
      restIsEmpty(text.slice(end));
      return undefined;
    }
    key = value;
    after = end + 1;
  } else {
    const colon = keyColon(text);
    if (colon < 0) return undefined;
    key = text.slice(0, colon);
    if (key.endsWith(' ') || key.length > 1000 || typeof plain(key) !== 'string') throw NOT_PLAIN;
    after = colon + 1;
  }
  if (after < text.length && text[after] !== ' ') throw NOT_PLAIN;
  const rest = text.slice(after).trimStart();
  return [key, rest.startsWith('#') ? '' : rest];
}

/** Where a plain key's ":" is (followed by a space or the end, before any comment), or -1. */
function keyColon(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === ':' && (i + 1 === text.length || text[i + 1] === ' ')) return i;
    if (c === '#' && i > 0 && text[i - 1] === ' ') return -1;
  }
  return -1;
}

/** A value on one line: quoted, a one-line flow sequence of scalars, {} or plain and resolved as the core schema does. */
function scalar(text: string): unknown {
  if (text[0] === '"' || text[0] === "'") {
    const [value, end] = quoted(text);
    restIsEmpty(text.slice(end));
    return value;
  }
  if (text[0] === '[') return flowSequence(text);
  if (text.startsWith('{}')) {
    restIsEmpty(text.slice(2));
    return {};
  }
  const comment = text.indexOf(' #');
  const body = (comment < 0 ? text : text.slice(0, comment)).trimEnd();
  if (body.includes(': ') || body.endsWith(':')) throw NOT_PLAIN;
  return plain(body);
}

function plain(text: string): unknown {
  if (text === '' || INDICATOR_START.test(text)) throw NOT_PLAIN;
  if (NULL.test(text)) return null;
  if (BOOL.test(text)) return text[0] === 't' || text[0] === 'T';
  if (INT.test(text)) {
    // parseInt as yaml does; past 15 digits the two might round apart: yaml's to say.
    if (text.length > 15) throw NOT_PLAIN;
    return parseInt(text, 10);
  }
  if (FLOAT.test(text)) {
    if (text.length > 15) throw NOT_PLAIN;
    return parseFloat(text);
  }
  if (OTHER_NUMBER.test(text)) throw NOT_PLAIN;
  return text;
}

/** `[a, "b", 'c']` on one line; items plain without flow or quote characters, or quoted. */
function flowSequence(text: string): unknown[] {
  const items: unknown[] = [];
  let i = 1;
  for (;;) {
    while (text[i] === ' ') i++;
    if (text[i] === ']' && items.length === 0) break;
    let item: unknown;
    if (text[i] === '"' || text[i] === "'") {
      [item, i] = quoted(text, i);
      while (text[i] === ' ') i++;
    } else {
      const end = text.slice(i).search(/[,\]]/);
      if (end < 0) throw NOT_PLAIN;
      const body = text.slice(i, i + end).trimEnd();
      if (/[[\]{}#:"']/.test(body)) throw NOT_PLAIN;
      item = plain(body);
      i += end;
    }
    items.push(item);
    if (text[i] === ']') break;
    if (text[i] !== ',') throw NOT_PLAIN;
    i++;
  }
  restIsEmpty(text.slice(i + 1));
  return items;
}

/** A quoted scalar at `start`, and the index after its closing quote; escapes other than \" and \\ are yaml's. */
function quoted(text: string, start = 0): [string, number] {
  const quote = text[start]!;
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'" && c === "'") {
      if (text[i + 1] === "'") {
        value += "'";
        i++;
        continue;
      }
      return [value, i + 1];
    }
    if (quote === '"' && c === '"') return [value, i + 1];
    if (quote === '"' && c === '\\') {
      const next = text[i + 1];
      if (next !== '"' && next !== '\\') throw NOT_PLAIN;
      value += next;
      i++;
      continue;
    }
    value += c;
  }
  throw NOT_PLAIN; // no closing quote on this line
}

/** After a quoted scalar: nothing, or spaces and a comment. */
function restIsEmpty(rest: string): void {
  const trimmed = rest.trimStart();
  if (trimmed !== '' && !(trimmed.startsWith('#') && trimmed.length < rest.length)) throw NOT_PLAIN;
}

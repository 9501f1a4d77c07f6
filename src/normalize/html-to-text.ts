import { decode } from 'html-entities';
import { afterCodePoints } from '../text/truncate.js';
import { Parser } from './html-parser.js';
import { plainHtmlPass, runHtmlPass, TextCollector } from './sanitize-html.js';

/** Safe HTML and its plain text, read from one walk of the markup; the text is finished only when asked for. */
export class SanitizedWithText {
  private finished: string | undefined;

  constructor(
    /** Safe HTML (see sanitize-html.ts). */
    readonly html: string,
    private readonly rawText: string,
  ) {}

  /** Plain text: entities decoded, whitespace collapsed. */
  get text(): string {
    this.finished ??= finishText(this.rawText);
    return this.finished;
  }

  /**
   * Text that truncateText cuts exactly as it cuts `text`, with any limit up
   * to `maxChars`: of a long article only a first part, finished as in the
   * whole (a summary needs 300 characters of a text that runs to thousands).
   * The part ends before a whitespace character, where no entity can be cut,
   * and must hold more than maxChars + 1 characters once finished: only its
   * last one (a space trimmed, or a soft hyphen's run) can read otherwise.
   */
  textFor(maxChars: number): string {
    if (this.finished !== undefined) return this.finished;
    const raw = this.rawText;
    const decodeAll = ENTITY.test(raw);
    for (let size = 2 * maxChars + 256; size < raw.length; size *= 4) {
      WHITESPACE.lastIndex = size;
      const cut = WHITESPACE.exec(raw);
      if (cut === null) break;
      const head = finishText(raw.slice(0, cut.index), decodeAll);
      if (afterCodePoints(head, maxChars + 1) < head.length) return head;
    }
    return this.text;
  }
}

const WHITESPACE = /\s/g;

export function sanitizeWithText(html: string, baseUrl: string | undefined): SanitizedWithText {
  if (!html.trim()) return new SanitizedWithText('', '');
  const pass = runHtmlPass(html, baseUrl);
  return new SanitizedWithText(pass.html, pass.text);
}

/**
 * Plain text of HTML (or of text with entities): what sanitizing would keep
 * as text, entities decoded, whitespace collapsed. Only text is wanted here,
 * so htmlparser2's events go straight to the shared TextCollector, without
 * sanitize-html building HTML nobody reads.
 */
export function htmlToText(html: string): string {
  if (!html) return '';
  // Most titles, authors and categories are plain text: nothing to parse.
  if (!/[<&]/.test(html)) return collapseWhitespace(html);
  // Clean markup (a teaser's <p>…</p>) goes through the sanitizer's shortcut, which reads the same text without a tokenizer.
  const plain = plainHtmlPass(html);
  if (plain) return finishText(plain.text);
  const collector = new TextCollector();
  const parser = new Parser(
    {
      onopentag: (name) => collector.open(name),
      onclosetag: (name, isImplied) => collector.close(name, isImplied),
      ontext: (text) => collector.text(text),
    },
    // sanitize-html's parser options, so that both walks see the same events.
    { decodeEntities: true },
  );
  parser.end(html);
  return finishText(collector.read());
}

export function collapseWhitespace(text: string): string {
  // Without soft hyphens or zero-width spaces every run of whitespace becomes one space: only the runs that are not
  // one space already are replaced (most runs are, between words), with no callback per run.
  if (!/[\u00ad\u200b]/.test(text)) return text.replace(/\s{2,}|[^\S ]/g, ' ').trim();
  return text.replace(/[\s\u00ad\u200b]+/g, (match) => (/^[\u00ad\u200b]+$/.test(match) ? '' : ' ')).trim();
}

/** An entity with its semicolon: where a text has none, its "&"s stay as written (see finishText). */
const ENTITY = /&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});/;

/** `decodeAll` is decided on the whole text: a part of it is finished as the whole would be. */
function finishText(text: string, decodeAll = ENTITY.test(text)): string {
  // Feeds often escape twice ("&amp;auml;"): a reader wants "ä", not the entity.
  const decoded = decodeAll ? decode(text, { level: 'html5' }) : text;
  return collapseWhitespace(decoded);
}

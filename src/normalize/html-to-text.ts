import { decode } from 'html-entities';
import { Parser } from './html-parser.js';
import { runHtmlPass, TextCollector } from './sanitize-html.js';

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
}

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
  // Without soft hyphens or zero-width spaces every run is whitespace and becomes one space: no callback per run.
  if (!/[\u00ad\u200b]/.test(text)) return text.replace(/\s+/g, ' ').trim();
  return text.replace(/[\s\u00ad\u200b]+/g, (match) => (/^[\u00ad\u200b]+$/.test(match) ? '' : ' ')).trim();
}

function finishText(text: string): string {
  // Feeds often escape twice ("&amp;auml;"): a reader wants "ä", not the entity.
  const decoded = /&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});/.test(text) ? decode(text, { level: 'html5' }) : text;
  return collapseWhitespace(decoded);
}

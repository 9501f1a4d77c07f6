import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { Parser } from '../../src/normalize/html-parser.js';
import { htmlToText } from '../../src/normalize/html-to-text.js';

describe('the HTML parser of the normalize stage', () => {
  it('is the htmlparser2 build sanitize-html uses, not a second copy of the package', () => {
    const require = createRequire(import.meta.url);
    const sanitizersOwn = createRequire(require.resolve('sanitize-html'))('htmlparser2') as { Parser: unknown };
    expect(Parser).toBe(sanitizersOwn.Parser);
  });

  it('still reads text through it', () => {
    expect(htmlToText('<p>Kernel&nbsp;6.12</p><p>ist da</p>')).toBe('Kernel 6.12 ist da');
  });
});

import { describe, expect, it } from 'vitest';
import { sanitizeContent } from '../../src/normalize/sanitize-html.js';

const base = 'https://www.heise.de/news/';

describe('lazy-loaded images', () => {
  it('a lazy source becomes the src when there is none, even if "data:" appears later in its URL', () => {
    expect(sanitizeContent('<p><img data-src="/bild?u=data:1" alt="x"></p>', base)).toBe('<p><img alt="x" src="https://www.heise.de/bild?u=data:1" /></p>');
  });

  it('replaces a data: placeholder, in any case and after blanks, but not a real src that mentions "data:"', () => {
    expect(sanitizeContent('<p><img src="data:image/gif;base64,R0l" data-src="/echt.jpg" alt="x"></p>', base)).toBe('<p><img src="https://www.heise.de/echt.jpg" alt="x" /></p>');
    expect(sanitizeContent('<p><img src=" DATA:image/gif;base64,R0l" data-original="data:x" data-lazy-src="/c.jpg"></p>', base)).toBe('<p><img src="https://www.heise.de/c.jpg" /></p>');
    expect(sanitizeContent('<p><img src="/platzhalter?fmt=data:gif" data-src="/echt.jpg" alt="x"></p>', base)).toBe('<p><img src="https://www.heise.de/platzhalter?fmt=data:gif" alt="x" /></p>');
  });
});

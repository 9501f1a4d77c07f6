/**
 * htmlparser2's event parser, taken from the package's CommonJS build.
 * sanitize-html requires that build; an ESM `import` of the same package
 * loads its second (ESM) build beside it, so every read worker loaded,
 * compiled and warmed up two copies of the tokenizer: ~60 ms of CPU per
 * worker start, and the JIT's work on the hottest HTML code done twice.
 */
import { createRequire } from 'node:module';
import type * as Htmlparser2 from 'htmlparser2';

const require = createRequire(import.meta.url);

export const { Parser } = require('htmlparser2') as typeof Htmlparser2;

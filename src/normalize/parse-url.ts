/**
 * `new URL(input, base)`, with the base parsed only when the input needs it.
 *
 * Node parses a base given as a string on every call, before the input; most
 * links in a feed are absolute, so each of them paid two parses for one URL
 * (an item's link is resolved, then canonicalized, and the links and images
 * in its content are made absolute: about a tenth of the read worker's time
 * went to URL parsing). An input that starts with `http://` or `https://`
 * comes out of the URL parser the same with any valid base or none: after
 * the scheme, two slashes take it to the authority whatever the base's scheme
 * (WHATWG URL, "special relative or authority state"). An invalid base still
 * throws, as it does for `new URL`: whether the base parses is remembered for
 * the last base seen, since a feed's items share theirs.
 */

const ABSOLUTE_HTTP = /^https?:\/\//i;

let lastBase: string | undefined;
let lastBaseParses = false;

export function parseUrl(input: string, base?: string): URL {
  if (base !== undefined && !(ABSOLUTE_HTTP.test(input) && parses(base))) return new URL(input, base);
  return new URL(input);
}

function parses(base: string): boolean {
  if (base !== lastBase) {
    lastBase = base;
    lastBaseParses = URL.canParse(base);
  }
  return lastBaseParses;
}

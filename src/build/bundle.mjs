#!/usr/bin/env node
/**
 * Second step of `npm run build`: bundles the process entry points that tsc
 * compiled (dist/cli.js, the read worker dist/read/read-worker.js) with
 * esbuild, in place. A cold `poll` otherwise loads ~230 module files on the
 * main thread and ~130 in the worker, each resolved, read and compiled apart.
 *
 * - ESM with code splitting: each command's lazy `import()` stays a chunk of
 *   its own (poll never parses serve's code); chunks sit at dist/'s top, so
 *   `../package.json` resolves from them as from the module build.
 * - The rest of dist/ stays the module-per-file tsc build (the bench and some
 *   tests import single modules from it); the bundle is made from those same
 *   files and carries their fingerprints (src/bundle-info.ts).
 * - CommonJS dependencies keep working in ESM through a `require` made by
 *   createRequire in each output file. Packages left external load from
 *   node_modules at run time (the container image has them).
 * - Linked source maps chain back to src/*.ts through tsc's maps.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIST = path.join(ROOT, 'dist');
const ENTRIES = ['cli.js', 'read/read-worker.js'];
const MARK = '// feedkurator bundle (src/build/bundle.mjs)';

/**
 * Left to node_modules:
 * - pg: only a postgres:// store loads it, and it has optional native parts.
 * - pino-pretty: loaded by createRequire on a terminal only.
 * - tinypool: starts its own worker script, found beside its module.
 */
const EXTERNAL = ['pg', 'pino-pretty', 'tinypool'];

/**
 * src/normalize/html-parser.ts takes htmlparser2's CommonJS build through
 * createRequire, the build sanitize-html `require`s, so that one copy loads.
 * esbuild does not follow a createRequire call: without the line that makes
 * the local `require`, the call is a plain `require()` that esbuild bundles,
 * and both users share one bundled copy (measured: loading the package from
 * node_modules file by file took ~40 ms of a read worker's start).
 */
const HTML_PARSER_REQUIRE = 'const require = createRequire(import.meta.url);';
const oneHtmlparser2 = {
  name: 'one-htmlparser2',
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/]normalize[\\/]html-parser\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes(HTML_PARSER_REQUIRE)) throw new Error(`${args.path} no longer has "${HTML_PARSER_REQUIRE}": update src/build/bundle.mjs`);
      return { contents: text.replace(HTML_PARSER_REQUIRE, ''), loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};

/**
 * rss-parser requires node:http and node:https for its parseURL, which
 * feedkurator never calls (it fetches with undici and hands rss-parser the
 * text). Loading https pulls in tls: ~18 ms of every read worker's start.
 * In the bundle those two requires of rss-parser get a module that says so
 * if anything ever calls it.
 */
const rssParserWithoutHttp = {
  name: 'rss-parser-without-http',
  setup(b) {
    b.onResolve({ filter: /^https?$/ }, (args) =>
      /[\\/]node_modules[\\/]rss-parser[\\/]/.test(args.importer) ? { path: args.path, namespace: 'not-for-rss-parser' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'not-for-rss-parser' }, (args) => ({
      contents: `const no = () => { throw new Error('rss-parser fetches nothing in feedkurator: node:${args.path} is left out of the bundle'); };\nmodule.exports = { get: no, request: no };`,
      loader: 'js',
    }));
  },
};

/**
 * sanitize-html requires postcss at load for one use: parsing style
 * attributes, which src/normalize/sanitize-html.ts turns off
 * (parseStyleAttributes: false, and no style attribute is allowed). Loading
 * postcss took ~40 ms of CPU of every read worker's start (and of serve's,
 * which sanitizes on publishing). In the bundle sanitize-html gets a postcss
 * whose parse says so if anything ever calls it.
 */
const sanitizeHtmlWithoutPostcss = {
  name: 'sanitize-html-without-postcss',
  setup(b) {
    b.onResolve({ filter: /^postcss$/ }, (args) =>
      /[\\/]node_modules[\\/]sanitize-html[\\/]/.test(args.importer) ? { path: args.path, namespace: 'not-for-sanitize-html' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'not-for-sanitize-html' }, () => ({
      contents: `module.exports = { parse: () => { throw new Error('feedkurator never parses style attributes: postcss is left out of the bundle'); } };`,
      loader: 'js',
    }));
  },
};

/**
 * zod's `z` namespace re-exports every locale (`z.locales`, ~70 languages,
 * ~370 KB of the config chunk) although only English, the default, is ever
 * used: feedkurator words its config problems itself and never calls
 * z.config() with another locale. Every command that validates a config
 * (poll, serve, check, …) parsed them all at load. In the bundle the locale
 * index keeps English and gets, for every other name, a function that says so
 * if anything ever calls it. (src/config imports zod as a namespace, so the
 * index is no longer reached at all; this stays for any `{ z }` import.)
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const names = [...text.matchAll(/^export \{ default as (\w+) \} from "\.\/[\w-]+\.js";$/gm)].map((m) => m[1]);
      if (!names.includes('en') || names.length < 10) throw new Error(`${args.path} no longer lists its locales as expected: update src/build/bundle.mjs`);
      const others = names.filter((name) => name !== 'en');
      const stub = (name) => `export function ${name}() { throw new Error('zod locale "${name}" is left out of the bundle: feedkurator uses English only'); }`;
      return { contents: ['export { default as en } from "./en.js";', ...others.map(stub)].join('\n'), loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};

/**
 * undici's client.js requires its HTTP/2 client at load, and that file loads
 * node:http2 (Node's http2 core, compat and util modules) for its constants:
 * ~10 ms of CPU of every `poll` and `serve` start. feedkurator's agents never
 * offer h2 (no `allowH2`, so ALPN asks for http/1.1 only and a plain socket has
 * no ALPN), so undici never calls it. In the bundle that file is a function
 * that says so if it ever is called (client.js then fails that connection).
 */
const undiciWithoutHttp2 = {
  name: 'undici-without-http2',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]undici[\\/]lib[\\/]dispatcher[\\/]client-h2\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!/^module\.exports = connectH2$/m.test(text)) throw new Error(`${args.path} no longer exports connectH2 alone: update src/build/bundle.mjs`);
      return {
        contents: `module.exports = function connectH2() { throw new Error('HTTP/2 is left out of the bundle: feedkurator never allows h2'); };`,
        loader: 'js',
      };
    });
  },
};

for (const entry of ENTRIES) {
  if (readFileSync(path.join(DIST, entry), 'utf8').slice(0, 200).includes(MARK)) {
    throw new Error(`dist/${entry} is a bundle already: run tsc first (npm run build does both)`);
  }
}

const importDist = (relative) => import(pathToFileURL(path.join(DIST, relative)).href);
const { storyReadingFingerprint } = await importDist('dedupe/story-words-file.js');
const { digestValidator } = await importDist('config/remembered-config.js');
const { clusteringFingerprint } = await importDist('curate/kept-clusters.js');
const info = {
  storyReadingFingerprint: storyReadingFingerprint(),
  configValidatorDigest: digestValidator(),
  clusteringFingerprint: clusteringFingerprint(),
  readWorker: './read/read-worker.js',
};

for (const name of readdirSync(DIST)) {
  if (/-[A-Z0-9]{8}\.js(\.map)?$/.test(name)) rmSync(path.join(DIST, name));
}

const result = await build({
  absWorkingDir: ROOT,
  entryPoints: ENTRIES.map((entry) => path.join(DIST, entry)),
  outdir: DIST,
  outbase: DIST,
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.18',
  external: EXTERNAL,
  define: { FEEDKURATOR_BUNDLE: JSON.stringify(info) },
  banner: { js: `${MARK}\nimport { createRequire as __feedkuratorRequire } from 'node:module';\nconst require = __feedkuratorRequire(import.meta.url);` },
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  plugins: [oneHtmlparser2, rssParserWithoutHttp, sanitizeHtmlWithoutPostcss, zodEnglishOnly, undiciWithoutHttp2],
});

const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.js'));
const bytes = outputs.reduce((sum, [, o]) => sum + o.bytes, 0);
// `--meta FILE`: esbuild's metafile (which inputs went into which output), for looking into the bundle.
const metaAt = process.argv.indexOf('--meta');
if (metaAt > 0) writeFileSync(process.argv[metaAt + 1], JSON.stringify(result.metafile));
console.log(`bundled ${ENTRIES.join(', ')}: ${outputs.length} files, ${(bytes / 1024).toFixed(0)} KB`);

/**
 * What src/build/bundle.mjs knows at build time about the bundled entry
 * points (dist/cli.js, dist/read/read-worker.js) and writes into them with
 * esbuild's `define`. Bundled code no longer sits beside the module files it
 * came from, so what those modules find relative to `import.meta.url` (the
 * sources they fingerprint, the read worker's entry) is decided here.
 * Undefined in the module-per-file tsc build (dist/<folder>/*.js, used by the
 * bench and some tests) and when running from the sources (vitest, tsx).
 */
export interface BundleInfo {
  /** storyReadingFingerprint() of the module build the bundle was made from. */
  storyReadingFingerprint: string;
  /** The config validator's digest (remembered-config.ts) of that build. */
  configValidatorDigest: string;
  /** clusteringFingerprint() (kept-clusters.ts) of that build. */
  clusteringFingerprint: string;
  /** The read worker's bundled entry, relative to the bundle's chunks (all at dist/'s top). */
  readWorker: string;
}

declare const FEEDKURATOR_BUNDLE: BundleInfo | undefined;

export const bundleInfo: BundleInfo | undefined = typeof FEEDKURATOR_BUNDLE === 'undefined' ? undefined : FEEDKURATOR_BUNDLE;

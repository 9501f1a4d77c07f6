/**
 * One HTTP resource of a publication: the body in every encoding we serve,
 * and its validators. Rendering gives the identity body at once;
 * compressResource() adds gzip and br on libuv's thread pool, off the event
 * loop, and an unchanged resource keeps the compressed bodies it had.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

export type ContentCoding = 'identity' | 'gzip' | 'br';

export interface Bodies {
  identity: Buffer;
  /** Absent until compressResource() ran; the server sends identity meanwhile. */
  gzip?: Buffer;
  br?: Buffer;
}

export interface Resource {
  readonly contentType: string;
  readonly bodies: Bodies;
  /** Strong ETag per coding (a gzip body is a different representation than the plain one). */
  readonly etags: Readonly<Record<ContentCoding, string>>;
  /** Whole seconds, as HTTP dates carry them. */
  readonly lastModified: Date;
  /** Extra response headers of this resource (Content-Security-Policy of the page). */
  readonly headers: Readonly<Record<string, string>>;
}

export interface ResourceSpec {
  contentType: string;
  /** The body: as text, or already encoded as UTF-8 (a publication joins its bodies from encoded pieces). */
  text: string | Buffer;
  /** When its content last changed, as far as the data knows. */
  changed: Date;
  generatedAt: Date;
  headers?: Record<string, string>;
  /** The same route in the previous publication: reused when unchanged, and Last-Modified never runs backwards. */
  previous?: Resource | undefined;
}

// Quality 4: on the 14 bodies of a 20,000-article store's publication (2.4 MB) it gave 213 KB in 23 ms of CPU,
// quality 5 191 KB in 102 ms, gzip 9 218 KB in 27 ms (same run): a rebuild after a poll compresses 13 of the
// 14 bodies, and quality 5 alone took twice the rebuild's 50 ms budget. (Quality 9: 1/80 of 5's speed.)
const BROTLI_QUALITY = 4;

export function createResource(spec: ResourceSpec): Resource {
  const identity = typeof spec.text === 'string' ? Buffer.from(spec.text, 'utf8') : spec.text;
  const tag = createHash('sha256').update(identity).digest('base64url').slice(0, 27);
  const etags = { identity: `"${tag}"`, gzip: `"${tag}-gz"`, br: `"${tag}-br"` };
  const previous = spec.previous;
  if (previous && previous.etags.identity === etags.identity && previous.contentType === spec.contentType) {
    return { ...previous, headers: { ...(spec.headers ?? {}) } };
  }
  let lastModified = floorSeconds(spec.changed);
  // The body changed but the data's dates did not move forward (rules edit, new "Auch bei" outlet, config text):
  // a client asking If-Modified-Since must still see the change.
  if (previous && lastModified.getTime() <= previous.lastModified.getTime()) {
    lastModified = new Date(Math.max(floorSeconds(spec.generatedAt).getTime(), previous.lastModified.getTime() + 1000));
  }
  return {
    contentType: spec.contentType,
    bodies: { identity },
    etags,
    lastModified,
    headers: { ...(spec.headers ?? {}) },
  };
}

/**
 * The same resource with the Last-Modified a store keeps for its body
 * (replicas: src/store/postgres/validators.ts), so that every replica sends
 * the same date for the same bytes. The bodies object stays shared.
 */
export function withLastModified(resource: Resource, lastModified: Date): Resource {
  const date = floorSeconds(lastModified);
  return date.getTime() === resource.lastModified.getTime() ? resource : { ...resource, lastModified: date };
}

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

// A build starts compressing each body as soon as it is joined; whoever asks later awaits the same work.
const compressing = new WeakMap<Bodies, Promise<void>>();

/**
 * Add the compressed bodies a resource lacks (in place: the bodies object is
 * the resource's own). Calls for the same bodies share one compression.
 */
export function compressResource(resource: Resource): Promise<void> {
  const { bodies } = resource;
  if (bodies.gzip && bodies.br) return Promise.resolve();
  let running = compressing.get(bodies);
  if (!running) {
    running = compressBodies(bodies);
    compressing.set(bodies, running);
    // A failed compression is tried again by the next caller.
    running.catch(() => compressing.delete(bodies));
  }
  return running;
}

async function compressBodies(bodies: Bodies): Promise<void> {
  const [gz, br] = await Promise.all([
    bodies.gzip ?? gzipAsync(bodies.identity, { level: 9 }),
    bodies.br ??
      brotliAsync(bodies.identity, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
          [constants.BROTLI_PARAM_SIZE_HINT]: bodies.identity.length,
          // A window fitted to the body (feeds are tens to hundreds of KB): less memory to set up and free, same ratio.
          [constants.BROTLI_PARAM_LGWIN]: Math.max(16, Math.min(24, Math.ceil(Math.log2(bodies.identity.length + 1)))),
        },
      }),
  ]);
  bodies.gzip = gz;
  bodies.br = br;
}

function floorSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

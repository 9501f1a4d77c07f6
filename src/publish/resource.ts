/**
 * One HTTP resource of a publication: the body in every encoding we serve,
 * and its validators. Rendering gives the identity body at once;
 * compressResource() adds gzip and br on libuv's thread pool, off the event
 * loop, and an unchanged resource keeps the compressed bodies it had.
 */
import { createHash } from 'node:crypto';
import type { Transform } from 'node:stream';
import { finished } from 'node:stream/promises';
import { constants, createBrotliCompress, createGzip } from 'node:zlib';

export type ContentCoding = 'identity' | 'gzip' | 'br';

export interface Bodies {
  /** The plain body as one buffer (a body kept in parts is joined at the first read: prefer bodyParts). */
  identity: Buffer;
  /** The plain body in order, when it is kept in parts (route-body.ts); absent: identity is the one part. */
  readonly parts?: readonly Buffer[];
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
  /** The body: as text, or already encoded as UTF-8, whole or in parts (route-body.ts). */
  text: string | Buffer | readonly Buffer[];
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
/** A part written to the encoders as it is; smaller ones are joined first (compressParts). */
const BIG_PART = 16_384;
/** The encoders' output buffer: a feed's compressed body in one or two round trips instead of five (16 KB). */
const OUT_CHUNK = 65_536;

export function createResource(spec: ResourceSpec): Resource {
  const parts = typeof spec.text === 'string' ? [Buffer.from(spec.text, 'utf8')] : Buffer.isBuffer(spec.text) ? [spec.text] : spec.text;
  // The same digest over the same bytes, whether they come in one buffer or several.
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  const tag = hash.digest('base64url').slice(0, 27);
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
    bodies: parts.length === 1 ? { identity: parts[0]! } : new PartedBodies(parts),
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

/** A plain body kept in parts; `identity` joins them once, when something asks for the body as one buffer. */
class PartedBodies implements Bodies {
  #identity: Buffer | undefined;
  gzip?: Buffer;
  br?: Buffer;
  constructor(readonly parts: readonly Buffer[]) {}
  get identity(): Buffer {
    return (this.#identity ??= Buffer.concat(this.parts));
  }
}

/** The plain body's bytes in order, without joining them. */
export function bodyParts(bodies: Bodies): readonly Buffer[] {
  return bodies.parts ?? [bodies.identity];
}

/** The plain body's length in bytes, without joining it. */
export function identityLength(bodies: Bodies): number {
  if (!bodies.parts) return bodies.identity.length;
  let length = 0;
  for (const part of bodies.parts) length += part.length;
  return length;
}

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
  const parts = bodyParts(bodies);
  const length = identityLength(bodies);
  const [gz, br] = await Promise.all([
    bodies.gzip ?? compressParts(() => createGzip({ level: 9, chunkSize: OUT_CHUNK }), parts),
    bodies.br ??
      compressParts(
        () =>
          createBrotliCompress({
            chunkSize: OUT_CHUNK,
            params: {
              [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
              [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
              [constants.BROTLI_PARAM_SIZE_HINT]: length,
              // A window fitted to the body (feeds are tens to hundreds of KB): less memory to set up and free, same ratio.
              [constants.BROTLI_PARAM_LGWIN]: Math.max(16, Math.min(24, Math.ceil(Math.log2(length + 1)))),
            },
          }),
        parts,
      ),
  ]);
  bodies.gzip = gz;
  bodies.br = br;
}

/**
 * What zlib's one-shot gzip()/brotliCompress() give for the parts joined (they run the same stream, the
 * whole input written at once): the encoders' output does not depend on how the input is cut, only on
 * the bytes and on the one finish at the end (no flush in between), so the parts need no joined copy.
 */
async function compressParts(make: () => Transform, parts: readonly Buffer[]): Promise<Buffer> {
  const engine = make();
  const out: Buffer[] = [];
  engine.on('data', (chunk: Buffer) => out.push(chunk));
  const done = finished(engine);
  try {
    for (const input of batched(parts)) engine.write(input);
    engine.end();
  } catch (err) {
    // A part zlib refuses: the stream is ended with the error, which the caller gets once.
    engine.destroy(err as Error);
    await done.catch(() => undefined);
    throw err;
  }
  await done;
  // One output chunk is a view of zlib's output buffer: kept as it is when it fills most of it.
  return out.length === 1 && out[0]!.length * 2 >= out[0]!.buffer.byteLength ? out[0]! : Buffer.concat(out);
}

/** Small parts joined (a head, a changed item, a tail): each write is a round trip to the thread pool. */
function* batched(parts: readonly Buffer[]): Generator<Buffer> {
  let small: Buffer[] = [];
  for (const part of parts) {
    if (part.length >= BIG_PART) {
      if (small.length > 0) yield small.length === 1 ? small[0]! : Buffer.concat(small);
      small = [];
      yield part;
    } else small.push(part);
  }
  if (small.length > 0) yield small.length === 1 ? small[0]! : Buffer.concat(small);
}

function floorSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

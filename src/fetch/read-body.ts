import { Readable, type Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { FetchError, TooLargeError } from '../errors.js';
import { isDecompressionError, isWholeBodyEncoding, undoEncoding, type LeftEncoded } from './undo-encoding.js';

export interface BodyLimits {
  /** Cap on the bytes as they come over the wire. */
  maxRawBytes: number;
  /** Cap on the bytes after decompression. */
  maxBytes: number;
  /** A single gzip or br encoding is left for the caller to undo (undoEncoding): the body comes back as transferred. */
  leaveEncoded?: boolean;
}

type Stage = Duplex | ((source: AsyncIterable<Buffer>) => AsyncIterable<Buffer>);

/** Thrown inside the pipeline; readBody turns it into TooLargeError. */
class LimitExceeded extends Error {
  constructor(
    readonly which: 'raw' | 'decoded',
    readonly limit: number,
  ) {
    super(`${which} limit ${limit} exceeded`);
  }
}

// Small output chunks keep a bomb's in-flight memory small: zlib stops
// inflating when the next stage does not pull.
const ZLIB_OPTIONS = { chunkSize: 16 * 1024 };

/** Counts bytes and fails the pipeline the moment the cap is crossed. */
function limitStage(which: 'raw' | 'decoded', limit: number, onCount: (n: number) => void): Stage {
  return async function* (source) {
    let seen = 0;
    for await (const chunk of source) {
      seen += chunk.length;
      onCount(seen);
      if (seen > limit) throw new LimitExceeded(which, limit);
      yield chunk;
    }
  };
}

/**
 * `deflate` should be zlib-wrapped (RFC 9110) but some servers send raw
 * deflate, as browsers tolerate; sniff the zlib header on the first chunk.
 */
function deflateStage(): Stage {
  return async function* (source) {
    const input = source[Symbol.asyncIterator]();
    // The sniff needs two bytes; a server may well send them one at a time.
    let head = Buffer.alloc(0);
    while (head.length < 2) {
      const next = await input.next();
      if (next.done) break;
      head = Buffer.concat([head, next.value]);
    }
    if (head.length === 0) return;
    const zlibWrapped = head.length >= 2 && (head[0]! & 0x0f) === 8 && ((head[0]! << 8) | head[1]!) % 31 === 0;
    const inflater = zlibWrapped ? zlib.createInflate(ZLIB_OPTIONS) : zlib.createInflateRaw(ZLIB_OPTIONS);
    const replay = Readable.from(
      (async function* () {
        yield head;
        for (let next = await input.next(); !next.done; next = await input.next()) yield next.value;
      })(),
    );
    replay.on('error', (err) => inflater.destroy(err));
    replay.pipe(inflater);
    try {
      for await (const out of inflater) yield out as Buffer;
    } finally {
      replay.destroy();
      inflater.destroy();
    }
  };
}

/** One decoder per Content-Encoding token, undone in reverse order (RFC 9110 §8.4.1). */
function decoderStages(contentEncoding: string | undefined): Stage[] {
  const tokens = (contentEncoding ?? '')
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== '' && t !== 'identity');
  return tokens.reverse().map((token): Stage => {
    switch (token) {
      case 'gzip':
      case 'x-gzip':
        return zlib.createGunzip(ZLIB_OPTIONS);
      case 'br':
        return zlib.createBrotliDecompress(ZLIB_OPTIONS);
      case 'deflate':
        return deflateStage();
      default:
        throw new FetchError(`unsupported Content-Encoding "${token}" (only gzip, deflate and br)`);
    }
  });
}

/**
 * Reads a response body into memory with both caps enforced while
 * streaming, so that a compression bomb or an endless body stops after at
 * most `maxBytes` of output instead of being inflated whole. A single gzip
 * or br encoding is read as transferred and undone whole (undo-encoding.ts),
 * here or, with `leaveEncoded`, by the caller.
 */
export async function readBody(
  body: Readable,
  contentEncoding: string | undefined,
  limits: BodyLimits,
): Promise<{ body: Buffer; rawBytes: number; encoded?: LeftEncoded }> {
  if (isWholeBodyEncoding(contentEncoding)) {
    const raw = await readPlain(body, { maxRawBytes: limits.maxRawBytes, maxBytes: limits.maxRawBytes });
    const encoded = { contentEncoding: contentEncoding!, maxBytes: limits.maxBytes };
    if (limits.leaveEncoded) return { ...raw, encoded };
    return { body: undoEncoding(raw.body, encoded), rawBytes: raw.rawBytes };
  }
  const decoders = decoderStages(contentEncoding);
  if (decoders.length === 0) return readPlain(body, limits);
  const chunks: Buffer[] = [];
  let rawBytes = 0;
  let size = 0;
  const collect = async (source: AsyncIterable<Buffer>): Promise<void> => {
    for await (const chunk of source) {
      chunks.push(chunk);
      size += chunk.length;
    }
  };
  const stages = [
    body,
    limitStage('raw', limits.maxRawBytes, (n) => (rawBytes = n)),
    ...decoders,
    limitStage('decoded', limits.maxBytes, () => undefined),
    collect,
  ];
  try {
    // The typings know no variadic form with generator stages; the runtime does.
    await (pipeline as unknown as (streams: unknown[]) => Promise<void>)(stages);
  } catch (err) {
    if (err instanceof LimitExceeded) {
      throw new TooLargeError(
        err.which === 'decoded'
          ? `response larger than ${err.limit} bytes after decompression`
          : `response larger than ${err.limit} bytes as transferred`,
      );
    }
    if (isDecompressionError(err)) {
      throw new FetchError(`corrupt ${contentEncoding} response body: ${(err as Error).message}`, { cause: err });
    }
    throw err;
  }
  return { body: Buffer.concat(chunks, size), rawBytes };
}

/**
 * The bytes as they come (no encoding, or the compressed bytes of a whole-body
 * decoder), counted against both caps as the pipeline's two limit stages
 * count them. A loop over the body instead of a stream pipeline of four
 * stages per response: the pipeline's setup and its generators' turns were
 * ~2 % of a cold poll's main thread for bodies that arrive in a few chunks.
 * Leaving the loop early (a cap, an error) destroys the body, as the pipeline did.
 */
async function readPlain(body: Readable, limits: BodyLimits): Promise<{ body: Buffer; rawBytes: number }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limits.maxRawBytes) throw new TooLargeError(`response larger than ${limits.maxRawBytes} bytes as transferred`);
    if (size > limits.maxBytes) throw new TooLargeError(`response larger than ${limits.maxBytes} bytes after decompression`);
    chunks.push(chunk);
  }
  return { body: Buffer.concat(chunks, size), rawBytes: size };
}

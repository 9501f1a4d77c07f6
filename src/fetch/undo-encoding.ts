/**
 * The one content decoding of the common case (a single gzip or br
 * encoding), run on the whole body at once and synchronously, in whichever
 * thread holds the body: the fetcher for its own callers, the read worker
 * for the pipeline, which asks the fetcher to leave the encoding undone
 * (ConditionalRequest.leaveEncoded) so that the main thread neither inflates
 * nor moves the inflated bytes. zlib's own output cap (maxOutputLength)
 * stops a bomb as soon as its output passes `maxBytes`, as the streamed
 * limit does.
 *
 * Synchronous, not zlib's async form, whose cost is mostly hand-offs to the
 * libuv pool and back, not inflating: fetching the 200 bench bodies took
 * the main thread 70 → 30 ms of CPU and the process 131 → 56 ms with the
 * bodies left encoded; the worker then pays ~22 ms of gunzipSync for them.
 */
import zlib from 'node:zlib';
import { FetchError, TooLargeError } from '../errors.js';

/** A body whose one content encoding is still to undo: the header as sent, and the cap on the decoded bytes. */
export interface LeftEncoded {
  contentEncoding: string;
  maxBytes: number;
}

/** Output pieces of a whole-body decompression: fewer turns than a stream's 16 KB. */
const WHOLE_CHUNK_BYTES = 64 * 1024;

/** The encodings undone whole (one gzip or br token); anything else streams through read-body's decoders. */
export function isWholeBodyEncoding(contentEncoding: string | undefined): boolean {
  return codingOf(contentEncoding) !== undefined;
}

/**
 * The decoded bytes, or the source's own failure: TooLargeError past
 * `maxBytes`, FetchError for corrupt data, with the messages the streamed
 * decoders give.
 */
export function undoEncoding(raw: Buffer, { contentEncoding, maxBytes }: LeftEncoded): Buffer {
  const coding = codingOf(contentEncoding);
  if (coding === undefined) throw new Error(`undoEncoding: "${contentEncoding}" is not undone whole`);
  const options = { maxOutputLength: Math.max(1, maxBytes), chunkSize: WHOLE_CHUNK_BYTES };
  try {
    return coding === 'gzip' ? zlib.gunzipSync(raw, options) : zlib.brotliDecompressSync(raw, options);
  } catch (err) {
    if ((err as { code?: unknown } | null)?.code === 'ERR_BUFFER_TOO_LARGE') {
      throw new TooLargeError(`response larger than ${maxBytes} bytes after decompression`);
    }
    if (isDecompressionError(err)) {
      throw new FetchError(`corrupt ${contentEncoding} response body: ${(err as Error).message}`, { cause: err });
    }
    throw err;
  }
}

export function isDecompressionError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('Z_') || code.startsWith('ERR_BROTLI') || code.startsWith('ERR__ERROR'));
}

function codingOf(contentEncoding: string | undefined): 'gzip' | 'br' | undefined {
  const token = contentEncoding?.trim().toLowerCase();
  if (token === 'gzip' || token === 'x-gzip') return 'gzip';
  if (token === 'br') return 'br';
  return undefined;
}

/**
 * A feed's body as a few parts instead of one joined copy. A rebuild after a
 * poll changes a dozen of a feed's ~100 items; joining the whole document
 * anew wrote ~2.4 MB into freshly allocated memory per rebuild, and on this
 * kind of host (a VM whose free pages go back to the hypervisor) every fresh
 * page costs ~15-20 µs to fault in: ~600 pages, 8 ms of the rebuild's
 * main-thread CPU (BENCHMARKS.md, session 13, rebuild). So a route keeps where
 * each item's bytes lie (its layout); the next build copies only the head and
 * the new or changed items into one small buffer and refers to the unchanged
 * runs where they already are. The bytes are exactly joinPieces' bytes for the
 * same pieces: only where they are stored differs.
 *
 * Parts are views: they keep the buffers they point into alive. A body is
 * copied whole again (compacted) when it has grown into too many parts or
 * keeps too many bytes alive that it no longer shows.
 */
import type { EntryFragments } from './entry-fragments.js';
import type { Bodies } from './resource.js';

type Format = 'rss' | 'atom' | 'json';

/** Where each item's bytes, its separator first, lie: what the next build of the route refers to. */
interface Layout {
  readonly format: Format;
  /** By the item's pieces (the fragment cache hands an unchanged entry's pieces on as the same object). */
  readonly units: Map<EntryFragments, Buffer>;
}

const layouts = new WeakMap<Bodies, Layout>();

/** More parts than this and the body is joined into one buffer again (each part costs a write when served). */
const MAX_PARTS = 24;
/** Bytes kept alive beyond the body's own before it is joined again (old heads, changed and dropped items). */
const MAX_SLACK = 2;

const NEWLINE = Buffer.from('\n');
const COMMA_NEWLINE = Buffer.from(',\n');
const JSON_OPEN = ',\n  "items": [\n';
const JSON_CLOSE = Buffer.from('\n  ]\n}\n');

export interface RouteBody {
  /** The body's bytes in order; together they are joinPieces(format, head, pieces, tail). */
  readonly parts: Buffer[];
  /** Hand to keepLayout once the route's resource exists. */
  readonly layout: Layout;
}

/**
 * The body of one feed route from its head, the items' pieces and its tail; `previous` is the route's
 * body in the publication this one replaces (its layout is what the unchanged items are found in).
 */
export function buildRouteBody(format: Format, head: string, pieces: readonly EntryFragments[], tail: string, previous: Bodies | undefined): RouteBody {
  const before = previous ? layouts.get(previous) : undefined;
  const known = before?.format === format ? before.units : undefined;
  const units = new Map<EntryFragments, Buffer>();
  const json = format === 'json';
  if (json && pieces.length === 0) return { parts: [Buffer.from(`${head},\n  "items": []\n}\n`, 'utf8')], layout: { format, units } };
  const headBytes = Buffer.from(json ? head + JSON_OPEN : head, 'utf8');
  const closing = json ? JSON_CLOSE : Buffer.from(`\n${tail}`, 'utf8');

  // Each item either refers to its bytes where they are (a view) or is copied anew (its separator and piece).
  const found: (Buffer | undefined)[] = new Array(pieces.length);
  let fresh = headBytes.length;
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    const sep = separator(json, i);
    const at = known?.get(piece);
    if (at && at.length === sep.length + piece[format].length && startsWith(at, sep)) found[i] = at;
    else fresh += sep.length + piece[format].length;
  }
  let total = fresh + closing.length;
  for (const at of found) if (at) total += at.length;

  const out = Buffer.allocUnsafeSlow(fresh);
  out.set(headBytes, 0);
  let written = headBytes.length;
  const parts: Buffer[] = [];
  // The run being gathered: a stretch of one buffer's memory, [start, end) in that buffer's bytes.
  let run: { buffer: ArrayBufferLike; start: number; end: number } | undefined = { buffer: out.buffer, start: out.byteOffset, end: out.byteOffset + written };
  const extend = (view: Buffer): void => {
    if (run && run.buffer === view.buffer && run.end === view.byteOffset) {
      run.end += view.length;
      return;
    }
    if (run) parts.push(Buffer.from(run.buffer, run.start, run.end - run.start));
    run = { buffer: view.buffer, start: view.byteOffset, end: view.byteOffset + view.length };
  };
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    let unit = found[i];
    if (!unit) {
      const sep = separator(json, i);
      const start = written;
      out.set(sep, written);
      out.set(piece[format], written + sep.length);
      written += sep.length + piece[format].length;
      unit = out.subarray(start, written);
      // The cache's piece becomes a view of these bytes, so that it holds no copy of its own.
      piece[format] = unit.subarray(sep.length);
    }
    units.set(piece, unit);
    extend(unit);
  }
  extend(closing);
  parts.push(Buffer.from(run!.buffer, run!.start, run!.end - run!.start));

  if (parts.length > MAX_PARTS || keptAlive(parts) > MAX_SLACK * total + 65_536) return compact(format, parts, pieces, total - closing.length, json);
  return { parts, layout: { format, units } };
}

/** Remember where the route's items lie, for the next build of the same route. */
export function keepLayout(bodies: Bodies, body: RouteBody): void {
  layouts.set(bodies, body.layout);
}

/** One buffer again; the items' views point into it. `itemsEnd`: where the closing bytes start. */
function compact(format: Format, parts: readonly Buffer[], pieces: readonly EntryFragments[], itemsEnd: number, json: boolean): RouteBody {
  let total = 0;
  for (const p of parts) total += p.length;
  const whole = Buffer.allocUnsafeSlow(total);
  let at = 0;
  for (const p of parts) {
    whole.set(p, at);
    at += p.length;
  }
  const units = new Map<EntryFragments, Buffer>();
  // The items lie in order right before the closing bytes.
  let end = itemsEnd;
  for (let i = pieces.length - 1; i >= 0; i--) {
    const piece = pieces[i]!;
    const sep = separator(json, i).length;
    const unit = whole.subarray(end - sep - piece[format].length, end);
    end -= unit.length;
    piece[format] = unit.subarray(sep);
    units.set(piece, unit);
  }
  return { parts: [whole], layout: { format, units } };
}

function separator(json: boolean, index: number): Buffer {
  return json ? (index === 0 ? EMPTY : COMMA_NEWLINE) : NEWLINE;
}

const EMPTY = Buffer.alloc(0);

function startsWith(view: Buffer, sep: Buffer): boolean {
  for (let i = 0; i < sep.length; i++) if (view[i] !== sep[i]) return false;
  return true;
}

/** Bytes of the distinct buffers the parts point into. */
function keptAlive(parts: readonly Buffer[]): number {
  const seen = new Set<ArrayBufferLike>();
  let bytes = 0;
  for (const p of parts) {
    if (seen.has(p.buffer)) continue;
    seen.add(p.buffer);
    bytes += p.buffer.byteLength;
  }
  return bytes;
}

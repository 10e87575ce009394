/**
 * The table kernel's pair loop in WebAssembly (wasm/pair-table.as.ts, compiled by `npm run build:wasm`), used where
 * the runtime has it — Node, worker threads and Electron all do — instead of the JavaScript loop of buck-dsf-table.ts
 * (`tableLoop` there picks). Both give the same forces and energy bit for bit when no pair lies below its table's
 * start, and to round-off otherwise (those pairs are added after the loop here, inside it in JavaScript);
 * tests/md/table-loop.test.ts checks both.
 *
 * Why: the loop is bound by memory access, and V8 bounds-checks every typed-array access; WebAssembly does not
 * need to. Measured on a 3000-atom liquid: one force computation 3.06 → 2.17 ms, one MD step −32 %
 * (`npm run bench:md -- --table-loop compare`; README engine figures).
 *
 * The WebAssembly loop works on copies in its own linear memory: the coordinates every call (3 doubles per slot,
 * ~1 % of the loop's time), the list's offsets, neighbours and slot types once per list build (the caller passes
 * the build count as `listVersion`; the offsets array has n + 1 entries), the tables once per table. Pairs closer
 * than their table's start come back as a list and go through the exact-erfc expression of buck-dsf.ts here, with
 * the close-contact watch.
 */
import { pairExactErfc as pairExactErfc_ } from './buck-dsf.ts';
import type { TabulatedPairTable } from './buck-dsf-table.ts';
import { PAIR_TABLE_WASM } from './wasm/pair-table.wasm.ts';

const pairExactErfc = pairExactErfc_; // module-local: imported bindings are getter calls under tsx

/**
 * The pair loop over slots [i0, i1) of a half list: writes the forces into f's first 3·slots values (replacing what
 * was there: the WebAssembly loop copies its result over them, so a caller's zeroing would be a wasted pass), energy,
 * virial, pairs and the closest contact below floorSq into out (pairLoopTable's out).
 */
export type TableLoop = (
  i0: number,
  i1: number,
  x: Float64Array,
  f: Float64Array,
  offsets: Int32Array,
  idx: Int32Array,
  slotType: Int32Array,
  slots: number,
  listVersion: number,
  t: TabulatedPairTable,
  floorSq: number,
  out: Float64Array,
) => void;

// The engine room compiles without DOM or Node types: the little of WebAssembly used here, declared locally.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (d: { initial: number }) => { buffer: ArrayBuffer; grow(pages: number): number };
};

type Kernel = (...a: number[]) => number;

let compiled: object | null | undefined;
/** The compiled module, once per thread; null where WebAssembly is missing. */
function wasmModule(): object | null {
  if (compiled === undefined) {
    try {
      compiled = typeof WebAssembly === 'object' ? new WebAssembly.Module(decodeBase64(PAIR_TABLE_WASM)) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

function decodeBase64(s: string): Uint8Array {
  const bin = atob(s);
  const b = new Uint8Array(bin.length);
  for (let k = 0; k < bin.length; k++) b[k] = bin.charCodeAt(k);
  return b;
}
declare function atob(s: string): string;

const PAGE = 65536;
const align = (bytes: number) => (bytes + 63) & ~63;

/** Most close pairs one call hands back (8 bytes each); more, and that call runs the JavaScript loop instead. */
export const EXACT_CAP = 1 << 16;
/** A memory this large (bytes) that a new layout needs less than a quarter of is dropped for a new one. */
const SHRINK_ABOVE = 64 * 2 ** 20;

/**
 * A WebAssembly pair loop with its own memory (one per thread that runs loops: the memory is not shared), or null
 * where WebAssembly is missing. `fallback` (the JavaScript loop) takes a call whose close pairs overflow `exactCap` —
 * a collapsing candidate, never a liquid (Si–O at 3600 K stays above its table start).
 */
export function createWasmTableLoop(fallback: TableLoop, exactCap = EXACT_CAP): TableLoop | null {
  const mod = wasmModule();
  if (!mod) return null;
  let memory = new WebAssembly.Memory({ initial: 1 });
  let kernel = new WebAssembly.Instance(mod, { env: { memory } }).exports.pairLoopTable as Kernel;
  // Region sizes the layout was made for, their byte offsets, and the views on them.
  let cap = { slots: -1, offsets: -1, pairs: -1, tab: -1, types: -1, row: -1 };
  let px = 0, pf = 0, poff = 0, pidx = 0, pty = 0, ptab = 0, pbase = 0, pstart = 0, pout = 0, pex = 0, prow = 0;
  let X = new Float64Array(0), F = X, OUT = X, TAB = X, START = X;
  let OFF = new Int32Array(0), IDX = OFF, TY = OFF, BASE = OFF, EX = OFF;
  // What the memory holds (copies are made when these change).
  let heldTable: TabulatedPairTable | null = null;
  let heldIdx: Int32Array | null = null;
  let heldOffsets: Int32Array | null = null;
  let heldVersion = NaN;
  let longestRow = 0; // of the list held
  const pair = new Float64Array(2);

  // `row`: the longest row's entries; the kernel's row buffer takes one more (its branch-free compaction).
  const layout = (slots: number, offs: number, pairs: number, row: number, t: TabulatedPairTable): void => {
    const types = t.tabBase.length;
    const fits = slots <= cap.slots && offs <= cap.offsets && pairs <= cap.pairs && t.tab.length <= cap.tab && types <= cap.types && row < cap.row;
    // Re-laid (smaller) also when the list shrank to a quarter: the memory may then be released (below).
    if (fits && !(cap.pairs > 1 << 20 && 16 * pairs < cap.pairs)) return;
    // Headroom so that a growing list does not re-lay the memory at every build.
    cap = {
      slots: Math.ceil(1.25 * slots),
      offsets: Math.ceil(1.25 * offs) + 1,
      pairs: Math.ceil(1.25 * pairs) + 16,
      tab: t.tab.length,
      types,
      row: Math.ceil(1.25 * row) + 2,
    };
    let top = 0;
    const take = (bytes: number) => {
      const at = top;
      top += align(bytes);
      return at;
    };
    px = take(24 * cap.slots);
    pf = take(24 * cap.slots);
    pty = take(4 * cap.slots);
    poff = take(4 * cap.offsets);
    pidx = take(4 * cap.pairs);
    pex = take(8 * exactCap);
    ptab = take(8 * cap.tab);
    pbase = take(4 * types);
    pstart = take(8 * types);
    pout = take(64);
    prow = take(4 * cap.row);
    // A memory never shrinks: after a crowded list (a collapsing candidate) a new one, so that a worker thread
    // does not hold that peak for the rest of its campaign.
    if (memory.buffer.byteLength > SHRINK_ABOVE && 4 * top < memory.buffer.byteLength) {
      memory = new WebAssembly.Memory({ initial: 1 });
      kernel = new WebAssembly.Instance(mod, { env: { memory } }).exports.pairLoopTable as Kernel;
    }
    const have = memory.buffer.byteLength;
    if (top > have) memory.grow(Math.ceil((top - have) / PAGE));
    const buf = memory.buffer;
    X = new Float64Array(buf, px, 3 * cap.slots);
    F = new Float64Array(buf, pf, 3 * cap.slots);
    TY = new Int32Array(buf, pty, cap.slots);
    OFF = new Int32Array(buf, poff, cap.offsets);
    IDX = new Int32Array(buf, pidx, cap.pairs);
    EX = new Int32Array(buf, pex, 2 * exactCap);
    TAB = new Float64Array(buf, ptab, cap.tab);
    BASE = new Int32Array(buf, pbase, types);
    START = new Float64Array(buf, pstart, types);
    OUT = new Float64Array(buf, pout, 8);
    heldTable = null;
    heldIdx = null;
  };

  return (i0, i1, x, f, offsets, idx, slotType, slots, listVersion, t, floorSq, out) => {
    // The whole list is copied (offsets has n + 1 entries), not the range: a thread that runs several chunks of a
    // force team in turn then copies once per build, not once per chunk.
    const nOff = offsets.length;
    const nPairs = offsets[nOff - 1];
    const newList = heldIdx !== idx || heldOffsets !== offsets || heldVersion !== listVersion;
    if (newList) longestRow = longest(offsets);
    layout(slots, nOff, nPairs, longestRow, t); // a new layout forgets what it held (heldIdx null)
    if (heldTable !== t) {
      TAB.set(t.tab);
      BASE.set(t.tabBase);
      START.set(t.tabRsqStart);
      heldTable = t;
    }
    if (newList || heldIdx === null) {
      OFF.set(offsets);
      IDX.set(idx.subarray(0, nPairs));
      TY.set(slotType.subarray(0, slots));
      heldIdx = idx;
      heldOffsets = offsets;
      heldVersion = listVersion;
    }
    const n3 = 3 * slots;
    X.set(x.subarray(0, n3));
    F.fill(0, 0, n3);
    const nExact = kernel(
      i0, i1, px, pf, poff, pidx, pty, t.nTypes, t.cutSqMax, ptab, pbase, pstart,
      t.tabRsqOrigin, t.tabInvDelta, t.tabRsqSplit, t.tabInvDelta2, t.tabRsqSplit * t.tabInvDelta2 - t.tabSplitK, pout, pex, exactCap, prow,
    );
    if (nExact > exactCap) return fallback(i0, i1, x, f, offsets, idx, slotType, slots, listVersion, t, floorSq, out);
    f.set(F.subarray(0, n3));
    let energy = OUT[0];
    let virial = OUT[1];
    let pairs = OUT[2] + nExact;
    let closeRsq = Infinity;
    let closeI = -1;
    let closeJ = -1;
    // Pairs below their table's start, in the loop's order: the exact expression and the close-contact watch.
    for (let e = 0; e < nExact; e++) {
      const i = EX[2 * e];
      const j = EX[2 * e + 1];
      const i3 = 3 * i;
      const j3 = 3 * j;
      const dx = x[i3] - x[j3];
      const dy = x[i3 + 1] - x[j3 + 1];
      const dz = x[i3 + 2] - x[j3 + 2];
      const rsq = dx * dx + dy * dy + dz * dz;
      if (rsq < floorSq && rsq < closeRsq) {
        closeRsq = rsq;
        closeI = i;
        closeJ = j;
      }
      pairExactErfc(slotType[i], slotType[j], rsq, t, pair);
      energy += pair[0];
      const fpair = pair[1];
      virial += rsq * fpair;
      f[i3] += dx * fpair;
      f[i3 + 1] += dy * fpair;
      f[i3 + 2] += dz * fpair;
      f[j3] -= dx * fpair;
      f[j3 + 1] -= dy * fpair;
      f[j3 + 2] -= dz * fpair;
    }
    out[0] = energy;
    out[1] = 0;
    out[2] = virial;
    out[3] = pairs;
    out[4] = closeRsq;
    out[5] = closeI;
    out[6] = closeJ;
  };
}

/** Entries in the longest row of a list. */
function longest(offsets: Int32Array): number {
  let most = 0;
  for (let i = 0; i + 1 < offsets.length; i++) most = Math.max(most, offsets[i + 1] - offsets[i]);
  return most;
}

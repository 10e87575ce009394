/**
 * AssemblyScript source of the table kernel's pair loop in WebAssembly (compiled by `npm run build:wasm` into
 * pair-table.wasm.ts; loaded by table-loop.ts). The same arithmetic, in the same order, as `pairLoopTable` in
 * ../buck-dsf-table.ts — its forces and energy are bit for bit those of the JavaScript loop (tested) — so keep
 * the two in step.
 *
 * Why a second copy of the loop: the loop is bound by memory access, and V8 checks the bounds of every typed-array
 * read and write; WebAssembly's linear memory needs no check per access (guard pages), which is most of the gain
 * (measured: −29 % time per force computation on a 3000-atom liquid, README engine figures).
 *
 * Pairs closer than their table's start are not computed here: their (i, j) go to `exact` (room for `exactCap`) for
 * the caller, which computes them with the exact-erfc expression of buck-dsf.ts (one definition of that physics).
 * Returns their count, which exceeds exactCap when they did not all fit (the caller then runs the loop in JavaScript).
 * All pointers are byte offsets into the imported memory; `out` receives energy (eV), virial (eV), pairs.
 */
export function pairLoopTable(
  i0: i32,
  i1: i32,
  x: usize,
  f: usize,
  offsets: usize,
  idx: usize,
  slotType: usize,
  nT: i32,
  cutSq: f64,
  tab: usize,
  tabBase: usize,
  tabStart: usize,
  origin: f64,
  invDelta: f64,
  split: f64,
  invDelta2: f64,
  off2: f64,
  out: usize,
  exact: usize,
  exactCap: i32,
): i32 {
  let energy = 0.0;
  let virial = 0.0;
  let pairs = 0;
  let nExact = 0;
  const m2invDelta = -2 * invDelta;
  const m2invDelta2 = -2 * invDelta2;
  for (let i = i0; i < i1; i++) {
    const pi = x + ((<usize>i * 3) << 3);
    const xi = load<f64>(pi);
    const yi = load<f64>(pi, 8);
    const zi = load<f64>(pi, 16);
    const rowT = load<i32>(slotType + (<usize>i << 2)) * nT;
    let fxi = 0.0;
    let fyi = 0.0;
    let fzi = 0.0;
    const kEnd = load<i32>(offsets + (<usize>i << 2), 4);
    for (let kk = load<i32>(offsets + (<usize>i << 2)); kk < kEnd; kk++) {
      const j = load<i32>(idx + (<usize>kk << 2));
      const pj = x + ((<usize>j * 3) << 3);
      const dx = xi - load<f64>(pj);
      const dy = yi - load<f64>(pj, 8);
      const dz = zi - load<f64>(pj, 16);
      const rsq = dx * dx + dy * dy + dz * dz;
      if (rsq < cutSq) {
        const tij = rowT + load<i32>(slotType + (<usize>j << 2));
        if (rsq >= load<f64>(tabStart + (<usize>tij << 3))) {
          pairs++;
          const fine = rsq < split;
          const s = fine ? (rsq - origin) * invDelta : rsq * invDelta2 - off2;
          const k = <i32>s;
          const u = s - <f64>k;
          const b = tab + (<usize>(load<i32>(tabBase + (<usize>tij << 2)) + 4 * k) << 3);
          const c1 = load<f64>(b, 8);
          const c2 = load<f64>(b, 16);
          const c3 = load<f64>(b, 24);
          energy += load<f64>(b) + u * (c1 + u * (c2 + u * c3));
          const fpair = (fine ? m2invDelta : m2invDelta2) * (c1 + u * (2 * c2 + 3 * u * c3));
          virial += rsq * fpair;
          const fx = dx * fpair;
          const fy = dy * fpair;
          const fz = dz * fpair;
          fxi += fx;
          fyi += fy;
          fzi += fz;
          const fj = f + ((<usize>j * 3) << 3);
          store<f64>(fj, load<f64>(fj) - fx);
          store<f64>(fj, load<f64>(fj, 8) - fy, 8);
          store<f64>(fj, load<f64>(fj, 16) - fz, 16);
        } else {
          if (nExact < exactCap) {
            const e = exact + (<usize>nExact << 3);
            store<i32>(e, i);
            store<i32>(e, j, 4);
          }
          nExact++;
        }
      }
    }
    const fi = f + ((<usize>i * 3) << 3);
    store<f64>(fi, load<f64>(fi) + fxi);
    store<f64>(fi, load<f64>(fi, 8) + fyi, 8);
    store<f64>(fi, load<f64>(fi, 16) + fzi, 16);
  }
  store<f64>(out, energy);
  store<f64>(out, virial, 8);
  store<f64>(out, <f64>pairs, 16);
  return nExact;
}

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
 * Each row runs in two passes: the first finds its neighbours within the cut-off (two distances at a time in
 * 128-bit SIMD lanes, written without branches to `row`, room for the longest row + 1), the second takes them in
 * list order, two at a time through the table when both lie on it (each lane the JavaScript loop's arithmetic;
 * the lanes' energies, virials and forces are summed one after the other, in the scalar loop's order), one at a
 * time otherwise. Half of a list's entries lie beyond the cut-off (the 2 Å skin), so pairing entries before that
 * test would rarely find two to compute together. Measured: −5 % per force loop against the one-pair-at-a-time
 * loop on a 3000-atom liquid, forces bit for bit the same (README engine figures).
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
  row: usize,
): i32 {
  let energy = 0.0;
  let virial = 0.0;
  let pairs = 0;
  let nExact = 0;
  const m2invDelta = -2 * invDelta;
  const m2invDelta2 = -2 * invDelta2;
  const two = f64x2.splat(2);
  const three = f64x2.splat(3);
  for (let i = i0; i < i1; i++) {
    const pi = x + ((<usize>i * 3) << 3);
    const xi = load<f64>(pi);
    const yi = load<f64>(pi, 8);
    const zi = load<f64>(pi, 16);
    const vxi = f64x2.splat(xi);
    const vyi = f64x2.splat(yi);
    const vzi = f64x2.splat(zi);
    const rowT = load<i32>(slotType + (<usize>i << 2)) * nT;
    let fxi = 0.0;
    let fyi = 0.0;
    let fzi = 0.0;
    const kEnd = load<i32>(offsets + (<usize>i << 2), 4);

    // Pass 1: the row's neighbours within the cut-off, in list order.
    let nIn = 0;
    let kk = load<i32>(offsets + (<usize>i << 2));
    for (; kk + 1 < kEnd; kk += 2) {
      const j1 = load<i32>(idx + (<usize>kk << 2));
      const j2 = load<i32>(idx + (<usize>(kk + 1) << 2));
      const p1 = x + ((<usize>j1 * 3) << 3);
      const p2 = x + ((<usize>j2 * 3) << 3);
      const dx = f64x2.sub(vxi, f64x2.replace_lane(f64x2.splat(load<f64>(p1)), 1, load<f64>(p2)));
      const dy = f64x2.sub(vyi, f64x2.replace_lane(f64x2.splat(load<f64>(p1, 8)), 1, load<f64>(p2, 8)));
      const dz = f64x2.sub(vzi, f64x2.replace_lane(f64x2.splat(load<f64>(p1, 16)), 1, load<f64>(p2, 16)));
      const rsq = f64x2.add(f64x2.add(f64x2.mul(dx, dx), f64x2.mul(dy, dy)), f64x2.mul(dz, dz));
      store<i32>(row + (<usize>nIn << 2), j1);
      nIn += <i32>(f64x2.extract_lane(rsq, 0) < cutSq);
      store<i32>(row + (<usize>nIn << 2), j2);
      nIn += <i32>(f64x2.extract_lane(rsq, 1) < cutSq);
    }
    if (kk < kEnd) {
      const j = load<i32>(idx + (<usize>kk << 2));
      const pj = x + ((<usize>j * 3) << 3);
      const dx = xi - load<f64>(pj);
      const dy = yi - load<f64>(pj, 8);
      const dz = zi - load<f64>(pj, 16);
      store<i32>(row + (<usize>nIn << 2), j);
      nIn += <i32>(dx * dx + dy * dy + dz * dz < cutSq);
    }

    // Pass 2: two at a time where both are on the table, else one.
    let m = 0;
    while (m < nIn) {
      if (m + 1 < nIn) {
        const j1 = load<i32>(row + (<usize>m << 2));
        const j2 = load<i32>(row + (<usize>(m + 1) << 2));
        const p1 = x + ((<usize>j1 * 3) << 3);
        const p2 = x + ((<usize>j2 * 3) << 3);
        const dx = f64x2.sub(vxi, f64x2.replace_lane(f64x2.splat(load<f64>(p1)), 1, load<f64>(p2)));
        const dy = f64x2.sub(vyi, f64x2.replace_lane(f64x2.splat(load<f64>(p1, 8)), 1, load<f64>(p2, 8)));
        const dz = f64x2.sub(vzi, f64x2.replace_lane(f64x2.splat(load<f64>(p1, 16)), 1, load<f64>(p2, 16)));
        const rsq = f64x2.add(f64x2.add(f64x2.mul(dx, dx), f64x2.mul(dy, dy)), f64x2.mul(dz, dz));
        const r1 = f64x2.extract_lane(rsq, 0);
        const r2 = f64x2.extract_lane(rsq, 1);
        const t1 = rowT + load<i32>(slotType + (<usize>j1 << 2));
        const t2 = rowT + load<i32>(slotType + (<usize>j2 << 2));
        if (r1 >= load<f64>(tabStart + (<usize>t1 << 3)) && r2 >= load<f64>(tabStart + (<usize>t2 << 3))) {
          pairs += 2;
          const fine1 = r1 < split;
          const fine2 = r2 < split;
          const s1 = fine1 ? (r1 - origin) * invDelta : r1 * invDelta2 - off2;
          const s2 = fine2 ? (r2 - origin) * invDelta : r2 * invDelta2 - off2;
          const k1 = <i32>s1;
          const k2 = <i32>s2;
          const u = f64x2.replace_lane(f64x2.splat(s1 - <f64>k1), 1, s2 - <f64>k2);
          const b1 = tab + (<usize>(load<i32>(tabBase + (<usize>t1 << 2)) + 4 * k1) << 3);
          const b2 = tab + (<usize>(load<i32>(tabBase + (<usize>t2 << 2)) + 4 * k2) << 3);
          const c0 = f64x2.replace_lane(f64x2.splat(load<f64>(b1)), 1, load<f64>(b2));
          const c1 = f64x2.replace_lane(f64x2.splat(load<f64>(b1, 8)), 1, load<f64>(b2, 8));
          const c2 = f64x2.replace_lane(f64x2.splat(load<f64>(b1, 16)), 1, load<f64>(b2, 16));
          const c3 = f64x2.replace_lane(f64x2.splat(load<f64>(b1, 24)), 1, load<f64>(b2, 24));
          const e = f64x2.add(c0, f64x2.mul(u, f64x2.add(c1, f64x2.mul(u, f64x2.add(c2, f64x2.mul(u, c3))))));
          const scale = f64x2.replace_lane(f64x2.splat(fine1 ? m2invDelta : m2invDelta2), 1, fine2 ? m2invDelta : m2invDelta2);
          const fpair = f64x2.mul(scale, f64x2.add(c1, f64x2.mul(u, f64x2.add(f64x2.mul(two, c2), f64x2.mul(f64x2.mul(three, u), c3)))));
          const vir = f64x2.mul(rsq, fpair);
          const fx = f64x2.mul(dx, fpair);
          const fy = f64x2.mul(dy, fpair);
          const fz = f64x2.mul(dz, fpair);
          energy += f64x2.extract_lane(e, 0);
          virial += f64x2.extract_lane(vir, 0);
          const fx1 = f64x2.extract_lane(fx, 0);
          const fy1 = f64x2.extract_lane(fy, 0);
          const fz1 = f64x2.extract_lane(fz, 0);
          fxi += fx1;
          fyi += fy1;
          fzi += fz1;
          subtractForce(f, j1, fx1, fy1, fz1);
          energy += f64x2.extract_lane(e, 1);
          virial += f64x2.extract_lane(vir, 1);
          const fx2 = f64x2.extract_lane(fx, 1);
          const fy2 = f64x2.extract_lane(fy, 1);
          const fz2 = f64x2.extract_lane(fz, 1);
          fxi += fx2;
          fyi += fy2;
          fzi += fz2;
          subtractForce(f, j2, fx2, fy2, fz2);
          m += 2;
          continue;
        }
      }
      // One pair: the JavaScript loop's body.
      const j = load<i32>(row + (<usize>m << 2));
      m++;
      const pj = x + ((<usize>j * 3) << 3);
      const dx = xi - load<f64>(pj);
      const dy = yi - load<f64>(pj, 8);
      const dz = zi - load<f64>(pj, 16);
      const rsq = dx * dx + dy * dy + dz * dz;
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
        subtractForce(f, j, fx, fy, fz);
      } else {
        if (nExact < exactCap) {
          const e = exact + (<usize>nExact << 3);
          store<i32>(e, i);
          store<i32>(e, j, 4);
        }
        nExact++;
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

/** Newton's third law: the pair's force off atom j's slot. */
@inline function subtractForce(f: usize, j: i32, fx: f64, fy: f64, fz: f64): void {
  const fj = f + ((<usize>j * 3) << 3);
  store<f64>(fj, load<f64>(fj) - fx);
  store<f64>(fj, load<f64>(fj, 8) - fy, 8);
  store<f64>(fj, load<f64>(fj, 16) - fz, 16);
}

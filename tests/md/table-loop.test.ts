/**
 * The table kernel's pair loop in WebAssembly (md/table-loop.ts, wasm/pair-table.as.ts) against the JavaScript
 * loop it replaces (buck-dsf-table.ts pairLoopTable), on the LAMMPS fixtures' liquids:
 * - no pair below its table's start: forces, energy, virial and pair count bit for bit equal (same arithmetic in
 *   the same order);
 * - many pairs below it (a table that starts at 2.6 Å, so every Si–O bond takes the exact-erfc branch): equal to
 *   round-off (those pairs are summed after the loop: ≤ 1e-12 × RMS force), and the same closest contact; more of
 *   them than the loop hands back: that call runs the JavaScript loop;
 * - over list rebuilds (a small skin): 200 NVT steps with either loop give the same trajectory (the WebAssembly
 *   loop copies the list again at each build), and a force team's helpers run the same loop;
 * - the committed binary is the compile of its source (scripts/wasm-kernels.ts).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SILICA } from '../../src-worker/species.ts';
import { createRng } from '../../src-worker/rng.ts';
import { computeForces, createMdState, defaultLimits, runSegment } from '../../src-worker/md/run.ts';
import { buckDsfTable, jsTableLoop, prepareBuckDsfTable, setTableLoopKind, tableLoop, type TabulatedPairTable } from '../../src-worker/md/buck-dsf-table.ts';
import { createWasmTableLoop } from '../../src-worker/md/table-loop.ts';
import { createNoseHooverChain } from '../../src-worker/md/thermostat.ts';
import { maxwellBoltzmann } from '../../src-worker/md/velocities.ts';
import { silentContext } from '../../src-worker/md/protocol.ts';
import { copySystem } from '../../src-worker/md/system.ts';
import { compileKernel, KERNELS, moduleText, ROOT } from '../../scripts/wasm-kernels.ts';
import { LIQUIDS, loadLiquid, maxForceDiff, rmsForce } from './fixtures.ts';

/** Both loops on one list (the close-contact watch at `floor`, Å); returns their outputs. */
function both(name: (typeof LIQUIDS)[number], table?: (ff: ReturnType<typeof loadLiquid>['ff']) => TabulatedPairTable, floor = 0.5, exactCap?: number) {
  const liquid = loadLiquid(name);
  const t = table ? table(liquid.ff) : (prepareBuckDsfTable(SILICA, liquid.ff) as TabulatedPairTable);
  const md = createMdState(copySystem(liquid.sys), buckDsfTable, t, 2.0);
  setTableLoopKind('js');
  expect(computeForces(md)).toBeNull();
  const nl = md.nl;
  const slots = nl.n + nl.nGhost;
  const run = (loop: typeof jsTableLoop) => {
    const f = new Float64Array(3 * slots);
    const out = new Float64Array(7);
    loop(0, nl.n, nl.x, f, nl.offsets, nl.idx, nl.slotType, slots, nl.builds, t, floor * floor, out);
    return { f, out };
  };
  let fallbacks = 0;
  const wasm = createWasmTableLoop((...a) => {
    fallbacks++;
    jsTableLoop(...a);
  }, exactCap);
  expect(wasm).not.toBeNull();
  const out = { js: run(jsTableLoop), wasm: run(wasm!), t, fallbacks: 0 };
  out.fallbacks = fallbacks;
  return out;
}

describe('WebAssembly pair loop', () => {
  it.each(LIQUIDS)('%s liquid: bit for bit the JavaScript loop', (name) => {
    const { js, wasm } = both(name);
    expect(js.out[3]).toBeGreaterThan(100_000);
    expect(wasm.f.every((v, k) => v === js.f[k])).toBe(true);
    expect(Array.from(wasm.out)).toEqual(Array.from(js.out));
  });

  it('pairs below the table start: exact branch to round-off, same closest contact', () => {
    const { js, wasm, t } = both('CHIK', (ff) => prepareBuckDsfTable(SILICA, ff, 8192, 2.6) as TabulatedPairTable, 1.7);
    expect(Math.sqrt(Math.min(...t.tabRsqStart))).toBeGreaterThanOrEqual(2.6);
    const rms = rmsForce(js.f);
    expect(maxForceDiff(wasm.f, js.f)).toBeLessThan(1e-12 * rms);
    expect(Math.abs(wasm.out[0] - js.out[0])).toBeLessThan(1e-12 * Math.abs(js.out[0]));
    expect(Math.abs(wasm.out[2] - js.out[2])).toBeLessThan(1e-12 * Math.abs(js.out[2]));
    expect(wasm.out[3]).toBe(js.out[3]);
    // The watch found a Si–O bond below 1.7 Å, the same one.
    expect(js.out[4]).toBeLessThan(1.7 ** 2);
    expect([wasm.out[4], wasm.out[5], wasm.out[6]]).toEqual([js.out[4], js.out[5], js.out[6]]);
  });

  it('more close pairs than the loop hands back: that call runs the JavaScript loop, bit for bit', () => {
    const r = both('CHIK', (ff) => prepareBuckDsfTable(SILICA, ff, 8192, 2.6) as TabulatedPairTable, 1.7, 100);
    expect(r.fallbacks).toBe(1);
    expect(r.wasm.f.every((v, k) => v === r.js.f[k])).toBe(true);
    expect(Array.from(r.wasm.out)).toEqual(Array.from(r.js.out));
  });

  it('200 NVT steps through list rebuilds: the same trajectory with either loop', { timeout: 120_000 }, () => {
    const liquid = loadLiquid('BKS');
    maxwellBoltzmann(liquid.sys, 3600, createRng(3));
    const t = prepareBuckDsfTable(SILICA, liquid.ff);
    const traj = (kind: 'js' | 'wasm') => {
      setTableLoopKind(kind);
      const md = createMdState(copySystem(liquid.sys), buckDsfTable, t, 0.3);
      const ctx = silentContext(() => 0);
      expect(runSegment(md, { kind: 'nvt', chain: createNoseHooverChain(md.dof, 3600, 0.1) }, 0.001, 200, { phase: 'production', limits: defaultLimits(3600), ctx })).toBeNull();
      return md;
    };
    const a = traj('js');
    const b = traj('wasm');
    setTableLoopKind('wasm');
    expect(b.nl.builds).toBeGreaterThan(5);
    expect(b.nl.builds).toBe(a.nl.builds);
    let d = 0;
    for (let k = 0; k < a.sys.pos.length; k++) d = Math.max(d, Math.abs(a.sys.pos[k] - b.sys.pos[k]));
    expect(d).toBeLessThan(1e-10);
  });

  it('the default is WebAssembly', () => {
    expect(tableLoop('wasm')).not.toBe(jsTableLoop);
  });

  it('the committed binary is the compile of its source', { timeout: 60_000 }, async () => {
    for (const k of KERNELS) {
      const committed = readFileSync(join(ROOT, k.module), 'utf8');
      expect(committed, `${k.module} is out of date: npm run build:wasm`).toBe(moduleText(k, await compileKernel(k)));
    }
  });
});

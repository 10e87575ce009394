/**
 * A run that goes wrong ends with a typed MdFailure naming what happened and the step — never an exception,
 * never a hang: the A_SiO = 0 with a large charge, and each failure kind provoked on purpose.
 */
import { describe, expect, it } from 'vitest';
import { SILICA } from '../../src-worker/species.ts';
import { createRng } from '../../src-worker/rng.ts';
import { BUILTIN_SETS, builtinForceField, silicaForceField } from '../../src-worker/params/sets.ts';
import { runLiquid } from '../../src-worker/md/engine.ts';
import { PAPER_PROTOCOL, silentContext, type RunContext } from '../../src-worker/md/protocol.ts';
import { describeFailure } from '../../src-worker/md/failure.ts';
import { buckDsf } from '../../src-worker/md/buck-dsf.ts';
import { computeForces, createMdState, defaultLimits, runSegment } from '../../src-worker/md/run.ts';
import { createNoseHooverChain } from '../../src-worker/md/thermostat.ts';
import { boxForDensity, randomInsertion, silicaCounts } from '../../src-worker/md/start.ts';
import { maxwellBoltzmann } from '../../src-worker/md/velocities.ts';
import { minimizeFire } from '../../src-worker/md/minimize.ts';
import type { System } from '../../src-worker/md/system.ts';

const BLOW_UP_KINDS = ['non-finite', 'too-close', 'temperature-runaway', 'lost-atom'];

function smallLiquid(): System {
  const counts = silicaCounts(120);
  const sys = randomInsertion(SILICA, counts, boxForDensity(SILICA, counts, 2.2), createRng(9));
  maxwellBoltzmann(sys, 3600, createRng(10));
  return sys;
}

describe('blow-up detection', () => {
  it('A_SiO = 0 with a large charge: the collapse ends the run with a typed failure', () => {
    const bks = BUILTIN_SETS.BKS;
    const ff = silicaForceField({ ...bks, qSi: 4, SiO: { ...bks.SiO, A: 0 } });
    const r = runLiquid(
      ff,
      {
        protocol: { ...PAPER_PROTOCOL, atoms: 648, relax: 2, production: 2 },
        seed: 3,
        softStart: { steps: 300, minimize: { maxIterations: 200, forceTolerance: 0.1, energyTolerance: 1e-8, maxDisplacement: 0.1, dtStart: 0.001, dtMax: 0.005 } },
      },
      [],
      silentContext(),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(BLOW_UP_KINDS).toContain(r.failure.kind);
    expect(r.failure.step).toBeGreaterThan(0);
    expect(r.failure.step).toBeLessThanOrEqual(300 + 4000);
    expect(describeFailure(r.failure)).toMatch(/^MD blew up at step \d+: /);
    expect(r.sys?.n).toBe(648); // the configuration at the failure is returned for inspection
  });

  it('two atoms closer than the contact floor → too-close, with both atoms and the distance', () => {
    const sys = smallLiquid();
    // Put atom 7 0.3 Å from atom 3.
    for (let d = 0; d < 3; d++) sys.pos[3 * 7 + d] = sys.pos[3 * 3 + d] + (d === 0 ? 0.3 : 0);
    const md = createMdState(sys, buckDsf, buckDsf.prepare(SILICA, builtinForceField('BKS')), 2.0);
    const f = computeForces(md);
    expect(f).toMatchObject({ kind: 'too-close', step: 0 });
    if (f?.kind !== 'too-close') return;
    expect([f.i, f.j].sort((a, b) => a - b)).toEqual([3, 7]);
    expect(f.r).toBeCloseTo(0.3, 10);
    expect(describeFailure(f)).toContain('0.300 Å apart');
  });

  it('a non-finite position → non-finite, naming the atom', () => {
    const sys = smallLiquid();
    const md = createMdState(sys, buckDsf, buckDsf.prepare(SILICA, builtinForceField('BKS')), 2.0);
    expect(computeForces(md)).toBeNull();
    sys.vel[3 * 11 + 1] = NaN;
    const f = runSegment(md, { kind: 'nve' }, 0.001, 10, { phase: 'relax', limits: defaultLimits(3600), ctx: silentContext() });
    expect(f).toEqual({ kind: 'non-finite', step: 1, atom: 11, what: 'position' });
  });

  it('an atom jumping further than the limit in one step → lost-atom', () => {
    const sys = smallLiquid();
    const md = createMdState(sys, buckDsf, buckDsf.prepare(SILICA, builtinForceField('BKS')), 2.0);
    sys.vel[3 * 20] = 3000; // Å/ps: 3 Å in 1 fs
    const f = runSegment(md, { kind: 'nve' }, 0.001, 10, { phase: 'relax', limits: defaultLimits(3600), ctx: silentContext() });
    expect(f).toMatchObject({ kind: 'lost-atom', step: 1, atom: 20 });
  });

  it('a temperature far above the limit → temperature-runaway', () => {
    const sys = smallLiquid();
    const md = createMdState(sys, buckDsf, buckDsf.prepare(SILICA, builtinForceField('BKS')), 2.0);
    for (let k = 0; k < sys.vel.length; k++) sys.vel[k] *= 4; // 16 × 3600 K, above 5·3600 + 5000 K
    const chain = createNoseHooverChain(md.dof, 3600, 0.1);
    const f = runSegment(md, { kind: 'nvt', chain }, 0.001, 10, { phase: 'relax', limits: defaultLimits(3600), ctx: silentContext() });
    expect(f).toMatchObject({ kind: 'temperature-runaway', step: 1 });
    if (f?.kind === 'temperature-runaway') expect(f.temperature).toBeGreaterThan(23000);
  });

  it('cancellation is polled and ends the run with kind cancelled', () => {
    const sys = smallLiquid();
    const md = createMdState(sys, buckDsf, buckDsf.prepare(SILICA, builtinForceField('BKS')), 2.0);
    expect(minimizeFire(md, silentContext()).ok).toBe(true); // a relaxed packing: nothing else stops the run
    maxwellBoltzmann(sys, 3600, createRng(10));
    let polls = 0;
    const ctx: RunContext = { ...silentContext(), isCancelled: () => ++polls >= 2 };
    const f = runSegment(md, { kind: 'nve' }, 0.001, 10_000, { phase: 'production', limits: defaultLimits(3600), ctx });
    expect(f).toEqual({ kind: 'cancelled', step: 200 });
    expect(describeFailure(f as NonNullable<typeof f>)).toBe('run cancelled at step 200');
  });
});

describe('input errors are exceptions, before any step', () => {
  it('a system that is not charge neutral under the forcefield is refused', () => {
    const counts = [40, 60]; // Si40 O60: 40·2.4 − 60·1.2 = +24 e with BKS charges
    const sys = randomInsertion(SILICA, counts, boxForDensity(SILICA, counts, 2.2), createRng(2));
    expect(() => createMdState(sys, buckDsf, buckDsf.prepare(SILICA, builtinForceField('BKS')), 2.0)).toThrow(/not charge neutral: net charge 24\.0000 e/);
  });
});

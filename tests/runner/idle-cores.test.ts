/** Threads per evaluation follow the idle cores: cores less the load average, shared among the evaluations. */
import { describe, expect, it, vi } from 'vitest';

const os = vi.hoisted(() => ({ cores: 16, load: 0 }));
vi.mock('node:os', async (importOriginal) => ({
  ...(await importOriginal<typeof import('node:os')>()),
  availableParallelism: () => os.cores,
  loadavg: () => [os.load, os.load, os.load],
}));
const { defaultThreadsPerEvaluation, idleCores } = await import('../../src-main/runner/idle-cores.ts');

describe('idle cores', () => {
  it('gives an idle machine all its cores, shared among the evaluations', () => {
    os.cores = 16;
    os.load = 0.2;
    expect(idleCores()).toBe(16);
    expect(defaultThreadsPerEvaluation(1)).toBe(16);
    expect(defaultThreadsPerEvaluation(4)).toBe(4);
    expect(defaultThreadsPerEvaluation(16)).toBe(1);
  });

  it('leaves the cores other work keeps busy, and never goes below one thread', () => {
    os.cores = 16;
    os.load = 3.6;
    expect(idleCores()).toBe(12);
    expect(defaultThreadsPerEvaluation(4)).toBe(3);
    os.cores = 2;
    os.load = 7.5; // a shared CI box
    expect(idleCores()).toBe(1);
    expect(defaultThreadsPerEvaluation(1)).toBe(1);
  });
});

describe('core sharing (pool.ts shareCores)', () => {
  it('gives each worker a team as large as the idle cores, capped, and shares those cores; one idle core: no team', async () => {
    const { coreSharing } = await import('../../src-main/runner/idle-cores.ts');
    os.cores = 16;
    os.load = 0;
    expect(coreSharing(8, 1)).toEqual({ threadsPerEvaluation: 8, shareCores: 16 });
    // 16 workers on 16 cores: teams of 2 (twice the fair share), not 8 helpers each.
    expect(coreSharing(8, 16)).toEqual({ threadsPerEvaluation: 2, shareCores: 16 });
    expect(coreSharing(8, 4)).toEqual({ threadsPerEvaluation: 8, shareCores: 16 });
    os.cores = 2;
    expect(coreSharing(8, 2)).toEqual({ threadsPerEvaluation: 2, shareCores: 2 });
    os.load = 1.8;
    expect(coreSharing(8, 1)).toEqual({ threadsPerEvaluation: 1 });
  });
});

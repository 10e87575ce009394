import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src-main/cli/glassfit.ts';

const dir = mkdtempSync(join(tmpdir(), 'glassfit-evaluate-'));
afterEach(() => vi.restoreAllMocks());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((s: unknown) => void out.push(String(s)));
  vi.spyOn(console, 'error').mockImplementation((s: unknown) => void err.push(String(s)));
  return { out, err };
}

// 648 atoms (the smallest box for 8 Å + 2 Å skin), 0.1 ps soft start, 0.1 ps + 0.1 ps: a quick look, not
// a converged liquid.
const SHORT = ['--atoms', '648', '--start-ps', '0.1', '--relax-ps', '0.1', '--prod-ps', '0.1', '--quiet'];

describe('glassfit evaluate', () => {
  it('prints R_χ and χ per pair in % as one JSON object, replicas as mean ± sd, and writes g(r) and ADF', async () => {
    const io = capture();
    const gr = join(dir, 'gr.csv');
    const adf = join(dir, 'adf.csv');
    const code = await main(['evaluate', '--potential', 'chik', ...SHORT, '--replicas', '2', '--json', '--gr-out', gr, '--adf-out', adf]);
    expect(io.err).toEqual([]);
    expect(code).toBe(0);
    const j = JSON.parse(io.out.join('\n'));
    expect(j).toMatchObject({ potential: 'CHIK', units: 'percent', replicas: 2, done: 2, failed: [], kernel: 'table', reference: { abInitio: false } });
    expect(Object.keys(j.chi)).toEqual(['SiSi', 'SiO', 'OO']);
    expect(j.runs).toHaveLength(2);
    const [a, b] = j.runs.map((r: { rchi: number }) => r.rchi);
    expect(j.rchi).toBeCloseTo((a + b) / 2, 10);
    expect(j.rchiSd).toBeCloseTo(Math.abs(a - b) / Math.SQRT2, 10);
    // In percent: a short CHIK run against the CHIK reference lands at a few %, not at 0.0x.
    expect(j.rchi).toBeGreaterThan(0.5);
    expect(j.rchi).toBeLessThan(15);
    for (const p of ['SiSi', 'SiO', 'OO']) expect(j.chi[p]).toBeCloseTo((j.runs[0].chi[p] + j.runs[1].chi[p]) / 2, 10);
    const [head, ...rows] = readFileSync(gr, 'utf8').trim().split('\n');
    expect(head).toBe('r,SiSi,SiO,OO');
    const cols = rows.map((l) => l.split(',').map(Number));
    const g = { r: cols.map((c) => c[0]), SiO: cols.map((c) => c[2]) };
    expect(g.r).toHaveLength(400);
    const peak = g.SiO.indexOf(Math.max(...g.SiO));
    expect(g.r[peak]).toBeGreaterThan(1.5);
    expect(g.r[peak]).toBeLessThan(1.7);
    expect(readFileSync(adf, 'utf8').split('\n')[0]).toBe('theta,OSiO,SiOSi');
  });

  it('prints a readable table that says the default reference is not AIMD', async () => {
    const io = capture();
    expect(await main(['evaluate', '--potential', 'bks', ...SHORT])).toBe(0);
    const text = io.out.join('\n');
    expect(text).toMatch(/^BKS against CHIK liquid SiO2 at 3600 K/);
    expect(text).toMatch(/not AIMD/);
    expect(text).toMatch(/protocol: 648 atoms, 2.2 g\/cm³, 3600 K, 1 fs, 0.1 ps relax \+ 0.1 ps production/);
    for (const p of ['SiSi', 'SiO', 'OO', 'R_χ']) expect(text).toMatch(new RegExp(`^  ${p}\\s+\\d+\\.\\d\\d$`, 'm'));
    expect(text).toMatch(/wall time: .* per evaluation \(\d+\.\d\d µs per atom-step\)/);
  });

  it('reports a blow-up in one clear line and exits with 3', async () => {
    const file = join(dir, 'collapse.json');
    // CHIK without its Si–O repulsion and with q_Si = 4: Si and O fall onto each other.
    writeFileSync(file, JSON.stringify({ qSi: 4, A_SiO: 0, rho_SiO: 0.193, C_SiO: 148.1, A_OO: 659.6, rho_OO: 0.386, C_OO: 26.84, A_SiSi: 3150.5, rho_SiSi: 0.351, C_SiSi: 626.75 }));
    const io = capture();
    expect(await main(['evaluate', '--potential', file, ...SHORT, '--json'])).toBe(3);
    const j = JSON.parse(io.out.join('\n'));
    expect(j).toMatchObject({ done: 0, rchi: null, failed: [{ kind: expect.any(String) }] });
    expect(io.err).toHaveLength(1);
    expect(io.err[0]).toMatch(/^glassfit: replica with seed \d+: MD blew up at step \d+: /);
  });

  it('rejects bad input before any MD, naming the problem, with exit code 2', async () => {
    const io = capture();
    expect(await main(['evaluate', '--potential', 'chik', '--replicas', '0'])).toBe(2);
    expect(await main(['evaluate', '--potential', 'nosuch'])).toBe(2);
    expect(await main(['evaluate', '--potential', 'chik', '--atoms', '30'])).toBe(2);
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'r,SiSi,SiO,OO\n0.01,0,0,0\n0.03,0,zero,0\n');
    expect(await main(['evaluate', '--potential', 'chik', '--reference', bad])).toBe(2);
    expect(await main(['evaluate', '--potential', 'chik', '--reference', join(dir, 'missing.csv')])).toBe(2);
    const lines = io.err.join('\n');
    expect(lines).toMatch(/--replicas must be an integer ≥ 1/);
    expect(lines).toMatch(/unknown potential 'nosuch'/);
    expect(lines).toMatch(/30 atoms at 2.2 g\/cm³: box edge x = .* is too small for the cut-off 8 Å \+ skin 2 Å/);
    expect(lines).toMatch(/bad\.csv:3: /);
    expect(lines).toMatch(/cannot read reference '.*missing\.csv': ENOENT/);
  });

  it('runs one replica on two threads with the one-thread result (to round-off), and rejects --threads 0', async () => {
    const runs: number[] = [];
    for (const threads of ['1', '2']) {
      const io = capture();
      expect(await main(['evaluate', '--potential', 'bks', ...SHORT, '--threads', threads, '--json'])).toBe(0);
      runs.push(JSON.parse(io.out.join('\n')).rchi);
    }
    // 400 steps from the same start: the trajectories differ by round-off only (md/force-team.ts).
    expect(Math.abs(runs[1] - runs[0])).toBeLessThan(1e-6 * runs[0]);
    const io = capture();
    expect(await main(['evaluate', '--potential', 'bks', ...SHORT, '--threads', '0'])).toBe(2);
    expect(io.err.join('\n')).toMatch(/--threads/);
  });
});

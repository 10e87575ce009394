/**
 * `glassfit glass` end to end on a tiny system at a very fast rate: the --json object (the keys,
 * error bars from two replicas, made on two threads), the --out-dir files, and one-line errors for bad options.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src-main/cli/glassfit.ts';
import { readExtxyz } from '../../src-worker/io/extxyz.ts';

const dir = mkdtempSync(join(tmpdir(), 'glassfit-glass-'));
const TINY = ['--atoms', '192', '--rate', '2000', '--liquid-ps', '0.2', '--relax-ps', '0.1', '--sample-ps', '0.2', '--start-steps', '200', '--quiet'];

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  return { out, err };
}

afterEach(() => vi.restoreAllMocks());

describe('glassfit glass', () => {
  it('--json: density, fq_rchi, fsdp_q, mean_SiOSi with standard errors over two replicas; --out-dir files', async () => {
    const io = capture();
    const out = join(dir, 'bks');
    const code = await main(['glass', '--potential', 'bks', ...TINY, '--replicas', '2', '--threads', '2', '--json', '--out-dir', out]);
    expect(io.err).toEqual([]);
    expect(code).toBe(0);
    const j = JSON.parse(io.out[0]);
    for (const k of ['density', 'fq_rchi', 'fsdp_q', 'mean_SiOSi', 'density_err', 'mean_SiOSi_err', 'qn', 'z_Si']) expect(j).toHaveProperty(k);
    expect(j.density).toBeGreaterThan(2.0);
    expect(j.density).toBeLessThan(2.8);
    expect(j.density_err).toBeGreaterThan(0);
    expect(j.fq_rchi).toBeGreaterThan(0);
    expect(j.mean_SiOSi).toBeGreaterThan(130);
    expect(j.replicas).toBe(2);
    expect(j.threads).toBe(2);
    expect(j.experiment.density).toBe(2.2);
    for (const f of ['fq.csv', 'tr.csv', 'gr.csv', 'adf.csv', 'summary.json', 'glass-1.extxyz', 'glass-2.extxyz']) expect(existsSync(join(out, f))).toBe(true);
    const fq = readFileSync(join(out, 'fq.csv'), 'utf8').trim().split('\n');
    expect(fq[0]).toBe('Q_invA,F_sim_barn,S_sim,Q_exp_invA,F_exp_barn');
    expect(fq.length).toBeGreaterThan(990); // the measured grid is the longer column
    const glass = readExtxyz(readFileSync(join(out, 'glass-1.extxyz'), 'utf8'), 'glass-1.extxyz')[0];
    expect(glass.n).toBe(192);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).density).toBe(j.density);
  });

  it('prints a readable summary without --json', async () => {
    const io = capture();
    expect(await main(['glass', '--potential', 'chik', ...TINY, '--threads', '1'])).toBe(0);
    const text = io.out.join('\n');
    expect(text).toMatch(/CHIK glass: 192 atoms/);
    expect(text).toMatch(/density +\d\.\d{4} g\/cm³ +\(experiment 2\.2\)/);
    expect(text).toMatch(/F\(Q\) R_χ/);
  });

  it('bad options end with one line naming the problem', async () => {
    let io = capture();
    expect(await main(['glass', '--potential', 'bks', '--rate', '0'])).not.toBe(0);
    expect(io.err.join('\n')).toMatch(/cooling rate must be a positive/);
    vi.restoreAllMocks();
    io = capture();
    expect(await main(['glass', '--potential', 'bks', '--atoms', '100'])).not.toBe(0);
    expect(io.err.join('\n')).toMatch(/multiple of 3/);
    vi.restoreAllMocks();
    io = capture();
    expect(await main(['glass', '--potential', 'bks', '--threads', '0'])).not.toBe(0);
    expect(io.err.join('\n')).toMatch(/--threads/);
    vi.restoreAllMocks();
    io = capture();
    expect(await main(['glass', '--potential', 'nosuch'])).not.toBe(0);
    expect(io.err.join('\n')).toMatch(/unknown potential/);
  });
});

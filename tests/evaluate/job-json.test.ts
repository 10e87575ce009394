/**
 * An evaluation as files (the slurm backend's 'js' payload): `glassfit evaluate --spec job.json --result result.json`
 * gives bit for bit the result the in-process evaluator gives for the same (forcefield, spec) — R_χ, g(r), angles,
 * the final configuration — and a damaged or foreign job or result file is a one-line error.
 */
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src-main/cli/glassfit.ts';
import { evaluate } from '../../src-worker/evaluate/evaluate.ts';
import { silentContext } from '../../src-worker/md/protocol.ts';
import { jobFromJson, jobToJson, resultFromJson, resultToJson } from '../../src-worker/evaluate/job-json.ts';
import { builtinForceField } from '../../src-worker/params/sets.ts';
import { smallSpec } from './small.ts';

const dir = mkdtempSync(join(tmpdir(), 'glassfit-job-'));
afterEach(() => vi.restoreAllMocks());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('evaluation job and result files', () => {
  const ff = builtinForceField('BKS');
  const spec = smallSpec({}, { earlyStop: { threshold: 5, checkpoints: [0.5], windowPs: 0.05 } });

  it('glassfit evaluate --spec/--result gives the in-process result bit for bit', async () => {
    const job = join(dir, 'job.json');
    const out = join(dir, 'result.json');
    writeFileSync(job, jobToJson(ff, spec));
    const back = jobFromJson(readFileSync(job, 'utf8'));
    expect(back.ff).toEqual(ff);
    expect(back.spec.reference.hash).toBe(spec.reference.hash);
    expect(back.spec.earlyStop).toEqual(spec.earlyStop);
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await main(['evaluate', '--spec', job, '--result', out])).toBe(0);
    const fromFile = resultFromJson(readFileSync(out, 'utf8'), spec);
    const here = evaluate(ff, spec, silentContext());
    if (here.status !== 'done' || fromFile.status !== 'done') throw new Error('expected done runs');
    expect(fromFile.rChi).toBe(here.rChi);
    expect(fromFile.rdf.g.SiO).toEqual(here.rdf.g.SiO);
    expect(fromFile.rdf.g.SiO).toBeInstanceOf(Float64Array);
    expect(fromFile.final.pos).toEqual(here.final.pos);
    expect(fromFile.adf?.mean).toEqual(here.adf?.mean);
    // The in-memory form survives the file form unchanged (wall times aside).
    expect({ ...resultFromJson(resultToJson(here), spec), timings: null }).toEqual({ ...here, timings: null });
  }, 60_000);

  it('a damaged job file, a foreign result file, and --result without --spec are one-line errors', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ format: 'glassfit-evaluation-job', version: 1, spec: {}, forcefield: {} }));
    const err: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((s: unknown) => void err.push(String(s)));
    expect(await main(['evaluate', '--spec', bad, '--result', join(dir, 'r.json')])).toBe(2);
    expect(err.at(-1)).toMatch(/^glassfit: error: .*bad\.json: the job file does not match glassfit-evaluation-job v1: /);
    expect(await main(['evaluate', '--result', join(dir, 'r.json')])).toBe(2);
    expect(err.at(-1)).toMatch(/--result goes with --spec/);
    const here = evaluate(ff, { ...spec, earlyStop: undefined }, silentContext());
    expect(() => resultFromJson(resultToJson(here), { ...spec, seed: 99 })).toThrow(/another evaluation/);
    expect(() => resultFromJson('{"format": "glassfit-evaluation-result", "ver', spec)).toThrow(/not JSON/);
  }, 60_000);
});

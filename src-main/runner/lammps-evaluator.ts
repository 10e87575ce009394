/**
 * The `lammps` backend's evaluator: each evaluation is one local LAMMPS process (`lmp`, or `mpirun -np K lmp`)
 * in its own folder, running the job src-worker/evaluate/lammps-job.ts writes and read back by it. Plain Node.
 *
 * - A job folder is `<workDir>/e<seed>-<pid>-<n>`; it is removed after a 'done' result (everything worth keeping
 *   is in the store) and kept after a failure, with the folder named in the reason, for the user to inspect.
 * - Abort (pause, stop) sends SIGTERM to the process (SIGKILL 5 s later) and resolves as 'cancelled'.
 * - A LAMMPS that cannot be started (not installed, wrong name) rejects: that is the installation's fault, not the
 *   point's, and the runner pauses the campaign with the message instead of failing every evaluation.
 * - Progress: the input prints a stage line before each stage and LAMMPS prints thermo lines, read from stdout.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ForceField } from '../../src-worker/md/forcefield.ts';
import type { Progress } from '../../src-worker/md/protocol.ts';
import type { EvaluateOptions, EvaluationResult, EvaluationSpec, Evaluator } from '../../src-worker/evaluate/spec.ts';
import type { LammpsSettings } from '../../src-worker/campaign/records.ts';
import {
  LAMMPS_FILES,
  STAGE_MARK,
  lammpsCancelledResult,
  lammpsEngine,
  lammpsInvalidResult,
  lammpsJob,
  lammpsResult,
  lammpsVersion,
  type LammpsOutputs,
} from '../../src-worker/evaluate/lammps-job.ts';

export interface LammpsEvaluatorOptions {
  readonly lammps: LammpsSettings;
  /** Folder the job folders go in (created when missing). */
  readonly workDir: string;
  /** Keep the folders of 'done' jobs too (default false). */
  readonly keep?: boolean;
}

/** LAMMPS could not be started at all. */
export class LammpsStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LammpsStartError';
  }
}

/** The command line of one job: [executable, ...args]. `-in` and `-log` are relative to the job folder. */
export function lammpsCommand(s: LammpsSettings): string[] {
  const lmp = [s.command, '-in', LAMMPS_FILES.input, '-log', LAMMPS_FILES.log, '-nocite'];
  // --allow-run-as-root: CI containers run as root; mpirun refuses without it and ignores it otherwise.
  return s.mpiRanks > 1 ? ['mpirun', '--allow-run-as-root', '-np', String(s.mpiRanks), ...lmp] : lmp;
}

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

let jobCounter = 0;

/** The version `<command> -h` prints, or null when it cannot be run: the engine of results no LAMMPS log names. */
export function probeLammpsVersion(command: string): Promise<string | null> {
  return new Promise((res) => {
    execFile(command, ['-h'], { timeout: 30_000, maxBuffer: 8 * 2 ** 20 }, (err, stdout) => res(err && !stdout ? null : lammpsVersion(String(stdout))));
  });
}

export function createLammpsEvaluator(opts: LammpsEvaluatorOptions): Evaluator & { close(): Promise<void> } {
  const live = new Set<ReturnType<typeof spawn>>();
  const [exe, ...baseArgs] = lammpsCommand(opts.lammps);
  // Invalid parameters and cancellations never reach a LAMMPS log: they carry the version `lmp -h` gives, so a
  // campaign's results name one engine, not 'lammps 29 Sep 2021' and 'lammps unknown version'.
  let version: Promise<string | null> | null = null;

  async function evaluate(ff: ForceField, spec: EvaluationSpec, eo: EvaluateOptions = {}): Promise<EvaluationResult> {
    version ??= probeLammpsVersion(opts.lammps.command);
    const engine = lammpsEngine(await version);
    return run(ff, spec, eo, engine);
  }

  function run(ff: ForceField, spec: EvaluationSpec, eo: EvaluateOptions, engine: string): Promise<EvaluationResult> {
    if (eo.signal?.aborted) return Promise.resolve(lammpsCancelledResult(spec, 0, engine));
    const job = lammpsJob(ff, spec);
    if ('invalid' in job) return Promise.resolve(lammpsInvalidResult(spec, job.invalid, engine));
    const dir = join(opts.workDir, `e${spec.seed}-${process.pid}-${++jobCounter}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(job.files)) writeFileSync(join(dir, name), text);
    const t0 = performance.now();
    return new Promise<EvaluationResult>((resolve, reject) => {
      let output = '';
      let cancelled = false;
      let killTimer: NodeJS.Timeout | null = null;
      const child = spawn(exe, baseArgs, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      live.add(child);
      const onAbort = () => {
        cancelled = true;
        child.kill('SIGTERM');
        killTimer = setTimeout(() => child.kill('SIGKILL'), 5000);
      };
      eo.signal?.addEventListener('abort', onAbort, { once: true });
      // Progress from the stage lines and thermo lines (step temp pe) LAMMPS prints.
      let stage: Progress['phase'] = 'start';
      let offset = 0;
      let lastReport = 0;
      let pending = '';
      const onData = (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        // Keep the tail only: enough for the error line, bounded for a chatty run.
        output = (output + text).slice(-20_000);
        if (!eo.onProgress) return;
        pending += text;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          if (line.startsWith(STAGE_MARK)) {
            const [, , name, first] = line.split(/\s+/);
            stage = name === 'relax' || name === 'production' ? name : 'start';
            offset = Number(first) || 0;
            continue;
          }
          const m = /^\s*(\d+)\s+([-+0-9.eE]+)\s+([-+0-9.eE]+)\s*$/.exec(line);
          if (!m) continue;
          const now = performance.now();
          if (now - lastReport < 500) continue;
          lastReport = now;
          const step = Math.min(job.plan.totalSteps, offset + Number(m[1]));
          const elapsed = (now - t0) / 1000;
          eo.onProgress({
            phase: stage,
            step,
            totalSteps: job.plan.totalSteps,
            temperature: Number(m[2]),
            potentialEnergy: Number(m[3]),
            etaS: step > 0 ? (elapsed * (job.plan.totalSteps - step)) / step : Infinity,
          });
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      let started = true;
      child.on('error', (e: NodeJS.ErrnoException) => {
        started = false;
        live.delete(child);
        eo.signal?.removeEventListener('abort', onAbort);
        rmSync(dir, { recursive: true, force: true });
        const why = e.code === 'ENOENT' ? `'${exe}' was not found (install LAMMPS or set the campaign's LAMMPS command: glassfit campaign set <id> --lammps-command …)` : e.message;
        reject(new LammpsStartError(`cannot start LAMMPS: ${why}`));
      });
      child.on('close', (code, signal) => {
        if (!started) return;
        live.delete(child);
        if (killTimer) clearTimeout(killTimer);
        eo.signal?.removeEventListener('abort', onAbort);
        const wallS = (performance.now() - t0) / 1000;
        if (cancelled) {
          rmSync(dir, { recursive: true, force: true });
          resolve(lammpsCancelledResult(spec, wallS, engine));
          return;
        }
        const out: LammpsOutputs = {
          log: readOrNull(join(dir, LAMMPS_FILES.log)),
          rdf: readOrNull(join(dir, LAMMPS_FILES.rdf)),
          thermo: readOrNull(join(dir, LAMMPS_FILES.thermo)),
          frames: readOrNull(join(dir, LAMMPS_FILES.frames)),
          final: readOrNull(join(dir, LAMMPS_FILES.final)),
          window: readOrNull(join(dir, LAMMPS_FILES.window)),
          exit: { code, signal },
          output,
        };
        let result: EvaluationResult;
        try {
          result = lammpsResult(spec, job, out, wallS);
        } catch (e) {
          // Outputs LAMMPS wrote but glassfit cannot read: a failed point, with the folder kept to look at.
          result = { ...lammpsCancelledResult(spec, wallS, engine), failure: { kind: 'engine', step: job.plan.totalSteps, message: (e as Error).message }, reason: `LAMMPS output unreadable: ${(e as Error).message}` };
        }
        if (result.status === 'failed') result = { ...result, reason: `${result.reason} (job folder ${dir})` };
        else if (!opts.keep && existsSync(dir)) rmSync(dir, { recursive: true, force: true });
        resolve(result);
      });
    });
  }

  return {
    evaluate,
    async close() {
      for (const c of live) c.kill('SIGKILL');
      live.clear();
    },
  };
}

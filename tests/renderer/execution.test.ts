/** The workbench's execution draft (lib/execution.ts): what the form and the edit dialog send, and the problems they name. */
import { describe, expect, it } from 'vitest';
import { draftOf, executionInput } from '../../src-renderer/src/lib/execution.ts';
import { DEFAULT_EXECUTION, type ExecutionSettings } from '../../src-worker/campaign/records.ts';
import { executionSettings } from '../../src-worker/campaign/setup.ts';

const stored: ExecutionSettings = {
  backend: 'lammps',
  lammps: { command: 'lmp_mpi', mpiRanks: 4 },
  slurm: { payload: 'lammps', partition: 'short', account: 'glass', timeLimit: '2:00:00', modules: ['lammps/2023', 'openmpi'], workDir: '/scratch/gf', maxInFlight: 32, pollS: 60 },
};

describe('execution draft', () => {
  it('reads stored settings back unchanged', () => {
    const r = executionInput(draftOf(stored), DEFAULT_EXECUTION);
    expect(r.ok && r.settings).toEqual({ ...stored, slurm: DEFAULT_EXECUTION.slurm });
    const slurm = executionInput({ ...draftOf(stored), backend: 'slurm' }, DEFAULT_EXECUTION);
    expect(slurm.ok && slurm.settings).toEqual({ ...stored, backend: 'slurm' });
  });

  it('sends only the sections the backend uses; the server merges the rest from what is stored', () => {
    const d = { ...draftOf(stored), backend: 'slurm' as const, payload: 'js' as const, modules: ' lammps/2023,  openmpi ', partition: ' ', timeLimit: 'soon-ish' };
    const bad = executionInput(d, stored);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.problems).toEqual(['time limit: must be a SLURM time such as 30, 1:00:00 or 1-00:00:00']);
    const r = executionInput({ ...d, timeLimit: '45' }, stored);
    if (!r.ok) throw new Error(r.problems.join('; '));
    expect(r.input).toEqual({ backend: 'slurm', slurm: { ...stored.slurm, payload: 'js', partition: null, timeLimit: '45' } });
    expect(executionSettings(r.input, stored)).toEqual(r.settings);
    // threads: a half-typed LAMMPS command blocks nothing and is not sent.
    const threads = executionInput({ ...draftOf(stored), backend: 'threads', lammpsCommand: 'lmp -in x' }, stored);
    expect(threads.ok && threads.input).toEqual({ backend: 'threads' });
  });

  it('names the field of each problem', () => {
    const r = executionInput({ ...draftOf(stored), lammpsCommand: 'lmp; rm', mpiRanks: 0 }, DEFAULT_EXECUTION);
    expect(!r.ok && r.problems.map((p) => p.split(':')[0])).toEqual(['LAMMPS command', 'MPI ranks']);
    const s = executionInput({ ...draftOf(stored), backend: 'slurm', modules: 'ok bad$mod', maxInFlight: 0 }, DEFAULT_EXECUTION);
    expect(!s.ok && s.problems.map((p) => p.split(':')[0])).toEqual(['modules', 'max in flight']);
  });

  it("ssh login node and the nodes' glassfit: sent when set, cleared together, checked as the CLI checks them", () => {
    const slurm = { ...draftOf(stored), backend: 'slurm' as const, payload: 'js' as const };
    const r = executionInput({ ...slurm, sshHost: 'me@login.cluster', sshPort: '2222', sshKey: '/home/me/.ssh/id_ed25519', remoteDir: '/scratch/me/gf', nodeGlassfit: ' node  /opt/glassfit/bin/glassfit.mjs ' }, stored);
    if (!r.ok) throw new Error(r.problems.join('; '));
    expect(r.settings.slurm).toMatchObject({ sshHost: 'me@login.cluster', sshPort: 2222, sshKey: '/home/me/.ssh/id_ed25519', remoteDir: '/scratch/me/gf', glassfit: 'node /opt/glassfit/bin/glassfit.mjs' });
    // Read back into the form and cleared: every ssh field goes null, so the server forgets them.
    const back = draftOf(r.settings);
    expect(back).toMatchObject({ sshHost: 'me@login.cluster', sshPort: '2222', remoteDir: '/scratch/me/gf', nodeGlassfit: 'node /opt/glassfit/bin/glassfit.mjs' });
    const off = executionInput({ ...back, sshHost: '', sshPort: '', sshKey: '', remoteDir: '', nodeGlassfit: '' }, r.settings);
    expect(off.ok && off.input.slurm).toMatchObject({ sshHost: null, sshPort: null, sshKey: null, remoteDir: null, glassfit: null });
    // A host without its folder, a folder without a host, a bad port and a command with shell syntax are named.
    const noDir = executionInput({ ...slurm, sshHost: 'login' }, stored);
    expect(!noDir.ok && noDir.problems).toEqual(["remote folder: ssh host login needs the job folders' path on the cluster"]);
    const noHost = executionInput({ ...slurm, remoteDir: '/scratch/x' }, stored);
    expect(!noHost.ok && noHost.problems).toEqual(['ssh host: the ssh port, key and remote folder need an ssh host']);
    const bad = executionInput({ ...slurm, sshHost: 'login', remoteDir: '/scratch/x', sshPort: 'x', nodeGlassfit: 'glassfit; rm -rf ~' }, stored);
    expect(!bad.ok && bad.problems.map((p) => p.split(':')[0])).toEqual(['ssh port', 'glassfit on the nodes']);
  });
});

/**
 * Makes a reference liquid with LAMMPS — the oracle, never glassfit's own engine — for the science benchmark
 * (issue 11 §5): SiO2 at 3600 K and 2.2 g/cm³ by the paper's protocol, for
 *   (i)  a Buckingham + DSF-Coulomb set given as a glassfit parameter file (the exact LAMMPS form of
 *        src-worker/io/lammps-export.ts: hybrid/overlay coul/dsf + buck + mie/cut for the D/r²⁴ walls), or
 *   (ii) the Morse-based potential of Pedone et al., J. Phys. Chem. B 110, 11780 (2006) (`--pedone`).
 *
 *   node bin/run-ts.mjs scripts/make-reference.ts (--potential set.json | --pedone) --name NAME
 *        [--out DIR] [--atoms 3000] [--seed 1] [--temp 3600] [--density 2.2] [--relax-ps 10] [--prod-ps 10]
 *        [--pedone-coulomb long|dsf] [--lmp lmp] [--np 1]
 *
 * Protocol (the built-in reference's, shared/lammps-fixtures/lammps-inputs/in.protocol): random insertion
 * (Si–Si 2.6, Si–O 1.5, O–O 2.2 Å apart; glassfit's randomInsertion with --seed) → minimise → velocities at T
 * (seed 7919·s + 11) → 1 ps at 0.5 fs with nve/limit 0.05 + Berendsen 0.02 ps → NVT relax (Nosé–Hoover chain,
 * Tdamp 0.1 ps, 1 fs) → NVT production with `compute rdf 400 1 1 1 2 2 2 cutoff 8.0` averaged by
 * `fix ave/time` every 10 steps: the built-in reference's grid (0.02 Å bins, r = bin centre).
 * Writes into DIR (default tests/fixtures/science/NAME): gr_NAME.csv (r_A,g_SiSi,g_SiO,g_OO, the built-in
 * reference's format), in.lammps, potential.lmp, start.data, log.lammps, summary.json (peaks, Si–O
 * coordination, temperature, pressure, wall time), forcefield.json for a Buckingham set, and PROVENANCE.md.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, int, num } from '../src-main/cli/args.ts';
import { splitOptions } from '../src-main/cli/potential-arg.ts';
import { readForceFieldFile } from '../src-worker/params/forcefield-file.ts';
import { lammpsInclude } from '../src-worker/io/lammps-export.ts';
import { writeLammpsData } from '../src-worker/io/lammps-data.ts';
import { boxForDensity, randomInsertion, silicaCounts } from '../src-worker/md/start.ts';
import { createRng } from '../src-worker/rng.ts';
import { SILICA } from '../src-worker/species.ts';
import type { ForceField } from '../src-worker/md/forcefield.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Pedone et al. 2006, Table 1 (SiO2 entries): U = q_i q_j/r + D[(1 − e^{−a(r−r0)})² − 1] + C/r¹², charges
 * Si 2.4, O −1.2; no Si–Si short range. D eV, a Å⁻¹, r0 Å, C eV·Å¹². The same numbers appear in independent
 * public inputs (a LAMMPS `morse` include and a Monte Carlo force-field file: see PROVENANCE.md).
 */
export const PEDONE_2006 = {
  charges: { Si: 2.4, O: -1.2 },
  SiO: { D: 0.340554, a: 2.0067, r0: 2.1, C: 1.0 },
  OO: { D: 0.042395, a: 1.379316, r0: 3.618701, C: 22.0 },
  /**
   * Short-range cut-off (Å), chosen here: the O–O Morse term is −6 meV at 5.5 Å and the Si–O one −0.7 meV, so the
   * unshifted truncation changes forces negligibly (LAMMPS's later `pair_style pedone` documentation uses 15 Å).
   */
  cutoff: 5.5,
} as const;

// ------------------------------------------------------------------------------------------ options

const { values: raw } = parse(process.argv.slice(2), {
  potential: { type: 'string' },
  pedone: { type: 'boolean' },
  'pedone-coulomb': { type: 'string' },
  name: { type: 'string' },
  out: { type: 'string' },
  atoms: { type: 'string' },
  seed: { type: 'string' },
  temp: { type: 'string' },
  density: { type: 'string' },
  'relax-ps': { type: 'string' },
  'prod-ps': { type: 'string' },
  lmp: { type: 'string' },
  np: { type: 'string' },
});
const { str: opt, flag } = splitOptions(raw as Record<string, unknown>);
const fail = (msg: string): never => {
  console.error(`make-reference: ${msg}`);
  process.exit(2);
};
if (flag.pedone === (opt.potential !== undefined)) fail('give exactly one of --potential FILE.json or --pedone');
const name = opt.name ?? fail('--name is required (the fixture folder and file names)');
if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) fail(`--name '${name}': letters, digits, '_', '.', '-' only`);
const outDir = resolve(opt.out ?? join(ROOT, 'tests/fixtures/science', name));
const atoms = int(opt.atoms, 'atoms', 3000, 3);
const seed = int(opt.seed, 'seed', 1, 1);
const T = num(opt.temp, 'temp', 3600, (x) => x > 0);
const density = num(opt.density, 'density', 2.2, (x) => x > 0);
const relaxPs = num(opt['relax-ps'], 'relax-ps', 10, (x) => x > 0);
const prodPs = num(opt['prod-ps'], 'prod-ps', 10, (x) => x > 0);
const pedoneCoulomb = opt['pedone-coulomb'] ?? 'long';
if (pedoneCoulomb !== 'long' && pedoneCoulomb !== 'dsf') fail(`--pedone-coulomb must be long or dsf, got '${pedoneCoulomb}'`);
const lmp = opt.lmp ?? 'lmp';
const np = int(opt.np, 'np', 1, 1);

// ------------------------------------------------------------------------------------------ potential

interface Potential {
  readonly include: string;
  readonly charges: Record<string, number>;
  readonly description: string;
  readonly parameters: string;
  readonly forcefield?: ForceField;
  readonly sourceFile?: string;
}

function pedonePotential(): Potential {
  const p = PEDONE_2006;
  // C/r¹² as lj/cut with σ = 1 (4ε/r¹² − 4ε/r⁶, ε = C/4) plus buck with A = 0 and C_buck = −4ε: the r⁻⁶ parts
  // cancel exactly inside the common cut-off (neither is shifted), leaving C/r¹², as LAMMPS has no pure r⁻¹² style.
  const coul = pedoneCoulomb === 'long' ? 'coul/long 10.0' : 'coul/dsf 0.25 8.0';
  const rc = p.cutoff;
  const lines = [
    `# Pedone, Malavasi, Menziani, Cormack, Segre, J. Phys. Chem. B 110, 11780 (2006), SiO2 part:`,
    `# U = q_i q_j/r + D[(1 - exp(-a(r - r0)))^2 - 1] + C/r^12; Si 2.4, O -1.2; short range cut at ${rc} A (not shifted)`,
    `# Coulomb: ${pedoneCoulomb === 'long' ? 'Ewald (PPPM, 1e-5 relative force accuracy, real-space cut 10 A), as Pedone used Ewald sums' : 'coul/dsf alpha 0.25 1/A, cut 8 A (glassfit\'s Coulomb)'}`,
    'mass 1 28.0855',
    'mass 2 15.9994',
    `set type 1 charge ${p.charges.Si}`,
    `set type 2 charge ${p.charges.O}`,
    `pair_style hybrid/overlay ${coul} morse ${rc} lj/cut ${rc} buck ${rc}`,
    `pair_coeff * * ${coul.split(' ')[0]}`,
    `pair_coeff 1 2 morse ${p.SiO.D} ${p.SiO.a} ${p.SiO.r0}   # SiO: D eV, a 1/A, r0 A`,
    `pair_coeff 2 2 morse ${p.OO.D} ${p.OO.a} ${p.OO.r0}   # OO`,
    `pair_coeff 1 2 lj/cut ${p.SiO.C / 4} 1.0   # SiO: 4 eps = C = ${p.SiO.C} eV A^12 (its -C/r^6 cancelled below)`,
    `pair_coeff 2 2 lj/cut ${p.OO.C / 4} 1.0   # OO: C = ${p.OO.C} eV A^12`,
    `pair_coeff 1 2 buck 0.0 1.0 ${-p.SiO.C}   # +C/r^6 cancels lj/cut's attraction`,
    `pair_coeff 2 2 buck 0.0 1.0 ${-p.OO.C}`,
  ];
  if (pedoneCoulomb === 'long') lines.push('kspace_style pppm 1.0e-5');
  return {
    include: lines.join('\n') + '\n',
    charges: { ...p.charges },
    description: `Pedone et al. 2006 Morse + C/r^12 + Coulomb (${pedoneCoulomb === 'long' ? 'Ewald/PPPM' : 'DSF'}), partial charges Si 2.4, O -1.2`,
    parameters: [
      '| pair | D (eV) | a (Å⁻¹) | r0 (Å) | C (eV·Å¹²) |',
      '| --- | --- | --- | --- | --- |',
      `| Si–O | ${p.SiO.D} | ${p.SiO.a.toFixed(6)} | ${p.SiO.r0.toFixed(6)} | ${p.SiO.C} |`,
      `| O–O | ${p.OO.D} | ${p.OO.a} | ${p.OO.r0} | ${p.OO.C} |`,
      '',
      `Charges q_Si = 2.4, q_O = −1.2 e; no Si–Si short-range term; short-range cut-off ${rc} Å, not shifted (chosen here: the O–O Morse term is −6 meV there, Si–O −0.7 meV).`,
      `Coulomb: ${pedoneCoulomb === 'long' ? "Ewald summation as Pedone's simulations used, here PPPM (kspace_style pppm 1e-5, real-space cut-off 10 Å)" : 'coul/dsf, α 0.25 Å⁻¹, cut-off 8 Å (glassfit\'s Coulomb, not Pedone\'s)'}.`,
      '',
      'The parameters were checked against an independent public LAMMPS input: github.com/gvermillion/research,',
      '`pot/beryl/potential_beryl_tip.mod` (`morse 0.340554 2.006700 2.100000` for Si–O, `0.042395 1.379316 3.618701` for',
      "O–O), and against a public Monte Carlo force-field file of the Pedone form (C 1.0 / 22.0 eV·Å¹², charges 2.4 / −1.2); LAMMPS's",
      '`pair_style pedone` documentation (added after the version used here) gives the same O–O numbers.',
    ].join('\n'),
  };
}

function buckPotential(file: string): Potential {
  const f = readForceFieldFile(readFileSync(file, 'utf8'), basename(file));
  if (f.species.species.map((s) => s.name).join(',') !== 'Si,O') fail(`${file}: a SiO2 set (species Si, O) is needed`);
  const include = lammpsInclude(f.ff, f.species, { date: new Date().toISOString().slice(0, 10), notes: [`reference set ${f.name ?? name}: ${f.source ?? file}`] });
  const rows = ['SiSi', 'SiO', 'OO'].map((p) => {
    const x = f.ff.pair[p];
    return `| ${p.replace(/^(Si|O)/, '$1–')} | ${x.A} | ${x.rho} | ${x.C} | ${x.D} |`;
  });
  return {
    include,
    charges: { ...f.ff.charge },
    description: `Buckingham + DSF Coulomb (glassfit's form, alpha ${f.ff.dsf.alpha} 1/Å, cut-offs ${f.ff.dsf.cutoff}/${f.ff.cutoff} Å) + D/r^24 walls: ${f.name ?? name}`,
    parameters: [
      `Charges: q_Si = ${f.ff.charge.Si}, q_O = ${f.ff.charge.O} e. Source: ${f.source ?? '(none given)'}`,
      '',
      '| pair | A (eV) | ρ (Å) | C (eV·Å⁶) | D (eV·Å²⁴) |',
      '| --- | --- | --- | --- | --- |',
      ...rows,
    ].join('\n'),
    forcefield: f.ff,
    sourceFile: file,
  };
}

const pot = flag.pedone ? pedonePotential() : buckPotential(resolve(opt.potential as string));

// ------------------------------------------------------------------------------------------ start and input

const counts = silicaCounts(atoms);
const box = boxForDensity(SILICA, counts, density);
const start = randomInsertion(SILICA, counts, box, createRng(seed));
const names = Array.from(start.type, (t) => SILICA.species[t].name);
const startData = writeLammpsData({ n: start.n, box, names, pos: start.pos }, { title: `random start, ${atoms} atoms SiO2, ${density} g/cm3, seed ${seed}`, species: SILICA, charges: pot.charges });

const nRelax = Math.round(relaxPs * 1000);
const nProd = Math.round(prodPs * 1000);
if (nProd % 10 !== 0) fail('--prod-ps must be a multiple of 0.01 ps (g(r) is sampled every 10 steps)');
const input = `# glassfit reference liquid (scripts/make-reference.ts): ${name}
# ${pot.description}
# ${atoms} atoms SiO2, ${box.lx.toFixed(4)} A cube (${density} g/cm3), ${T} K; seed ${seed}
# usage: lmp -in in.lammps -log log.lammps   (from this folder: start.data, potential.lmp)
variable        T equal ${T}
variable        nrelax equal ${nRelax}
variable        nprod equal ${nProd}
units           metal
atom_style      charge
boundary        p p p
read_data       start.data
include         potential.lmp
neighbor        2.0 bin
neigh_modify    delay 0 every 1 check yes
comm_modify     cutoff 12.5
thermo_style    custom step temp pe ke etotal press
thermo_modify   flush yes

# ---- soft start: relax the random packing, then 1 ps at 0.5 fs with strong Berendsen coupling
minimize        1.0e-8 1.0e-6 2000 20000
reset_timestep  0
velocity        all create \${T} ${7919 * seed + 11} mom yes rot yes dist gaussian
timestep        0.0005
fix             lim all nve/limit 0.05
fix             ber all temp/berendsen \${T} \${T} 0.02
thermo          200
run             2000
unfix           lim
unfix           ber

# ---- relax: NVT (Nose-Hoover chain, Tdamp = 0.1 ps), dt = 1 fs
reset_timestep  0
timestep        0.001
fix             nvt all nvt temp \${T} \${T} 0.1
thermo          1000
run             \${nrelax}

# ---- production: g(r) 0-8 A, 400 bins (0.02 A), sampled every 10 steps, one average over the whole run
reset_timestep  0
compute         rdf all rdf 400 1 1 1 2 2 2 cutoff 8.0
fix             rdf all ave/time 10 $(v_nprod/10) \${nprod} c_rdf[*] file rdf.dat mode vector
compute         pe all pe
fix             avg all ave/time 10 $(v_nprod/10) \${nprod} c_thermo_temp c_pe c_thermo_press file thermo_avg.dat
run             \${nprod}
write_data      final.data
print           "PROTOCOL DONE ${name}"
`;

// ------------------------------------------------------------------------------------------ run

const work = mkdtempSync(join(tmpdir(), `glassfit-ref-${name}-`));
writeFileSync(join(work, 'start.data'), startData);
writeFileSync(join(work, 'potential.lmp'), pot.include);
writeFileSync(join(work, 'in.lammps'), input);
console.error(`make-reference: ${name}: ${atoms} atoms, ${relaxPs} + ${prodPs} ps at ${T} K, LAMMPS in ${work}`);
const t0 = performance.now();
const cmd = np > 1 ? ['mpirun', ['--allow-run-as-root', '-np', String(np), lmp, '-in', 'in.lammps', '-log', 'log.lammps', '-screen', 'none']] : [lmp, ['-in', 'in.lammps', '-log', 'log.lammps', '-screen', 'none']];
const proc = spawnSync(cmd[0] as string, cmd[1] as string[], { cwd: work, stdio: ['ignore', 'inherit', 'inherit'] });
const wallS = (performance.now() - t0) / 1000;
const log = existsSync(join(work, 'log.lammps')) ? readFileSync(join(work, 'log.lammps'), 'utf8') : '';
if (proc.status !== 0 || !log.includes(`PROTOCOL DONE ${name}`)) {
  const tail = log.split('\n').slice(-15).join('\n');
  fail(`LAMMPS did not finish (exit ${proc.status ?? proc.signal}); its files are kept in ${work}\n${tail}`);
}

// ------------------------------------------------------------------------------------------ results

/** The last block of a `fix ave/time … mode vector` file: rows of numbers. */
function lastBlock(text: string): number[][] {
  const lines = text.split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  let k = lines.length - 1;
  while (k >= 0 && lines[k].trim().split(/\s+/).length !== 2) k--;
  return lines.slice(k + 1).map((l) => l.trim().split(/\s+/).map(Number));
}
const rdfText = readFileSync(join(work, 'rdf.dat'), 'utf8');
// Rows: index, r, g11, coord11, g12, coord12, g22, coord22; kept as LAMMPS printed them (6 significant digits).
const rdfRows = rdfText
  .split('\n')
  .filter((l) => l.trim() && !l.startsWith('#'))
  .map((l) => l.trim().split(/\s+/))
  .filter((f) => f.length === 8);
const rows = lastBlock(rdfText);
if (rows.length !== 400 || rdfRows.length !== 400) fail(`rdf.dat holds ${rows.length} rows, expected 400 (files kept in ${work})`);
const csv = ['r_A,g_SiSi,g_SiO,g_OO', ...rdfRows.map((f) => [f[1], f[2], f[4], f[6]].join(','))].join('\n') + '\n';

const r = rows.map((x) => x[1]);
const col = (k: number) => rows.map((x) => x[k]);
const gSiSi = col(2);
const gSiO = col(4);
const cSiO = col(5);
const gOO = col(6);
const peak = (g: number[], lo: number, hi: number) => {
  let best = -1;
  for (let i = 0; i < r.length; i++) if (r[i] >= lo && r[i] <= hi && (best < 0 || g[i] > g[best])) best = i;
  return { r: r[best], g: g[best] };
};
const pSiO = peak(gSiO, 1.2, 2.2);
// First minimum of g_SiO after its peak (within 2.6 Å): where the Si–O coordination is counted.
let iMin = r.findIndex((x) => x > pSiO.r);
for (let i = iMin; i < r.length && r[i] <= 2.6; i++) if (gSiO[i] < gSiO[iMin]) iMin = i;
const coordAt = (rc: number) => {
  const i = r.findIndex((x) => x >= rc);
  return cSiO[Math.max(0, i - 1)] + ((cSiO[i] - cSiO[i - 1]) * (rc - r[i - 1])) / (r[i] - r[i - 1]);
};
// The thermo average file is scalar mode: its last data line is "step temp pe press".
const th = readFileSync(join(work, 'thermo_avg.dat'), 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#')).pop()?.trim().split(/\s+/).map(Number) ?? [];
const version = /LAMMPS \(([^)]+)\)/.exec(log)?.[1] ?? 'unknown';
const summary = {
  name,
  potential: pot.description,
  atoms,
  boxA: box.lx,
  densityGcm3: density,
  temperatureK: T,
  relaxPs,
  prodPs,
  seed,
  velocitySeed: 7919 * seed + 11,
  lammpsVersion: version,
  mpiRanks: np,
  wallSeconds: Math.round(wallS),
  peaks: { SiO: pSiO.r, OO: peak(gOO, 2.2, 3.2).r, SiSi: peak(gSiSi, 2.6, 3.8).r },
  gSiOPeak: pSiO.g,
  gSiOFirstMinimum: r[iMin],
  siCoordination: { atFirstMinimum: cSiO[iMin], at2_3A: coordAt(2.3) },
  production: { meanTemperatureK: th[1], meanPeEv: th[2], meanPressureBar: th[3] },
};

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, `gr_${name}.csv`), csv);
for (const f of ['in.lammps', 'potential.lmp', 'start.data', 'log.lammps']) copyFileSync(join(work, f), join(outDir, f));
writeFileSync(join(outDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
if (pot.sourceFile && resolve(pot.sourceFile) !== join(outDir, 'forcefield.json')) copyFileSync(pot.sourceFile, join(outDir, 'forcefield.json'));
const gitRev = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();
const prov = `# Reference liquid \`${name}\` — classical MD by LAMMPS, not ab initio

Made by \`scripts/make-reference.ts\` (glassfit ${gitRev}) with LAMMPS ${version}, ${np} MPI rank${np > 1 ? 's' : ''}, in ${Math.round(wallS)} s:

    node bin/run-ts.mjs scripts/make-reference.ts ${process.argv.slice(2).map((a) => (a.startsWith(ROOT) ? relative(ROOT, a) : a)).join(' ')}

## Potential

${pot.description}.

${pot.parameters}

LAMMPS form: \`potential.lmp\`${pot.forcefield ? " (written by glassfit's LAMMPS export, src-worker/io/lammps-export.ts: the exact form glassfit's engine computes)" : ''}.${pot.forcefield ? ' The parameter file is `forcefield.json` (glassfit format; `--potential forcefield.json` runs it in glassfit).' : ''}

## Protocol (\`in.lammps\`)

${atoms} atoms (${counts[0]} Si + ${counts[1]} O) in a ${box.lx.toFixed(4)} Å cube (${density} g/cm³), periodic, metal units.
Random start \`start.data\` (glassfit randomInsertion, seed ${seed}; minimum distances Si–Si 2.6, Si–O 1.5, O–O 2.2 Å)
→ \`minimize 1e-8 1e-6 2000 20000\` → velocities at ${T} K (Gaussian, seed ${7919 * seed + 11}, zero momentum)
→ 2000 steps of 0.5 fs with \`fix nve/limit 0.05\` + \`fix temp/berendsen ${T} ${T} 0.02\`
→ ${relaxPs} ps NVT (\`fix nvt temp ${T} ${T} 0.1\`, Nosé–Hoover chain, dt 1 fs)
→ ${prodPs} ps NVT production: \`compute rdf 400 1 1 1 2 2 2 cutoff 8.0\` averaged by \`fix ave/time 10 ${nProd / 10} ${nProd}\`
(${nProd / 10} samples). Neighbour skin 2 Å, checked every step.

## The liquid it made (\`summary.json\`)

| quantity | value |
| --- | --- |
| first peaks (Å) | Si–O ${summary.peaks.SiO}, O–O ${summary.peaks.OO}, Si–Si ${summary.peaks.SiSi} |
| g_SiO first minimum (Å) | ${summary.gSiOFirstMinimum} |
| Si–O coordination | ${summary.siCoordination.atFirstMinimum.toFixed(3)} (at the first minimum), ${summary.siCoordination.at2_3A.toFixed(3)} (r < 2.3 Å) |
| production mean T (K), pressure (bar) | ${th[1]?.toFixed(1)}, ${th[3]?.toFixed(0)} |

## Files

| file | content |
| --- | --- |
| \`gr_${name}.csv\` | \`r_A,g_SiSi,g_SiO,g_OO\`, 0–8 Å, 0.02 Å bins (r = bin centre), as LAMMPS printed them: the built-in reference's format, usable as \`--reference\` |
| \`in.lammps\`, \`potential.lmp\`, \`start.data\` | the LAMMPS input exactly as run (from this folder: \`lmp -in in.lammps\`) |
| \`log.lammps\` | LAMMPS's log of the run |
| \`summary.json\` | the figures above |
${pot.forcefield ? '| `forcefield.json` | the parameter set (glassfit format) |\n' : ''}`;
writeFileSync(join(outDir, 'PROVENANCE.md'), prov);
rmSync(work, { recursive: true, force: true });
console.error(
  `make-reference: ${name}: wrote ${relative(ROOT, outDir) || outDir} in ${Math.round(wallS)} s — Si–O peak ${summary.peaks.SiO} Å, Si coordination ${summary.siCoordination.atFirstMinimum.toFixed(2)}, O–O ${summary.peaks.OO} Å, Si–Si ${summary.peaks.SiSi} Å, T ${th[1]?.toFixed(0)} K`,
);

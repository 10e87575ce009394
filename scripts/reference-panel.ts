/**
 * How far each reference of the science panel (tests/fixtures/science) lies from the built-in potentials' own
 * liquids: R_χ of the LAMMPS liquids of BKS, CHIK and ML (shared/lammps-fixtures/structure, 3000 atoms, 10 + 10 ps)
 * against each panel reference, LAMMPS against LAMMPS, no glassfit MD. A reference close to a built-in (a few %)
 * cannot show a fit beating the built-ins by much; one far from all of them tests the search.
 *
 *   node bin/run-ts.mjs scripts/reference-panel.ts [--fixtures DIR] [--liquids DIR] [--json]
 * --liquids: the fixtures' structure folder (default ../shared/lammps-fixtures/structure beside the checkout).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '../src-main/cli/args.ts';
import { loadReferenceFile } from '../src-main/reference/load.ts';
import { rChi } from '../src-worker/evaluate/cost.ts';
import { referenceLandmarks } from '../src-worker/physics/reference-features.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parse(process.argv.slice(2), { fixtures: { type: 'string' }, liquids: { type: 'string' }, json: { type: 'boolean' } });
const fixtures = resolve((values.fixtures as string | undefined) ?? join(ROOT, 'tests/fixtures/science'));
const liquids = resolve((values.liquids as string | undefined) ?? join(ROOT, '../shared/lammps-fixtures/structure'));
const LIQUIDS = ['BKS', 'CHIK', 'ML'].map((n) => ({ name: n, file: join(liquids, `gr_${n}_s1.csv`) }));
for (const l of LIQUIDS) if (!existsSync(l.file)) throw new Error(`${l.file} is missing: the built-ins' LAMMPS liquids come from ../shared/lammps-fixtures`);

const names = readdirSync(fixtures, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(fixtures, d.name, `gr_${d.name}.csv`)))
  .map((d) => d.name)
  .sort();
const rows = names.map((name) => {
  const ref = loadReferenceFile(join(fixtures, name, `gr_${name}.csv`));
  const lm = referenceLandmarks(ref);
  const summary = JSON.parse(readFileSync(join(fixtures, name, 'summary.json'), 'utf8')) as { siCoordination: { atFirstMinimum: number } };
  const against = Object.fromEntries(LIQUIDS.map((l) => [l.name, rChi(ref, loadReferenceFile(l.file)).rChi]));
  return { name, peaks: { SiO: lm.SiO?.peak, OO: lm.OO?.peak, SiSi: lm.SiSi?.peak }, siCoordination: summary.siCoordination.atFirstMinimum, rChiOfBuiltinLiquids: against };
});
if (values.json) console.log(JSON.stringify(rows));
else {
  console.log('| reference | Si–O / O–O / Si–Si peak (Å) | Si coordination | R_χ of BKS / CHIK / ML liquid (%) |');
  console.log('| --- | --- | --- | --- |');
  for (const r of rows)
    console.log(
      `| ${r.name} | ${r.peaks.SiO} / ${r.peaks.OO} / ${r.peaks.SiSi} | ${r.siCoordination.toFixed(2)} | ${LIQUIDS.map((l) => (100 * r.rChiOfBuiltinLiquids[l.name]).toFixed(2)).join(' / ')} |`,
    );
}

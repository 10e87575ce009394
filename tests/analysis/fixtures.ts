/** Paths and readers for the LAMMPS/VASP fixtures under tests/fixtures (copies of the shared LAMMPS and VASP fixtures, see each PROVENANCE.md). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function fixturePath(rel: string): string {
  return fileURLToPath(new URL(`../fixtures/${rel}`, import.meta.url));
}

export function fixtureText(rel: string): string {
  return readFileSync(fixturePath(rel), 'utf8');
}

export function fixtureJson<T = Record<string, unknown>>(rel: string): T {
  return JSON.parse(fixtureText(rel)) as T;
}

/** A numeric CSV with a header: column name → values (independent of glassfit's table reader). */
export function csvColumns(rel: string): Record<string, number[]> {
  const [head, ...rows] = fixtureText(rel).trim().split('\n');
  const names = head.split(',');
  const out: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const row of rows) row.split(',').forEach((v, i) => out[names[i]].push(Number(v)));
  return out;
}

/**
 * |ours − printed| within half a unit of the printed value's 6th significant digit (LAMMPS prints %g),
 * widened by 1e-9 relative so that a value that lies on a rounding boundary does not fail on round-off.
 */
export function agreesTo6Digits(ours: number, printed: number): boolean {
  if (printed === 0) return ours === 0;
  const unit = 10 ** (Math.floor(Math.log10(Math.abs(printed))) - 5);
  return Math.abs(ours - printed) <= 0.5 * unit * (1 + 1e-9) + 1e-9 * Math.abs(printed);
}

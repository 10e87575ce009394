/**
 * Column tables of structure data, read and written: partial g(r) (`r,SiSi,SiO,OO`, or the LAMMPS fixtures'
 * `r_A,g_SiSi,g_SiO,g_OO`) and bond-angle distributions (`theta,OSiO,SiOSi` or `theta_deg,p_OSiO,p_SiOSi`).
 * Comma-separated or whitespace-separated; the header may be a '#' comment line; other '#' lines are
 * comments. Column names are matched to species pairs/triplets of the species table, in either order
 * ('OSi' is 'SiO'). Also: resampling a table onto another grid (the evaluation grid).
 */
import { pairName, typeOf, type PairName, type SpeciesTable } from '../species.ts';
import { ParseError } from './frame.ts';
import { parseNumber, quote, readLines, type RangeSpec } from './parse-fields.ts';
import { quoteToken } from './limits.ts';

/** A table as read: column names and one Float64Array per column. */
export interface ColumnTable {
  readonly columns: readonly string[];
  readonly data: readonly Float64Array[]; // [nColumns][nRows]
  readonly rows: number;
  readonly headerLine: number; // 1-based
}

const R_NAME = /^r(_?A|_?Å|_?ang(strom)?|\s*\((A|Å)\)|\s*\[(A|Å)\])?$/i;
const THETA_NAME = /^(theta|angle|θ)(_?deg(rees)?|\s*\(deg(rees)?\)|\s*\[deg\]|_?°|\s*\(°\))?$/i;

/**
 * Read a header + numeric rows table. `firstColumn` recognises the abscissa's name in the header; `ranges`
 * gives the physical range of the abscissa and of the other columns (limits.ts), checked value by value.
 */
export function readColumnTable(text: string, fileName: string, firstColumn: RegExp, example: string, ranges: { readonly x: RangeSpec; readonly y: RangeSpec }): ColumnTable {
  const lines = readLines(text, fileName);
  let k = 0;
  let header: string[] | null = null;
  let csv = false;
  for (; k < lines.length; k++) {
    const raw = lines[k].trim();
    if (raw === '') continue;
    const isComment = raw.startsWith('#');
    const body = isComment ? raw.replace(/^#+/, '').trim() : raw;
    csv = body.includes(',');
    const cols = (csv ? body.split(',') : body.split(/\s+/)).map((c) => c.trim());
    if (firstColumn.test(cols[0])) {
      header = cols;
      k++;
      break;
    }
    if (!isComment) {
      throw new ParseError(fileName, k + 1, `bad header: the first line must name the columns, e.g. '${example}'; got ${quote(raw)}`);
    }
  }
  if (!header) throw new ParseError(fileName, Math.max(1, lines.length), `no header naming the columns, e.g. '${example}'`);
  const headerLine = k;
  if (header.length < 2) throw new ParseError(fileName, headerLine, `bad header: it names only one column; expected e.g. '${example}'`);
  if (header.some((c) => c === '')) throw new ParseError(fileName, headerLine, 'bad header: an empty column name');

  const cols: number[][] = header.map(() => []);
  for (; k < lines.length; k++) {
    const raw = lines[k].trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const f = csv ? raw.split(',').map((s) => s.trim()) : raw.split(/\s+/);
    if (f.length !== header.length) throw new ParseError(fileName, k + 1, `row has ${f.length} columns, the header names ${header.length}`);
    for (let c = 0; c < f.length; c++) cols[c].push(parseNumber(f[c], fileName, k + 1, `value of ${header[c]}`, c === 0 ? ranges.x : ranges.y));
  }
  const rows = cols[0].length;
  if (rows < 2) throw new ParseError(fileName, lines.length, `the table has ${rows} data row${rows === 1 ? '' : 's'}; at least 2 are needed`);
  const x = cols[0];
  for (let i = 1; i < rows; i++) {
    if (!(x[i] > x[i - 1])) {
      throw new ParseError(fileName, findRowLine(lines, headerLine, i), `${header[0]} must increase down the table: ${x[i]} follows ${x[i - 1]}`);
    }
  }
  return { columns: header, data: cols.map((c) => Float64Array.from(c)), rows, headerLine };
}

/** 1-based line of data row i (comments and blank lines skipped), for errors found after reading. */
function findRowLine(lines: readonly string[], headerLine: number, row: number): number {
  let seen = -1;
  for (let k = headerLine; k < lines.length; k++) {
    const raw = lines[k].trim();
    if (raw === '' || raw.startsWith('#')) continue;
    if (++seen === row) return k + 1;
  }
  return lines.length;
}

/** Element symbols of a column name such as 'g_SiO', 'g(Si-O)', 'Si-O', 'OSi', 'p_OSiO'; null if none. */
function symbolsOf(name: string, prefix: string, count: number): string[] | null {
  let s = name.trim();
  const pre = new RegExp(`^${prefix}(_|\\(|\\[)`);
  if (pre.test(s)) s = s.replace(pre, '').replace(/[)\]]$/, '');
  s = s.replace(/[-_:–]/g, '');
  const m = new RegExp(`^${'([A-Z][a-z]?)'.repeat(count)}$`).exec(s);
  return m ? m.slice(1) : null;
}

function speciesIndex(table: SpeciesTable, sym: string, col: string, file: string, line: number): number {
  const t = typeOf(table, sym);
  if (t < 0) throw new ParseError(file, line, `column ${quoteToken(col)}: unknown species '${sym}' (expected ${table.species.map((s) => s.name).join(', ')})`);
  return t;
}

/** A partial g(r) table. */
export interface GrTable {
  readonly r: Float64Array; // [rows] Å
  readonly pairs: readonly PairName[]; // in the species table's canonical order
  readonly g: Readonly<Record<PairName, Float64Array>>;
}

export function readGrTable(text: string, fileName: string, species: SpeciesTable): GrTable {
  const t = readColumnTable(text, fileName, R_NAME, 'r,SiSi,SiO,OO', { x: 'r', y: 'g' });
  const g: Record<PairName, Float64Array> = {};
  const order: { name: PairName; key: number }[] = [];
  const nTypes = species.species.length;
  for (let c = 1; c < t.columns.length; c++) {
    const col = t.columns[c];
    const sym = symbolsOf(col, 'g', 2);
    if (!sym) throw new ParseError(fileName, t.headerLine, `bad header: column ${quoteToken(col)} does not name a species pair (e.g. SiO or g_SiO)`);
    const ti = speciesIndex(species, sym[0], col, fileName, t.headerLine);
    const tj = speciesIndex(species, sym[1], col, fileName, t.headerLine);
    const name = pairName(species, ti, tj);
    if (g[name]) throw new ParseError(fileName, t.headerLine, `bad header: pair ${name} appears twice`);
    g[name] = t.data[c];
    order.push({ name, key: Math.min(ti, tj) * nTypes + Math.max(ti, tj) });
  }
  order.sort((a, b) => a.key - b.key);
  return { r: t.data[0], pairs: order.map((o) => o.name), g };
}

/** A bond-angle distribution table (θ in degrees). */
export interface AdfTable {
  readonly theta: Float64Array; // [rows] degrees
  readonly triplets: readonly string[]; // 'OSiO'
  readonly p: Readonly<Record<string, Float64Array>>; // 1/degree as given
}

export function readAdfTable(text: string, fileName: string, species: SpeciesTable): AdfTable {
  const t = readColumnTable(text, fileName, THETA_NAME, 'theta,OSiO,SiOSi', { x: 'theta', y: 'adf' });
  const p: Record<string, Float64Array> = {};
  const triplets: string[] = [];
  for (let c = 1; c < t.columns.length; c++) {
    const col = t.columns[c];
    const sym = symbolsOf(col, 'p', 3);
    if (!sym) throw new ParseError(fileName, t.headerLine, `bad header: column ${quoteToken(col)} does not name an angle triplet (e.g. OSiO or p_OSiO)`);
    for (const s of sym) speciesIndex(species, s, col, fileName, t.headerLine);
    const name = sym.join('');
    if (p[name]) throw new ParseError(fileName, t.headerLine, `bad header: triplet ${name} appears twice`);
    p[name] = t.data[c];
    triplets.push(name);
  }
  return { theta: t.data[0], triplets, p };
}

/**
 * y(x) sampled at `grid` by linear interpolation; grid points outside [x₀, x_last] are not sampled and the
 * caller gets the index range that was (`from`, `to` exclusive). Where the grids coincide (within 1e-9·Δx)
 * values are copied, not interpolated, so a table on the evaluation grid enters the cost bit for bit.
 */
export function resample(x: Float64Array, y: Float64Array, grid: Float64Array): { values: Float64Array; from: number; to: number } {
  const n = x.length;
  const tol = 1e-9 * ((x[n - 1] - x[0]) / (n - 1));
  let from = 0;
  while (from < grid.length && grid[from] < x[0] - tol) from++;
  let to = grid.length;
  while (to > from && grid[to - 1] > x[n - 1] + tol) to--;
  const values = new Float64Array(Math.max(0, to - from));
  let k = 0;
  for (let i = from; i < to; i++) {
    const r = grid[i];
    while (k < n - 2 && x[k + 1] <= r + tol) k++;
    if (Math.abs(r - x[k]) <= tol) values[i - from] = y[k];
    else if (Math.abs(r - x[k + 1]) <= tol) values[i - from] = y[k + 1];
    else {
      const w = (r - x[k]) / (x[k + 1] - x[k]);
      values[i - from] = y[k] + w * (y[k + 1] - y[k]);
    }
  }
  return { values, from, to };
}

/** 8 significant digits: more than LAMMPS prints (6), well below a g(r)'s statistical noise. */
function fmt(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(8))) : 'nan';
}

/** CSV with columns `r,SiSi,SiO,OO` (r in Å, bin centres). */
export function writeGrCsv(r: Float64Array, pairs: readonly PairName[], g: Readonly<Record<PairName, Float64Array>>): string {
  const out = [['r', ...pairs].join(',')];
  for (let i = 0; i < r.length; i++) out.push([fmt(r[i]), ...pairs.map((p) => fmt(g[p][i]))].join(','));
  return out.join('\n') + '\n';
}

/** CSV with columns `theta,OSiO,SiOSi` (θ in degrees, bin centres; p in 1/degree). */
export function writeAdfCsv(theta: Float64Array, triplets: readonly string[], p: Readonly<Record<string, Float64Array>>): string {
  const out = [['theta', ...triplets].join(',')];
  for (let i = 0; i < theta.length; i++) out.push([fmt(theta[i]), ...triplets.map((t) => fmt(p[t][i]))].join(','));
  return out.join('\n') + '\n';
}

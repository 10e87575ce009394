/**
 * A glass summary as CSV files (the CLI's --out-dir and the Glass view's export): F(Q)/S(Q) with the measured
 * F(Q), T(r) with the measured T(r), partial and total g(r), and the bond-angle distributions. Replica means;
 * the measured curves on their own grids in the same files (empty cells where a grid has no point).
 */
type Numbers = ArrayLike<number>;
/** A GlassSummary's curves, or the same as plain arrays (the API's glass.get result). */
export interface GlassCurves {
  readonly q: Numbers;
  readonly fq: Numbers;
  readonly sq: Numbers;
  readonly r: Numbers;
  readonly g: Readonly<Record<string, Numbers>>;
  readonly gTotal: Numbers;
  readonly tr: Numbers;
  readonly theta: Numbers;
  readonly pOSiO: Numbers;
  readonly pSiOSi: Numbers;
}
type XY = { readonly x: Numbers; readonly y: Numbers };

const fmt = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '' : x.toPrecision(8));

/** Rows of columns of unequal length, padded with empty cells. */
function table(header: readonly string[], cols: readonly Numbers[]): string {
  const n = Math.max(...cols.map((c) => c.length));
  const lines = [header.join(',')];
  for (let i = 0; i < n; i++) lines.push(cols.map((c) => fmt(i < c.length ? c[i] : undefined)).join(','));
  return lines.join('\n') + '\n';
}

export function glassCsv(s: { readonly curves: GlassCurves }, exp: { readonly fq: XY; readonly tr: XY } | null): Record<string, string> {
  const c = s.curves;
  const e = exp ?? { fq: { x: [], y: [] }, tr: { x: [], y: [] } };
  const pairs = Object.keys(c.g);
  return {
    'fq.csv': table(['Q_invA', 'F_sim_barn', 'S_sim', 'Q_exp_invA', 'F_exp_barn'], [c.q, c.fq, c.sq, e.fq.x, e.fq.y]),
    'tr.csv': table(['r_A', 'T_sim_barn_per_A2', 'T_exp_barn_per_A2'], [c.r, c.tr, e.tr.x.length === c.r.length ? e.tr.y : []]),
    'gr.csv': table(['r_A', ...pairs.map((p) => `g_${p}`), 'g_total_neutron'], [c.r, ...pairs.map((p) => c.g[p]), c.gTotal]),
    'adf.csv': table(['theta_deg', 'p_OSiO', 'p_SiOSi'], [c.theta, c.pOSiO, c.pSiOSi]),
  };
}

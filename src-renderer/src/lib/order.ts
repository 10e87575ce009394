// The paper's table order of pairs and parameters (Tables 1–4), used wherever lists of them are shown.

export const PAIR_ORDER = ['SiO', 'OO', 'SiSi'];
export const PARAM_ORDER = ['qSi', 'rmin_SiO', 'A_SiO', 'rho_SiO', 'C_SiO', 'rwall_OO', 'A_OO', 'rho_OO', 'C_OO', 'rwall_SiSi', 'A_SiSi', 'rho_SiSi', 'C_SiSi'];

/** Sort names by a canonical order; unknown names last, alphabetically. */
export function byOrder(order: readonly string[]): (a: string, b: string) => number {
  const rank = (n: string) => {
    const i = order.indexOf(n);
    return i < 0 ? order.length : i;
  };
  return (a, b) => rank(a) - rank(b) || a.localeCompare(b);
}

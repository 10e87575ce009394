/**
 * The complementary error function to full double precision, which JavaScript lacks. The DSF Coulomb shift
 * constants must use an accurate erfc (LAMMPS calls libm's in `init_style`), while the pair loop uses the
 * Abramowitz–Stegun polynomial on purpose (see `erfcAS` and buck-dsf.ts).
 *
 * `erfc` is W. J. Cody's rational Chebyshev approximation ("Rational Chebyshev approximations for the error
 * function", Math. Comp. 23, 631–638, 1969; netlib specfun CALERF, public domain): relative error below
 * 1e-16 in theory, a few ulp in double arithmetic (checked in tests/md/erfc.test.ts against glibc's erfc).
 */

// |x| ≤ 0.46875: erf(x) = x·P(x²)/Q(x²)
const A0 = 3.1611237438705656;
const A1 = 113.864154151050156;
const A2 = 377.485237685302021;
const A3 = 3209.37758913846947;
const A4 = 0.185777706184603153;
const B0 = 23.6012909523441209;
const B1 = 244.024637934444173;
const B2 = 1282.61652607737228;
const B3 = 2844.23683343917062;

// 0.46875 < |x| ≤ 4: erfc(x) = exp(−x²)·P(x)/Q(x)
const C0 = 0.564188496988670089;
const C1 = 8.88314979438837594;
const C2 = 66.1191906371416295;
const C3 = 298.635138197400131;
const C4 = 881.95222124176909;
const C5 = 1712.04761263407058;
const C6 = 2051.07837782607147;
const C7 = 1230.33935479799725;
const C8 = 2.15311535474403846e-8;
const D0 = 15.7449261107098347;
const D1 = 117.693950891312499;
const D2 = 537.181101862009858;
const D3 = 1621.38957456669019;
const D4 = 3290.79923573345963;
const D5 = 4362.61909014324716;
const D6 = 3439.36767414372164;
const D7 = 1230.33935480374942;

// |x| > 4: erfc(x) = exp(−x²)/x·(1/√π − R(1/x²)/x²)
const P0 = 0.305326634961232344;
const P1 = 0.360344899949804439;
const P2 = 0.125781726111229246;
const P3 = 0.0160837851487422766;
const P4 = 6.58749161529837803e-4;
const P5 = 0.0163153871373020978;
const Q0 = 2.56852019228982242;
const Q1 = 1.87295284992346047;
const Q2 = 0.527905102951428412;
const Q3 = 0.0605183413124413191;
const Q4 = 0.00233520497626869185;

const SQRPI_INV = 0.56418958354775628695; // 1/√π
const XBIG = 26.543; // erfc underflows to 0 beyond this

/** erfc(y)·exp(y²)-free evaluation for y > 0.46875, multiplied back by exp(−y²) split to keep precision. */
function erfcPositiveTail(y: number): number {
  let r: number;
  if (y <= 4) {
    let num = C8 * y;
    let den = y;
    num = (num + C0) * y;
    den = (den + D0) * y;
    num = (num + C1) * y;
    den = (den + D1) * y;
    num = (num + C2) * y;
    den = (den + D2) * y;
    num = (num + C3) * y;
    den = (den + D3) * y;
    num = (num + C4) * y;
    den = (den + D4) * y;
    num = (num + C5) * y;
    den = (den + D5) * y;
    num = (num + C6) * y;
    den = (den + D6) * y;
    r = (num + C7) / (den + D7);
  } else {
    if (y >= XBIG) return 0;
    const ysq = 1 / (y * y);
    let num = P5 * ysq;
    let den = ysq;
    num = (num + P0) * ysq;
    den = (den + Q0) * ysq;
    num = (num + P1) * ysq;
    den = (den + Q1) * ysq;
    num = (num + P2) * ysq;
    den = (den + Q2) * ysq;
    num = (num + P3) * ysq;
    den = (den + Q3) * ysq;
    r = (ysq * (num + P4)) / (den + Q4);
    r = (SQRPI_INV - r) / y;
  }
  // exp(−y²) = exp(−s²)·exp(−(y−s)(y+s)) with s = y rounded down to 1/16: avoids the rounding error of y².
  const s = Math.trunc(y * 16) / 16;
  const del = (y - s) * (y + s);
  return Math.exp(-s * s) * Math.exp(-del) * r;
}

/** erf(x) for |x| ≤ 0.46875. */
function erfSmall(x: number): number {
  const ysq = x * x;
  let num = A4 * ysq;
  let den = ysq;
  num = (num + A0) * ysq;
  den = (den + B0) * ysq;
  num = (num + A1) * ysq;
  den = (den + B1) * ysq;
  num = (num + A2) * ysq;
  den = (den + B2) * ysq;
  return (x * (num + A3)) / (den + B3);
}

/** Complementary error function, accurate to a few ulp over the whole real line. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x);
  if (y <= 0.46875) return 1 - erfSmall(x);
  const t = erfcPositiveTail(y);
  return x < 0 ? 2 - t : t;
}

/** Error function, accurate to a few ulp. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x);
  if (y <= 0.46875) return erfSmall(x);
  const t = 1 - erfcPositiveTail(y);
  return x < 0 ? -t : t;
}

/** LAMMPS coul/dsf's pair-loop constants (pair_coul_dsf.cpp: EWALD_P, A1..A5; Abramowitz–Stegun 7.1.26). */
export const AS_P = 0.3275911;
export const AS_A1 = 0.254829592;
export const AS_A2 = -0.284496736;
export const AS_A3 = 1.421413741;
export const AS_A4 = -1.453152027;
export const AS_A5 = 1.061405429;

/**
 * erfc(x) for x ≥ 0 by the Abramowitz–Stegun 7.1.26 polynomial (|error| ≤ 1.5e-7), exactly as LAMMPS
 * evaluates it in the coul/dsf pair loop. Used to reproduce LAMMPS's numbers, not for accuracy.
 */
export function erfcAS(x: number): number {
  const t = 1 / (1 + AS_P * x);
  return t * (AS_A1 + t * (AS_A2 + t * (AS_A3 + t * (AS_A4 + t * AS_A5)))) * Math.exp(-x * x);
}

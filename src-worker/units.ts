/**
 * Units inside glassfit are LAMMPS `metal`: Å, eV, ps, amu, K, e; force eV/Å, velocity Å/ps.
 * The constants are LAMMPS's own (src/update.cpp, `units metal`), not CODATA, so that energies and forces
 * match LAMMPS to round-off. This is the only file in the code base that holds a conversion factor.
 */

/** Coulomb constant k = 1/(4πε0), eV·Å/e² (LAMMPS metal `qqr2e`; CODATA differs by 3e-8). */
export const QQR2E = 14.399645;
/** Boltzmann constant, eV/K. */
export const BOLTZ = 8.617343e-5;
/** Kinetic energy: amu·Å²/ps² → eV. */
export const MVV2E = 1.0364269e-4;
/** Acceleration: (eV/Å)/amu → Å/ps². */
export const FTM2V = 1 / 1.0364269e-4;
/** Mass density: amu/Å³ → g/cm³. */
export const MV2D = 1 / 0.602214129;
/** Pressure: eV/Å³ → bar (LAMMPS metal `nktv2p`). */
export const NKTV2P = 1.6021765e6;
/** ps per fs, for user-facing timesteps given in fs. */
export const PS_PER_FS = 1e-3;
/** 1/√π, used by the DSF Coulomb terms. */
export const MY_PIS = 1.77245385090551602729; // √π as LAMMPS math_const MY_PIS

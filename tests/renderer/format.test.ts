// The renderer's formatting module: the one place numbers get units ('8.77 %', 'eV·Å⁶') and precision.
import { describe, expect, it } from 'vitest';
import { duration, num, pairLabel, param, paramAxis, paramParts, paramUnitOf, pct, pctPm, tripletLabel, NBSP } from '../../src-renderer/src/lib/format.ts';

const sp = (s: string) => s.replaceAll(NBSP, ' ');

describe('format', () => {
  it('shows R_χ fractions as percentages', () => {
    expect(sp(pct(0.0877))).toBe('8.77 %');
    expect(sp(pct(0.17, 1))).toBe('17.0 %');
    expect(pct(null)).toBe('—');
    expect(sp(pctPm(0.0877, 0.0025))).toBe('8.77 ± 0.25 %');
    expect(sp(pctPm(0.0877, null))).toBe('8.77 %');
  });

  it('gives each parameter kind its unit and precision', () => {
    expect(paramUnitOf('qSi')).toBe('e');
    expect(paramUnitOf('A_SiO')).toBe('eV');
    expect(paramUnitOf('rho_OO')).toBe('Å');
    expect(paramUnitOf('C_SiSi')).toBe('eV·Å⁶');
    expect(sp(param('qSi', 1.955))).toBe('1.955 e');
    expect(sp(param('A_SiO', 18003.7572))).toBe('18004 eV');
    expect(sp(param('rho_SiO', 1 / 4.87318))).toBe('0.2052 Å');
    expect(sp(param('C_SiO', 133.5381))).toBe('133.5 eV·Å⁶');
    expect(num('A_OO', NaN)).toBe('—');
  });

  it('labels parameters, pairs and triplets as the paper writes them', () => {
    expect(paramParts('rho_SiO')).toEqual({ base: 'ρ', sub: 'Si–O' });
    expect(paramParts('qSi')).toEqual({ base: 'q', sub: 'Si' });
    expect(paramAxis('A_SiO')).toBe('A_Si–O (eV)');
    expect(pairLabel('SiSi')).toBe('Si–Si');
    expect(pairLabel('OO')).toBe('O–O');
    expect(tripletLabel('OSiO')).toBe('O–Si–O');
    expect(tripletLabel('Si-O-Si')).toBe('Si–O–Si');
  });

  it('writes durations with two units at most', () => {
    expect(sp(duration(0.25))).toBe('250 ms');
    expect(sp(duration(42))).toBe('42 s');
    expect(sp(duration(185))).toBe('3 min 05 s');
    expect(sp(duration(2 * 3600 + 14 * 60))).toBe('2 h 14 min');
    expect(sp(duration(3 * 86400 + 4 * 3600))).toBe('3 d 4 h');
    expect(duration(null)).toBe('—');
  });
});
